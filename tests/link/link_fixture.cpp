#include "link_fixture.hpp"

namespace linktest {

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
  p.async_lag = milliseconds(500);
  p.first_backup_delay = seconds(10);
  return p;
}

Fixture::Fixture(TimingProfile profile)
    : world(fresh_world()),
      sql(world, Personality::SqlServer),
      mi(world, Personality::ManagedInstance),
      sim(world, std::move(profile)) {
  seedtest::init_sessions(sql_session, mi_session);
}

Fixture::~Fixture() = default;

Response Fixture::run(const std::string& batch) { return sql.execute(sql_session, batch, {}); }
Response Fixture::run_mi(const std::string& batch) { return mi.execute(mi_session, batch, {}); }

Response Fixture::ok(const std::string& batch) { return seedtest::require_ok(run(batch), batch); }
Response Fixture::ok_mi(const std::string& batch) { return seedtest::require_ok(run_mi(batch), batch); }

void Fixture::script(const std::string& text) {
  for (const std::string& batch : seedtest::split_batches(text)) ok(batch);
}

std::vector<std::uint8_t> Fixture::mi_certificate() {
  return seedtest::first_bytes(ok_mi("EXEC sp_get_endpoint_certificate @endpoint_type = 4"));
}

std::vector<std::uint8_t> Fixture::sql_certificate() {
  return seedtest::first_bytes(ok("SELECT CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))"));
}

void Fixture::trust_sql_certificate() {
  std::vector<std::uint8_t> der = sql_certificate();
  auto lock = world.lock();
  ServerTrustCertificate c;
  c.name = "Cert_sqlbox1_endpoint";
  c.der = der;
  world.azure.server_trust_certificates.push_back(c);
  world.mark_changed();  // as the ARM layer marks a change
}

void Fixture::build_sql_side(const SqlSide& side) {
  using seedtest::replace_all;
  seedtest::SeedNames names;
  names.mi_fqdn = world.managed_instance.fqdn;
  names.ag = side.ag_name;
  names.dag = side.dag_name;
  names.mi_name = side.dag_remote_name;
  names.mi_host = side.dag_remote_host;
  auto fill = [&](std::string s) { return seedtest::fill(std::move(s), names); };
  if (side.master_key_and_certificate) {
    Shared& sh = shared();
    if (sh.sql_with_certificate) {
      auto lock = world.lock();
      world.sql_server = *sh.sql_with_certificate;
    } else {
      script(fill(seedtest::kMasterKeyAndCertificate));
      auto lock = world.lock();
      sh.sql_with_certificate = world.sql_server;
    }
  }
  if (side.import_mi_certificate)
    script(replace_all(fill(seedtest::kImportMiCertificate), "<InstanceCertificate>",
                       milink::sdk::to_hex_literal(mi_certificate())));
  if (side.endpoint) {
    std::string s = replace_all(seedtest::kCreateEndpoint, "STATE=STARTED", "STATE=" + side.endpoint_state);
    s = replace_all(s, "CERTIFICATE <SQL_SERVER_CERTIFICATE>", side.endpoint_authentication);
    script(fill(replace_all(s, "REQUIRED ALGORITHM AES", side.endpoint_encryption)));
  }
  if (side.ag) script(fill(seedtest::kCreateAg));
  if (side.dag) script(fill(replace_all(seedtest::kCreateDag, "ASYNCHRONOUS_COMMIT", side.dag_mode)));
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

}  // namespace linktest
