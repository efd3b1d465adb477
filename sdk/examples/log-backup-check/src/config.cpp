#include "config.hpp"

#include <milink/sdk/quote.hpp>

#include <stdexcept>

namespace acme {

using milink::sdk::ConfigError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;

milink::sdk::StepSpec step_spec() {
  milink::sdk::StepSpec s;
  s.uses = "acme.log-backup-check";
  s.summary = "Checks that SQL Server Agent takes regular log backups of a linked database (and creates the job)";
  s.doc =
      "During a Managed Instance link, SQL Server keeps every log record until the managed instance has it, so "
      "without regular log backups the log of a busy database grows until the disk is full. This step checks that "
      "SQL Server Agent is running and that an enabled Agent job with a schedule backs up the database's log. With "
      "create_job it creates such a job (owner, category Database Maintenance, one T-SQL step, a schedule every "
      "schedule_minutes minutes), disabled until the database has seeded to the managed instance: a log backup during "
      "initial seeding can break the link.";
  s.params = {
      Param::string("database").required().doc("The database whose log must be backed up"),
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target (config section) of SQL Server"),
      Param::boolean("create_job")
          .defaults_to(Value(false))
          .doc("Create the log backup job when none exists (and enable it once the database has seeded); false: only check"),
      Param::string("job_name")
          .defaults_to(Value(""))
          .doc("Name of the job to create; default acme_log_backup_<database>"),
      Param::integer("schedule_minutes").defaults_to(Value(15)).doc("The job backs up the log every this many minutes"),
      Param::string("backup_directory")
          .defaults_to(Value(""))
          .doc("Directory on SQL Server's host for the .trn files; required with create_job"),
      Param::boolean("compression").defaults_to(Value(true)).doc("Compress the log backups"),
      Param::string("enable")
          .defaults_to(Value("after_seeding"))
          .choices({"after_seeding", "now"})
          .doc("When a created job is enabled: after_seeding (once the database has seeded) or now"),
      Param::string("owner_login_name")
          .defaults_to(Value(""))
          .doc("Owner of the created job; default the login milink connects with"),
  };
  s.outputs = {
      Output::string("job_name").doc("The job that takes the log backups"),
      Output::boolean("job_enabled").doc("Whether that job is enabled"),
      Output::string("agent_status").doc("SQL Server Agent's status_desc (sys.dm_server_services)"),
      Output::string("link_phase").doc("not_linked, seeding, seeded or seeding_failed"),
  };
  return s;
}

std::string default_job_name(const std::string& database) { return "acme_log_backup_" + database; }

namespace {

void check_sysname(const std::string& value, const char* field) {
  try {
    (void)milink::sdk::tsql::quote_identifier(value);
  } catch (const std::invalid_argument&) {
    throw ConfigError(field, std::string(field) + " must have 1 to 128 characters (got " +
                                 std::to_string(value.size()) + " bytes)");
  }
}

}  // namespace

Config configure_step(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.database = p.string("database");
  check_sysname(c.database, "database");
  c.create_job = p.boolean("create_job");
  c.job_name = p.string("job_name");
  if (c.job_name.empty()) {
    c.job_name = default_job_name(c.database);
    if (c.job_name.size() > 128)
      throw ConfigError("job_name", "the default job name acme_log_backup_<database> is longer than 128 characters; "
                                    "give job_name");
  }
  check_sysname(c.job_name, "job_name");
  std::int64_t minutes = p.integer("schedule_minutes");
  if (minutes < 1 || minutes > 1440)
    throw ConfigError("schedule_minutes", "schedule_minutes must be between 1 and 1440 (got " +
                                              std::to_string(minutes) + ")");
  c.schedule_minutes = static_cast<int>(minutes);
  c.backup_directory = p.string("backup_directory");
  while (c.backup_directory.size() > 1 &&
         (c.backup_directory.back() == '\\' || c.backup_directory.back() == '/'))
    c.backup_directory.pop_back();
  if (c.create_job && c.backup_directory.empty())
    throw ConfigError("backup_directory",
                      "create_job needs backup_directory: the directory on SQL Server's host where the job writes the "
                      "log backups, e.g. D:\\Backup or /var/opt/mssql/backup");
  c.compression = p.boolean("compression");
  c.enable = p.string("enable") == "now" ? EnableWhen::Now : EnableWhen::AfterSeeding;
  c.owner_login_name = p.string("owner_login_name");
  if (!c.owner_login_name.empty()) check_sysname(c.owner_login_name, "owner_login_name");
  return c;
}

}  // namespace acme
