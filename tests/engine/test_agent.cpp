// SQL Server Agent: sys.dm_server_services, msdb's job tables, the job
// procedures (sp_add_job, sp_add_jobstep, sp_add_schedule, sp_attach_schedule,
// sp_add_jobserver, sp_update_job) with msdb's own errors, and the scenario's
// "agent" key.
#include "engine_fixture.hpp"

using namespace enginetest;

namespace {

Scenario scenario(const std::string& json) { return parse_scenario(json, "<agent test>"); }

std::optional<std::int32_t> return_status(const Response& r) {
  std::optional<std::int32_t> out;
  for (const auto& i : r.items)
    if (const auto* s = std::get_if<ReturnStatus>(&i)) out = s->value;
  return out;
}

std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "s.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

/// The batch the acme.log-backup-check example runs, with literals.
const char* kCreateJob = R"(
EXEC msdb.dbo.sp_add_job @job_name = N'LogBackup sales', @enabled = 0, @description = N'Log backups of [sales]',
     @category_name = N'Database Maintenance', @owner_login_name = N'sa';
EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N'Back up the log of [sales]',
     @subsystem = N'TSQL', @database_name = N'master',
     @command = N'BACKUP LOG [sales] TO DISK = N''C:\Backup\sales.trn'' WITH CHECKSUM';
EXEC msdb.dbo.sp_add_schedule @schedule_name = N'LogBackup sales every 15 minutes', @freq_type = 4,
     @freq_interval = 1, @freq_subday_type = 4, @freq_subday_interval = 15, @active_start_time = 0;
EXEC msdb.dbo.sp_attach_schedule @job_name = N'LogBackup sales', @schedule_name = N'LogBackup sales every 15 minutes';
EXEC msdb.dbo.sp_add_jobserver @job_name = N'LogBackup sales';
)";

}  // namespace

TEST_CASE("sys.dm_server_services: the engine and SQL Server Agent, with the documented columns", "[agent]") {
  Fixture fx;
  Response r = fx.ok("SELECT * FROM sys.dm_server_services ORDER BY servicename");
  const ResultSet& rs = only_set(r);
  std::vector<std::string> names;
  for (const auto& c : rs.columns) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"servicename", "startup_type", "startup_type_desc", "status", "status_desc",
                                          "process_id", "last_startup_time", "service_account", "filename",
                                          "is_clustered", "cluster_nodename", "instant_file_initialization_enabled"});
  REQUIRE(rs.rows.size() == 2);
  CHECK(cell(rs, 0, "servicename").as_string() == "SQL Server (MSSQLSERVER)");
  CHECK(cell(rs, 1, "servicename").as_string() == "SQL Server Agent (MSSQLSERVER)");
  CHECK(cell(rs, 1, "status").as_int64() == 4);
  CHECK(cell(rs, 1, "status_desc").as_string() == "Running");
  CHECK(cell(rs, 1, "startup_type").as_int64() == 2);
  CHECK(cell(rs, 1, "startup_type_desc").as_string() == "Automatic");
  CHECK(cell(rs, 1, "service_account").as_string() == "NT Service\\SQLSERVERAGENT");
  CHECK(cell(rs, 1, "filename").as_string().find("SQLAGENT.EXE\" -i MSSQLSERVER") != std::string::npos);
  CHECK(cell(rs, 1, "is_clustered").as_string() == "N");
  CHECK(cell(rs, 1, "cluster_nodename").is_null());
  CHECK(cell(rs, 1, "instant_file_initialization_enabled").is_null());
  CHECK_FALSE(cell(rs, 1, "last_startup_time").is_null());
  CHECK(cell(rs, 0, "instant_file_initialization_enabled").as_string() == "N");
  // The query an Agent check runs.
  Response agent = fx.ok("SELECT status_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%'");
  CHECK(scalar(agent).as_string() == "Running");
  // Server-scoped: the same rows from any database.
  CHECK(row_count(fx.ok("SELECT servicename FROM msdb.sys.dm_server_services")) == 2);
}

TEST_CASE("scenario agent: stopped, manual, on a named instance", "[agent][scenario]") {
  Fixture fx(scenario(R"({"sql_server": {"name": "box\\INST1",
    "agent": {"status": "stopped", "startup_type": "manual"}}})"));
  Response r = fx.ok("SELECT servicename, status, status_desc, startup_type_desc, process_id, last_startup_time, "
                     "service_account FROM sys.dm_server_services WHERE servicename LIKE 'SQL Server Agent%'");
  const ResultSet& rs = only_set(r);
  REQUIRE(rs.rows.size() == 1);
  CHECK(cell(rs, 0, "servicename").as_string() == "SQL Server Agent (INST1)");
  CHECK(cell(rs, 0, "status").as_int64() == 1);
  CHECK(cell(rs, 0, "status_desc").as_string() == "Stopped");
  CHECK(cell(rs, 0, "startup_type_desc").as_string() == "Manual");
  CHECK(cell(rs, 0, "process_id").as_int64() == 0);
  CHECK(cell(rs, 0, "last_startup_time").is_null());
  CHECK(cell(rs, 0, "service_account").as_string() == "NT Service\\SQLAgent$INST1");
  CHECK(scalar(fx.ok("SELECT servicename FROM sys.dm_server_services WHERE servicename NOT LIKE '%Agent%'")).as_string() ==
        "SQL Server (INST1)");
  // A stopped Agent does not stop msdb's procedures: jobs can still be defined.
  fx.ok(kCreateJob);
  CHECK(fx.world.sql_server.agent.jobs.size() == 1);
}

TEST_CASE("scenario agent jobs appear in msdb's job tables and join as Agent queries join them", "[agent][scenario]") {
  Fixture fx(scenario(R"({"sql_server": {"agent": {"jobs": [
    {"name": "DBA - log backups", "category": "Database Maintenance", "description": "every 5 minutes",
     "steps": [{"name": "sales", "command": "BACKUP LOG [sales] TO DISK = N'X:\\sales.trn'"},
               {"name": "hr", "command": "BACKUP LOG hr TO DISK = N'X:\\hr.trn'", "database": "hr"}],
     "schedules": [{"name": "every 5", "freq_subday_interval": 5}]},
    {"name": "disabled one", "enabled": false, "jobserver": false,
     "steps": [{"name": "s", "subsystem": "CmdExec", "command": "dir"}]}
  ]}}})"));
  Response jobs = fx.ok("SELECT j.name, j.enabled, j.description, c.name AS category, j.owner_sid "
                        "FROM msdb.dbo.sysjobs AS j JOIN msdb.dbo.syscategories AS c ON c.category_id = j.category_id "
                        "ORDER BY j.name");
  const ResultSet& js = only_set(jobs);
  REQUIRE(js.rows.size() == 2);
  CHECK(cell(js, 0, "name").as_string() == "DBA - log backups");
  CHECK(cell(js, 0, "enabled").as_int64() == 1);
  CHECK(cell(js, 0, "category").as_string() == "Database Maintenance");
  CHECK(cell(js, 0, "owner_sid").as_bytes() == std::vector<std::uint8_t>{0x01});
  CHECK(cell(js, 1, "enabled").as_int64() == 0);
  CHECK(cell(js, 1, "description").as_string() == "No description available.");
  // The log-backup check's query: enabled jobs with a T-SQL step that backs up a log.
  Response steps = fx.ok("SELECT j.name, s.step_id, s.database_name, s.command FROM msdb.dbo.sysjobs AS j "
                         "JOIN msdb.dbo.sysjobsteps AS s ON s.job_id = j.job_id "
                         "WHERE j.enabled = 1 AND s.subsystem = N'TSQL' AND s.command LIKE N'%BACKUP LOG%' "
                         "ORDER BY s.step_id");
  const ResultSet& ss = only_set(steps);
  REQUIRE(ss.rows.size() == 2);
  CHECK(cell(ss, 0, "database_name").as_string() == "master");
  CHECK(cell(ss, 1, "database_name").as_string() == "hr");
  CHECK(cell(ss, 1, "step_id").as_int64() == 2);
  Response sched = fx.ok("SELECT s.name, s.enabled, s.freq_type, s.freq_interval, s.freq_subday_type, "
                         "s.freq_subday_interval, s.active_end_date, s.active_end_time FROM msdb.dbo.sysjobs AS j "
                         "JOIN msdb.dbo.sysjobschedules AS js ON js.job_id = j.job_id "
                         "JOIN msdb.dbo.sysschedules AS s ON s.schedule_id = js.schedule_id");
  const ResultSet& sc = only_set(sched);
  REQUIRE(sc.rows.size() == 1);
  CHECK(cell(sc, 0, "name").as_string() == "every 5");
  CHECK(cell(sc, 0, "freq_type").as_int64() == 4);
  CHECK(cell(sc, 0, "freq_subday_type").as_int64() == 4);
  CHECK(cell(sc, 0, "freq_subday_interval").as_int64() == 5);
  CHECK(cell(sc, 0, "active_end_date").as_int64() == 99991231);
  CHECK(cell(sc, 0, "active_end_time").as_int64() == 235959);
  CHECK(row_count(fx.ok("SELECT job_id FROM msdb.dbo.sysjobservers WHERE server_id = 0")) == 1);
  // A CmdExec step has no database.
  CHECK(scalar(fx.ok("SELECT database_name FROM msdb.dbo.sysjobsteps WHERE subsystem = N'CmdExec'")).is_null());
  // msdb tables are msdb's: not visible from master without the database name.
  CHECK(single_error(fx.run("SELECT * FROM sysjobs")).number == 208);
}

TEST_CASE("sp_add_job, sp_add_jobstep, sp_add_schedule, sp_attach_schedule, sp_add_jobserver make a scheduled job",
          "[agent]") {
  Fixture fx;
  Response r = fx.ok(kCreateJob);
  CHECK(errors(r).empty());
  const SqlAgent& a = fx.world.sql_server.agent;
  REQUIRE(a.jobs.size() == 1);
  const AgentJob& j = a.jobs[0];
  CHECK(j.name == "LogBackup sales");
  CHECK(j.enabled == 0);
  CHECK(j.description == "Log backups of [sales]");
  CHECK(j.category_id == 3);
  CHECK(j.targets_local_server);
  CHECK(j.version_number == 2);  // sp_add_jobstep bumps it
  REQUIRE(j.steps.size() == 1);
  CHECK(j.steps[0].command == std::optional<std::string>("BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales.trn' WITH CHECKSUM"));
  REQUIRE(j.schedule_ids.size() == 1);
  const AgentSchedule* s = a.find_schedule(j.schedule_ids[0]);
  REQUIRE(s);
  CHECK(s->freq_subday_interval == 15);
  CHECK(s->active_start_date > 20200101);
  Response rows = fx.ok("SELECT j.enabled, st.step_name, st.subsystem, st.on_success_action, st.on_fail_action, "
                        "st.last_run_outcome, sv.last_run_outcome AS server_outcome, sc.freq_subday_interval "
                        "FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps st ON st.job_id = j.job_id "
                        "JOIN msdb.dbo.sysjobservers sv ON sv.job_id = j.job_id "
                        "JOIN msdb.dbo.sysjobschedules js ON js.job_id = j.job_id "
                        "JOIN msdb.dbo.sysschedules sc ON sc.schedule_id = js.schedule_id");
  const ResultSet& rs = only_set(rows);
  REQUIRE(rs.rows.size() == 1);
  CHECK(cell(rs, 0, "on_success_action").as_int64() == 1);
  CHECK(cell(rs, 0, "on_fail_action").as_int64() == 2);
  CHECK(cell(rs, 0, "server_outcome").as_int64() == 5);
  CHECK(cell(rs, 0, "freq_subday_interval").as_int64() == 15);
  // sp_update_job enables it (version and date_modified move).
  fx.ok("EXEC msdb.dbo.sp_update_job @job_name = N'LogBackup sales', @enabled = 1");
  CHECK(a.jobs[0].enabled == 1);
  CHECK(a.jobs[0].version_number == 3);
  // the state dump shows it
  milink::sdk::Value dump = fx.world.sql_server.dump();
  const milink::sdk::Value* jobs = dump.get("agent")->get("jobs");
  REQUIRE(jobs->as_array().size() == 1);
  CHECK(jobs->as_array()[0].get("enabled")->as_bool());
  CHECK(jobs->as_array()[0].get("owner")->as_string() == "sa");
  CHECK(jobs->as_array()[0].get("schedules")->as_array()[0].get("freq_subday_interval")->as_int() == 15);
}

TEST_CASE("Agent procedures as SSMS scripts them: BINARY(16) job ids, OUTPUT, return codes, step insertion",
          "[agent]") {
  Fixture fx;
  Response r = fx.ok(R"(
DECLARE @ReturnCode INT = 0, @jobId BINARY(16), @schedule_id INT, @codes NVARCHAR(100) = N'';
EXEC @ReturnCode = msdb.dbo.sp_add_job @job_name = N'Nightly', @enabled = 1, @notify_level_eventlog = 0,
     @notify_level_email = 0, @notify_level_netsend = 0, @notify_level_page = 0, @delete_level = 0,
     @description = N'No description available.', @category_name = N'[Uncategorized (Local)]',
     @owner_login_name = N'sa', @job_id = @jobId OUTPUT;
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_add_jobstep @job_id = @jobId, @step_name = N'one', @step_id = 1,
     @cmdexec_success_code = 0, @on_success_action = 3, @on_fail_action = 2, @retry_attempts = 0,
     @retry_interval = 0, @os_run_priority = 0, @subsystem = N'TSQL', @command = N'SELECT 1', @database_name = N'msdb',
     @flags = 0;
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_add_jobstep @job_id = @jobId, @step_name = N'zero', @step_id = 1, @command = N'SELECT 0';
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_add_schedule @schedule_name = N'Nightly at 2', @freq_type = 4, @freq_interval = 1,
     @active_start_time = 20000, @schedule_id = @schedule_id OUTPUT;
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_attach_schedule @job_id = @jobId, @schedule_id = @schedule_id;
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_attach_schedule @job_id = @jobId, @schedule_id = @schedule_id;
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
EXEC @ReturnCode = msdb.dbo.sp_add_jobserver @job_id = @jobId, @server_name = N'(local)';
SET @codes = @codes + CONVERT(NVARCHAR(10), @ReturnCode);
SELECT @codes AS codes, CONVERT(UNIQUEIDENTIFIER, @jobId) AS job_id, @schedule_id AS schedule_id;
)");
  const ResultSet& rs = only_set(r);
  CHECK(cell(rs, 0, "codes").as_string() == "0000000");
  const AgentJob& j = fx.world.sql_server.agent.jobs.at(0);
  CHECK(cell(rs, 0, "job_id").as_string() == j.job_id);
  CHECK(cell(rs, 0, "schedule_id").as_int64() == 1);
  // 'zero' went in at step 1 and moved 'one' to step 2.
  REQUIRE(j.steps.size() == 2);
  CHECK(j.steps[0].step_name == "zero");
  CHECK(j.steps[0].database_name == std::optional<std::string>("master"));
  CHECK(j.steps[1].step_name == "one");
  CHECK(j.steps[1].step_id == 2);
  CHECK(j.steps[1].database_name == std::optional<std::string>("msdb"));
  CHECK(j.schedule_ids == std::vector<int>{1});  // attaching twice attaches once
  CHECK(j.notify_level_eventlog == 0);
  const AgentSchedule& s = fx.world.sql_server.agent.schedules.at(0);
  CHECK(s.freq_subday_type == 1);  // 0 becomes "at the specified time"
  CHECK(s.active_start_time == 20000);
  // The return status of a procedure call is sent as for any procedure.
  CHECK(return_status(fx.run("EXEC msdb.dbo.sp_update_job @job_name = N'Nightly', @description = N'x'")) == 0);
  CHECK(fx.world.sql_server.agent.jobs.at(0).description == "x");
}

TEST_CASE("Agent procedure errors: msdb's numbers, texts and procedures, return 1, the batch goes on", "[agent]") {
  Fixture fx;
  fx.ok(kCreateJob);
  auto error_of = [&](const std::string& batch) {
    Response r = fx.run(batch);
    INFO(batch);
    Message m = single_error(r);
    CHECK(m.severity == 16);
    CHECK(m.state == 1);
    CHECK(return_status(r) == 1);
    return m;
  };
  Message dup = error_of("EXEC msdb.dbo.sp_add_job @job_name = N'LogBackup sales'");
  CHECK(dup.number == 14261);
  CHECK(dup.text == "The specified @name ('LogBackup sales') already exists.");
  CHECK(dup.procedure == "sp_verify_job");
  Response rc = fx.run("DECLARE @rc INT; EXEC @rc = msdb.dbo.sp_add_job @job_name = N'logbackup SALES'; SELECT @rc AS rc");
  CHECK(cell(only_set(rc), 0, "rc").as_int64() == 1);  // names compare case-insensitively here

  Message neither = error_of("EXEC msdb.dbo.sp_add_jobstep @step_name = N'x'");
  CHECK(neither.number == 14294);
  CHECK(neither.text == "Supply either @job_id or @job_name to identify the job.");
  CHECK(neither.procedure == "sp_verify_job_identifiers");
  Message missing = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'nope', @step_name = N'x'");
  CHECK(missing.number == 14262);
  CHECK(missing.text == "The specified @job_name ('nope') does not exist.");
  Message by_id = error_of("EXEC msdb.dbo.sp_add_jobserver @job_id = 'a0000000-0000-4000-8000-00000000000b'");
  CHECK(by_id.text == "The specified @job_id ('A0000000-0000-4000-8000-00000000000B') does not exist.");

  Message step_dup = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', "
                              "@step_name = N'back up the log of [SALES]', @command = N'x'");
  CHECK(step_dup.number == 14261);
  CHECK(step_dup.text == "The specified @step_name ('back up the log of [SALES]') already exists.");
  CHECK(step_dup.procedure == "sp_verify_jobstep");
  Message step_id = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N's', @step_id = 5");
  CHECK(step_id.number == 14266);
  CHECK(step_id.text == "The specified '@step_id' is invalid (valid values are: 1..2).");
  Message subsystem = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N's', "
                               "@subsystem = N'Bogus'");
  CHECK(subsystem.number == 14234);
  CHECK(subsystem.text ==
        "The specified '@subsystem' is invalid (valid values are returned by sp_enum_sqlagent_subsystems).");
  CHECK(subsystem.procedure == "sp_verify_subsystem");
  Message database = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N's', "
                              "@database_name = N'nosuch'");
  CHECK(database.number == 14262);
  CHECK(database.text == "The specified @database_name ('nosuch') does not exist.");
  CHECK(database.procedure == "sp_verify_jobstep");
  CHECK(error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N's', @proxy_name = N'p'")
            .number == 14517);
  Message go_to = error_of("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N's', "
                           "@on_success_action = 4, @on_success_step_id = 0");
  CHECK(go_to.number == 14235);
  CHECK(go_to.text == "The specified '@on_success_step' is invalid (valid values are greater than 0 but excluding 2).");
  // A forward reference is only a warning.
  Response forward = fx.ok("EXEC msdb.dbo.sp_add_jobstep @job_name = N'LogBackup sales', @step_name = N'then', "
                           "@on_success_action = 4, @on_success_step_id = 3");
  REQUIRE(infos(forward).size() == 1);
  CHECK(infos(forward)[0].number == 14236);
  CHECK(infos(forward)[0].text == "Warning: Non-existent step referenced by @on_success_step_id.");

  Message freq = error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's'");
  CHECK(freq.number == 14266);
  CHECK(freq.text == "The specified '@freq_type' is invalid (valid values are: 1, 4, 8, 16, 32, 64, 128).");
  CHECK(freq.procedure == "sp_verify_schedule");
  CHECK(error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's', @freq_type = 2").number == 14295);
  Message daily = error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's', @freq_type = 4");
  CHECK(daily.number == 14278);
  CHECK(daily.text == "The schedule for this job is invalid (reason: @freq_interval must be at least 1 for a daily job.).");
  Message minutes = error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's', @freq_type = 4, @freq_interval = 1, "
                             "@freq_subday_type = 4, @freq_subday_interval = 0");
  CHECK(minutes.text ==
        "The schedule for this job is invalid (reason: The specified '@freq_subday_interval' is invalid.).");
  Message seconds = error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's', @freq_type = 4, @freq_interval = 1, "
                             "@freq_subday_type = 2, @freq_subday_interval = 5");
  CHECK(seconds.number == 14278);
  Message time = error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N's', @freq_type = 4, @freq_interval = 1, "
                          "@active_start_time = 126000");
  CHECK(time.number == 14287);
  CHECK(time.text == "The '@active_start_time' supplied has an invalid minute.");
  CHECK(time.procedure == "sp_verify_job_time");
  CHECK(error_of("EXEC msdb.dbo.sp_add_schedule @schedule_name = N'all', @freq_type = 4, @freq_interval = 1").number ==
        14200);

  Message both = error_of("EXEC msdb.dbo.sp_attach_schedule @job_name = N'LogBackup sales', @schedule_id = 1, "
                          "@schedule_name = N'x'");
  CHECK(both.number == 14373);
  CHECK(both.text == "Supply either @schedule_id or @schedule_name to identify the schedule.");
  Message no_schedule = error_of("EXEC msdb.dbo.sp_attach_schedule @job_name = N'LogBackup sales', @schedule_name = N'x'");
  CHECK(no_schedule.number == 14262);
  CHECK(no_schedule.text == "The specified @schedule_name ('x') does not exist.");
  fx.ok("EXEC msdb.dbo.sp_add_schedule @schedule_name = N'twice', @freq_type = 64;"
        "EXEC msdb.dbo.sp_add_schedule @schedule_name = N'twice', @freq_type = 64;");
  Message ambiguous = error_of("EXEC msdb.dbo.sp_attach_schedule @job_name = N'LogBackup sales', @schedule_name = N'twice'");
  CHECK(ambiguous.number == 14371);
  CHECK(ambiguous.text ==
        "There are two or more schedules named \"twice\". Specify @schedule_id instead of @schedule_name to uniquely "
        "identify the schedule.");

  Message targeted = error_of("EXEC msdb.dbo.sp_add_jobserver @job_name = N'LogBackup sales'");
  CHECK(targeted.number == 14269);
  CHECK(targeted.text == "Job 'LogBackup sales' is already targeted at server 'SQLBOX1'.");
  Message remote = error_of("EXEC msdb.dbo.sp_add_jobserver @job_name = N'LogBackup sales', @server_name = N'other'");
  CHECK(remote.text == "The specified @server_name ('OTHER') does not exist.");

  Message enabled = error_of("EXEC msdb.dbo.sp_update_job @job_name = N'LogBackup sales', @enabled = 2");
  CHECK(enabled.number == 14266);
  CHECK(enabled.text == "The specified '@enabled' is invalid (valid values are: 0, 1).");
  Message category = error_of("EXEC msdb.dbo.sp_add_job @job_name = N'new', @category_name = N'Nope'");
  CHECK(category.number == 14234);
  CHECK(category.text == "The specified '@category_name' is invalid (valid values are returned by sp_help_category).");
  Message owner = error_of("EXEC msdb.dbo.sp_add_job @job_name = N'new', @owner_login_name = N'nobody'");
  CHECK(owner.number == 14234);
  CHECK(error_of("EXEC msdb.dbo.sp_add_job @job_name = N'new', @notify_email_operator_name = N'DBA'").number == 14234);
  // sp_verify_job's order: the name before the owner, the owner before the levels.
  CHECK(error_of("EXEC msdb.dbo.sp_add_job @job_name = N'LogBackup sales', @owner_login_name = N'nobody'").number ==
        14261);
  CHECK(error_of("EXEC msdb.dbo.sp_add_job @job_name = N'new', @owner_login_name = N'nobody', @delete_level = 9")
            .text == "The specified '@owner_login_name' is invalid (valid values are returned by sp_helplogins "
                     "[excluding Windows NT groups]).");
  CHECK(error_of("EXEC msdb.dbo.sp_add_job @job_name = N'new', @delete_level = 9").text ==
        "The specified '@delete_level' is invalid (valid values are: 0, 1, 2, 3).");

  // Binding errors are the engine's own, as for any procedure.
  Message unsupplied = single_error(fx.run("EXEC msdb.dbo.sp_add_job @enabled = 1"));
  CHECK(unsupplied.number == 201);
  CHECK(unsupplied.text == "Procedure or function 'sp_add_job' expects parameter '@job_name', which was not supplied.");
  CHECK(single_error(fx.run("EXEC msdb.dbo.sp_add_job @job_name = N'x', @nonsense = 1")).number == 8145);

  // A failed procedure ends only itself: the batch goes on.
  Response on = fx.run("EXEC msdb.dbo.sp_add_job @job_name = N'LogBackup sales'; SELECT 1 AS after_it");
  CHECK(errors(on).size() == 1);
  CHECK(result_sets(on).size() == 1);
  // Nothing was added by the failures.
  CHECK(fx.world.sql_server.agent.jobs.size() == 1);
  CHECK(fx.world.sql_server.agent.jobs[0].steps.size() == 2);
}

TEST_CASE("Agent procedures live in msdb.dbo: 2812 anywhere else, parameters bind as from a client", "[agent]") {
  Fixture fx;
  Message m = single_error(fx.run("EXEC sp_add_job @job_name = N'a'"));
  CHECK(m.number == 2812);
  CHECK(m.text == "Could not find stored procedure 'sp_add_job'.");
  CHECK(single_error(fx.run("EXEC msdb.sys.sp_add_job @job_name = N'a'")).number == 2812);
  CHECK(single_error(fx.run("EXEC master.dbo.sp_add_job @job_name = N'a'")).number == 2812);
  fx.ok("EXEC msdb..sp_add_job @job_name = N'a'");
  fx.ok("USE msdb; EXEC sp_add_job @job_name = N'b'; EXEC dbo.sp_add_jobserver @job_name = N'b'");
  fx.ok("EXEC msdb.dbo.sp_add_job @job_name = @P1, @enabled = @P2",
        {Param{"@P1", SqlValue::nvarchar("c"), false}, Param{"@P2", SqlValue::integer(0), false}});
  const SqlAgent& a = fx.world.sql_server.agent;
  REQUIRE(a.jobs.size() == 3);
  CHECK(a.jobs[1].targets_local_server);
  CHECK(a.jobs[2].name == "c");
  CHECK(a.jobs[2].enabled == 0);
}

TEST_CASE("a starting SQL Server Agent: job procedures refuse with 14258", "[agent][scenario]") {
  Fixture fx(scenario(R"({"sql_server": {"agent": {"status": "start_pending", "jobs": [{"name": "j"}]}}})"));
  CHECK(scalar(fx.ok("SELECT status_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%'"))
            .as_string() == "Other (start operation pending)");
  Message m = single_error(fx.run("EXEC msdb.dbo.sp_add_jobstep @job_name = N'j', @step_name = N's'"));
  CHECK(m.number == 14258);
  CHECK(m.text == "Cannot perform this operation while SQLServerAgent is starting. Try again later.");
  fx.ok("EXEC msdb.dbo.sp_add_job @job_name = N'k'");  // identifies no job: allowed
}

TEST_CASE("scenario agent keys: errors name the key, a managed instance's Agent always runs", "[agent][scenario]") {
  CHECK(scenario_error(R"({"sql_server": {"agent": {"state": "running"}}})")
            .find("/sql_server/agent/state: unknown key \"state\"; did you mean \"status\"?") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"status": "sleeping"}}})")
            .find("\"sleeping\" is not one of: running, stopped") != std::string::npos);
  CHECK(scenario_error(R"({"managed_instance": {"agent": {"status": "stopped"}}})")
            .find("/managed_instance/agent/status: unknown key") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"name": "j", "owner": "bob"}]}}})")
            .find("/sql_server/agent/jobs/0/owner: login \"bob\" is not in this server's logins") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"name": "j", "category": "Misc"}]}}})")
            .find("\"Misc\" is not a job category") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"name": "j", "steps": [{"name": "s", "database": "x"}]}]}}})")
            .find("/sql_server/agent/jobs/0/steps/0/database: database \"x\" is not in this server's databases") !=
        std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"name": "j"}, {"name": "J"}]}}})")
            .find("appears twice") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"name": "j", "schedules": [{"name": "s", "freq_type": 3}]}]}}})")
            .find("freq_type: must be one of 1, 4, 8, 16, 32, 64, 128") != std::string::npos);
  CHECK(scenario_error(R"({"sql_server": {"agent": {"jobs": [{"steps": []}]}}})").find("missing \"name\"") !=
        std::string::npos);
  // A job owned by another login, on the managed instance too.
  Fixture fx(scenario(R"({"sql_server": {"logins": [{"name": "dba", "password": "x"}],
                                         "agent": {"jobs": [{"name": "j", "owner": "dba"}]}},
                          "managed_instance": {"agent": {"jobs": [{"name": "mi job"}]}}})"));
  const Login* dba = fx.world.sql_server.find_login("dba");
  REQUIRE(dba);
  CHECK(fx.world.sql_server.agent.jobs.at(0).owner_sid == login_sid(*dba));
  CHECK(fx.world.managed_instance.agent.jobs.at(0).name == "mi job");
  CHECK(scalar(fx.ok_mi("SELECT name FROM msdb.dbo.sysjobs")).as_string() == "mi job");
  CHECK(scalar(fx.ok_mi("SELECT status_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%'"))
            .as_string() == "Running");
}
