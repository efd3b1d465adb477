// The network-check step in the bundled create workflows, run by the real
// milink binary against the emulator's network model: each direction and
// port blocked, a name that does not resolve, SQL Server Agent stopped,
// everything open; that it fails before the first change, that its
// temporary jobs, endpoint and certificate are gone on every path (Ctrl-C
// included, and leftovers of a killed check at the next run); and that the
// link simulation obeys the same model.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

const char* const kFqdn = "mi1.abc123def456.database.windows.net";
const char* const kNode = "DB12C.tr4321.westeurope1-a.worker.database.windows.net";

std::string blocked(const std::string& blocks, const std::string& extra = "") {
  return R"({"sql_server": {"version": "16.0.4135.4"}, "network": {"block": [)" + blocks + "]" + extra + "}}";
}

/// Every statement \p server ran successfully, in order (the rig's
/// statements() leaves the network check's out).
std::vector<std::string> all_statements(Rig& rig, const std::string& server = "sql_server") {
  std::vector<std::string> out;
  Value d = rig.dump();
  for (const auto& e : d.get("statement_log")->get(server)->as_array())
    if (e.get("ok")->as_bool()) out.push_back(e.get("text")->as_string());
  return out;
}

int count_starting(const std::vector<std::string>& v, const std::string& prefix) {
  int n = 0;
  for (const auto& s : v) n += s.compare(0, prefix.size(), prefix) == 0;
  return n;
}

/// No job, endpoint or certificate of the network check is left on either side.
void check_clean(Rig& rig) {
  auto lock = rig.emulator.world().lock();
  auto& w = rig.emulator.world();
  for (const auto& j : w.sql_server.agent.jobs) CHECK(j.name.find("milink_network_check") == std::string::npos);
  for (const auto& j : w.managed_instance.agent.jobs) CHECK(j.name.find("milink_network_check") == std::string::npos);
  for (const auto& e : w.sql_server.endpoints) CHECK(e.name != "milink_network_check");
  CHECK(w.sql_server.master().find_certificate("milink_network_check", true) == nullptr);
}

/// Nothing of the link was made: no master key, certificate, endpoint, AG
/// or ARM PUT (only the network check's own temporary objects).
void check_nothing_changed(Rig& rig) {
  for (const char* p : {"CREATE MASTER KEY", "CREATE CERTIFICATE", "CREATE ENDPOINT", "CREATE AVAILABILITY GROUP",
                        "ALTER DATABASE", "BACKUP DATABASE"})
    CHECK(rig.statements(p).empty());
  CHECK(rig.arm_requests("PUT", "/") == 0);
  check_clean(rig);
}

/// Runs replicate-database.json expecting the network check to fail; returns its reason.
std::string failing_network(Rig& rig, const std::string& workflow = "replicate-database.json") {
  auto r = rig.run(workflow);
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code != 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["preflight"] == "ok");
  CHECK(st["network"] == "failed");
  CHECK(st["cert"] == "skipped");
  return Rig::reason_of(r.out, "network");
}

}  // namespace

TEST_CASE("network-check passes when the network is open and leaves nothing behind", "[workflows][network]") {
  Rig rig(R"({"sql_server": {"version": "16.0.4135.4"}})");
  auto r = rig.run("replicate-database.json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(Rig::statuses(r.out)["network"] == "ok");
  // One line per direction and port.
  CHECK(r.out.find(std::string("PASS SQL Server -> managed instance ") + kFqdn + ":5022: connected") != std::string::npos);
  CHECK(r.out.find(std::string("PASS SQL Server -> managed instance ") + kNode + ":11002: connected") != std::string::npos);
  CHECK(r.out.find("PASS managed instance -> SQL Server 127.0.0.1:5022: connected") != std::string::npos);
  CHECK(r.out.find("3 connection tests passed, 0 warnings") != std::string::npos);
  // The documented procedure, on both sides, then removed.
  auto sql = all_statements(rig);
  CHECK(count_starting(sql, "EXEC msdb.dbo.sp_add_job @job_name = N'milink_network_check_to_instance'") == 1);
  CHECK(count_starting(sql, "EXEC msdb.dbo.sp_start_job @job_name = N'milink_network_check_to_instance'") == 1);
  CHECK(count_starting(sql, "CREATE ENDPOINT [milink_network_check]") == 1);
  CHECK(count_starting(sql, "DROP ENDPOINT [milink_network_check]") == 1);
  auto mi = all_statements(rig, "managed_instance");
  CHECK(count_starting(mi, "EXEC msdb.dbo.sp_start_job @job_name = N'milink_network_check_to_sqlserver'") == 1);
  CHECK(count_starting(mi, "EXEC msdb.dbo.sp_delete_job @job_name = N'milink_network_check_to_sqlserver'") == 1);
  check_clean(rig);
  // The temporary certificate's password never shows.
  CHECK(r.out.find("ENCRYPTION BY PASSWORD") == std::string::npos);

  SECTION("a second run tests through the link's own endpoint, creating no temporary one") {
    auto again = rig.run("replicate-database.json");
    REQUIRE(again.exit_code == 0);
    CHECK(Rig::statuses(again.out)["network"] == "ok");
    CHECK(count_starting(all_statements(rig), "CREATE ENDPOINT [milink_network_check]") == 1);
    check_clean(rig);
  }
}

TEST_CASE("network-check reports SQL Server -> instance 5022 blocked before any change", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "sql_server", "port": 5022})"));
  std::string reason = failing_network(rig);
  CHECK(reason.find(std::string("SQL Server -> managed instance ") + kFqdn +
                    ":5022: TCP connect failed to 10.0.0.4; remedy: allow inbound TCP 5022 from SQL Server's IP in the "
                    "NSG of the instance's subnet") != std::string::npos);
  CHECK(reason.find("11002") == std::string::npos);
  CHECK(reason.find("managed instance -> SQL Server") == std::string::npos);
  CHECK(reason.find("network check failed (1 of 3 tests); nothing was changed") != std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("network-check reports the instance node's port range blocked", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "sql_server", "ports": "11000-11999"})"));
  std::string reason = failing_network(rig);
  CHECK(reason.find(std::string("SQL Server -> managed instance ") + kNode +
                    ":11002: TCP connect failed to 10.0.0.5; remedy: allow inbound TCP 11000-11999") != std::string::npos);
  CHECK(reason.find(":5022:") == std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("network-check reports a single port of the node's range blocked", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "sql_server", "port": 11002})"));
  std::string reason = failing_network(rig);
  CHECK(reason.find(std::string(kNode) + ":11002: TCP connect failed") != std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("network-check reports instance -> SQL Server blocked, through its temporary endpoint", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "managed_instance", "port": 5022})"));
  std::string reason = failing_network(rig);
  CHECK(reason.find("managed instance -> SQL Server 127.0.0.1:5022: TCP connect failed to 127.0.0.1; remedy: allow "
                    "inbound TCP 5022 from the instance's subnet in every firewall on SQL Server's side") !=
        std::string::npos);
  CHECK(reason.find("SQL Server -> managed instance") == std::string::npos);
  // The temporary endpoint listened during the test and is gone.
  auto sql = all_statements(rig);
  CHECK(count_starting(sql, "CREATE ENDPOINT [milink_network_check]") == 1);
  CHECK(count_starting(sql, "DROP ENDPOINT [milink_network_check]") == 1);
  CHECK(count_starting(sql, "DROP CERTIFICATE [milink_network_check]") == 1);
  check_nothing_changed(rig);
}

TEST_CASE("network-check reports a name SQL Server cannot resolve as DNS", "[workflows][network]") {
  Rig rig(blocked("", std::string(R"(, "unresolvable": [")") + kFqdn + "\"]"));
  std::string reason = failing_network(rig);
  CHECK(reason.find(std::string("SQL Server cannot resolve ") + kFqdn + "; remedy (DNS): make " + kFqdn +
                    " resolvable from SQL Server") != std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("network-check reports SQL Server Agent stopped with its error", "[workflows][network]") {
  Rig rig(R"({"sql_server": {"version": "16.0.4135.4", "agent": {"status": "stopped"}}})");
  std::string reason = failing_network(rig);
  CHECK(reason.find("could not run the test job on SQL Server: SQL error 22022: SQLServerAgent is not currently running "
                    "so it cannot be notified of this action.; remedy: start SQL Server Agent") != std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("replicate-databases stops at the network check before any database's step", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "sql_server", "port": 5022})"));
  rig.set_databases({"sales"});
  std::string reason = failing_network(rig, "replicate-databases.json");
  CHECK(reason.find(std::string(kFqdn) + ":5022: TCP connect failed") != std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("network check skipped with --skip-preflight, the link then fails on the blocked port", "[workflows][network]") {
  Rig rig(blocked(R"({"from": "sql_server", "ports": "11000-11999"})"));
  auto r = rig.run("replicate-database.json", {"--skip-preflight"});
  INFO(r.out);
  CHECK(r.exit_code != 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["network"] == "skipped");
  CHECK(Rig::reason_of(r.out, "network") == "skipped: --skip-preflight");
  CHECK(st["endpoint"] == "changed");
  // The link simulation obeys the same network: the link never connects (41986).
  CHECK(r.out.find("41986") != std::string::npos);
  CHECK(all_statements(rig).size() > 0);
  check_clean(rig);
}

TEST_CASE("network check under --dry-run creates nothing", "[workflows][network]") {
  Rig rig(R"({"sql_server": {"version": "16.0.4135.4"}})");
  auto r = rig.run("replicate-database.json", {"--dry-run"});
  INFO(r.out);
  CHECK(r.out.find("network test not run: it creates temporary Agent jobs") != std::string::npos);
  auto sql = all_statements(rig);
  CHECK(count_starting(sql, "EXEC msdb.dbo.sp_add_job") == 0);
  CHECK(count_starting(sql, "CREATE ENDPOINT") == 0);
}

TEST_CASE("Ctrl-C during the network test removes its job, endpoint and certificate", "[workflows][network]") {
  // The instance's test of SQL Server hangs on a blocked port (TCP's
  // timeout, here 60 s) while the temporary endpoint listens.
  Rig rig(blocked(R"({"from": "managed_instance", "port": 5022})", R"(, "connect_timeout_ms": 60000)"));
  pid_t pid = rig.spawn("replicate-database.json", {}, "first");
  REQUIRE(pid > 0);
  bool waiting = testsupport::eventually(
      [&] {
        auto lock = rig.emulator.world().lock();
        return rig.emulator.world().managed_instance.agent.find_job("milink_network_check_to_sqlserver", true) !=
               nullptr;
      },
      60000);
  {
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().sql_server.find_endpoint("milink_network_check") != nullptr);
  }
  ::kill(pid, SIGINT);
  int code = testsupport::wait_for(pid);
  REQUIRE(waiting);
  CHECK(code == 130);
  std::string out = testsupport::read_file(rig.dir / "first.stdout");
  INFO(out);
  CHECK(out.find("interrupted while waiting for the network test job milink_network_check_to_sqlserver") !=
        std::string::npos);
  CHECK(Rig::statuses(out)["cert"] == "skipped");
  check_nothing_changed(rig);
}

TEST_CASE("the next network check removes what a killed one left behind", "[workflows][network]") {
  // What kill -9 in the middle of a check leaves: both jobs, the endpoint and its certificate.
  Rig rig(R"json({"sql_server": {"version": "16.0.4135.4",
               "agent": {"jobs": [{"name": "milink_network_check_to_instance", "steps": [{"name": "s", "command": "SELECT 1"}]}]},
               "init_sql": ["CREATE CERTIFICATE [milink_network_check] ENCRYPTION BY PASSWORD = 'Left#Over-Passw0rd' WITH SUBJECT = 'left over'; CREATE ENDPOINT [milink_network_check] STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = CERTIFICATE [milink_network_check], ENCRYPTION = REQUIRED ALGORITHM AES)"]},
              "managed_instance": {"agent": {"jobs": [{"name": "milink_network_check_to_sqlserver", "steps": [{"name": "s", "command": "SELECT 1"}]}]}}})json");
  auto r = rig.run("replicate-database.json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("removing the temporary job milink_network_check_to_instance on sqlserver left by an interrupted "
                   "network check") != std::string::npos);
  CHECK(r.out.find("removing the temporary job milink_network_check_to_sqlserver on managed_instance") !=
        std::string::npos);
  CHECK(r.out.find("removing the temporary endpoint and certificate milink_network_check on SQL Server") !=
        std::string::npos);
  CHECK(Rig::statuses(r.out)["network"] == "ok");
  check_clean(rig);
  // The link's own endpoint took the port.
  auto lock = rig.emulator.world().lock();
  const auto* ep = rig.emulator.world().sql_server.mirroring_endpoint();
  REQUIRE(ep != nullptr);
  CHECK(ep->name != "milink_network_check");
}

TEST_CASE("network-check on SQL Server on Linux says why it cannot test and leaves no half-made job",
          "[workflows][network]") {
  // SQL Server on Linux has no PowerShell job steps: sp_add_jobstep refuses (14234) after sp_add_job made the job.
  Rig rig(R"({"sql_server": {"version": "16.0.4135.4", "os": "linux"}})");
  std::string reason = failing_network(rig);
  CHECK(reason.find("could not run the test job on SQL Server: SQL error 14234") != std::string::npos);
  CHECK(reason.find("SQL Server on Linux has none: test from another machine with Test-NetConnection") !=
        std::string::npos);
  check_nothing_changed(rig);
}

TEST_CASE("a temporary endpoint that cannot be dropped fails the check, so no later step takes it for the link's",
          "[workflows][network][faults]") {
  // bench/soak at 30 % faults: the drop failed through every retry, the check
  // passed with a warning, and sqlserver-cert and mirroring-endpoint kept the
  // temporary endpoint and certificate for the link.
  Rig rig(R"({"sql_server": {"version": "16.0.4135.4"}})", "mi:latency=150");
  pid_t pid = rig.spawn("replicate-database.json", {}, "first");
  REQUIRE(pid > 0);
  // The instance's test of SQL Server runs (its job exists) while the temporary endpoint listens:
  // from now on SQL Server resets every batch, the drop included.
  bool testing = testsupport::eventually(
      [&] {
        auto lock = rig.emulator.world().lock();
        return rig.emulator.world().managed_instance.agent.find_job("milink_network_check_to_sqlserver", true) !=
               nullptr;
      },
      60000);
  rig.emulator.faults().set("sql:reset,mi:latency=150");
  int code = testsupport::wait_for(pid);
  REQUIRE(testing);
  std::string out = testsupport::read_file(rig.dir / "first.stdout");
  INFO(out);
  CHECK(code != 0);
  auto st = Rig::statuses(out);
  CHECK(st["network"] == "failed");
  CHECK(st["cert"] == "skipped");
  const std::string reason = Rig::reason_of(out, "network");
  CHECK(reason.find("could not drop the temporary endpoint milink_network_check on SQL Server: ") != std::string::npos);
  CHECK(reason.find("(sqlserver unavailable: retried 9 times over ") != std::string::npos);
  CHECK(reason.find("the steps after the check would take it for the link's endpoint, so the check fails: run again "
                    "once SQL Server answers (the next check drops it first)") != std::string::npos);
  {
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().sql_server.find_endpoint("milink_network_check") != nullptr);
  }

  // SQL Server answers again: the resumed run drops the leftover first and links on its own endpoint.
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("removing the temporary endpoint and certificate milink_network_check on SQL Server") !=
        std::string::npos);
  check_clean(rig);
  auto lock = rig.emulator.world().lock();
  const auto* ep = rig.emulator.world().sql_server.mirroring_endpoint();
  REQUIRE(ep != nullptr);
  CHECK(ep->name != "milink_network_check");
  CHECK(rig.emulator.world().sql_server.master().find_certificate("Cert_sqlbox1_endpoint", true) != nullptr);
}
