#include "emulated_links.hpp"

#include "engine/engine.hpp"
#include "sql/sql_engine.hpp"

#include <milink/sdk/json.hpp>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <variant>
#include <vector>

namespace benchlinks {

using namespace milink::emulator;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

std::string db_name(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "db%03d", i);
  return name;
}

std::string scenario_text(int n) {
  Array dbs;
  for (int i = 1; i <= n; ++i)
    dbs.push_back(Value(Object{{"name", Value(db_name(i))}, {"size_mb", Value(8)},
                               {"backups", Value(Array{Value("full")})}}));
  return Value(Object{{"sql_server", Value(Object{{"version", Value("16.0.4135.4")}, {"databases", Value(dbs)}})}})
      .to_json();
}

namespace {

Response run(SqlEngine& e, Session& s, const std::string& batch) {
  Response r = e.execute(s, batch, {});
  if (r.has_error()) throw std::runtime_error("failed: " + batch);
  return r;
}

std::vector<std::uint8_t> first_bytes(const Response& r) {
  for (const auto& item : r.items)
    if (const auto* rs = std::get_if<ResultSet>(&item)) return rs->rows.at(0).at(0).as_bytes();
  throw std::runtime_error("no result set");
}

}  // namespace

void build_links(EmulatorWorld& world, LinkSimulator& sim, int n) {
  SqlEngine sql(world, Personality::SqlServer);
  SqlEngine mi(world, Personality::ManagedInstance);
  Session s, m;
  s.spid = 51;
  m.spid = 61;
  s.login = m.login = "sa";
  s.database = m.database = "master";
  const std::string fqdn = world.managed_instance.fqdn;

  std::vector<std::uint8_t> mi_cert = first_bytes(run(mi, m, "EXEC sp_get_endpoint_certificate @endpoint_type = 4"));
  run(sql, s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  run(sql, s, "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'endpoint', EXPIRY_DATE = '03/30/2030'");
  run(sql, s, "CREATE CERTIFICATE [" + fqdn + "] FROM BINARY = " + milink::sdk::to_hex_literal(mi_cert));
  run(sql, s,
      "CREATE ENDPOINT database_mirroring_endpoint STATE=STARTED AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL) "
      "FOR DATABASE_MIRRORING (ROLE=ALL, AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint], "
      "ENCRYPTION = REQUIRED ALGORITHM AES)");
  std::vector<std::uint8_t> sql_cert = first_bytes(run(sql, s, "SELECT CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))"));
  {
    auto lock = world.lock();
    ServerTrustCertificate c;
    c.name = "Cert_sqlbox1_endpoint";
    c.der = sql_cert;
    world.azure.server_trust_certificates.push_back(c);
  }
  for (int i = 1; i <= n; ++i) {
    const std::string db = db_name(i);
    run(sql, s, "CREATE AVAILABILITY GROUP [AG_" + db + "] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [" + db +
                    "] REPLICA ON 'sqlbox1' WITH (ENDPOINT_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = "
                    "SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)");
    run(sql, s, "CREATE AVAILABILITY GROUP [DAG_" + db + "] WITH (DISTRIBUTED) AVAILABILITY GROUP ON 'AG_" + db +
                    "' WITH (LISTENER_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, "
                    "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC), 'MI_" + db + "' WITH (LISTENER_URL = 'tcp://" +
                    fqdn + ":5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, "
                    "SEEDING_MODE = AUTOMATIC)");
    auto lock = world.lock();
    LinkResource l;
    l.name = "DAG_" + db;
    l.partner_endpoint = "TCP://10.0.0.4:5022";
    l.partner_availability_group_name = "AG_" + db;
    l.instance_availability_group_name = "MI_" + db;
    LinkDatabase d;
    d.name = db;
    l.databases.push_back(d);
    world.azure.links.push_back(l);
    if (!sim.created(world.azure.links.back()).ok) throw std::runtime_error("link refused: " + l.name);
  }
  // Seeded and healthy: the fast profile needs well under a second; wait for it.
  for (int tries = 0;; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    run(sql, s, "SELECT 1");
    auto lock = world.lock();
    bool all = true;
    for (const auto& l : world.azure.links)
      if (l.databases.at(0).synchronization_health != "HEALTHY") all = false;
    if (all) break;
    if (tries > 300) throw std::runtime_error("links did not become healthy");
  }
}

}  // namespace benchlinks
