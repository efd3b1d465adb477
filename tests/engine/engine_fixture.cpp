#include "engine_fixture.hpp"

namespace enginetest {

Fixture::Fixture(const Scenario& scenario)
    : world(scenario), sql(world, Personality::SqlServer), mi(world, Personality::ManagedInstance) {
  seedtest::init_sessions(sql_session, mi_session);
}

Response Fixture::run(const std::string& batch, const std::vector<Param>& params) {
  return sql.execute(sql_session, batch, params);
}

Response Fixture::run_mi(const std::string& batch, const std::vector<Param>& params) {
  return mi.execute(mi_session, batch, params);
}

Response Fixture::ok(const std::string& batch, const std::vector<Param>& params) {
  return seedtest::require_ok(run(batch, params), batch);
}

Response Fixture::ok_mi(const std::string& batch, const std::vector<Param>& params) {
  return seedtest::require_ok(run_mi(batch, params), batch);
}

std::vector<Response> Fixture::script(const std::string& text) {
  std::vector<Response> out;
  for (const std::string& batch : seedtest::split_batches(text)) out.push_back(run(batch));
  return out;
}

std::vector<std::uint8_t> Fixture::mi_certificate() {
  return seedtest::first_bytes(ok_mi("EXEC sp_get_endpoint_certificate @endpoint_type = 4"));
}

void Fixture::build_link(const std::string& ag, const std::string& db) {
  ok("USE MASTER\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  ok("CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'Certificate for Cert_sqlbox1_endpoint', "
     "EXPIRY_DATE = '03/30/2030'");
  ok("CREATE CERTIFICATE [" + world.managed_instance.fqdn + "] FROM BINARY = " +
     milink::sdk::to_hex_literal(mi_certificate()));
  ok("CREATE ENDPOINT database_mirroring_endpoint STATE=STARTED AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL) "
     "FOR DATABASE_MIRRORING (ROLE=ALL, AUTHENTICATION = CERTIFICATE Cert_sqlbox1_endpoint, "
     "ENCRYPTION = REQUIRED ALGORITHM AES)");
  ok("CREATE AVAILABILITY GROUP [" + ag + "] WITH (CLUSTER_TYPE = NONE) FOR database [" + db +
     "] REPLICA ON 'sqlbox1' WITH (ENDPOINT_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, "
     "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC);");
  ok("CREATE AVAILABILITY GROUP [DAG_" + db + "] WITH (DISTRIBUTED) AVAILABILITY GROUP ON '" + ag +
     "' WITH (LISTENER_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, "
     "SEEDING_MODE = AUTOMATIC, SESSION_TIMEOUT = 20), 'mi1' WITH (LISTENER_URL = 'tcp://" +
     world.managed_instance.fqdn +
     ":5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC);");
}

std::vector<Message> infos(const Response& r) {
  std::vector<Message> out;
  for (const auto& i : r.items)
    if (const auto* m = std::get_if<Message>(&i); m && !m->is_error()) out.push_back(*m);
  return out;
}

Message single_error(const Response& r) {
  auto e = errors(r);
  INFO(describe(r));
  REQUIRE(e.size() == 1);
  return e[0];
}

SqlValue scalar(const Response& r) {
  const ResultSet& rs = only_set(r);
  REQUIRE(rs.rows.size() == 1);
  REQUIRE(rs.rows[0].size() == 1);
  return rs.rows[0][0];
}

std::size_t row_count(const Response& r) { return only_set(r).rows.size(); }

}  // namespace enginetest
