// acme.log-backup-check as users run it: the installed milink (with
// --plugin-path pointing at this build) against the installed
// milink-emulator, started per test from a scenario; the emulator's state
// dump shows what changed on SQL Server.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using acmetest::agent_jobs;
using acmetest::Emulator;
using acmetest::run_milink;
using acmetest::Run;
using acmetest::TempDir;
using milink::sdk::Value;

namespace {

const std::string kWorkflows = ACME_WORKFLOW_DIR;
const std::string kCheck = kWorkflows + "/log-backup-check.json";
const std::string kReplicate = kWorkflows + "/replicate-database-with-log-backups.json";

/// `milink run WORKFLOW -c milink.json --output json --plugin-path <this build> --set ...`.
Run run(const TempDir& dir, const std::string& workflow, const std::vector<std::string>& sets = {}) {
  std::vector<std::string> args{"run", workflow, "-c", "milink.json", "--output", "json", "--plugin-path", ACME_PLUGIN_DIR};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return run_milink(args, dir.path());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return contains(t, part); });
}

}  // namespace

TEST_CASE("pass: SQL Server Agent runs and an enabled, scheduled job backs up the log", "[emulator]") {
  TempDir dir;
  Emulator emulator(dir.path(), R"({"sql_server": {"agent": {"jobs": [
    {"name": "DBA - log backups", "category": "Database Maintenance",
     "steps": [{"name": "sales", "command": "BACKUP LOG [sales] TO DISK = N'X:\\sales.trn' WITH CHECKSUM"}],
     "schedules": [{"name": "every 10 minutes", "freq_subday_interval": 10}]},
    {"name": "old log backups", "enabled": false,
     "steps": [{"name": "sales", "command": "BACKUP LOG sales TO DISK = N'Y:\\sales.trn'"}]}
  ]}}})");
  Run r = run(dir, kCheck);
  REQUIRE(r.exit_code == 0);
  CHECK(r.status("log_backups") == "ok");
  CHECK(r.reason("log_backups") == "job [DBA - log backups] backs up the log of [sales] every 10 minutes");
  CHECK(r.output("log_backups", "job_name") == Value("DBA - log backups"));
  CHECK(r.output("log_backups", "job_enabled") == Value(true));
  CHECK(r.output("log_backups", "agent_status") == Value("Running"));
  CHECK(r.output("log_backups", "link_phase") == Value("not_linked"));
  CHECK(any_contains(r.logs("log_backups", "warning"),
                     "job [old log backups] backs up the log of [sales] but never runs: it is disabled; it has no "
                     "schedule"));
  Value dump = emulator.stop();
  CHECK(agent_jobs(dump).size() == 2);  // a check changes nothing
  for (const auto& s : acmetest::sql_server_statements(dump)) CHECK_FALSE(contains(s, "sp_add_job"));
}

TEST_CASE("fail: SQL Server Agent is stopped - nothing is created", "[emulator]") {
  TempDir dir;
  Emulator emulator(dir.path(), R"({"sql_server": {"agent": {"status": "stopped", "startup_type": "manual"}}})");
  Run r = run(dir, kCheck, {"create_job=true", "backup_directory=D:\\Backup"});
  CHECK(r.exit_code == 1);
  CHECK(r.status("log_backups") == "failed");
  CHECK(contains(r.reason("log_backups"), "SQL Server Agent is not running (status Stopped, startup type Manual)"));
  Value dump = emulator.stop();
  CHECK(agent_jobs(dump).empty());
}

TEST_CASE("fail: no job backs up the log and create_job is false", "[emulator]") {
  TempDir dir;
  Emulator emulator(dir.path(), "{}");
  Run r = run(dir, kCheck);
  CHECK(r.exit_code == 1);
  CHECK(r.status("log_backups") == "failed");
  CHECK(contains(r.reason("log_backups"), "no SQL Server Agent job that runs backs up the log of [sales]"));
  CHECK(contains(r.reason("log_backups"), "Set create_job: true"));
  CHECK(agent_jobs(emulator.stop()).empty());
}

TEST_CASE("create: the job is built with msdb's procedures and bound parameters - a second run is a no-op",
          "[emulator]") {
  TempDir dir;
  // A database name that needs quoting everywhere.
  Emulator emulator(dir.path(), R"({"sql_server": {"databases": [{"name": "Q1 [EU]'s", "backups": ["full"]}]}})");
  std::vector<std::string> sets{"create_job=true", "backup_directory=D:\\Backup\\", "schedule_minutes=5"};
  Run first = run(dir, kCheck, sets);
  REQUIRE(first.exit_code == 0);
  CHECK(first.status("log_backups") == "changed");
  CHECK(first.reason("log_backups") ==
        "no SQL Server Agent job that runs backs up the log of [Q1 [EU]]'s]: create [acme_log_backup_Q1 [EU]]'s] "
        "(every 5 minutes, disabled until [Q1 [EU]]'s] has seeded)");
  CHECK(first.output("log_backups", "job_name") == Value("acme_log_backup_Q1 [EU]'s"));
  CHECK(first.output("log_backups", "job_enabled") == Value(false));
  auto warnings = first.logs("log_backups", "warning");
  CHECK(std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
          return contains(w, "run this step again once [Q1 [EU]]'s] has seeded");
        }) == 1);

  Run second = run(dir, kCheck, sets);
  REQUIRE(second.exit_code == 0);
  CHECK(second.status("log_backups") == "ok");
  CHECK(contains(second.reason("log_backups"), "is ready and stays disabled until"));

  // enable: now enables it, and only that.
  Run enable = run(dir, kCheck, {"create_job=true", "backup_directory=D:\\Backup", "schedule_minutes=5", "enable=now"});
  REQUIRE(enable.exit_code == 0);
  CHECK(enable.status("log_backups") == "changed");
  CHECK(enable.output("log_backups", "job_enabled") == Value(true));

  Value dump = emulator.stop();
  const auto& jobs = agent_jobs(dump);
  REQUIRE(jobs.size() == 1);
  const Value& job = jobs[0];
  CHECK(job.get("name")->as_string() == "acme_log_backup_Q1 [EU]'s");
  CHECK(job.get("enabled")->as_bool());
  CHECK(job.get("category")->as_string() == "Database Maintenance");
  CHECK(job.get("owner")->as_string() == "sa");
  CHECK(job.get("jobserver")->as_bool());
  REQUIRE(job.get("steps")->as_array().size() == 1);
  const Value& step = job.get("steps")->as_array()[0];
  CHECK(step.get("subsystem")->as_string() == "TSQL");
  CHECK(step.get("database_name")->as_string() == "master");
  std::string command = step.get("command")->as_string();
  CHECK(contains(command, "BACKUP LOG [Q1 [EU]]'s] TO DISK = @file WITH CHECKSUM, COMPRESSION;"));
  CHECK(contains(command, "N'D:\\Backup\\Q1__EU__s_'"));
  REQUIRE(job.get("schedules")->as_array().size() == 1);
  const Value& schedule = job.get("schedules")->as_array()[0];
  CHECK(schedule.get("freq_type")->as_int() == 4);
  CHECK(schedule.get("freq_subday_type")->as_int() == 4);
  CHECK(schedule.get("freq_subday_interval")->as_int() == 5);
  CHECK(dump.get("sql_server")->get("agent")->get("schedules")->as_array().size() == 1);  // no duplicate

  // The name reached SQL Server only as a bound parameter: never inside the statement text.
  auto statements = acmetest::sql_server_statements(dump);
  int add_job = 0;
  for (const auto& s : statements) {
    CHECK_FALSE(contains(s, "Q1 [EU]"));
    if (contains(s, "EXEC msdb.dbo.sp_add_job @job_name = @P2")) ++add_job;
  }
  CHECK(add_job == 1);
}

TEST_CASE("resume: a job half built by an interrupted run is finished, reusing its schedule", "[emulator]") {
  TempDir dir;
  // What a run killed right after sp_add_schedule leaves behind: the job
  // (disabled, no step yet) and a schedule attached to nothing.
  Emulator emulator(dir.path(), R"({"sql_server": {"init_sql": [
    "EXEC msdb.dbo.sp_add_job @job_name = N'acme_log_backup_sales', @enabled = 0",
    "EXEC msdb.dbo.sp_add_schedule @schedule_name = N'acme_log_backup_sales every 15 minutes', @freq_type = 4, @freq_interval = 1, @freq_subday_type = 4, @freq_subday_interval = 15"
  ]}})");
  Run r = run(dir, kCheck, {"create_job=true", "backup_directory=D:\\Backup", "enable=now"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.status("log_backups") == "changed");
  CHECK(r.reason("log_backups") == "job [acme_log_backup_sales] is not finished: add its BACKUP LOG step, attach its "
                                   "schedule, target it at this server, enable it");
  Value dump = emulator.stop();
  REQUIRE(agent_jobs(dump).size() == 1);
  const Value& job = agent_jobs(dump)[0];
  CHECK(job.get("enabled")->as_bool());
  CHECK(job.get("steps")->as_array().size() == 1);
  REQUIRE(job.get("schedules")->as_array().size() == 1);
  CHECK(job.get("schedules")->as_array()[0].get("schedule_id")->as_int() == 1);  // the one left over
  CHECK(dump.get("sql_server")->get("agent")->get("schedules")->as_array().size() == 1);
}

TEST_CASE("end to end: replicate-database with log backups - the job waits for seeding - a second run is a no-op",
          "[emulator][e2e]") {
  TempDir dir;
  Emulator emulator(dir.path(), R"({"sql_server": {"version": "16.0.4135.4", "master_key": true,
    "databases": [{"name": "sales", "recovery": "FULL", "size_mb": 16, "backups": ["full"]}]}})");
  std::vector<std::string> sets{"log_backup_directory=C:\\Backup", "poll_interval_ms=50", "verify_timeout_seconds=30"};
  Run first = run(dir, kReplicate, sets);
  REQUIRE(first.exit_code == 0);
  CHECK(first.status("preflight") == "ok");
  // Before the link: the Agent checked, the job created and left disabled.
  CHECK(first.status("log_backup_job") == "changed");
  CHECK(first.output("log_backup_job", "job_enabled") == Value(false));
  CHECK(first.output("log_backup_job", "link_phase") == Value("not_linked"));
  for (const char* step : {"cert", "trust", "endpoint", "ag", "dag", "link", "verify"}) {
    INFO(step);
    CHECK(first.status(step) == "changed");
  }
  CHECK(first.output("verify", "seeded") == Value(true));
  // After verify: seeded, so the same step enables the job.
  CHECK(first.status("log_backups") == "changed");
  CHECK(first.reason("log_backups") == "job [acme_log_backup_sales] is not finished: enable it");
  CHECK(first.output("log_backups", "job_enabled") == Value(true));
  CHECK(first.output("log_backups", "link_phase") == Value("seeded"));

  Run second = run(dir, kReplicate, sets);
  REQUIRE(second.exit_code == 0);
  for (const char* step : {"preflight", "log_backup_job", "cert", "trust", "endpoint", "ag", "dag", "link", "verify",
                           "log_backups"}) {
    INFO(step);
    CHECK(second.status(step) == "ok");
  }
  CHECK(second.reason("log_backup_job") ==
        "job [acme_log_backup_sales] backs up the log of [sales] every 15 minutes");

  Value dump = emulator.stop();
  REQUIRE(agent_jobs(dump).size() == 1);
  CHECK(agent_jobs(dump)[0].get("enabled")->as_bool());
  // The job was enabled only after the managed instance had the database.
  auto statements = acmetest::sql_server_statements(dump);
  auto at = [&](const std::string& part) {
    return std::find_if(statements.begin(), statements.end(), [&](const std::string& s) { return contains(s, part); }) -
           statements.begin();
  };
  CHECK(at("sp_add_job @job_name") < at("CREATE AVAILABILITY GROUP"));
  CHECK(at("sp_update_job @job_name") > at("CREATE AVAILABILITY GROUP"));
}

TEST_CASE("plan: milink plan --offline shows the job's T-SQL with its literals, connecting nowhere", "[emulator]") {
  TempDir dir;
  Emulator emulator(dir.path(), "{}");  // only for its config file
  Run r = run_milink({"plan", kCheck, "-c", "milink.json", "--offline", "--plugin-path", ACME_PLUGIN_DIR, "--set", "create_job=true",
                  "--set", "backup_directory=D:\\Backup", "--out", "plan"},
                 dir.path());
  REQUIRE(r.exit_code == 0);
  std::string sql = acmetest::read_file(dir / "plan" / "sqlserver.sql");
  CHECK(contains(sql, "EXEC msdb.dbo.sp_add_job @job_name = N'acme_log_backup_sales', @enabled = 0"));
  CHECK(contains(sql, "EXEC msdb.dbo.sp_add_jobstep @job_name = N'acme_log_backup_sales'"));
  CHECK(contains(sql, "BACKUP LOG [sales] TO DISK = @file WITH CHECKSUM, COMPRESSION;"));
  CHECK(contains(sql, "@freq_subday_type = 4, @freq_subday_interval = 15"));
  CHECK(contains(sql, "EXEC msdb.dbo.sp_update_job @job_name = N'acme_log_backup_sales', @enabled = 1;"));
  Value dump = emulator.stop();
  CHECK(acmetest::sql_server_statements(dump).empty());
}
