#include "state/agent.hpp"

#include "state/collation.hpp"

namespace milink::emulator {

const char* service_status_desc(ServiceStatus s) noexcept {
  // sql-docs sys-dm-server-services-transact-sql: the status_desc column.
  switch (s) {
    case ServiceStatus::Stopped: return "Stopped";
    case ServiceStatus::StartPending: return "Other (start operation pending)";
    case ServiceStatus::StopPending: return "Other (stop operation pending)";
    case ServiceStatus::Running: return "Running";
    case ServiceStatus::ContinuePending: return "Other (continue operations pending)";
    case ServiceStatus::PausePending: return "Other (pause pending)";
    case ServiceStatus::Paused: return "Paused";
  }
  return "Stopped";
}

const char* service_startup_desc(ServiceStartup s) noexcept {
  switch (s) {
    case ServiceStartup::Other: return "Other";
    case ServiceStartup::Automatic: return "Automatic";
    case ServiceStartup::Manual: return "Manual";
    case ServiceStartup::Disabled: return "Disabled";
  }
  return "Other";
}

AgentJobStep* AgentJob::find_step(std::string_view step_name, bool ci) {
  for (auto& s : steps)
    if (collate_equal(s.step_name, step_name, ci)) return &s;
  return nullptr;
}

const std::vector<AgentCategory>& agent_categories() {
  // msdb's syscategories as installed (category_id, class, type, name).
  static const std::vector<AgentCategory> c = {
      {0, 1, 1, "[Uncategorized (Local)]"},
      {1, 1, 1, "Jobs from MSX"},
      {2, 1, 2, "[Uncategorized (Multi-Server)]"},
      {3, 1, 1, "Database Maintenance"},
      {5, 1, 1, "Full-Text"},
      {6, 1, 1, "Log Shipping"},
      {7, 1, 1, "Database Engine Tuning Advisor"},
      {8, 1, 1, "Data Collector"},
      {10, 1, 1, "REPL-Distribution"},
      {11, 1, 1, "REPL-Distribution Cleanup"},
      {12, 1, 1, "REPL-History Cleanup"},
      {13, 1, 1, "REPL-LogReader"},
      {14, 1, 1, "REPL-Merge"},
      {15, 1, 1, "REPL-Snapshot"},
      {16, 1, 1, "REPL-Checkup"},
      {17, 1, 1, "REPL-Subscription Cleanup"},
      {18, 1, 1, "REPL-Alert Response"},
      {19, 1, 1, "REPL-QueueReader"},
      {20, 2, 3, "Replication"},
      {98, 2, 3, "[Uncategorized]"},
      {99, 3, 3, "[Uncategorized]"},
  };
  return c;
}

const AgentCategory* find_job_category(std::string_view name) {
  for (const auto& c : agent_categories())
    if (c.category_class == 1 && iequals(c.name, name)) return &c;
  return nullptr;
}

const AgentCategory* find_job_category(int category_id) {
  for (const auto& c : agent_categories())
    if (c.category_class == 1 && c.category_id == category_id) return &c;
  return nullptr;
}

AgentJob* SqlAgent::find_job(std::string_view job_name, bool ci) {
  for (auto& j : jobs)
    if (collate_equal(j.name, job_name, ci)) return &j;
  return nullptr;
}

const AgentJob* SqlAgent::find_job(std::string_view job_name, bool ci) const {
  return const_cast<SqlAgent*>(this)->find_job(job_name, ci);
}

AgentJob* SqlAgent::find_job_by_id(std::string_view job_id) {
  for (auto& j : jobs)
    if (iequals(j.job_id, job_id)) return &j;
  return nullptr;
}

AgentSchedule* SqlAgent::find_schedule(int schedule_id) {
  for (auto& s : schedules)
    if (s.schedule_id == schedule_id) return &s;
  return nullptr;
}

const AgentSchedule* SqlAgent::find_schedule(int schedule_id) const {
  return const_cast<SqlAgent*>(this)->find_schedule(schedule_id);
}

}  // namespace milink::emulator
