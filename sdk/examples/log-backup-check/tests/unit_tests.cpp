// The plugin's pure parts, without a server: which job steps back up a
// database's log, how statements render for review, what the job runs, and
// what the step decides from what SQL Server says.
#include "config.hpp"
#include "decision.hpp"
#include "job_matcher.hpp"
#include "job_sql.hpp"
#include "statement.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using milink::sdk::SqlValue;

namespace {

Config config(bool create_job = true) {
  Config c;
  c.database = "sales";
  c.job_name = default_job_name(c.database);
  c.create_job = create_job;
  c.backup_directory = "D:\\Backup";
  return c;
}

/// A server where the Agent runs and sales is in FULL recovery, linked and seeded.
Observed server(LinkPhase phase = LinkPhase::Seeded) {
  Observed o;
  o.agent = AgentService{"Running", "Automatic"};
  o.database = DatabaseFacts{true, "FULL", "ONLINE"};
  o.phase = phase;
  return o;
}

JobFacts job(const std::string& name, bool enabled = true, bool scheduled = true, bool targeted = true) {
  JobFacts j;
  j.job_id = "ID-" + name;
  j.name = name;
  j.enabled = enabled;
  j.targets_local_server = targeted;
  if (scheduled) j.schedules.push_back(JobSchedule{true, 4, 4, 15});
  j.steps.push_back(JobStep{step_name(), "TSQL", "BACKUP LOG [sales] TO DISK = N'x'"});
  j.backs_up_log = true;
  return j;
}

}  // namespace

TEST_CASE("job matcher: BACKUP LOG with the database bare, bracketed or quoted", "[matcher]") {
  CHECK(backs_up_log_of("BACKUP LOG sales TO DISK = N'x.trn'", "sales"));
  CHECK(backs_up_log_of("backup  log\n[Sales] to disk = 'x'", "sales"));
  CHECK(backs_up_log_of("BACKUP LOG \"sales\" TO URL = N'https://x'", "SALES"));
  CHECK(backs_up_log_of("BACKUP LOG [Q1 [EU]]'s] TO DISK = N'x'", "Q1 [EU]'s"));
  CHECK_FALSE(backs_up_log_of("BACKUP DATABASE sales TO DISK = N'x'", "sales"));
  CHECK_FALSE(backs_up_log_of("BACKUP LOG sales_archive TO DISK = N'x'", "sales"));
  CHECK_FALSE(backs_up_log_of("BACKUP LOG @db TO DISK = @file", "sales"));  // cannot be read
  CHECK_FALSE(backs_up_log_of("EXEC dbo.MyBACKUP LOG sales", "sales"));     // not the statement
}

TEST_CASE("job matcher: Ola Hallengren's DatabaseBackup with @BackupType = 'LOG'", "[matcher]") {
  CHECK(backs_up_log_of("EXECUTE dbo.DatabaseBackup @Databases = 'USER_DATABASES', @Directory = N'X:\\b', "
                        "@BackupType = 'LOG', @CleanupTime = 48",
                        "sales"));
  CHECK(backs_up_log_of("EXECUTE [dbo].[DatabaseBackup] @Databases = N'hr, [sales]', @BackupType = N'LOG'", "sales"));
  CHECK(backs_up_log_of("sqlcmd -E -S $(ESCAPE_SQUOTE(SRVR)) -d master -Q \"EXECUTE dbo.DatabaseBackup "
                        "@Databases = 'sal%', @BackupType = 'LOG'\" -b",
                        "sales"));
  CHECK_FALSE(backs_up_log_of("EXECUTE dbo.DatabaseBackup @Databases = 'USER_DATABASES, -sales', @BackupType = 'LOG'",
                              "sales"));
  CHECK_FALSE(backs_up_log_of("EXECUTE dbo.DatabaseBackup @Databases = 'USER_DATABASES', @BackupType = 'FULL'", "sales"));
  CHECK_FALSE(backs_up_log_of("EXECUTE dbo.DatabaseBackup @Databases = 'hr', @BackupType = 'LOG'", "sales"));
}

TEST_CASE("statements render with their literals, markers in strings and comments left alone", "[statement]") {
  Statement s;
  s.sql = "-- a ? in a comment\nEXEC p @a = ?, @b = N'what?', @c = ?, @d = ?;";
  s.params = {SqlValue::nvarchar("O'Brien"), SqlValue::integer(15), SqlValue()};
  CHECK(render(s) == "-- a ? in a comment\nEXEC p @a = N'O''Brien', @b = N'what?', @c = 15, @d = NULL;");
  s.params.pop_back();
  CHECK_THROWS_AS(render(s), std::logic_error);
}

TEST_CASE("the job's statements: bound parameters, msdb's procedures, the step's command", "[job]") {
  Config c = config();
  c.database = "Q1 [EU]'s";
  c.job_name = default_job_name(c.database);
  c.schedule_minutes = 5;
  Statement job = create_job(c);
  CHECK(job.sql.find("Q1") == std::string::npos);  // the name is bound, never part of the text
  CHECK(job.idempotent);
  CHECK(render(job) ==
        "IF NOT EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = N'acme_log_backup_Q1 [EU]''s')\n"
        "    EXEC msdb.dbo.sp_add_job @job_name = N'acme_log_backup_Q1 [EU]''s', @enabled = 0, @description = "
        "N'Log backups of [Q1 [EU]]''s] every 5 minutes, so that its log does not fill up while the Managed Instance "
        "link keeps log records (created by acme.log-backup-check)',\n"
        "        @category_name = N'Database Maintenance';");
  std::string cmd = backup_command(c);
  CHECK(cmd.find("IF sys.fn_hadr_is_primary_replica(N'Q1 [EU]''s') = 0") != std::string::npos);
  CHECK(cmd.find("DECLARE @file nvarchar(4000) = N'D:\\Backup\\Q1__EU__s_'") != std::string::npos);
  CHECK(cmd.find("BACKUP LOG [Q1 [EU]]'s] TO DISK = @file WITH CHECKSUM, COMPRESSION;") != std::string::npos);
  CHECK(backs_up_log_of(cmd, c.database));  // the step recognises its own job
  Statement schedule = add_schedule(c);
  CHECK_FALSE(schedule.idempotent);
  CHECK(render(schedule).find("@freq_subday_type = 4, @freq_subday_interval = 5") != std::string::npos);
  CHECK(render(schedule).find("@schedule_id = @schedule_id OUTPUT") != std::string::npos);
  c.backup_directory = "/var/opt/mssql/backup";
  c.compression = false;
  CHECK(backup_command(c).find("N'/var/opt/mssql/backup/Q1__EU__s_'") != std::string::npos);
  CHECK(backup_command(c).find("WITH CHECKSUM;") != std::string::npos);
  c.owner_login_name = "sa";
  CHECK(render(create_job(c)).find("@owner_login_name = N'sa';") != std::string::npos);
}

TEST_CASE("decide: the Agent must run and the database be in FULL recovery", "[decision]") {
  Observed o = server();
  o.agent.reset();
  CHECK(decide(config(), o).kind == Decision::Kind::Fail);
  o.agent = AgentService{"Stopped", "Manual"};
  Decision stopped = decide(config(), o);
  CHECK(stopped.kind == Decision::Kind::Fail);
  CHECK(stopped.reason.find("SQL Server Agent is not running (status Stopped, startup type Manual)") == 0);
  o = server();
  o.database.recovery_model = "SIMPLE";
  CHECK(decide(config(), o).reason.find("[sales] uses the SIMPLE recovery model") == 0);
  o = server();
  o.database.exists = false;
  CHECK(decide(config(), o).reason == "database [sales] does not exist on this server");
}

TEST_CASE("decide: a job the Agent runs satisfies - one that never runs does not", "[decision]") {
  Observed o = server(LinkPhase::Seeded);
  o.log_backup_jobs = {job("theirs", false), job("backups")};
  Decision d = decide(config(false), o);
  CHECK(d.kind == Decision::Kind::Satisfied);
  CHECK(d.job_name == "backups");
  CHECK(d.reason == "job [backups] backs up the log of [sales] every 15 minutes");
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0] == "job [theirs] backs up the log of [sales] but never runs: it is disabled");
  // While seeding, a running log backup job is a danger: warned about, and before a link too.
  o.phase = LinkPhase::Seeding;
  CHECK(decide(config(false), o).warnings.back().find("errors 1408, 1412") != std::string::npos);
  o.phase = LinkPhase::NotLinked;
  CHECK(decide(config(false), o).warnings.back().find("before linking [sales] to a managed instance, disable it") !=
        std::string::npos);
  // Only jobs that never run: check-only fails, naming them.
  o.log_backup_jobs = {job("unscheduled", true, false), job("untargeted", true, true, false)};
  Decision none = decide(config(false), o);
  CHECK(none.kind == Decision::Kind::Fail);
  CHECK(none.reason.find("no SQL Server Agent job that runs backs up the log of [sales] ([unscheduled], [untargeted] "
                         "would, but never run)") == 0);
  REQUIRE(none.warnings.size() == 2);
  CHECK(none.warnings[0] == "job [unscheduled] backs up the log of [sales] but never runs: it has no schedule");
  CHECK(none.warnings[1] ==
        "job [untargeted] backs up the log of [sales] but never runs: it is not targeted at this server "
        "(sp_add_jobserver)");
}

TEST_CASE("decide: create the job, disabled until seeded - finish a half-built one - enable it after seeding",
          "[decision]") {
  Config c = config();
  Decision create = decide(c, server(LinkPhase::NotLinked));
  CHECK(create.kind == Decision::Kind::NeedsChange);
  CHECK(create.changes ==
        std::vector<Change>{Change::CreateJob, Change::AddStep, Change::AddSchedule, Change::AddJobServer});
  CHECK(create.reason == "no SQL Server Agent job that runs backs up the log of [sales]: create [acme_log_backup_sales] (every 15 "
                         "minutes, disabled until [sales] has seeded)");
  c.enable = EnableWhen::Now;
  CHECK(decide(c, server(LinkPhase::NotLinked)).changes.back() == Change::EnableJob);
  c.enable = EnableWhen::AfterSeeding;

  // Created, disabled, before seeding: satisfied as it is.
  Observed o = server(LinkPhase::Seeding);
  o.managed = job(c.job_name, false);
  o.log_backup_jobs = {*o.managed};
  Decision waiting = decide(c, o);
  CHECK(waiting.kind == Decision::Kind::Satisfied);
  CHECK_FALSE(waiting.job_enabled);
  CHECK(waiting.reason.find("stays disabled until [sales] has seeded") != std::string::npos);
  // Seeded: enable it (and only that).
  o.phase = LinkPhase::Seeded;
  Decision enable = decide(c, o);
  CHECK(enable.kind == Decision::Kind::NeedsChange);
  CHECK(enable.changes == std::vector<Change>{Change::EnableJob});
  CHECK(decide(config(false), o).kind == Decision::Kind::Fail);  // check-only does not enable

  // Interrupted after sp_add_schedule: attach the schedule left over, then the rest.
  o.managed = job(c.job_name, false, false, false);
  o.log_backup_jobs = {*o.managed};
  o.orphan_schedule_id = 7;
  Decision finish = decide(c, o);
  CHECK(finish.changes == std::vector<Change>{Change::AttachSchedule, Change::AddJobServer, Change::EnableJob});
  CHECK(finish.orphan_schedule_id == 7);

  // A step of ours edited by hand: left alone.
  o.managed->steps[0].command = "SELECT 1";
  o.managed->backs_up_log = false;
  o.log_backup_jobs.clear();
  CHECK(decide(c, o).reason.find("changed by hand") != std::string::npos);
}
