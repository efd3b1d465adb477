// A log backup taken while automatic seeding runs truncates the log the
// seeding still needs: the link fails with errors 1408/1412 and must be
// dropped and created again (the link's troubleshooting guide). Preflight
// looks for enabled SQL Agent jobs with an enabled schedule whose T-SQL
// step backs up this database's log (BACKUP LOG naming it, or a
// maintenance solution's LOG backup of USER_DATABASES / ALL_DATABASES).
// Trace flag 12381, which keeps the log during seeding on the builds that
// have it, turns the FAIL into a WARN.
#include "checks.hpp"
#include "sql_values.hpp"

#include <milink/sdk/quote.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace milink::preflight {

namespace {

const char* kPermissionRemedy = "milink needs a sysadmin login on SQL Server for the link";

const char* kJobsSql =
    "SELECT j.name AS job_name, s.step_name, s.command\n"
    "FROM msdb.dbo.sysjobs AS j\n"
    "JOIN msdb.dbo.sysjobsteps AS s ON s.job_id = j.job_id\n"
    "JOIN msdb.dbo.sysjobschedules AS js ON js.job_id = j.job_id\n"
    "JOIN msdb.dbo.sysschedules AS sc ON sc.schedule_id = js.schedule_id\n"
    "WHERE j.enabled = 1 AND sc.enabled = 1 AND s.subsystem = N'TSQL'";

const char* kGroupSql =
    "SELECT ag.name FROM master.sys.availability_databases_cluster AS adc\n"
    "JOIN master.sys.availability_groups AS ag ON ag.group_id = adc.group_id\n"
    "WHERE adc.database_name = ? AND ag.is_distributed = 0";
const char* kTraceFlagSql = "DBCC TRACESTATUS(12381) WITH NO_INFOMSGS";

/// Upper case, whitespace runs as one blank, brackets and quotes dropped.
std::string normalized(const std::string& s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '[' || c == ']' || c == '"') continue;
    if (std::isspace(u)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += static_cast<char>(std::toupper(u));
  }
  return out;
}

bool backs_up_log_of(const std::string& command, const std::string& db) {
  const std::string c = normalized(command);
  std::string compact = c;
  compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
  const bool log_backup = c.find("BACKUP LOG") != std::string::npos ||
                          compact.find("@BACKUPTYPE='LOG'") != std::string::npos ||
                          compact.find("@BACKUPTYPE=N'LOG'") != std::string::npos;
  if (!log_backup) return false;
  return c.find(normalized(db)) != std::string::npos || c.find("USER_DATABASES") != std::string::npos ||
         c.find("ALL_DATABASES") != std::string::npos;
}

bool trace_flag_12381_on(milink::sdk::Sql& sql) {
  milink::sdk::SqlResultSet set = sql.query(kTraceFlagSql);
  const int flag_col = set.column("TraceFlag"), global_col = set.column("Global");
  if (flag_col < 0 || global_col < 0) return false;
  for (const auto& row : set.rows)
    if (int_of(row[static_cast<std::size_t>(flag_col)]).value_or(0) == 12381 &&
        int_of(row[static_cast<std::size_t>(global_col)]).value_or(0) == 1)
      return true;
  return false;
}

}  // namespace

void check_log_backup_jobs(Report& report, milink::sdk::Sql& sql, const std::string& db, const std::string& q) {
  const std::string check = "log_backup_jobs " + q;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kJobsSql);
    std::set<std::string> jobs;
    for (std::size_t i = 0; i < set.rows.size(); ++i)
      if (backs_up_log_of(text_of(set.at(i, "command")), db)) jobs.insert(text_of(set.at(i, "job_name")));
    if (jobs.empty()) {
      report.pass(check, "no scheduled SQL Agent job backs up the log of " + q);
      return;
    }
    std::string names, disable, enable;
    for (const auto& j : jobs) {
      names += (names.empty() ? "" : ", ") + milink::sdk::tsql::quote_identifier(j);
      disable += (disable.empty() ? "" : "; ") + std::string("EXEC msdb.dbo.sp_update_job @job_name = ") +
                 milink::sdk::tsql::quote_literal(j) + ", @enabled = 0";
    }
    const std::string found = "the scheduled SQL Agent job" + std::string(jobs.size() == 1 ? " " : "s ") + names +
                              " back" + (jobs.size() == 1 ? "s" : "") + " up the log of " + q;
    // Already in an availability group: the link was made by an earlier run.
    // Once seeding has finished, log backups are what the link needs (the
    // log grows without them), so a re-run must not refuse them.
    milink::sdk::SqlResultSet grouped = sql.query(kGroupSql, {milink::sdk::SqlValue::nvarchar(db)});
    if (!grouped.rows.empty()) {
      report.warn(check,
                  found + "; " + q + " is already in availability group " +
                      milink::sdk::tsql::quote_identifier(text_of(grouped.rows.front().front())) +
                      " (the link exists), where log backups are needed once seeding has finished",
                  "if the link is still seeding, disable the job until it has (" + disable + ")");
      return;
    }
    if (trace_flag_12381_on(sql)) {
      report.warn(check, found + "; trace flag 12381 is on, so seeding keeps the log it needs",
                  "watch the log's growth while seeding runs, and turn trace flag 12381 off when it has finished");
      return;
    }
    report.fail(check,
                found + ": a log backup during seeding truncates the log and the link fails (errors 1408/1412, the "
                        "link must then be dropped and created again)",
                "disable the job until seeding has finished (" + disable +
                    "), or turn on trace flag 12381 for the seeding where the build has it (DBCC TRACEON (12381, -1)); "
                    "take the first log backup after the database is no longer restoring on the managed instance");
  });
}

}  // namespace milink::preflight
