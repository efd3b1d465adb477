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

using linkrig::check_all_ok;
using linkrig::first;
using linkrig::names;
using linkrig::numbered;
using linkrig::Rig;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

const char* kSql2022 = "16.0.4175.1";
const char* kFqdn = "mi1.abc123def456.database.windows.net";

/// linkrig's scenario for \p dbs, the first \p in_ag of them (all when 0) in
/// AG_prod on sqlbox1 with the secondaries sqlbox2 and sqlbox3 (and a
/// listener when \p listener), seeding as \p seeding.
std::string ag_scenario(const std::vector<std::string>& dbs, bool listener, std::size_t in_ag = 0,
                        const char* seeding = "automatic") {
  Value s = milink::sdk::parse_json(linkrig::scenario_with(dbs, kSql2022));
  milink::sdk::Array names, replicas{Value("sqlbox2"), Value("sqlbox3")};
  for (std::size_t i = 0; i < dbs.size() && (in_ag == 0 || i < in_ag); ++i) names.push_back(Value(dbs[i]));
  Object ag{{"name", Value("AG_prod")}, {"databases", Value(names)}, {"replicas", Value(replicas)},
            {"seeding_mode", Value(seeding)}};
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

/// One database in AG_prod (no listener), and the config naming it.
struct OneDatabase {
  std::vector<std::string> dbs = numbered(1);
  Rig rig{ag_scenario(dbs, false)};
  OneDatabase() { rig.set_databases(dbs); }
};

}  // namespace

TEST_CASE("databases in a 3-replica AG are linked through that AG, every replica gets the certificates",
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
  // Preflight calls the AG what it is: the DBA's existing group, not one the workflow creates.
  CHECK(r.out.find("[db01] is already in [AG_prod], the existing availability group the link is built on") !=
        std::string::npos);
  CHECK(r.out.find("the availability group the workflow creates") == std::string::npos);
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
    CHECK(w.sql_server.multidb_milink_enabled);
    for (const auto& rep : w.sql_replicas) CHECK(rep.multidb_milink_enabled);
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

TEST_CASE_METHOD(OneDatabase, "a bad /sqlserver/replicas stops replicate-existing-ag.json before anything runs, saying why",
          "[workflows][existing_ag]") {
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

namespace {

std::vector<std::string> link_databases(Rig& rig) { return linkrig::link_databases(rig, "milink-ag"); }

bool link_healthy(Rig& rig) { return linkrig::link_healthy(rig, "milink-ag"); }

/// The databases replica \p target has joined to AG_prod, read over TDS:
/// name -> its own synchronization state there.
std::map<std::string, std::string> joined(Rig& rig, const std::string& target) {
  auto r = rig.query(target,
                     "SELECT d.name, drs.synchronization_state_desc FROM sys.databases AS d "
                     "JOIN sys.availability_replicas AS ar ON ar.replica_id = d.replica_id "
                     "JOIN sys.availability_groups AS ag ON ag.group_id = ar.group_id "
                     "JOIN sys.dm_hadr_database_replica_states AS drs ON drs.database_id = d.database_id "
                     "AND drs.group_id = ag.group_id AND drs.is_local = 1 WHERE ag.name = ?",
                     {milink::sdk::SqlValue::nvarchar("AG_prod")});
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < r.sets.at(0).rows.size(); ++i)
    out[r.sets[0].at(i, "name").as_string()] = r.sets[0].at(i, "synchronization_state_desc").as_string();
  return out;
}

/// state_desc of \p db on \p target ("" when it has none), over TDS.
std::string database_state(Rig& rig, const std::string& target, const std::string& db) {
  auto r = rig.query(target, "SELECT state_desc FROM sys.databases WHERE name = ?", {milink::sdk::SqlValue::nvarchar(db)});
  return r.sets.at(0).rows.empty() ? "" : r.sets[0].at(0, "state_desc").as_string();
}

const char* const kTargets[] = {"sqlserver", "sqlserver.replicas.sqlbox2", "sqlserver.replicas.sqlbox3"};

}  // namespace

TEST_CASE("a link on an existing 3-replica AG: two databases added, one removed, every replica follows",
          "[workflows][existing_ag][existing_ag_add_remove]") {
  const bool listener = GENERATE(true, false);
  auto all = numbered(7);
  auto five = first(all, 5);
  Rig rig(ag_scenario(all, listener, 5));
  rig.set_databases(five);
  rig.set_input("existing_endpoint", Value("alter"));
  auto r = rig.run("replicate-existing-ag.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(link_databases(rig) == five);
  REQUIRE(testsupport::eventually([&] { return link_healthy(rig); }));

  rig.set_input("add", names({"db06", "db07"}));
  rig.set_input("remove", names({"db02"}));
  auto change = rig.run("existing-ag-add-remove.json");
  INFO(change.out << change.err);
  REQUIRE(change.exit_code == 0);
  CHECK(Rig::statuses(change.out)["databases"] == "changed");
  const std::vector<std::string> now{"db01", "db03", "db04", "db05", "db06", "db07"};
  CHECK(link_databases(rig) == now);
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 2);  // remove first, then add
  // The added databases joined the existing AG on the primary; db02 stays in it (the group is the DBA's).
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod] ADD DATABASE").size() == 2);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod] REMOVE DATABASE").empty());
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 1);  // the DAG only
  // Every replica, over TDS: all seven databases joined to AG_prod, SYNCHRONIZED.
  for (const char* target : kTargets) {
    INFO(target);
    auto j = joined(rig, target);
    CHECK(j.size() == 7);
    for (const auto& db : all) CHECK(j[db] == "SYNCHRONIZED");
  }
  // Azure seeds the added databases; the removed one stays on the instance, on its own.
  REQUIRE(testsupport::eventually([&] { return link_healthy(rig); }));
  for (const auto& db : now) CHECK(rig.instance_databases()[db] == "ONLINE");
  CHECK(rig.instance_databases()["db02"] == "ONLINE");

  SECTION("a second run changes nothing") {
    auto again = rig.run("existing-ag-add-remove.json");
    INFO(again.out << again.err);
    REQUIRE(again.exit_code == 0);
    check_all_ok(again.out);
    CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 2);
    CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod]").size() == 2);
    CHECK(link_databases(rig) == now);
  }

  SECTION("remove_from_availability_group takes a database out of the existing AG too") {
    rig.set_input("add", Value(milink::sdk::Array{}));
    rig.set_input("remove", names({"db03"}));
    rig.set_input("remove_from_availability_group", Value(true));
    auto out = rig.run("existing-ag-add-remove.json");
    INFO(out.out << out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(link_databases(rig) == std::vector<std::string>{"db01", "db04", "db05", "db06", "db07"});
    CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod] REMOVE DATABASE [db03]").size() == 1);
    CHECK(joined(rig, "sqlserver").count("db03") == 0);
    CHECK(database_state(rig, "sqlserver", "db03") == "ONLINE");
    for (const char* target : {"sqlserver.replicas.sqlbox2", "sqlserver.replicas.sqlbox3"}) {
      INFO(target);
      CHECK(joined(rig, target).count("db03") == 0);
      CHECK(database_state(rig, target, "db03") == "RESTORING");  // as SQL Server leaves a secondary's copy
    }
    auto again = rig.run("existing-ag-add-remove.json");
    REQUIRE(again.exit_code == 0);
    check_all_ok(again.out);
  }
}

TEST_CASE("existing-ag-add-remove refuses, before any change, a secondary replica that seeds manually",
          "[workflows][existing_ag][existing_ag_add_remove]") {
  auto all = numbered(3);
  Rig rig(ag_scenario(all, false, 2, "manual"));
  rig.set_databases(first(all, 2));
  rig.set_input("existing_endpoint", Value("alter"));
  REQUIRE(rig.run("replicate-existing-ag.json").exit_code == 0);
  rig.set_input("add", names({"db03"}));
  linkrig::run_failing(rig, "existing-ag-add-remove.json", "databases",
                       "secondary replica sqlbox2 of [AG_prod] seeds manually (SEEDING_MODE = MANUAL), so it would not "
                       "get [db03]; nothing was changed. Switch it to automatic seeding (on the primary: ALTER "
                       "AVAILABILITY GROUP [AG_prod] MODIFY REPLICA ON N'sqlbox2' WITH (SEEDING_MODE = AUTOMATIC); on "
                       "sqlbox2: ALTER AVAILABILITY GROUP [AG_prod] GRANT CREATE ANY DATABASE)");
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod] ADD DATABASE").empty());
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 0);
}

TEST_CASE("existing-ag-add-remove keeps a database out of the link until every secondary replica has it",
          "[workflows][existing_ag][existing_ag_add_remove]") {
  auto all = numbered(3);
  Rig rig(ag_scenario(all, false, 2));
  rig.set_databases(first(all, 2));
  rig.set_input("existing_endpoint", Value("alter"));
  REQUIRE(rig.run("replicate-existing-ag.json").exit_code == 0);
  {  // sqlbox3 lost the grant automatic seeding needs
    auto& w = rig.emulator.world();
    auto lock = w.lock();
    w.sql_replica("sqlbox3")->find_availability_group("AG_prod")->create_any_database = false;
  }
  rig.set_input("add", names({"db03"}));
  linkrig::run_failing(rig, "existing-ag-add-remove.json", "databases",
                       "[db03] joined [AG_prod] on the primary but not on secondary replica sqlbox3, so the link does "
                       "not get them yet. Automatic seeding needs ALTER AVAILABILITY GROUP [AG_prod] GRANT CREATE ANY "
                       "DATABASE on sqlbox3");
  CHECK(joined(rig, "sqlserver.replicas.sqlbox2").count("db03") == 1);
  CHECK(joined(rig, "sqlserver.replicas.sqlbox3").count("db03") == 0);
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 0);
  CHECK(link_databases(rig) == first(all, 2));
  // Run again: still refused, and still nothing in Azure (observe finds the replica without it).
  auto again = rig.run("existing-ag-add-remove.json");
  CHECK(again.exit_code != 0);
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 0);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_prod] ADD DATABASE").size() == 1);
}

TEST_CASE("replicate-existing-ag's preflight fails on a database in another availability group, naming both",
          "[workflows][existing_ag]") {
  auto all = numbered(3);
  Rig rig(ag_scenario(all, false, 2));
  rig.query("sqlserver",
            "CREATE AVAILABILITY GROUP [AG_other] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [db03] REPLICA ON N'sqlbox1' "
            "WITH (ENDPOINT_URL = 'TCP://127.0.0.1:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, "
            "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)");
  rig.set_databases(all);
  linkrig::run_failing(rig, "replicate-existing-ag.json", "preflight",
                       "[db03] is in availability group [AG_other], not in [AG_prod], the existing availability group "
                       "the link is built on (every database of the link must be in it); move it (ALTER AVAILABILITY "
                       "GROUP [AG_other] REMOVE DATABASE [db03], then ALTER AVAILABILITY GROUP [AG_prod] ADD DATABASE "
                       "[db03]) or leave it out of the config's databases");
  CHECK(rig.arm_requests("PUT", "") == 0);
}

TEST_CASE_METHOD(OneDatabase, "a literal sqlserver.replicas.<name> target the config does not define stops validate, plan and run",
          "[workflows][existing_ag]") {
  auto workflow = [&](const std::string& target) {
    testsupport::write_file(rig.dir / "replica-cert.json",
                            R"({"milink": 1, "name": "replica-cert", "steps": [{"id": "replica_cert", "uses": )"
                            R"("sqlserver-cert", "with": {"target": ")" + target + R"(", "server_name": "sqlbox9"}}]})");
    return (rig.dir / "replica-cert.json").string();
  };
  const std::string wf = workflow("sqlserver.replicas.sqlbox9");
  const std::string message =
      "step replica_cert (sqlserver-cert, target) connects to SQL target \"sqlserver.replicas.sqlbox9\", but "
      "/sqlserver/replicas has no replica named \"sqlbox9\" (configured: sqlbox2, sqlbox3)";
  const std::string remedy = "add {\"name\": \"sqlbox9\", \"host\": ...} to sqlserver.replicas in the config (with "
                             "sqlserver.availability_group), or make the step's target name a configured replica";
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"validate", wf, "-c", "config.json"},
        std::vector<std::string>{"plan", wf, "-c", "config.json", "--out", "plan", "--state-dir", "state"},
        std::vector<std::string>{"run", wf, "-c", "config.json", "--state-dir", "state"}}) {
    std::vector<std::string> args{testsupport::milink_binary().string()};
    args.insert(args.end(), cmd.begin(), cmd.end());
    auto r = testsupport::run(args, rig.dir.path());
    INFO(cmd[0] << ": " << r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("config.json") != std::string::npos);
    CHECK(r.err.find("/sqlserver/replicas") != std::string::npos);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.err.find(remedy) != std::string::npos);
  }
  CHECK(rig.statements("CREATE").empty());
  // A configured replica, named literally, is accepted.
  auto ok = testsupport::run({testsupport::milink_binary().string(), "validate", workflow("sqlserver.replicas.sqlbox2"),
                              "-c", "config.json"},
                             rig.dir.path());
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
}

namespace {

/// The link's databases' connected state and most recent error, brought up to now.
std::pair<std::string, std::string> link_connection(Rig& rig) {
  auto& w = rig.emulator.world();
  auto lock = w.lock();
  if (w.advance) w.advance();
  const auto* l = w.azure.find_link("milink-ag");
  REQUIRE(l != nullptr);
  REQUIRE(!l->databases.empty());
  return {l->databases.front().connected_state, l->databases.front().most_recent_link_error};
}

}  // namespace

TEST_CASE("a secondary replica that loses the instance's certificate or its endpoint breaks the link, verify names it",
          "[workflows][existing_ag]") {
  auto dbs = numbered(2);
  Rig rig(ag_scenario(dbs, true));
  rig.set_databases(dbs);
  rig.set_input("existing_endpoint", Value("alter"));
  REQUIRE(rig.run("replicate-existing-ag.json").exit_code == 0);
  REQUIRE(testsupport::eventually([&] { return link_healthy(rig); }));

  std::string expected;
  SECTION("the instance's certificate dropped on sqlbox3") {
    rig.query("sqlserver.replicas.sqlbox3", std::string("DROP CERTIFICATE [") + kFqdn + "]");
    // The emulator checks every replica, as the primary: 41974.
    REQUIRE(testsupport::eventually([&] { return link_connection(rig).first == "DISCONNECTED"; }));
    CHECK(link_connection(rig).second.rfind("41974: ", 0) == 0);
    expected = std::string("secondary replica sqlbox3 does not hold the managed instance's certificate [") + kFqdn +
               "] (error 41974: the link cannot connect through it); run workflows/replicate-existing-ag.json again "
               "(its replicas steps set up every secondary replica)";
  }
  SECTION("the mirroring endpoint dropped on sqlbox2") {
    rig.query("sqlserver.replicas.sqlbox2", "DROP ENDPOINT [Hadr_endpoint]");
    REQUIRE(testsupport::eventually([&] { return link_connection(rig).first == "DISCONNECTED"; }));
    CHECK(link_connection(rig).second.rfind("41986: ", 0) == 0);
    expected = "secondary replica sqlbox2 has no DATABASE_MIRRORING endpoint; run workflows/replicate-existing-ag.json "
               "again (its replicas steps set up every secondary replica)";
  }
  // verify (here the add/remove workflow's, with nothing to add or remove) names the replica.
  std::string out = linkrig::run_failing(rig, "existing-ag-add-remove.json", "verify",
                                         "the link [milink-ag] is built on an availability group whose secondary "
                                         "replicas must each be ready for it:");
  CHECK(out.find(expected) != std::string::npos);

  // The create workflow, run again, puts it back on that replica; the link connects again.
  auto fixed = rig.run("replicate-existing-ag.json");
  INFO(fixed.out << fixed.err);
  REQUIRE(fixed.exit_code == 0);
  CHECK(testsupport::eventually([&] { return link_healthy(rig); }));
}

TEST_CASE_METHOD(OneDatabase, "verify and link-databases refuse replicas they cannot use, naming the parameter",
          "[workflows][existing_ag]") {
  std::string step, message;
  SECTION("verify with replicas but no instance_fqdn") {
    step = R"({"id": "verify", "uses": "verify", "with": {"dag_name": "milink-ag", "instance_name": "AG_milink-ag_MI",
               "databases": ["db01"], "replicas": "${{ config.sqlserver.replicas }}"}})";
    message = "parameter \"instance_fqdn\": replicas are checked for the managed instance's certificate, named after its FQDN; set "
              "instance_fqdn to ${{ config.managed_instance.fqdn }}";
  }
  SECTION("link-databases with a replica that has no name") {
    step = R"({"id": "databases", "uses": "link-databases", "with": {"name": "milink-ag", "ag_name": "AG_prod",
               "replicas": [{"host": "10.0.0.6"}]}})";
    message = "parameter \"replicas\": each replica must be an object with a name (the config's sqlserver.replicas)";
  }
  testsupport::write_file(rig.dir / "bad.json", R"({"milink": 1, "name": "bad", "steps": [)" + step + "]}");
  auto r = rig.run((rig.dir / "bad.json").string());
  INFO(r.out << r.err);
  // The values are known before the run, so the step is refused before any
  // step starts (exit 2), naming the workflow's line and the parameter.
  CHECK(r.exit_code == 2);
  const bool verify = step.find("\"verify\"") != std::string::npos;
  const std::string id = verify ? "verify" : "databases";
  const std::string uses = verify ? "verify" : "link-databases";
  const std::string param = verify ? "instance_fqdn" : "replicas";
  CHECK(Rig::statuses(r.out).count(id) == 0);
  CHECK(r.err.find("bad.json:") != std::string::npos);  // with its line and column
  CHECK(r.err.find("/steps/0/with/" + param + ": step \"" + id + "\" (" + uses + ") refuses " + message) !=
        std::string::npos);
  CHECK(r.err.find("nothing was run") != std::string::npos);
  CHECK(rig.arm_requests("PATCH", "") == 0);
}
