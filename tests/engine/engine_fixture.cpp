#include "engine_fixture.hpp"

#include <sstream>

namespace enginetest {

Fixture::Fixture(const Scenario& scenario)
    : world(scenario), sql(world, Personality::SqlServer), mi(world, Personality::ManagedInstance) {
  sql_session.spid = 51;
  sql_session.login = "sa";
  sql_session.database = "master";
  mi_session.spid = 61;
  mi_session.login = "sa";
  mi_session.database = "master";
}

Response Fixture::run(const std::string& batch, const std::vector<Param>& params) {
  return sql.execute(sql_session, batch, params);
}

Response Fixture::run_mi(const std::string& batch, const std::vector<Param>& params) {
  return mi.execute(mi_session, batch, params);
}

Response Fixture::ok(const std::string& batch, const std::vector<Param>& params) {
  Response r = run(batch, params);
  INFO("batch: " << batch << "\n" << describe(r));
  REQUIRE_FALSE(r.has_error());
  return r;
}

Response Fixture::ok_mi(const std::string& batch, const std::vector<Param>& params) {
  Response r = run_mi(batch, params);
  INFO("batch: " << batch << "\n" << describe(r));
  REQUIRE_FALSE(r.has_error());
  return r;
}

std::vector<Response> Fixture::script(const std::string& text) {
  std::vector<Response> out;
  std::istringstream in(text);
  std::string line, batch;
  auto flush = [&] {
    bool blank = batch.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank) out.push_back(run(batch));
    batch.clear();
  };
  while (std::getline(in, line)) {
    std::string t = line;
    t.erase(0, t.find_first_not_of(" \t\r"));
    t.erase(t.find_last_not_of(" \t\r") + 1);
    if (t == "GO" || t == "go") flush();
    else batch += line + "\n";
  }
  flush();
  return out;
}

std::vector<std::uint8_t> Fixture::mi_certificate() {
  Response r = ok_mi("EXEC sp_get_endpoint_certificate @endpoint_type = 4");
  return only_set(r).rows.at(0).at(0).as_bytes();
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

SqlValue scalar(const Response& r) {
  const ResultSet& rs = only_set(r);
  REQUIRE(rs.rows.size() == 1);
  REQUIRE(rs.rows[0].size() == 1);
  return rs.rows[0][0];
}

std::size_t row_count(const Response& r) { return only_set(r).rows.size(); }

}  // namespace enginetest
