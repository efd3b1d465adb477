// Hostile database names, end to end: SQL Server (emulated) has user
// databases whose names are T-SQL injection attempts, quotes and non-ASCII
// text, and the bundled workflows link them. Every name must reach SQL
// Server quoted ([..]] doubled, N'..'' doubled), the objects must carry
// exactly the expected names, and nothing may be dropped.
#include "linksteps_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using testsupport::write_file;

namespace {

const std::string kInjection = "db]; DROP DATABASE x; --";
const std::string kQuote = "O'Brien";
const std::string kUnicode = "B\xC3\xBC" "cher-\xCE\x94\xE6\x95\xB0\xE6\x8D\xAE";  // Bücher-Δ数据

/// SQL Server 2022 (so sp_certificate_add_issuer exists) with the three
/// hostile databases, FULL recovery with a full backup each, and a database
/// named x: the victim the first name's DROP would hit if it were not quoted.
std::string scenario() {
  Array dbs;
  for (const auto& name : {kInjection, kQuote, kUnicode})
    dbs.push_back(Value(Object{{"name", Value(name)},
                               {"recovery", Value("FULL")},
                               {"size_mb", Value(8)},
                               {"backups", Value(Array{Value("full")})}}));
  dbs.push_back(Value(Object{{"name", Value("x")}, {"recovery", Value("SIMPLE")}, {"size_mb", Value(8)}}));
  return Value(Object{{"sql_server", Value(Object{{"version", Value("16.0.4135.4")}, {"databases", Value(dbs)}})}})
      .to_json();
}

std::string ltrim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b);
}

bool starts_with_drop(const std::string& statement) {
  std::string s = ltrim(statement).substr(0, 4);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s == "DROP";
}

bool any_contains(const std::vector<std::string>& statements, const std::string& needle) {
  for (const auto& s : statements)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

struct SqlSide {
  std::set<std::string> databases;
  std::map<std::string, std::vector<std::string>> ag_databases;  // AG -> its databases
  std::map<std::string, std::set<std::string>> dag_members;      // DAG -> replica_server_name
};

SqlSide sql_side(linksteps::EmulatorRig& rig) {
  SqlSide s;
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  for (const auto& db : world.sql_server.databases) s.databases.insert(db.name);
  for (const auto& ag : world.sql_server.availability_groups) {
    if (ag.distributed) {
      auto& members = s.dag_members[ag.name];
      for (const auto& r : ag.replicas) members.insert(r.server_name);
    } else {
      s.ag_databases[ag.name] = ag.databases;
    }
  }
  return s;
}

std::string show(const std::map<std::string, std::set<std::string>>& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    out += k + ": {";
    for (const auto& e : v) out += " <" + e + ">";
    out += " }\n";
  }
  return out;
}

}  // namespace

TEST_CASE("linksteps: hostile database names: replicate-databases quotes every name and drops nothing", "[linksteps][e2e]") {
  linksteps::EmulatorRig rig(scenario());
  rig.set("", "databases", Value(Array{Value(kInjection), Value(kQuote), Value(kUnicode)}));

  auto r = rig.run(std::filesystem::path(MILINK_LINKSTEPS_WORKFLOW_DIR) / "replicate-databases.json");

  // The shared steps ran once and changed the server.
  for (const char* step : {"cert", "trust", "endpoint"}) {
    INFO(step);
    CHECK(r.events.status(step) == "changed");
  }

  // SQL Server: exactly AG_<db> holding exactly <db>, and DAG_<db> joining
  // AG_<db> with the managed instance -- and nothing else.
  SqlSide side = sql_side(rig);
  std::map<std::string, std::vector<std::string>> want_ags;
  std::map<std::string, std::set<std::string>> want_dags;
  for (const auto& db : {kInjection, kQuote, kUnicode}) {
    want_ags["AG_" + db] = {db};
    // The DAG's second member: the instance's AG, one per link (the workflow's <instance>_<db>).
    want_dags["DAG_" + db] = {"AG_" + db, "AG_" + db + "_MI"};
  }
  CHECK(side.ag_databases == want_ags);
  {
    INFO("DAGs:\n" << show(side.dag_members));
    CHECK(side.dag_members == want_dags);
  }

  // No database was dropped (nor created): the three, the would-be victim x,
  // and the system databases -- exactly the scenario's.
  CHECK(side.databases == std::set<std::string>{"master", "tempdb", "model", "msdb", kInjection, kQuote, kUnicode, "x"});

  // The statements SQL Server ran quote the names, and none is a DROP.
  Value dump = rig.dump();
  const Value* log = dump.get("statement_log") ? dump.get("statement_log")->get("sql_server") : nullptr;
  REQUIRE(log != nullptr);
  REQUIRE(log->is_array());
  std::vector<std::string> statements;
  for (const auto& e : log->as_array()) {
    const Value* text = e.get("text");
    if (text != nullptr && text->is_string()) statements.push_back(text->as_string());
  }
  REQUIRE(!statements.empty());
  CHECK(any_contains(statements, "CREATE AVAILABILITY GROUP [AG_db]]; DROP DATABASE x; --]"));
  CHECK(any_contains(statements, "FOR DATABASE [db]]; DROP DATABASE x; --]"));
  CHECK(any_contains(statements, "CREATE AVAILABILITY GROUP [DAG_db]]; DROP DATABASE x; --]"));
  CHECK(any_contains(statements, "N'AG_db]; DROP DATABASE x; --' WITH"));
  CHECK(any_contains(statements, "CREATE AVAILABILITY GROUP [AG_O'Brien]"));
  CHECK(any_contains(statements, "FOR DATABASE [O'Brien]"));
  CHECK(any_contains(statements, "N'AG_O''Brien' WITH"));
  CHECK(any_contains(statements, "N'AG_O''Brien_MI' WITH"));
  CHECK(any_contains(statements, "FOR DATABASE [" + kUnicode + "]"));
  CHECK(any_contains(statements, "CREATE AVAILABILITY GROUP [DAG_" + kUnicode + "]"));
  CHECK(any_contains(statements, "N'AG_" + kUnicode + "' WITH"));
  // The plain names are never inlined as literals: lookups bind them (@P1).
  CHECK(any_contains(statements, "FROM master.sys.databases WHERE name = @P1"));
  CHECK_FALSE(any_contains(statements, "N'O''Brien'"));
  // Never unquoted, never a literal cut short by the quote.
  CHECK_FALSE(any_contains(statements, "'O'Brien"));
  CHECK_FALSE(any_contains(statements, "[db]; DROP"));
  CHECK_FALSE(any_contains(statements, "_db]; DROP DATABASE x; --]"));  // a ] that closed the identifier
  for (const auto& s : statements) {
    INFO(s);
    // The network check drops its own temporary endpoint and certificate.
    if (s.find("[milink_network_check]") != std::string::npos) continue;
    CHECK_FALSE(starts_with_drop(s));
  }

  // Azure accepted every name: one link per database, named like the DAG,
  // and each database seeded onto the managed instance under its own name.
  for (const auto& db : {kInjection, kQuote, kUnicode}) {
    const std::string key = "per_db[" + db + "]";
    INFO(key << " link: " << r.events.reason(key + ".seeding.link") << "\nverify: " << r.events.reason(key + ".seeding.verify"));
    CHECK(r.events.status(key + ".db_preflight") == "ok");
    CHECK(r.events.status(key + ".ag") == "changed");
    CHECK(r.events.status(key + ".dag") == "changed");
    CHECK(r.events.status(key + ".seeding.link") == "changed");
    // "changed" when verify waited for seeding, "ok" when it was already done.
    const std::string verified = r.events.status(key + ".seeding.verify");
    CHECK((verified == "changed" || verified == "ok"));
    CHECK(r.events.output(key + ".seeding.verify", "connected_state") == "CONNECTED");
    CHECK(r.events.flag(key + ".seeding.verify", "seeded"));
  }
  CHECK(r.exit_code() == 0);
  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    CHECK(world.azure.links.size() == 3);
    for (const auto& db : {kInjection, kQuote, kUnicode}) {
      INFO(db);
      const auto* link = world.azure.find_link("DAG_" + db);
      REQUIRE(link != nullptr);
      CHECK(link->name == "DAG_" + db);
      CHECK(link->partner_availability_group_name == "AG_" + db);
      CHECK(link->instance_availability_group_name == "AG_" + db + "_MI");
      REQUIRE(link->databases.size() == 1);
      CHECK(link->databases.front().name == db);
      CHECK(world.managed_instance.find_database(db) != nullptr);
    }
  }
  // ARM got each name whole (the request log shows paths decoded): a PUT of
  // exactly .../distributedAvailabilityGroups/DAG_<db> that it accepted.
  for (const auto& db : {kInjection, kQuote, kUnicode}) {
    const std::string suffix = "/distributedAvailabilityGroups/DAG_" + db;
    bool accepted = false;
    for (const auto& req : dump.get("azure_requests")->as_array()) {
      const std::string path = req.get("path")->as_string();
      if (req.get("method")->as_string() == "PUT" && path.size() >= suffix.size() &&
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 && req.get("status")->as_int() < 300)
        accepted = true;
    }
    INFO(suffix);
    CHECK(accepted);
  }
}

TEST_CASE("linksteps: hostile database names: replicate-database links the quoted name to a verified link, then changes nothing",
          "[linksteps][e2e]") {
  linksteps::EmulatorRig rig(scenario());
  rig.set("", "databases", Value(Array{Value(kQuote)}));
  const auto workflow = std::filesystem::path(MILINK_LINKSTEPS_WORKFLOW_DIR) / "replicate-database.json";

  auto r = rig.run(workflow);
  REQUIRE(r.exit_code() == 0);
  for (const char* step : {"cert", "trust", "endpoint", "ag", "dag", "link", "verify"}) {
    INFO(step << ": " << r.events.reason(step));
    CHECK(r.events.status(step) == "changed");
  }
  CHECK(r.events.output("ag", "name") == "AG_O'Brien");
  CHECK(r.events.output("dag", "name") == "DAG_O'Brien");
  CHECK(r.events.output("link", "name") == "DAG_O'Brien");
  CHECK(r.events.output("verify", "connected_state") == "CONNECTED");
  CHECK(r.events.flag("verify", "seeded"));
  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    const auto* link = world.azure.find_link("DAG_O'Brien");
    REQUIRE(link != nullptr);
    REQUIRE(link->databases.size() == 1);
    CHECK(link->databases.front().name == kQuote);
    CHECK(world.managed_instance.find_database(kQuote) != nullptr);
    // Only O'Brien was linked; the other databases are untouched.
    CHECK(world.azure.links.size() == 1);
    CHECK(world.sql_server.availability_groups.size() == 2);
  }
  CHECK(rig.everything(r).find(linksteps::kMasterKeyPassword) == std::string::npos);

  // Idempotent: a second run observes everything in place and changes nothing
  // (preflight accepts the database in its own AG_O'Brien).
  auto before = rig.sql_server_statements().size();
  auto again = rig.run(workflow);
  CHECK(again.exit_code() == 0);
  for (const char* step : {"preflight", "cert", "trust", "endpoint", "ag", "dag", "link", "verify"}) {
    INFO(step << ": " << again.events.reason(step));
    CHECK(again.events.status(step) == "ok");
  }
  auto statements = rig.sql_server_statements();
  for (std::size_t i = before; i < statements.size(); ++i) {
    INFO(statements[i]);
    CHECK(statements[i].rfind("CREATE", 0) != 0);
    CHECK(statements[i].rfind("ALTER", 0) != 0);
  }
}
