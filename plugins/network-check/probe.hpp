//===- plugins/network-check/probe.hpp - Running a test job -------*- C++ -*-===//
///
/// \file
/// Runs connection tests the documented way: a temporary SQL Server Agent
/// job with one PowerShell Test-NetConnection step per test, started with
/// sp_start_job, its outcome read from msdb.dbo.sysjobhistory, then deleted.
/// The job is deleted on every path out, including a failure and Ctrl-C
/// (the wait between looks at the history notices the interrupt; the
/// deletion runs before the StepError leaves).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"
#include "tsql.hpp"

#include <milink/sdk/context.hpp>

#include <string>
#include <vector>

namespace milink::netcheck {

/// What one test step printed, read from its sysjobhistory row.
struct ProbeOutcome {
  Probe probe;
  bool ran = false;             ///< the step has a history row
  bool tcp_succeeded = false;   ///< "TcpTestSucceeded : True"
  bool name_failed = false;     ///< "Name resolution of ... failed"
  std::string remote_address;   ///< "RemoteAddress : ..." (empty when unresolved)
  std::string message;          ///< the row's message, for the report when it is unexpected
};

/// Runs \p probes in job \p job on \p sql (a session on SQL Server or the
/// instance) and returns one outcome per probe, in order. Throws StepError
/// when the job cannot be created or started (e.g. SQL Server Agent not
/// running: "SQL error 22022: ...") or does not finish within the timeout;
/// the job is deleted first.
std::vector<ProbeOutcome> run_probes(milink::sdk::Context& ctx, milink::sdk::Sql& sql, const Config& c,
                                     const std::string& job, const std::vector<Probe>& probes);

}  // namespace milink::netcheck
