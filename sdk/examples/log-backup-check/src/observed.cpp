#include "observed.hpp"

#include "job_matcher.hpp"
#include "job_sql.hpp"

#include <algorithm>
#include <cctype>

namespace acme {

using milink::sdk::SqlResultSet;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

const char* phase_name(LinkPhase p) {
  switch (p) {
    case LinkPhase::NotLinked: return "not_linked";
    case LinkPhase::Seeding: return "seeding";
    case LinkPhase::Seeded: return "seeded";
    case LinkPhase::SeedingFailed: return "seeding_failed";
  }
  return "not_linked";
}

bool JobFacts::has_enabled_schedule() const {
  return std::any_of(schedules.begin(), schedules.end(), [](const JobSchedule& s) { return s.enabled; });
}

std::string JobFacts::schedule_text() const {
  for (const auto& s : schedules) {
    if (!s.enabled) continue;
    auto n = std::to_string(s.freq_subday_interval);
    switch (s.freq_subday_type) {
      case 2: return "every " + n + " seconds";
      case 4: return s.freq_subday_interval == 1 ? "every minute" : "every " + n + " minutes";
      case 8: return s.freq_subday_interval == 1 ? "every hour" : "every " + n + " hours";
      default: break;
    }
    switch (s.freq_type) {
      case 1: return "once";
      case 4: return "daily";
      case 8: return "weekly";
      case 16: case 32: return "monthly";
      case 64: return "when SQL Server Agent starts";
      case 128: return "when the computer is idle";
      default: return "on a schedule";
    }
  }
  return "never (no enabled schedule)";
}

std::string JobFacts::why_not_running() const {
  std::vector<std::string> why;
  if (!enabled) why.push_back("it is disabled");
  if (!has_enabled_schedule()) why.push_back(schedules.empty() ? "it has no schedule" : "its schedules are disabled");
  if (!targets_local_server) why.push_back("it is not targeted at this server (sp_add_jobserver)");
  std::string out;
  for (std::size_t i = 0; i < why.size(); ++i) out += (i ? "; " : "") + why[i];
  return out;
}

namespace {

std::string text(const SqlResultSet& rs, std::size_t row, const std::string& column) {
  const SqlValue& v = rs.at(row, column);
  if (v.is_null()) return {};
  return v.type() == SqlType::NVarChar ? v.as_string() : v.to_display();
}

long long number(const SqlResultSet& rs, std::size_t row, const std::string& column) {
  const SqlValue& v = rs.at(row, column);
  if (v.is_null()) return 0;
  if (v.type() == SqlType::Bit) return v.as_bool() ? 1 : 0;
  if (v.type() == SqlType::NVarChar) return std::stoll(v.as_string());
  return v.as_int64();
}

bool same_id(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

LinkPhase read_phase(const Config& c, milink::sdk::Sql& sql) {
  // The last automatic seeding of the database, as its source.
  auto seeding = sql.query(
      "SELECT TOP (1) s.current_state FROM sys.dm_hadr_automatic_seeding AS s "
      "JOIN sys.databases AS d ON d.group_database_id = s.ag_db_id "
      "WHERE d.name = ? AND s.is_source = 1 ORDER BY s.start_time DESC",
      {SqlValue::nvarchar(c.database)});
  if (!seeding.rows.empty()) {
    std::string state = text(seeding, 0, "current_state");
    if (state == "COMPLETED") return LinkPhase::Seeded;
    if (state == "FAILED") return LinkPhase::SeedingFailed;
    return LinkPhase::Seeding;
  }
  // No seeding on record (history is lost at a restart): the managed
  // instance's replica synchronizing means it has the database.
  auto synchronizing = sql.scalar(
      "SELECT COUNT(*) FROM sys.dm_hadr_database_replica_states AS drs "
      "JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id "
      "WHERE ag.is_distributed = 1 AND drs.is_local = 0 AND drs.database_id = DB_ID(?) "
      "AND drs.synchronization_state_desc IN (N'SYNCHRONIZING', N'SYNCHRONIZED')",
      {SqlValue::nvarchar(c.database)});
  return synchronizing && !synchronizing->is_null() && synchronizing->as_int64() > 0 ? LinkPhase::Seeded
                                                                                       : LinkPhase::Seeding;
}

}  // namespace

Observed read_observed(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  Observed o;

  auto agent = sql.query(
      "SELECT status_desc, startup_type_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%'");
  if (!agent.rows.empty()) o.agent = AgentService{text(agent, 0, "status_desc"), text(agent, 0, "startup_type_desc")};

  auto db = sql.query("SELECT recovery_model_desc, state_desc, replica_id FROM sys.databases WHERE name = ?",
                      {SqlValue::nvarchar(c.database)});
  if (!db.rows.empty()) {
    o.database.exists = true;
    o.database.recovery_model = text(db, 0, "recovery_model_desc");
    o.database.state = text(db, 0, "state_desc");
    o.phase = db.rows[0][static_cast<std::size_t>(db.column("replica_id"))].is_null() ? LinkPhase::NotLinked
                                                                                        : read_phase(c, sql);
  }

  // Steps that may back up a log (a cheap filter; job_matcher decides), and
  // every step of the job the step manages.
  auto steps = sql.query(
      "SELECT j.job_id, j.name, j.enabled, st.step_name, st.subsystem, st.command "
      "FROM msdb.dbo.sysjobs AS j JOIN msdb.dbo.sysjobsteps AS st ON st.job_id = j.job_id "
      "WHERE (st.subsystem IN (N'TSQL', N'CmdExec') AND UPPER(st.command) LIKE N'%BACKUP%') OR j.name = ? "
      "ORDER BY j.name, st.step_id",
      {SqlValue::nvarchar(c.job_name)});
  auto managed = sql.query("SELECT job_id, name, enabled FROM msdb.dbo.sysjobs WHERE name = ?",
                           {SqlValue::nvarchar(c.job_name)});
  auto schedules = sql.query(
      "SELECT js.job_id, sc.enabled, sc.freq_type, sc.freq_subday_type, sc.freq_subday_interval "
      "FROM msdb.dbo.sysjobschedules AS js JOIN msdb.dbo.sysschedules AS sc ON sc.schedule_id = js.schedule_id");
  auto servers = sql.query("SELECT job_id FROM msdb.dbo.sysjobservers WHERE server_id = 0");

  std::vector<JobFacts> jobs;
  auto job_for = [&](const std::string& id, const std::string& name, bool enabled) -> JobFacts& {
    for (auto& j : jobs)
      if (same_id(j.job_id, id)) return j;
    JobFacts j;
    j.job_id = id;
    j.name = name;
    j.enabled = enabled;
    for (std::size_t r = 0; r < schedules.rows.size(); ++r)
      if (same_id(text(schedules, r, "job_id"), id))
        j.schedules.push_back(JobSchedule{number(schedules, r, "enabled") != 0,
                                          static_cast<int>(number(schedules, r, "freq_type")),
                                          static_cast<int>(number(schedules, r, "freq_subday_type")),
                                          static_cast<int>(number(schedules, r, "freq_subday_interval"))});
    for (std::size_t r = 0; r < servers.rows.size(); ++r)
      if (same_id(text(servers, r, "job_id"), id)) j.targets_local_server = true;
    jobs.push_back(std::move(j));
    return jobs.back();
  };
  for (std::size_t r = 0; r < managed.rows.size(); ++r)
    job_for(text(managed, r, "job_id"), text(managed, r, "name"), number(managed, r, "enabled") != 0);
  for (std::size_t r = 0; r < steps.rows.size(); ++r) {
    JobFacts& j = job_for(text(steps, r, "job_id"), text(steps, r, "name"), number(steps, r, "enabled") != 0);
    JobStep step{text(steps, r, "step_name"), text(steps, r, "subsystem"), text(steps, r, "command")};
    if (backs_up_log_of(step.command, c.database)) j.backs_up_log = true;
    j.steps.push_back(std::move(step));
  }
  std::string managed_id = managed.rows.empty() ? std::string() : text(managed, 0, "job_id");
  for (auto& j : jobs) {
    if (!managed_id.empty() && same_id(j.job_id, managed_id)) o.managed = j;
    if (j.backs_up_log) o.log_backup_jobs.push_back(j);
  }

  // A schedule of ours that no job uses: a run stopped between sp_add_schedule and sp_attach_schedule.
  auto orphan = sql.query(
      "SELECT sc.schedule_id FROM msdb.dbo.sysschedules AS sc "
      "LEFT JOIN msdb.dbo.sysjobschedules AS js ON js.schedule_id = sc.schedule_id "
      "WHERE sc.name = ? AND js.job_id IS NULL ORDER BY sc.schedule_id",
      {SqlValue::nvarchar(schedule_name(c))});
  if (!orphan.rows.empty()) o.orphan_schedule_id = static_cast<int>(number(orphan, 0, "schedule_id"));
  return o;
}

}  // namespace acme
