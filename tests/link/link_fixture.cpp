#include "link_fixture.hpp"

#include <sstream>

namespace linktest {

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// The seed's T-SQL (managed-instance-link-use-scripts-to-replicate-database.md),
// with its placeholders filled in below; the 2025 expiry date, now in the
// past, is 2030.
const char* kMasterKeyAndCertificate = R"(-- Run on SQL Server
USE MASTER
CREATE MASTER KEY ENCRYPTION BY PASSWORD = '<strong_password>'
GO

USE MASTER
GO

DECLARE @sqlserver_certificate_name NVARCHAR(MAX) = N'Cert_' + @@servername  + N'_endpoint'
DECLARE @sqlserver_certificate_subject NVARCHAR(MAX) = N'Certificate for ' + @sqlserver_certificate_name
DECLARE @create_sqlserver_certificate_command NVARCHAR(MAX) = N'CREATE CERTIFICATE [' + @sqlserver_certificate_name + '] WITH SUBJECT = ''' + @sqlserver_certificate_subject + ''', EXPIRY_DATE = ''03/30/2030'''
EXEC sp_executesql @stmt = @create_sqlserver_certificate_command
GO
)";

const char* kImportMiCertificate = R"(-- Run on SQL Server
USE MASTER
CREATE CERTIFICATE [<SQLManagedInstanceFQDN>]
FROM BINARY = <InstanceCertificate>
)";

const char* kCreateEndpoint = R"(-- Run on SQL Server
USE MASTER
CREATE ENDPOINT database_mirroring_endpoint
    STATE=<STATE>
    AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL)
    FOR DATABASE_MIRRORING (
        ROLE=ALL,
        AUTHENTICATION = <AUTHENTICATION>,
        ENCRYPTION = <ENCRYPTION>
    )
GO
)";

const char* kCreateAg = R"(-- Run on SQL Server
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

const char* kCreateDag = R"(-- Run on SQL Server
USE MASTER
CREATE AVAILABILITY GROUP [<DAGName>]
  WITH (DISTRIBUTED)
  AVAILABILITY GROUP ON
  '<AGName>' WITH
  (
    LISTENER_URL = 'TCP://<SQLServerIP>:5022',
    AVAILABILITY_MODE = <MODE>,
    FAILOVER_MODE = MANUAL,
    SEEDING_MODE = AUTOMATIC,
    SESSION_TIMEOUT = 20
  ),
  '<ManagedInstanceName>' WITH
  (
    LISTENER_URL = 'tcp://<ManagedInstanceFQDN>:5022;Server=[<ManagedInstanceName>]',
    AVAILABILITY_MODE = <MODE>,
    FAILOVER_MODE = MANUAL,
    SEEDING_MODE = AUTOMATIC
  );
GO
)";

}  // namespace

namespace {

struct Shared {
  Shared() {
    SqlEngine a(world, Personality::SqlServer);  // runs the scenarios' init_sql, if any
    SqlEngine b(world, Personality::ManagedInstance);
    sql = world.sql_server;
    mi = world.managed_instance;
  }
  EmulatorWorld world;
  ServerState sql, mi;
  std::optional<ServerState> sql_with_certificate;  ///< after the seed's first step
};

Shared& shared() {
  static Shared s;
  return s;
}

}  // namespace

EmulatorWorld& fresh_world() {
  Shared& sh = shared();
  auto lock = sh.world.lock();
  sh.world.sql_server = sh.sql;
  sh.world.managed_instance = sh.mi;
  sh.world.azure = AzureState();
  sh.world.advance = nullptr;
  return sh.world;
}

TimingProfile test_profile() {
  TimingProfile p = TimingProfile::fast();
  p.arm_operation = seconds(1);
  p.connect_delay = seconds(5);
  p.connect_timeout = seconds(20);
  p.seeding_bytes_per_second = 1024.0 * 1024;
  p.catch_up = seconds(5);
  return p;
}

Fixture::Fixture(TimingProfile profile)
    : world(fresh_world()),
      sql(world, Personality::SqlServer),
      mi(world, Personality::ManagedInstance),
      sim(world, std::move(profile)) {
  sql_session.spid = 51;
  sql_session.login = "sa";
  sql_session.database = "master";
  mi_session.spid = 61;
  mi_session.login = "sa";
  mi_session.database = "master";
}

Fixture::~Fixture() = default;

Response Fixture::run(const std::string& batch) { return sql.execute(sql_session, batch, {}); }
Response Fixture::run_mi(const std::string& batch) { return mi.execute(mi_session, batch, {}); }

Response Fixture::ok(const std::string& batch) {
  Response r = run(batch);
  INFO("batch: " << batch << "\n" << describe(r));
  REQUIRE_FALSE(r.has_error());
  return r;
}

Response Fixture::ok_mi(const std::string& batch) {
  Response r = run_mi(batch);
  INFO("batch: " << batch << "\n" << describe(r));
  REQUIRE_FALSE(r.has_error());
  return r;
}

void Fixture::script(const std::string& text) {
  std::istringstream in(text);
  std::string line, batch;
  auto flush = [&] {
    if (batch.find_first_not_of(" \t\r\n") != std::string::npos) ok(batch);
    batch.clear();
  };
  while (std::getline(in, line)) {
    std::string t = line;
    t.erase(0, t.find_first_not_of(" \t\r"));
    t.erase(t.find_last_not_of(" \t\r") + 1);
    if (t == "GO")
      flush();
    else
      batch += line + "\n";
  }
  flush();
}

std::vector<std::uint8_t> Fixture::mi_certificate() {
  Response r = ok_mi("EXEC sp_get_endpoint_certificate @endpoint_type = 4");
  return only_set(r).rows.at(0).at(0).as_bytes();
}

std::vector<std::uint8_t> Fixture::sql_certificate() {
  Response r = ok("SELECT CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))");
  return only_set(r).rows.at(0).at(0).as_bytes();
}

void Fixture::trust_sql_certificate() {
  std::vector<std::uint8_t> der = sql_certificate();
  auto lock = world.lock();
  ServerTrustCertificate c;
  c.name = "Cert_sqlbox1_endpoint";
  c.der = der;
  world.azure.server_trust_certificates.push_back(c);
}

void Fixture::build_sql_side(const SqlSide& side) {
  const std::string fqdn = world.managed_instance.fqdn;
  auto fill = [&](std::string s) {
    s = replace_all(s, "<strong_password>", "Str0ng!Passw0rd#1");
    s = replace_all(s, "<SQLManagedInstanceFQDN>", fqdn);
    s = replace_all(s, "<STATE>", side.endpoint_state);
    s = replace_all(s, "<AUTHENTICATION>", side.endpoint_authentication);
    s = replace_all(s, "<ENCRYPTION>", side.endpoint_encryption);
    s = replace_all(s, "<AGName>", side.ag_name);
    s = replace_all(s, "<DAGName>", side.dag_name);
    s = replace_all(s, "<DatabaseName>", "sales");
    s = replace_all(s, "<SQLServerName>", "sqlbox1");
    s = replace_all(s, "<SQLServerIP>", "10.0.0.4");
    s = replace_all(s, "<ManagedInstanceName>", side.dag_remote_name);
    s = replace_all(s, "<ManagedInstanceFQDN>", side.dag_remote_host.empty() ? fqdn : side.dag_remote_host);
    s = replace_all(s, "<MODE>", side.dag_mode);
    return s;
  };
  if (side.master_key_and_certificate) {
    Shared& sh = shared();
    if (sh.sql_with_certificate) {
      auto lock = world.lock();
      world.sql_server = *sh.sql_with_certificate;
    } else {
      script(fill(kMasterKeyAndCertificate));
      auto lock = world.lock();
      sh.sql_with_certificate = world.sql_server;
    }
  }
  if (side.import_mi_certificate)
    script(replace_all(fill(kImportMiCertificate), "<InstanceCertificate>",
                       milink::sdk::to_hex_literal(mi_certificate())));
  if (side.endpoint) script(fill(kCreateEndpoint));
  if (side.ag) script(fill(kCreateAg));
  if (side.dag) script(fill(kCreateDag));
}

LinkResource& Fixture::create_link(const std::string& name, const std::string& partner_ag,
                                   const std::string& instance_ag, const std::string& database,
                                   const std::string& partner_endpoint) {
  if (t0 == Clock::time_point{}) t0 = Clock::now();
  auto lock = world.lock();
  LinkResource l;
  l.name = name;
  l.created_with_api_version = "2023-08-01";
  l.distributed_availability_group_id = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  l.partner_endpoint = partner_endpoint;
  l.partner_availability_group_name = partner_ag;
  l.instance_availability_group_name = instance_ag;
  LinkDatabase d;
  d.name = database;
  l.databases.push_back(d);
  l.created_at = t0;
  world.azure.links.push_back(l);
  LinkResource& stored = world.azure.links.back();
  LinkResult r = sim.created(stored);
  INFO(r.code << ": " << r.message);
  REQUIRE(r.ok);
  REQUIRE(r.http_status == 201);
  return stored;
}

LinkResource& Fixture::link(const std::string& name) {
  LinkResource* l = world.azure.find_link(name);
  REQUIRE(l);
  return *l;
}

void Fixture::advance(Clock::duration offset) {
  auto lock = world.lock();
  sim.advance(t0 + offset);
}

std::optional<LinkResult> Fixture::outcome(const std::string& name) {
  auto lock = world.lock();
  return sim.operation_outcome(name);
}

ResultSet Fixture::remote_replica_state(const std::string& dag) {
  Response r =
      ok("SELECT r.replica_server_name AS [Replica], r.endpoint_url AS [Endpoint], rs.connected_state_desc AS "
         "[Connected state], rs.last_connect_error_description AS [Last connection error], "
         "rs.last_connect_error_number AS [Last connection error No], rs.last_connect_error_timestamp AS [Last error "
         "timestamp], rs.synchronization_health_desc AS [Health], rs.role_desc AS [Role] "
         "FROM sys.dm_hadr_availability_replica_states rs JOIN sys.availability_replicas r ON rs.replica_id = "
         "r.replica_id JOIN sys.availability_groups ag ON ag.group_id = r.group_id "
         "WHERE ag.is_distributed = 1 AND rs.is_local = 0 AND ag.name = N'" +
         dag + "'");
  ResultSet rs = only_set(r);
  REQUIRE(rs.rows.size() == 1);
  return rs;
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
      out << "Msg " << m->number << ", Level " << m->severity << ", State " << m->state << ": " << m->text << "\n";
    else if (const auto* rs = std::get_if<ResultSet>(&i))
      out << "result set: " << rs->columns.size() << " columns, " << rs->rows.size() << " rows\n";
  }
  return out.str();
}

const SqlValue& cell(const ResultSet& rs, std::size_t row, const std::string& name) {
  int c = -1;
  for (std::size_t i = 0; i < rs.columns.size(); ++i)
    if (rs.columns[i].name == name) c = static_cast<int>(i);
  INFO("column " << name);
  REQUIRE(c >= 0);
  REQUIRE(row < rs.rows.size());
  return rs.rows[row][static_cast<std::size_t>(c)];
}

}  // namespace linktest
