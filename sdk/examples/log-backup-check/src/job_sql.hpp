//===- src/job_sql.hpp - The log backup job, as msdb's procedures build it -*- C++ -*-===//
///
/// \file
/// The statements that create the job piece by piece with msdb's own
/// procedures (sp_add_job, sp_add_jobstep, sp_add_schedule +
/// sp_attach_schedule, sp_add_jobserver, sp_update_job). Each piece is a
/// separate statement so that a run interrupted half-way is finished by the
/// next one: the step looks at what exists and runs only what is missing.
/// The job is always created disabled and enabled last, so a half-built job
/// never runs.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"
#include "statement.hpp"

#include <string>

namespace acme {

/// The name of the job's only step.
std::string step_name();
/// "<job_name> every N minutes".
std::string schedule_name(const Config& c);
/// The T-SQL the job step runs: BACKUP LOG [db] to a time-stamped file in
/// backup_directory, skipped while this server is not the primary replica.
std::string backup_command(const Config& c);
/// The job's description.
std::string job_description(const Config& c);

Statement create_job(const Config& c);
Statement add_step(const Config& c);
/// Creates the schedule and attaches it by id (schedule names need not be unique).
Statement add_schedule(const Config& c);
/// Attaches \p schedule_id, a schedule of ours left unattached by an interrupted run.
Statement attach_schedule(const Config& c, int schedule_id);
Statement add_jobserver(const Config& c);
Statement enable_job(const Config& c);

}  // namespace acme
