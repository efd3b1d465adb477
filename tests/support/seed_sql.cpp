#include "seed_sql.hpp"

#include <catch2/catch.hpp>

#include <sstream>

namespace seedtest {

const char* const kMasterKeyAndCertificate = R"(-- Run on SQL Server
-- Create a master key encryption password
-- Keep the password confidential and in a secure place
USE MASTER
CREATE MASTER KEY ENCRYPTION BY PASSWORD = '<strong_password>'
GO

-- Create the SQL Server certificate for the instance link
USE MASTER
GO

DECLARE @sqlserver_certificate_name NVARCHAR(MAX) = N'Cert_' + @@servername  + N'_endpoint'
DECLARE @sqlserver_certificate_subject NVARCHAR(MAX) = N'Certificate for ' + @sqlserver_certificate_name
DECLARE @create_sqlserver_certificate_command NVARCHAR(MAX) = N'CREATE CERTIFICATE [' + @sqlserver_certificate_name + '] WITH SUBJECT = ''' + @sqlserver_certificate_subject + ''', EXPIRY_DATE = ''03/30/2025'''
EXEC sp_executesql @stmt = @create_sqlserver_certificate_command
GO
)";

const char* const kImportMiCertificate = R"(-- Run on SQL Server
USE MASTER
CREATE CERTIFICATE [<SQLManagedInstanceFQDN>]
FROM BINARY = <InstanceCertificate>
)";

const char* const kCreateEndpoint = R"(-- Run on SQL Server
-- Create a connection endpoint listener on SQL Server
USE MASTER
CREATE ENDPOINT database_mirroring_endpoint
    STATE=STARTED   
    AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL)
    FOR DATABASE_MIRRORING (
        ROLE=ALL,
        AUTHENTICATION = CERTIFICATE <SQL_SERVER_CERTIFICATE>,
        ENCRYPTION = REQUIRED ALGORITHM AES
    )  
GO
)";

const char* const kCreateAg = R"(-- Run on SQL Server
-- Create the primary availability group on SQL Server
USE MASTER
CREATE AVAILABILITY GROUP [<AGName>]
WITH (CLUSTER_TYPE = NONE)
    FOR database [<DatabaseName>]  
    REPLICA ON   
        '<SQLServerName>' WITH   
            (  
            ENDPOINT_URL = 'TCP://<SQLServerIP>:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
            );
GO
)";

const char* const kCreateDag = R"(-- Run on SQL Server
-- Create a distributed availability group for the availability group and database
-- ManagedInstanceName example: 'sqlmi1'
-- ManagedInstanceFQDN example: 'sqlmi1.73d19f36a420a.database.windows.net'
USE MASTER
CREATE AVAILABILITY GROUP [<DAGName>]
  WITH (DISTRIBUTED) 
  AVAILABILITY GROUP ON  
  '<AGName>' WITH 
  (
    LISTENER_URL = 'TCP://<SQLServerIP>:5022',
    AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
    FAILOVER_MODE = MANUAL,
    SEEDING_MODE = AUTOMATIC,
    SESSION_TIMEOUT = 20
  ),
  '<ManagedInstanceName>' WITH
  (
    LISTENER_URL = 'tcp://<ManagedInstanceFQDN>:5022;Server=[<ManagedInstanceName>]',
    AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
    FAILOVER_MODE = MANUAL,
    SEEDING_MODE = AUTOMATIC
  );
GO
)";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string fill(std::string s, const SeedNames& names) {
  s = replace_all(s, "<strong_password>", "Str0ng!Passw0rd#1");
  s = replace_all(s, "03/30/2025", "03/30/2030");
  s = replace_all(s, "<SQLManagedInstanceFQDN>", names.mi_fqdn);
  s = replace_all(s, "<SQL_SERVER_CERTIFICATE>", "Cert_sqlbox1_endpoint");
  s = replace_all(s, "<AGName>", names.ag);
  s = replace_all(s, "<DAGName>", names.dag);
  s = replace_all(s, "<DatabaseName>", "sales");
  s = replace_all(s, "<SQLServerName>", "sqlbox1");
  s = replace_all(s, "<SQLServerIP>", "10.0.0.4");
  s = replace_all(s, "<ManagedInstanceName>", names.mi_name);
  s = replace_all(s, "<ManagedInstanceFQDN>", names.mi_host.empty() ? names.mi_fqdn : names.mi_host);
  return s;
}

std::vector<std::string> split_batches(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line, batch;
  auto flush = [&] {
    if (batch.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(batch);
    batch.clear();
  };
  while (std::getline(in, line)) {
    std::string t = line;
    t.erase(0, t.find_first_not_of(" \t\r"));
    t.erase(t.find_last_not_of(" \t\r") + 1);
    if (t == "GO" || t == "go")
      flush();
    else
      batch += line + "\n";
  }
  flush();
  return out;
}

void init_sessions(Session& sql, Session& mi) {
  sql.spid = 51;
  sql.login = "sa";
  sql.database = "master";
  mi.spid = 61;
  mi.login = "sa";
  mi.database = "master";
}

Response require_ok(Response r, const std::string& batch) {
  INFO("batch: " << batch << "\n" << describe(r));
  REQUIRE_FALSE(r.has_error());
  return r;
}

std::vector<const ResultSet*> result_sets(const Response& r) {
  std::vector<const ResultSet*> out;
  for (const auto& i : r.items)
    if (const auto* rs = std::get_if<ResultSet>(&i)) out.push_back(rs);
  return out;
}

ResultSet only_set(const Response& r) {
  auto sets = result_sets(r);
  INFO(describe(r));
  REQUIRE(sets.size() == 1);
  return *sets[0];
}

std::vector<Message> errors(const Response& r) {
  std::vector<Message> out;
  for (const auto& i : r.items)
    if (const auto* m = std::get_if<Message>(&i); m && m->is_error()) out.push_back(*m);
  return out;
}

std::string describe(const Response& r) {
  std::ostringstream out;
  for (const auto& i : r.items) {
    if (const auto* m = std::get_if<Message>(&i))
      out << "Msg " << m->number << ", Level " << m->severity << ", State " << m->state << ", Line " << m->line
          << (m->procedure.empty() ? "" : ", Procedure " + m->procedure) << ": " << m->text << "\n";
    else if (const auto* rs = std::get_if<ResultSet>(&i))
      out << "result set: " << rs->columns.size() << " columns, " << rs->rows.size() << " rows\n";
  }
  return out.str();
}

int column(const ResultSet& rs, const std::string& name) {
  for (std::size_t i = 0; i < rs.columns.size(); ++i)
    if (rs.columns[i].name == name) return static_cast<int>(i);
  return -1;
}

const SqlValue& cell(const ResultSet& rs, std::size_t row, const std::string& name) {
  int c = column(rs, name);
  INFO("column " << name);
  REQUIRE(c >= 0);
  REQUIRE(row < rs.rows.size());
  return rs.rows[row][static_cast<std::size_t>(c)];
}

std::vector<std::uint8_t> first_bytes(const Response& r) { return only_set(r).rows.at(0).at(0).as_bytes(); }

}  // namespace seedtest
