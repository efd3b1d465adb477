// Running SQL Server Agent jobs: sp_start_job runs Test-NetConnection steps
// against the scenario's network model and writes msdb.dbo.sysjobhistory;
// sp_delete_job; the instance's fabric settings; the "network" scenario key
// and its errors.
#include "engine_fixture.hpp"

using namespace enginetest;

namespace {

Scenario scenario(const std::string& json) { return parse_scenario(json, "<network test>"); }

std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "s.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

std::string tnc_job(const std::string& name, const std::string& command) {
  return "EXEC msdb.dbo.sp_add_job @job_name = N'" + name + "';\n"
         "EXEC msdb.dbo.sp_add_jobstep @job_name = N'" + name + "', @step_name = N'test', @subsystem = N'PowerShell', "
         "@command = N'" + command + "';\nEXEC msdb.dbo.sp_add_jobserver @job_name = N'" + name + "';";
}

/// The history message of \p job's step 1, and its outcome row's run_status.
std::pair<std::string, std::int64_t> history(Response r) {
  const ResultSet& rs = only_set(r);
  std::string message;
  std::int64_t outcome = -1;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    if (cell(rs, i, "step_id").as_int64() == 1) message = cell(rs, i, "message").as_string();
    if (cell(rs, i, "step_id").as_int64() == 0) outcome = cell(rs, i, "run_status").as_int64();
  }
  return {message, outcome};
}

const char* kHistory =
    "SELECT h.step_id, h.run_status, h.message FROM msdb.dbo.sysjobhistory h JOIN msdb.dbo.sysjobs j "
    "ON j.job_id = h.job_id WHERE j.name = N'probe' ORDER BY h.instance_id";

}  // namespace

TEST_CASE("sp_start_job runs a Test-NetConnection step and records it in sysjobhistory", "[agent][network]") {
  Fixture fx;
  fx.ok(tnc_job("probe", "Test-NetConnection -ComputerName ''mi1.abc123def456.database.windows.net'' -Port 5022"));
  Response start = fx.ok("EXEC msdb.dbo.sp_start_job @job_name = N'probe'");
  auto info = infos(start);
  REQUIRE(info.size() == 1);
  CHECK(info[0].text == "Job 'probe' started successfully.");
  auto [message, outcome] = history(fx.ok(kHistory));
  CHECK(message.find("TcpTestSucceeded : True") != std::string::npos);
  CHECK(message.find("RemoteAddress    : 10.0.0.4") != std::string::npos);
  CHECK(message.find("The step succeeded.") != std::string::npos);
  CHECK(outcome == 1);

  SECTION("sp_delete_job removes the job and its history") {
    fx.ok("EXEC msdb.dbo.sp_delete_job @job_name = N'probe'");
    CHECK(row_count(fx.ok("SELECT * FROM msdb.dbo.sysjobhistory")) == 0);
    CHECK(row_count(fx.ok("SELECT * FROM msdb.dbo.sysjobs WHERE name = N'probe'")) == 0);
    Message m = single_error(fx.run("EXEC msdb.dbo.sp_delete_job @job_name = N'probe'"));
    CHECK(m.number == 14262);
    CHECK(m.text == "The specified @job_name ('probe') does not exist.");
  }
}

TEST_CASE("the network model decides Test-NetConnection's outcome", "[agent][network]") {
  Fixture fx(scenario(R"({"network": {"block": [{"from": "sql_server", "ports": "11000-11999"}],
                                      "unresolvable": ["gone.example.com"]}})"));
  auto run = [&](const std::string& command) {
    fx.ok("IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = N'probe') EXEC msdb.dbo.sp_delete_job @job_name = N'probe'");
    fx.ok(tnc_job("probe", command));
    fx.ok("EXEC msdb.dbo.sp_start_job @job_name = N'probe'");
    return history(fx.ok(kHistory)).first;
  };
  CHECK(run("tnc mi1.abc123def456.database.windows.net -port 5022").find("TcpTestSucceeded : True") != std::string::npos);
  std::string node = run("tnc DB12C.tr4321.westeurope1-a.worker.database.windows.net -port 11002");
  CHECK(node.find("WARNING: TCP connect to (10.0.0.5 : 11002) failed") != std::string::npos);
  CHECK(node.find("TcpTestSucceeded : False") != std::string::npos);
  std::string dns = run("tnc gone.example.com -port 5022");
  CHECK(dns.find("WARNING: Name resolution of gone.example.com failed") != std::string::npos);
  CHECK(dns.find("TcpTestSucceeded : False") != std::string::npos);
  CHECK(run("Get-ChildItem C:\\").find("The emulator runs only Test-NetConnection (tnc) job steps") != std::string::npos);
}

TEST_CASE("the instance tests SQL Server only where a started mirroring endpoint listens", "[agent][network]") {
  Fixture fx;
  const std::string job = tnc_job("probe", "Test-NetConnection 127.0.0.1 -Port 5022 -InformationLevel Quiet");
  fx.ok_mi(job);
  fx.ok_mi("EXEC msdb.dbo.sp_start_job @job_name = N'probe'");
  CHECK(history(fx.ok_mi(kHistory)).first.find("failed\nFalse  Process Exit Code 0") != std::string::npos);
  fx.ok_mi("EXEC msdb.dbo.sp_delete_job @job_name = N'probe'");
  fx.build_link();
  fx.ok_mi(job);
  fx.ok_mi("EXEC msdb.dbo.sp_start_job @job_name = N'probe'");
  CHECK(history(fx.ok_mi(kHistory)).first.find(". True  Process Exit Code 0") != std::string::npos);
}

TEST_CASE("sp_start_job refuses as msdb does", "[agent][network]") {
  Fixture fx(scenario(R"({"sql_server": {"agent": {"status": "stopped"}}})"));
  fx.ok("EXEC msdb.dbo.sp_add_job @job_name = N'lonely'");
  Message no_server = single_error(fx.run("EXEC msdb.dbo.sp_start_job @job_name = N'lonely'"));
  CHECK(no_server.number == 14256);
  CHECK(no_server.text.find("Cannot start job 'lonely'") == 0);
  CHECK(no_server.text.find("Associate the job with a job server by calling sp_add_jobserver.") != std::string::npos);
  fx.ok(tnc_job("probe", "tnc 127.0.0.1 -port 5022"));
  Message stopped = single_error(fx.run("EXEC msdb.dbo.sp_start_job @job_name = N'probe'"));
  CHECK(stopped.number == 22022);
  CHECK(stopped.text == "SQLServerAgent is not currently running so it cannot be notified of this action.");
  Message missing = single_error(fx.run("EXEC msdb.dbo.sp_start_job @job_name = N'nope'"));
  CHECK(missing.number == 14262);
  CHECK(row_count(fx.ok("SELECT * FROM msdb.dbo.sysjobhistory")) == 0);
}

TEST_CASE("the managed instance reports its fabric settings, SQL Server none", "[agent][network]") {
  Fixture fx(scenario(R"({"network": {"instance_hadr_port": 11234}})"));
  Response r = fx.ok_mi("SELECT parameter_name, value FROM sys.dm_hadr_fabric_config_parameters ORDER BY parameter_name");
  const ResultSet& rs = only_set(r);
  std::map<std::string, std::string> p;
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    p[cell(rs, i, "parameter_name").as_string()] = cell(rs, i, "value").as_string();
  CHECK(p["DnsRecordName"] == "mi1.abc123def456.database.windows.net");
  CHECK(p["HadrPort"] == "11234");
  CHECK(p["NodeName"] == "DB12C");
  CHECK(p["ClusterName"] == "tr4321.westeurope1-a.worker.database.windows.net");
  CHECK(row_count(fx.ok("SELECT * FROM sys.dm_hadr_fabric_config_parameters")) == 0);
}

TEST_CASE("the network scenario key rejects what it cannot model", "[agent][network][scenario]") {
  CHECK(scenario_error(R"({"network": {"block": [{"port": 5022}]}})") ==
        "s.json:1:24: /network/block/0: missing \"from\" (sql_server or managed_instance: the side whose connections "
        "are blocked)");
  CHECK(scenario_error(R"({"network": {"block": [{"from": "azure", "port": 5022}]}})") ==
        "s.json:1:25: /network/block/0/from: \"azure\" is not one of: sql_server, managed_instance");
  CHECK(scenario_error(R"({"network": {"block": [{"from": "sql_server"}]}})") ==
        "s.json:1:24: /network/block/0: give exactly one of \"port\" (N) or \"ports\" (\"N-M\")");
  CHECK(scenario_error(R"({"network": {"block": [{"from": "sql_server", "ports": "12000-11000"}]}})") ==
        "s.json:1:47: /network/block/0/ports: \"12000-11000\" is not a port range \"N-M\" with 1 <= N <= M <= 65535");
  CHECK(scenario_error(R"({"network": {"instance_hadr_port": 5022}})") ==
        "s.json:1:14: /network/instance_hadr_port: must be between 11000 and 11999");
  CHECK(scenario_error(R"({"network": {"blocks": []}})").find("unknown key \"blocks\"; did you mean \"block\"?") !=
        std::string::npos);
}
