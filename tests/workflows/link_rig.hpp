// An emulated SQL Server + managed instance + ARM, a config pointing at
// them, and the real milink binary running a bundled workflow against them.
#pragma once

#include "app/emulator.hpp"
#include "test_support.hpp"

#include <milink/sdk/sql.hpp>
#include <milink/sdk/value.hpp>

#include <map>
#include <string>
#include <vector>

namespace linkrig {

/// A scenario JSON text with \p databases (FULL recovery, one full backup,
/// 8 MB each) on SQL Server, and \p sql_version as its version.
std::string scenario_with(const std::vector<std::string>& databases, const std::string& sql_version = "15.0.4312.2");

/// Today + \p days (UTC, the real clock) as YYYY-MM-DD, or YYYYMMDD with
/// \p compact (the date suffix a certificate rotation gives).
std::string date_in(int days, bool compact = false);

/// Database names db01, db02, ... db<n>.
std::vector<std::string> numbered(int n);

/// The master key password every rig's config passes (from a file).
inline const char* kMasterKeyPassword = "Rig#Master-Key-Passw0rd";

struct Rig {
  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  milink::sdk::Value config;

  /// \p profile: the emulator timing profile ("fast", "demo", "realistic").
  explicit Rig(const std::string& scenario_json = "{}", const std::string& faults = "", const std::string& profile = "fast");

  /// Sets config.inputs.<name> and rewrites the config file.
  void set_input(const std::string& name, const milink::sdk::Value& v);
  void set_databases(const std::vector<std::string>& dbs);
  void save();

  /// `milink run <workflows>/<workflow> -c config.json --output json --state-dir state ...`.
  testsupport::ProcessResult run(const std::string& workflow, const std::vector<std::string>& extra = {});
  pid_t spawn(const std::string& workflow, const std::vector<std::string>& extra, const std::string& tag);
  std::vector<std::string> args(const std::string& workflow, const std::vector<std::string>& extra) const;

  /// The step_end events of a --output json run, by step key.
  static std::map<std::string, std::string> statuses(const std::string& json_lines);
  /// The events of a --output json run, in order.
  static std::vector<milink::sdk::Value> events(const std::string& json_lines);
  /// The reason of \p step's step_end event in a --output json run ("" when none).
  static std::string reason_of(const std::string& json_lines, const std::string& step);
  /// Waits up to \p timeout_ms until the journal of a run under state/runs
  /// has a step_end (a step boundary, for kill -9 tests); false on timeout.
  bool wait_for_step_end(int timeout_ms = 60000);
  /// The step_end records in the journals under state/runs (kill -9 tests).
  int finished_steps() const;

  milink::sdk::Value dump() { return emulator.dump(); }
  /// Statements SQL Server (or the managed instance) ran successfully that
  /// start with \p prefix (e.g. "CREATE AVAILABILITY GROUP"), leaving out
  /// the network check's temporary objects (named milink_network_check*).
  std::vector<std::string> statements(const std::string& prefix, const std::string& server = "sql_server");
  /// Successful ARM requests with \p method whose path contains \p fragment.
  int arm_requests(const std::string& method, const std::string& fragment);
  /// The bodies of those requests, in order ("" for none).
  std::vector<std::string> arm_bodies(const std::string& method, const std::string& fragment);

  /// Names of SQL Server's availability groups (distributed or not).
  std::vector<std::string> availability_groups();
  /// Names of certificates in SQL Server's master.
  std::vector<std::string> certificates();
  /// The managed instance's databases: name -> state_desc.
  std::map<std::string, std::string> instance_databases();
  /// Runs \p sql on the config's SQL target \p target ("sqlserver",
  /// "sqlserver.replicas.sqlbox2", ...) through milink's SQL service (ODBC,
  /// FreeTDS, TDS), as a plugin would; fails the test on an error.
  milink::sdk::SqlResult query(const std::string& target, const std::string& sql,
                               const std::vector<milink::sdk::SqlValue>& params = {});
};

/// The first \p n of \p v.
std::vector<std::string> first(const std::vector<std::string>& v, std::size_t n);

/// \p v as a JSON array of strings (a list input such as add or remove).
milink::sdk::Value names(const std::vector<std::string>& v);

/// Runs \p workflow, checking that it fails at step \p step saying \p message
/// (on stdout or stderr); returns both, for further checks.
std::string run_failing(Rig& rig, const std::string& workflow, const std::string& step, const std::string& message);

/// Checks that every step_end of a --output json run is "ok" (a second run that changes nothing).
void check_all_ok(const std::string& json_lines);

/// The databases[] of the link named \p link, brought up to now (fails the test when there is none).
std::vector<std::string> link_databases(Rig& rig, const std::string& link);

/// Whether every database of the link \p link reports HEALTHY in Azure (false when there is no such link).
bool link_healthy(Rig& rig, const std::string& link);

/// The link resource DAG_<db> brought up to now (the simulation advances lazily).
milink::emulator::LinkResource link_now(Rig& rig, const std::string& db);

/// Waits until the link of each of \p dbs reports HEALTHY in Azure.
void wait_healthy(Rig& rig, const std::vector<std::string>& dbs);

/// Links \p dbs with the bundled create workflow and waits until each link is HEALTHY.
void link(Rig& rig, const std::vector<std::string>& dbs);

}  // namespace linkrig
