#include "tsql.hpp"

#include <milink/sdk/quote.hpp>

namespace milink::netcheck {

namespace tsql = milink::sdk::tsql;

std::string tnc_command(const std::string& host, long long port) {
  std::string quoted = "'";
  for (char c : host) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  quoted += "'";
  return "Test-NetConnection -ComputerName " + quoted + " -Port " + std::to_string(port);
}

std::string create_job_sql(const std::string& job, const std::vector<Probe>& probes) {
  // Deletes a half-made job of an earlier attempt first, so the batch can be repeated.
  std::string sql =
      delete_job_sql(job) +
      "\nDECLARE @job_id uniqueidentifier;\n"
      "EXEC msdb.dbo.sp_add_job @job_name = " + tsql::quote_literal(job) +
      ", @description = N'milink network check (temporary; milink deletes it)', @job_id = @job_id OUTPUT;\n";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    bool last = i + 1 == probes.size();
    sql += "EXEC msdb.dbo.sp_add_jobstep @job_id = @job_id, @step_name = " + tsql::quote_literal(probes[i].step_name) +
           ", @subsystem = N'PowerShell', @command = " +
           tsql::quote_literal(tnc_command(probes[i].host, probes[i].port)) +
           ", @on_success_action = " + (last ? "1" : "3") + ", @on_fail_action = " + (last ? "2" : "3") + ";\n";
  }
  sql += "EXEC msdb.dbo.sp_add_jobserver @job_id = @job_id;";
  return sql;
}

std::string start_job_sql(const std::string& job) {
  return "IF NOT EXISTS (SELECT 1 FROM msdb.dbo.sysjobhistory AS h JOIN msdb.dbo.sysjobs AS j ON j.job_id = h.job_id "
         "WHERE j.name = " + tsql::quote_literal(job) + ")\n    EXEC msdb.dbo.sp_start_job @job_name = " +
         tsql::quote_literal(job) + ";";
}

std::string history_sql(const std::string& job) {
  return "SELECT h.step_id, h.step_name, h.run_status, h.message FROM msdb.dbo.sysjobhistory AS h "
         "JOIN msdb.dbo.sysjobs AS j ON j.job_id = h.job_id WHERE j.name = " +
         tsql::quote_literal(job) + " ORDER BY h.instance_id;";
}

std::string delete_job_sql(const std::string& job) {
  return "IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE name = " + tsql::quote_literal(job) +
         ")\n    EXEC msdb.dbo.sp_delete_job @job_name = " + tsql::quote_literal(job) + ", @delete_history = 1;";
}

std::string job_exists_sql(const std::string& job) {
  return "SELECT name FROM msdb.dbo.sysjobs WHERE name = " + tsql::quote_literal(job) + ";";
}

std::string create_endpoint_sql(long long port, const std::string& password) {
  const std::string name = tsql::quote_identifier(kTempEndpoint);
  const std::string literal = tsql::quote_literal(kTempEndpoint);
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + literal + ")\n    CREATE CERTIFICATE " +
         name + " ENCRYPTION BY PASSWORD = " + tsql::quote_literal(password) +
         "\n        WITH SUBJECT = N'milink network check (temporary; milink drops it)';\n"
         "IF NOT EXISTS (SELECT 1 FROM sys.endpoints WHERE name = " + literal + ")\n    CREATE ENDPOINT " + name + "\n    STATE = STARTED\n    AS TCP (LISTENER_PORT = " + std::to_string(port) +
         ", LISTENER_IP = ALL)\n    FOR DATABASE_MIRRORING (\n        ROLE = ALL,\n        AUTHENTICATION = CERTIFICATE " +
         name + ",\n        ENCRYPTION = REQUIRED ALGORITHM AES\n    );";
}

std::string drop_endpoint_sql() {
  const std::string name = tsql::quote_identifier(kTempEndpoint);
  const std::string literal = tsql::quote_literal(kTempEndpoint);
  return "USE master;\nIF EXISTS (SELECT 1 FROM sys.endpoints WHERE name = " + literal + ")\n    DROP ENDPOINT " + name +
         ";\nIF EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + literal + ")\n    DROP CERTIFICATE " + name + ";";
}

std::string mirroring_endpoint_sql() {
  return "SELECT e.name, t.port, e.state_desc FROM master.sys.database_mirroring_endpoints AS e "
         "JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id;";
}

std::string leftover_endpoint_sql() {
  const std::string literal = tsql::quote_literal(kTempEndpoint);
  return "SELECT (SELECT COUNT(*) FROM master.sys.endpoints WHERE name = " + literal +
         ") + (SELECT COUNT(*) FROM master.sys.certificates WHERE name = " + literal + ") AS leftovers;";
}

std::string fabric_sql() {
  return "SELECT parameter_name, value FROM sys.dm_hadr_fabric_config_parameters "
         "WHERE parameter_name IN (N'DnsRecordName', N'ClusterName', N'HadrPort', N'NodeName');";
}

}  // namespace milink::netcheck
