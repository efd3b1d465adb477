//===- plugins/network-check/tsql.hpp - The network test's T-SQL -*- C++ -*-===//
///
/// \file
/// The batches of the documented network test, built with the SDK's quoting
/// helpers: a temporary SQL Server Agent job whose PowerShell steps run
/// Test-NetConnection (msdb.dbo.sp_add_job, sp_add_jobstep, sp_add_jobserver,
/// sp_start_job; its history from msdb.dbo.sysjobhistory; sp_delete_job),
/// and the temporary certificate and DATABASE_MIRRORING endpoint that make
/// SQL Server listen on the endpoint port while the instance tests it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace milink::netcheck {

/// The temporary job on SQL Server (tests SQL Server -> instance).
inline constexpr const char* kJobToInstance = "milink_network_check_to_instance";
/// The temporary job on the instance (tests instance -> SQL Server).
inline constexpr const char* kJobToSqlServer = "milink_network_check_to_sqlserver";
/// The temporary endpoint and its certificate on SQL Server.
inline constexpr const char* kTempEndpoint = "milink_network_check";

/// One connection test: a job step running `Test-NetConnection host -Port port`.
struct Probe {
  std::string step_name;
  std::string host;
  long long port = 0;
};

/// `Test-NetConnection -ComputerName '<host>' -Port <port>` with the host
/// single-quoted for PowerShell (every ' doubled).
std::string tnc_command(const std::string& host, long long port);

/// Creates job \p job with one PowerShell step per probe (each goes on to
/// the next; the last quits), targeted at the local server, after deleting
/// any job of that name: safe to repeat.
std::string create_job_sql(const std::string& job, const std::vector<Probe>& probes);
/// `EXEC msdb.dbo.sp_start_job @job_name = N'...'` unless the job has history
/// already (a repeat after a lost connection does not run it twice).
std::string start_job_sql(const std::string& job);
/// The job's history rows (step_id, step_name, run_status, message), oldest first.
std::string history_sql(const std::string& job);
/// Deletes the job (and its history) if it exists.
std::string delete_job_sql(const std::string& job);
/// Whether the job exists: one row, or none.
std::string job_exists_sql(const std::string& job);

/// Creates the temporary certificate (private key protected by \p password,
/// so no database master key is needed) and a started DATABASE_MIRRORING
/// endpoint on \p port authenticating with it, each unless it exists.
std::string create_endpoint_sql(long long port, const std::string& password);
/// Drops the temporary endpoint and certificate if they exist.
std::string drop_endpoint_sql();
/// SQL Server's mirroring endpoint: name, port, state_desc (no row: none).
std::string mirroring_endpoint_sql();
/// How many of the temporary endpoint and certificate exist (`leftovers`: 0, 1 or 2).
std::string leftover_endpoint_sql();
/// The instance's fabric settings the docs' query reads: parameter_name, value.
std::string fabric_sql();

}  // namespace milink::netcheck
