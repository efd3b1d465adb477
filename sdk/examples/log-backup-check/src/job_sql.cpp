#include "job_sql.hpp"

#include <milink/sdk/quote.hpp>

#include <cctype>

namespace acme {

using milink::sdk::SqlValue;
namespace tsql = milink::sdk::tsql;

namespace {

/// The database name as part of a file name: letters, digits, '-' and '_' only.
std::string file_safe(const std::string& name) {
  std::string out;
  for (unsigned char ch : name) out += (std::isalnum(ch) || ch == '-' || ch == '_') ? static_cast<char>(ch) : '_';
  return out;
}

/// The directory's own separator: '/' for a Linux path, '\' otherwise.
char separator(const std::string& dir) {
  return dir.find('/') != std::string::npos && dir.find('\\') == std::string::npos ? '/' : '\\';
}

std::string every(int minutes) { return minutes == 1 ? "every minute" : "every " + std::to_string(minutes) + " minutes"; }

}  // namespace

std::string step_name() { return "Back up the transaction log"; }

std::string schedule_name(const Config& c) { return c.job_name + " " + every(c.schedule_minutes); }

std::string job_description(const Config& c) {
  return "Log backups of " + tsql::quote_identifier(c.database) + " " + every(c.schedule_minutes) +
         ", so that its log does not fill up while the Managed Instance link keeps log records "
         "(created by acme.log-backup-check)";
}

std::string backup_command(const Config& c) {
  const std::string db = tsql::quote_identifier(c.database);
  const std::string prefix = c.backup_directory + separator(c.backup_directory) + file_safe(c.database) + "_";
  return "-- acme.log-backup-check: log backups of " + db + ".\n"
         "-- While this server is not the primary replica (after a failover to the managed\n"
         "-- instance), the managed instance takes the log backups itself.\n"
         "IF sys.fn_hadr_is_primary_replica(" + tsql::quote_literal(c.database) + ") = 0\n"
         "    RETURN;\n"
         "DECLARE @file nvarchar(4000) = " + tsql::quote_literal(prefix) + "\n"
         "    + REPLACE(REPLACE(CONVERT(nvarchar(19), SYSDATETIME(), 126), N'-', N''), N':', N'') + N'.trn';\n"
         "BACKUP LOG " + db + " TO DISK = @file WITH CHECKSUM" + (c.compression ? ", COMPRESSION" : "") + ";\n";
}

Statement create_job(const Config& c) {
  Statement s;
  s.what = "create the SQL Server Agent job " + tsql::quote_identifier(c.job_name) + " (disabled)";
  s.sql =
      "IF NOT EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = ?)\n"
      "    EXEC msdb.dbo.sp_add_job @job_name = ?, @enabled = 0, @description = ?,\n"
      "        @category_name = N'Database Maintenance'";
  s.params = {SqlValue::nvarchar(c.job_name), SqlValue::nvarchar(c.job_name), SqlValue::nvarchar(job_description(c))};
  if (!c.owner_login_name.empty()) {
    s.sql += ", @owner_login_name = ?";
    s.params.push_back(SqlValue::nvarchar(c.owner_login_name));
  }
  s.sql += ";";
  s.idempotent = true;
  return s;
}

Statement add_step(const Config& c) {
  Statement s;
  s.what = "add the step that backs up the log of " + tsql::quote_identifier(c.database);
  s.sql =
      "IF NOT EXISTS (SELECT 1 FROM msdb.dbo.sysjobs AS j JOIN msdb.dbo.sysjobsteps AS st ON st.job_id = j.job_id\n"
      "               WHERE j.name = ? AND st.step_name = ?)\n"
      "    EXEC msdb.dbo.sp_add_jobstep @job_name = ?, @step_name = ?, @subsystem = N'TSQL',\n"
      "        @database_name = N'master', @command = ?;";
  s.params = {SqlValue::nvarchar(c.job_name), SqlValue::nvarchar(step_name()), SqlValue::nvarchar(c.job_name),
              SqlValue::nvarchar(step_name()), SqlValue::nvarchar(backup_command(c))};
  s.idempotent = true;
  return s;
}

Statement add_schedule(const Config& c) {
  Statement s;
  s.what = "schedule it " + every(c.schedule_minutes);
  // Daily (freq_type 4) every day (freq_interval 1), every N minutes (freq_subday_type 4) from midnight.
  s.sql =
      "DECLARE @schedule_id int;\n"
      "EXEC msdb.dbo.sp_add_schedule @schedule_name = ?, @enabled = 1, @freq_type = 4, @freq_interval = 1,\n"
      "    @freq_subday_type = 4, @freq_subday_interval = ?, @active_start_time = 0,\n"
      "    @schedule_id = @schedule_id OUTPUT;\n"
      "EXEC msdb.dbo.sp_attach_schedule @job_name = ?, @schedule_id = @schedule_id;";
  s.params = {SqlValue::nvarchar(schedule_name(c)), SqlValue::integer(c.schedule_minutes),
              SqlValue::nvarchar(c.job_name)};
  // Not repeated on a broken connection: a second run would add a second
  // schedule. The next run of the step attaches the one left over instead.
  s.idempotent = false;
  return s;
}

Statement attach_schedule(const Config& c, int schedule_id) {
  Statement s;
  s.what = "attach the schedule " + tsql::quote_identifier(schedule_name(c)) + " left by an interrupted run";
  s.sql = "EXEC msdb.dbo.sp_attach_schedule @job_name = ?, @schedule_id = ?;";
  s.params = {SqlValue::nvarchar(c.job_name), SqlValue::integer(schedule_id)};
  s.idempotent = true;  // attaching an attached schedule changes nothing
  return s;
}

Statement add_jobserver(const Config& c) {
  Statement s;
  s.what = "target the job at this server (without it SQL Server Agent never runs it)";
  s.sql =
      "IF NOT EXISTS (SELECT 1 FROM msdb.dbo.sysjobs AS j JOIN msdb.dbo.sysjobservers AS sv ON sv.job_id = j.job_id\n"
      "               WHERE j.name = ? AND sv.server_id = 0)\n"
      "    EXEC msdb.dbo.sp_add_jobserver @job_name = ?, @server_name = N'(local)';";
  s.params = {SqlValue::nvarchar(c.job_name), SqlValue::nvarchar(c.job_name)};
  s.idempotent = true;
  return s;
}

Statement enable_job(const Config& c) {
  Statement s;
  s.what = "enable the job " + tsql::quote_identifier(c.job_name);
  s.sql = "EXEC msdb.dbo.sp_update_job @job_name = ?, @enabled = 1;";
  s.params = {SqlValue::nvarchar(c.job_name)};
  s.idempotent = true;
  return s;
}

}  // namespace acme
