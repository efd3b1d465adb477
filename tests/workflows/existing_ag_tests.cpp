// workflows/replicate-existing-ag.json: databases already in an availability
// group with two secondary replicas (three replicas, each its own TDS server
// in the emulator) linked through that group with one multi-database link,
// end to end through TDS and HTTPS: every replica gets the instance's
// certificate, its own endpoint certificate (trusted by the instance) and
// certificate authentication on its endpoint; the existing AG is observed,
// never recreated; the DAG and the link reach the AG through its listener
// (or, without one, the primary's endpoint). A second run changes nothing. A
// bad /sqlserver/replicas is refused before anything runs.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

using linkrig::numbered;
using linkrig::Rig;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

const char* kSql2022 = "16.0.4175.1";
const char* kFqdn = "mi1.abc123def456.database.windows.net";

/// linkrig's scenario for \p dbs, all of them in AG_prod on sqlbox1 with the
/// secondaries sqlbox2 and sqlbox3 (and a listener when \p listener).
std::string ag_scenario(const std::vector<std::string>& dbs, bool listener) {
  Value s = milink::sdk::parse_json(linkrig::scenario_with(dbs, kSql2022));
  milink::sdk::Array names, replicas{Value("sqlbox2"), Value("sqlbox3")};
  for (const auto& d : dbs) names.push_back(Value(d));
  Object ag{{"name", Value("AG_prod")}, {"databases", Value(names)}, {"replicas", Value(replicas)}};
  if (listener) ag.set("listener", Value(Object{{"dns_name", Value("aglistener")}}));
  s.mutable_object().set("availability_group", Value(ag));
  return s.to_json();
}

/// What one replica holds for the link: its endpoint certificate, the
/// instance's certificate, and the certificate its endpoint authenticates with.
struct ReplicaState {
  bool own_certificate = false;
  bool instance_certificate = false;
  std::string endpoint_certificate;
  bool windows_kept = false;
};

ReplicaState replica_state(Rig& rig, const std::string& name) {
  auto& w = rig.emulator.world();
  auto lock = w.lock();
  const milink::emulator::ServerState* s = name == "sqlbox1" ? &w.sql_server : w.sql_replica(name);
  REQUIRE(s != nullptr);
  ReplicaState out;
  for (const auto& c : s->master().certificates) {
    if (c.name == "Cert_" + name + "_endpoint") out.own_certificate = true;
    if (c.name == kFqdn) out.instance_certificate = true;
  }
  if (const auto* ep = s->mirroring_endpoint()) {
    out.endpoint_certificate = ep->certificate_name;
    out.windows_kept = ep->windows != milink::emulator::WindowsAuth::None;
  }
  return out;
}

void check_all_ok(const std::string& out) {
  for (const auto& [step, status] : Rig::statuses(out)) {
    INFO(step);
    CHECK(status == "ok");
  }
}

}  // namespace

TEST_CASE("databases in a 3-replica AG are linked through that AG; every replica gets the certificates",
          "[workflows][existing_ag]") {
  const bool listener = GENERATE(true, false);
  auto five = numbered(5);
  Rig rig(ag_scenario(five, listener));
  rig.set_databases(five);
  rig.set_input("existing_endpoint", Value("alter"));
  auto r = rig.run("replicate-existing-ag.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["ag"] == "ok");  // the existing AG, observed
  for (const char* s : {"cert", "trust", "endpoint", "dag", "link"}) CHECK(st[s] == "changed");

  // The existing AG is never recreated: the only CREATE AVAILABILITY GROUP is the DAG.
  auto creates = rig.statements("CREATE AVAILABILITY GROUP");
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].find("DISTRIBUTED") != std::string::npos);

  // Every replica: its own certificate, the instance's, and certificate
  // authentication on its endpoint after the Windows authentication the AG uses.
  for (const char* name : {"sqlbox1", "sqlbox2", "sqlbox3"}) {
    INFO(name);
    ReplicaState rs = replica_state(rig, name);
    CHECK(rs.own_certificate);
    CHECK(rs.instance_certificate);
    CHECK(rs.endpoint_certificate == std::string("Cert_") + name + "_endpoint");
    CHECK(rs.windows_kept);
  }
  // sp_multidb_milink ran on every replica, as the docs require.
  {
    auto& w = rig.emulator.world();
    auto lock = w.lock();
    CHECK(w.sql_server.multidb_milink);
    for (const auto& rep : w.sql_replicas) CHECK(rep.multidb_milink);
  }
  // The instance trusts each replica's certificate.
  CHECK(rig.arm_requests("PUT", "/serverTrustCertificates/") == 3);

  // The DAG and the link reach the AG through its listener, else the primary's endpoint.
  const std::string url = listener ? "TCP://aglistener:5022" : "TCP://127.0.0.1:5022";
  {
    auto& w = rig.emulator.world();
    auto lock = w.lock();
    const auto* dag = w.sql_server.find_availability_group("milink-ag");
    REQUIRE(dag != nullptr);
    REQUIRE(dag->distributed);
    REQUIRE(dag->local_replica() != nullptr);
    CHECK(dag->local_replica()->server_name == "AG_prod");
    CHECK(dag->local_replica()->endpoint_url == url);
    const auto* l = w.azure.find_link("milink-ag");
    REQUIRE(l != nullptr);
    CHECK(l->partner_endpoint == url);
    CHECK(l->partner_availability_group_name == "AG_prod");
    CHECK(l->databases.size() == 5);
  }
  REQUIRE(testsupport::eventually([&] {
    auto& w = rig.emulator.world();
    auto lock = w.lock();
    if (w.advance) w.advance();
    const auto* l = w.azure.find_link("milink-ag");
    for (const auto& d : l->databases)
      if (d.synchronization_health != "HEALTHY") return false;
    return true;
  }));
  for (const auto& db : five) CHECK(rig.instance_databases()[db] == "ONLINE");

  SECTION("a second run is a no-op") {
    auto again = rig.run("replicate-existing-ag.json");
    INFO(again.out << again.err);
    REQUIRE(again.exit_code == 0);
    check_all_ok(again.out);
    CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 1);
    CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
    CHECK(rig.arm_requests("PUT", "/serverTrustCertificates/") == 3);
  }
}

TEST_CASE("a bad /sqlserver/replicas stops replicate-existing-ag.json before anything runs, saying why",
          "[workflows][existing_ag]") {
  auto dbs = numbered(1);
  Rig rig(ag_scenario(dbs, false));
  rig.set_databases(dbs);
  auto& sql = rig.config.mutable_object().find("sqlserver")->mutable_object();
  auto& reps = sql.find("replicas")->mutable_array();
  SECTION("a replica listed twice") {
    Value again = reps[0];
    again.mutable_object().set("name", Value("SQLBOX2"));
    reps.push_back(again);
    rig.save();
    auto r = rig.run("replicate-existing-ag.json");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("/sqlserver/replicas/2/name: replica \"SQLBOX2\" is listed twice (list each secondary replica "
                     "once)") != std::string::npos);
  }
  SECTION("the primary listed as a replica") {
    reps[1].mutable_object().set("name", Value("sqlbox1"));
    rig.save();
    auto r = rig.run("replicate-existing-ag.json");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("/sqlserver/replicas/1/name: \"sqlbox1\" is /sqlserver/name, the primary replica") !=
          std::string::npos);
  }
  SECTION("replicas without their availability group") {
    sql.erase("availability_group");
    rig.save();
    auto r = rig.run("replicate-existing-ag.json");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("/sqlserver/replicas: replicas are given without the availability group they belong to") !=
          std::string::npos);
  }
  CHECK(rig.arm_requests("PUT", "") == 0);
  CHECK(rig.statements("CREATE").empty());
}
