//===- tests/emulator/emulator_fixture.hpp - A running emulator --*- C++ -*-===//
#pragma once

#include "app/emulator.hpp"
#include "sql/sql_service.hpp"
#include "test_support.hpp"
#include "workflow/config.hpp"

#include <milink/sdk/quote.hpp>
#include <milink/sdk/sql.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

namespace emutest {

using milink::sdk::SqlResult;
using milink::sdk::SqlValue;

/// An in-process emulator with a milink config written for it, and milink's
/// SQL service opened on that config: the path production takes.
class Running {
public:
  explicit Running(milink::emulator::EmulatorOptions options = {}) : emulator(std::move(options)) {
    emulator.start();
    emulator.write_config(dir / "milink.json");
    config = milink::workflow::load_config((dir / "milink.json").string());
    service = std::make_unique<milink::sql::SqlService>(config.root, config.file);
  }

  std::unique_ptr<milink::sql::OdbcSqlSession> open(const std::string& target) {
    std::string error;
    auto s = service->open(target, false, {}, error);
    INFO(error);
    REQUIRE(s);
    return s;
  }

  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  milink::workflow::Config config;
  std::unique_ptr<milink::sql::SqlService> service;
};

/// Runs \p sql, failing the test with the server's error when it fails.
inline SqlResult run(milink::sdk::SqlSession& s, const std::string& sql, const std::vector<SqlValue>& params = {}) {
  SqlResult out;
  milink::sdk::SqlError err;
  bool ok = s.execute(sql, params, false, out, err);
  INFO("SQL: " << sql << "\nerror " << err.number << ": " << err.message);
  REQUIRE(ok);
  return out;
}

/// Runs \p sql expecting a server error; returns it.
inline milink::sdk::SqlError fails(milink::sdk::SqlSession& s, const std::string& sql) {
  SqlResult out;
  milink::sdk::SqlError err;
  bool ok = s.execute(sql, {}, false, out, err);
  INFO("SQL: " << sql);
  REQUIRE_FALSE(ok);
  return err;
}

}  // namespace emutest
