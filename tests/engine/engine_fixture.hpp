// Helpers for the engine tests: a world with both engines and a session per
// server, and accessors for what a Response holds.
#pragma once

#include "engine/engine.hpp"
#include "seed_sql.hpp"
#include "sql/sql_engine.hpp"
#include "state/world.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace enginetest {

using namespace milink::emulator;
using milink::sdk::SqlDateTime;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

struct Fixture {
  explicit Fixture(const Scenario& scenario = default_scenario());

  EmulatorWorld world;
  SqlEngine sql;
  SqlEngine mi;
  Session sql_session;
  Session mi_session;

  /// Runs one batch on SQL Server / the managed instance.
  Response run(const std::string& batch, const std::vector<Param>& params = {});
  Response run_mi(const std::string& batch, const std::vector<Param>& params = {});
  /// Runs one batch and fails the test (with the messages) on any error.
  Response ok(const std::string& batch, const std::vector<Param>& params = {});
  Response ok_mi(const std::string& batch, const std::vector<Param>& params = {});
  /// Splits a script at GO lines, as SSMS and sqlcmd do, and runs each batch.
  std::vector<Response> script(const std::string& text);

  /// The seed's master key, certificate, endpoint, AG and DAG (a future expiry date).
  void build_link(const std::string& ag = "AG_sales", const std::string& db = "sales");
  std::vector<std::uint8_t> mi_certificate();
};

using seedtest::cell;
using seedtest::column;
using seedtest::describe;
using seedtest::errors;
using seedtest::only_set;
using seedtest::result_sets;
std::vector<Message> infos(const Response& r);
/// The single error; fails the test when there is not exactly one.
Message single_error(const Response& r);
/// A SELECT's single value.
SqlValue scalar(const Response& r);
/// Number of rows of the first result set.
std::size_t row_count(const Response& r);

}  // namespace enginetest
