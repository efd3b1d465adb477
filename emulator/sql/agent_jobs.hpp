//===- emulator/sql/agent_jobs.hpp - Shared by msdb's job procedures -*- C++ -*-===//
///
/// \file
/// What exec_agent.cpp (the procedures that define jobs) and
/// exec_agent_jobs.cpp (sp_start_job, sp_delete_job and running a job)
/// share. The caller holds the world's mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/types.hpp"
#include "state/world.hpp"

#include <string>

namespace milink::emulator::sql {

/// sp_verify_job_identifiers: exactly one of \p job_id / \p job_name, and
/// the job exists (else SqlError 14294 or 14262); with \p test_starting,
/// refuses while the Agent is starting (14258).
AgentJob& verify_agent_job(ServerState& s, bool ci, const Datum& job_id, const Datum& job_name,
                           bool test_starting = true);

/// Runs \p job on \p server (one of \p world's servers) from its start step
/// to its end, as SQL Server Agent would, and appends its step rows and its
/// "(Job outcome)" row to the server's msdb.dbo.sysjobhistory. \p invoked_by
/// is the login that started it.
void run_agent_job(EmulatorWorld& world, ServerState& server, const AgentJob& job, const std::string& invoked_by);

}  // namespace milink::emulator::sql
