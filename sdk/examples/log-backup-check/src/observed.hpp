//===- src/observed.hpp - What SQL Server says, read in one go -*- C++ -*-===//
///
/// \file
/// Everything the step decides on, read from SQL Server with SELECTs only
/// (so it also works under `milink run --dry-run`):
///
///  * SQL Server Agent's service: sys.dm_server_services;
///  * the database: sys.databases (recovery model, availability group);
///  * where its link is: the last automatic seeding of the database
///    (sys.dm_hadr_automatic_seeding) and the managed instance's replica of
///    it in the distributed availability group
///    (sys.dm_hadr_database_replica_states);
///  * the Agent jobs with a step that backs up its log, and the job the step
///    manages (msdb.dbo.sysjobs, sysjobsteps, sysjobschedules + sysschedules,
///    sysjobservers).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"

#include <milink/sdk/context.hpp>

#include <optional>
#include <string>
#include <vector>

namespace acme {

/// Where the database's link is.
enum class LinkPhase {
  NotLinked,      ///< not in an availability group
  Seeding,        ///< in one, not seeded to the managed instance yet
  Seeded,         ///< the last automatic seeding completed, or the instance's replica synchronizes
  SeedingFailed,  ///< the last automatic seeding failed
};
/// "not_linked", "seeding", "seeded", "seeding_failed".
const char* phase_name(LinkPhase p);

struct AgentService {
  std::string status;        ///< status_desc: "Running", "Stopped", ...
  std::string startup_type;  ///< startup_type_desc: "Automatic", "Manual", "Disabled", "Other"
};

struct DatabaseFacts {
  bool exists = false;
  std::string recovery_model;  ///< "FULL", "SIMPLE", "BULK_LOGGED"
  std::string state;           ///< "ONLINE", ...
};

struct JobSchedule {
  bool enabled = false;
  int freq_type = 0;
  int freq_subday_type = 0;
  int freq_subday_interval = 0;
};

struct JobStep {
  std::string name;
  std::string subsystem;
  std::string command;
};

struct JobFacts {
  std::string job_id;
  std::string name;
  bool enabled = false;
  bool targets_local_server = false;   ///< msdb.dbo.sysjobservers, server_id 0
  std::vector<JobSchedule> schedules;  ///< attached
  std::vector<JobStep> steps;          ///< all of the managed job's; the matching ones of others
  bool backs_up_log = false;           ///< a step backs up the database's log

  bool has_enabled_schedule() const;
  /// Will SQL Server Agent run it? Enabled, targeted, with an enabled schedule.
  bool runs() const { return enabled && targets_local_server && has_enabled_schedule(); }
  /// "every 15 minutes", "daily", ... from its first enabled schedule.
  std::string schedule_text() const;
  /// Why it does not run: "it is disabled; it has no enabled schedule".
  std::string why_not_running() const;
};

struct Observed {
  std::optional<AgentService> agent;   ///< nullopt: no Agent on this server
  DatabaseFacts database;
  LinkPhase phase = LinkPhase::NotLinked;
  std::vector<JobFacts> log_backup_jobs;  ///< jobs with a step that backs up the log, by name
  std::optional<JobFacts> managed;        ///< the job called job_name, whatever it does
  std::optional<int> orphan_schedule_id;  ///< a schedule of ours attached to no job
};

/// Reads it all from \p c.target.
Observed read_observed(const Config& c, milink::sdk::Context& ctx);

}  // namespace acme
