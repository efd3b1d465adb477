//===- emulator/state/agent.hpp - SQL Server Agent: service and msdb jobs -*- C++ -*-===//
///
/// \file
/// What a server knows about SQL Server Agent: the service's state (the
/// "SQL Server Agent (<instance>)" row of sys.dm_server_services) and msdb's
/// job tables: jobs (msdb.dbo.sysjobs), their steps (sysjobsteps), schedules
/// (sysschedules, attached through sysjobschedules), the jobs targeted at the
/// local server (sysjobservers, server_id 0) and the built-in job categories
/// (syscategories). Column meanings and defaults follow the sql-docs pages of
/// those tables and msdb's own procedures (sp_add_job, sp_add_jobstep,
/// sp_add_schedule, sp_attach_schedule, sp_add_jobserver, sp_update_job).
///
/// sp_start_job runs a job at once (sql/exec_agent_jobs.cpp) and records its
/// outcome in msdb.dbo.sysjobhistory; only connection tests
/// (Test-NetConnection) run as job steps, decided by the network model.
/// Plain data, touched only under the world's mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator {

/// sys.dm_server_services.status.
enum class ServiceStatus { Stopped = 1, StartPending = 2, StopPending = 3, Running = 4, ContinuePending = 5, PausePending = 6, Paused = 7 };
/// sys.dm_server_services.status_desc: "Stopped", "Running", "Paused", "Other (start operation pending)", ...
const char* service_status_desc(ServiceStatus s) noexcept;

/// sys.dm_server_services.startup_type (0 and 1 are both "Other": boot and system start).
enum class ServiceStartup { Other = 1, Automatic = 2, Manual = 3, Disabled = 4 };
/// sys.dm_server_services.startup_type_desc: "Other", "Automatic", "Manual", "Disabled".
const char* service_startup_desc(ServiceStartup s) noexcept;

/// One row of msdb.dbo.sysjobsteps.
struct AgentJobStep {
  int step_id = 1;
  std::string step_name;
  std::string subsystem = "TSQL";
  std::optional<std::string> command;
  int flags = 0;
  std::optional<std::string> additional_parameters;
  int cmdexec_success_code = 0;
  int on_success_action = 1;  ///< 1 quit with success, 2 quit with failure, 3 next step, 4 go to on_success_step_id
  int on_success_step_id = 0;
  int on_fail_action = 2;
  int on_fail_step_id = 0;
  std::optional<std::string> server;
  std::optional<std::string> database_name;  ///< "master" for a TSQL step that names none; NULL for CmdExec
  std::optional<std::string> database_user_name;
  int retry_attempts = 0;
  int retry_interval = 0;
  int os_run_priority = 0;
  std::optional<std::string> output_file_name;
  std::optional<int> proxy_id;
  std::string step_uid;  ///< GUID
};

/// One row of msdb.dbo.sysschedules. Schedules are shared: one may be
/// attached to several jobs, and names need not be unique.
struct AgentSchedule {
  int schedule_id = 0;
  std::string schedule_uid;  ///< GUID
  std::string name;
  std::vector<std::uint8_t> owner_sid;
  int enabled = 1;
  int freq_type = 4;               ///< 1 once, 4 daily, 8 weekly, 16 monthly, 32 monthly relative, 64 Agent start, 128 idle
  int freq_interval = 1;
  int freq_subday_type = 1;        ///< 1 at the specified time, 2 seconds, 4 minutes, 8 hours
  int freq_subday_interval = 0;
  int freq_relative_interval = 0;
  int freq_recurrence_factor = 0;
  int active_start_date = 0;       ///< YYYYMMDD
  int active_end_date = 99991231;
  int active_start_time = 0;       ///< HHMMSS
  int active_end_time = 235959;
  milink::sdk::SqlDateTime date_created;
  milink::sdk::SqlDateTime date_modified;
  int version_number = 1;
};

/// One row of msdb.dbo.sysjobs, with its steps, the schedules attached to it
/// (sysjobschedules) and whether it is targeted at the local server
/// (a sysjobservers row with server_id 0, made by sp_add_jobserver: without
/// it SQL Server Agent never runs the job).
struct AgentJob {
  std::string job_id;  ///< GUID, upper case
  std::string name;
  int enabled = 1;
  std::string description = "No description available.";  ///< FORMATMESSAGE(14571), sp_add_job's default
  int start_step_id = 1;
  int category_id = 0;  ///< [Uncategorized (Local)]
  std::vector<std::uint8_t> owner_sid;
  int notify_level_eventlog = 2;
  int notify_level_email = 0;
  int notify_level_netsend = 0;
  int notify_level_page = 0;
  int delete_level = 0;
  milink::sdk::SqlDateTime date_created;
  milink::sdk::SqlDateTime date_modified;
  int version_number = 1;
  std::vector<AgentJobStep> steps;   ///< in step_id order, 1..n without gaps
  std::vector<int> schedule_ids;     ///< attached schedules, in attach order
  bool targets_local_server = false; ///< sysjobservers (job_id, 0)

  /// Step names compare with the server's collation (\p ci).
  AgentJobStep* find_step(std::string_view step_name, bool ci);
};

/// One row of msdb.dbo.sysjobhistory: a step's outcome, or (step_id 0,
/// "(Job outcome)") the job's.
struct AgentJobHistory {
  int instance_id = 0;
  std::string job_id;
  int step_id = 0;
  std::string step_name;
  int sql_message_id = 0;
  int sql_severity = 0;
  std::string message;
  int run_status = 1;  ///< 0 failed, 1 succeeded, 2 retry, 3 canceled, 4 in progress
  int run_date = 0;    ///< YYYYMMDD
  int run_time = 0;    ///< HHMMSS
  int run_duration = 0;
  int retries_attempted = 0;
  std::string server;
  /// The job is still running until then: its rows are not in the view yet
  /// (a connection test to a blocked port waits for TCP's timeout).
  std::chrono::steady_clock::time_point visible_at{};
};

/// A row of msdb.dbo.syscategories.
struct AgentCategory {
  int category_id;
  int category_class;  ///< 1 job, 2 alert, 3 operator
  int category_type;   ///< 1 local, 2 multiserver, 3 none
  const char* name;
};
/// The categories a fresh msdb holds (from msdb's own install script).
const std::vector<AgentCategory>& agent_categories();
/// The job category (class 1) called \p name (case-insensitive), or nullptr.
const AgentCategory* find_job_category(std::string_view name);
const AgentCategory* find_job_category(int category_id);

/// The Agent of one server.
struct SqlAgent {
  ServiceStatus status = ServiceStatus::Running;
  ServiceStartup startup = ServiceStartup::Automatic;
  std::string service_account;  ///< empty: NT Service\SQLSERVERAGENT (NT Service\SQLAgent$INSTANCE)
  milink::sdk::SqlDateTime last_startup_time;
  std::vector<AgentJob> jobs;
  std::vector<AgentSchedule> schedules;
  int next_schedule_id = 1;
  std::vector<AgentJobHistory> history;  ///< msdb.dbo.sysjobhistory, oldest first
  int next_history_id = 1;

  bool running() const { return status == ServiceStatus::Running; }
  /// Job names compare with the server's collation (\p ci).
  AgentJob* find_job(std::string_view job_name, bool ci);
  const AgentJob* find_job(std::string_view job_name, bool ci) const;
  /// GUIDs compare case-insensitively.
  AgentJob* find_job_by_id(std::string_view job_id);
  AgentSchedule* find_schedule(int schedule_id);
  const AgentSchedule* find_schedule(int schedule_id) const;
};

}  // namespace milink::emulator
