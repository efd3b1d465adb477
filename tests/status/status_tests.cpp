// milink status: the real binary against an in-process emulator whose links
// the bundled replicate-databases workflow built.
#include "link_rig.hpp"

#include "link/link_simulator.hpp"
#include "sql/sql_engine.hpp"

#include <milink/link/dates.hpp>
#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <set>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

testsupport::ProcessResult status(linkrig::Rig& rig, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a{testsupport::milink_binary().string(), "status", "-c", "config.json"};
  a.insert(a.end(), extra.begin(), extra.end());
  auto r = testsupport::run(a, rig.dir.path());
  UNSCOPED_INFO("milink status exit " << r.exit_code << "\n" << r.out << "\n" << r.err);
  return r;
}

Value status_json(linkrig::Rig& rig, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--output", "json"});
  auto r = status(rig, extra);
  Value v = milink::sdk::parse_json(r.out);
  REQUIRE(v.get("exit_code")->as_int() == r.exit_code);
  return v;
}

const Value& link_of(const Value& report, const std::string& database) {
  for (const auto& l : report.get("links")->as_array())
    if (l.get("database")->is_string() && l.get("database")->as_string() == database) return l;
  FAIL("no link row for " << database);
  throw std::logic_error("unreachable");
}

std::string str(const Value& o, const char* key) {
  const Value* v = o.get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::string problems(const Value& link) {
  std::string out;
  for (const auto& p : link.get("problems")->as_array()) out += p.as_string() + "\n";
  return out;
}

/// A rig whose SQL Server has \p dbs, all linked by replicate-databases.json
/// and healthy (verify may end when seeding ends, a moment before the link
/// reports HEALTHY; a fast machine would read status in between).
void link_all(linkrig::Rig& rig, const std::vector<std::string>& dbs) {
  rig.set_databases(dbs);
  auto r = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(r.exit_code == 0);
  linkrig::wait_healthy(rig, dbs);
}

/// Runs \p sql as sa on the emulator's SQL Server (a second engine on the
/// same world, as another client would).
void sql_server(linkrig::Rig& rig, const std::string& sql) {
  milink::emulator::SqlEngine engine(rig.emulator.world(), milink::emulator::Personality::SqlServer);
  milink::emulator::Session s;
  s.login = "sa";
  auto resp = engine.execute(s, sql, {});
  const auto* error = resp.first_error();
  INFO(sql << ": " << (error ? error->text : std::string()));
  REQUIRE_FALSE(resp.has_error());
}

/// Deletes Azure's link \p name as ARM's DELETE does (someone removed it in the portal).
void delete_azure_link(linkrig::Rig& rig, const std::string& name) {
  auto lock = rig.emulator.world().lock();
  auto& links = rig.emulator.world().azure.links;
  auto it = std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.name == name; });
  REQUIRE(it != links.end());
  rig.emulator.links().removed(*it);
  links.erase(it);
}

std::size_t sql_statements(linkrig::Rig& rig) {
  return rig.dump().get("statement_log")->get("sql_server")->as_array().size();
}
std::size_t arm_requests(linkrig::Rig& rig) { return rig.dump().get("azure_requests")->as_array().size(); }

}  // namespace

TEST_CASE("status of healthy links: a table, JSON and Prometheus gauges, exit 0", "[status]") {
  linkrig::Rig rig(linkrig::scenario_with({"db01", "db02"}));
  link_all(rig, {"db01", "db02"});

  auto text = status(rig);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("DATABASE") && Catch::Contains("db01") && Catch::Contains("db02") &&
                           Catch::Contains("LinkSynchronizing") && Catch::Contains("CONNECTED") &&
                           Catch::Contains("HEALTHY") && Catch::Contains("status: ok (exit code 0)"));
  CHECK_THAT(text.out, Catch::Contains("endpoint: ") && Catch::Contains("STARTED"));

  Value report = status_json(rig);
  CHECK(str(report, "severity") == "ok");
  REQUIRE(report.get("links")->as_array().size() == 2);
  const Value& l = link_of(report, "db01");
  CHECK(str(l, "state") == "healthy");
  CHECK(str(l, "severity") == "ok");
  CHECK(l.get("on_sql_server")->as_bool());
  CHECK(l.get("in_azure")->as_bool());
  CHECK(str(l, "link") == "DAG_db01");
  CHECK(str(l, "sql_server_role") == "PRIMARY");
  CHECK(str(l, "instance_role") == "SECONDARY");
  CHECK(str(l, "replica_state") == "LinkSynchronizing");
  CHECK(str(l, "connected_state") == "CONNECTED");
  CHECK(str(l, "synchronization_health") == "HEALTHY");
  CHECK(str(l, "replication_mode") == "Async");
  CHECK(str(l, "sql_server_availability_mode") == "ASYNCHRONOUS_COMMIT");
  CHECK_FALSE(str(l, "sql_server_last_hardened_lsn").empty());
  CHECK(str(l, "sql_server_last_hardened_lsn") == str(l, "instance_last_hardened_lsn"));
  CHECK(l.get("seeding")->is_null());
  CHECK(l.get("problems")->as_array().empty());
  std::vector<std::string> kinds;
  for (const auto& c : report.get("certificates")->as_array()) {
    kinds.push_back(str(c, "kind"));
    CHECK(str(c, "severity") == "ok");
    CHECK(c.get("days_left")->as_int() > 300);
  }
  for (const char* k : {"sql_server_endpoint", "instance_endpoint", "trusted_by_instance", "trusted_by_sql_server"})
    CHECK(std::count(kinds.begin(), kinds.end(), k) >= 1);
  CHECK(str(*report.get("endpoint"), "state") == "STARTED");

  auto prom = status(rig, {"--output", "prometheus"});
  CHECK(prom.exit_code == 0);
  CHECK_THAT(prom.out, Catch::Contains("# TYPE milink_link_connected gauge\n") &&
                           Catch::Contains("milink_link_connected{database=\"db01\",link=\"DAG_db01\"} 1\n") &&
                           Catch::Contains("milink_link_healthy{database=\"db02\",link=\"DAG_db02\"} 1\n") &&
                           Catch::Contains("milink_link_lag_seconds{database=\"db01\",link=\"DAG_db01\"} 0\n") &&
                           Catch::Contains("milink_status 0\n") && Catch::Contains("milink_endpoint_started 1\n") &&
                           Catch::Contains("milink_certificate_expiry_days{kind=\"sql_server_endpoint\""));
  // Every sample line belongs to a family declared just before.
  CHECK_THAT(prom.out, !Catch::Contains("\n\n"));
}

TEST_CASE("status costs one SQL batch and three ARM requests, with 1 link or 6", "[status]") {
  struct Cost {
    std::size_t statements = 0, selects = 0, arm_gets = 0, arm_requests = 0;
    std::set<std::int64_t> spids;  ///< SQL Server connections
  };
  auto cost = [](int n) {
    auto dbs = linkrig::numbered(n);
    linkrig::Rig rig(linkrig::scenario_with(dbs));
    link_all(rig, dbs);
    std::size_t sql0 = sql_statements(rig), arm0 = arm_requests(rig);
    auto r = status(rig, {"--output", "json"});
    CHECK(r.exit_code == 0);
    CHECK(milink::sdk::parse_json(r.out).get("links")->as_array().size() == static_cast<std::size_t>(n));
    Value d = rig.dump();
    Cost c;
    const auto& log = d.get("statement_log")->get("sql_server")->as_array();
    for (std::size_t i = sql0; i < log.size(); ++i) {
      ++c.statements;
      c.spids.insert(log[i].get("spid")->as_int());
      if (log[i].get("text")->as_string().rfind("SELECT", 0) == 0) ++c.selects;
    }
    const auto& reqs = d.get("azure_requests")->as_array();
    for (std::size_t i = arm0; i < reqs.size(); ++i) {
      ++c.arm_requests;
      if (reqs[i].get("method")->as_string() == "GET") ++c.arm_gets;
    }
    return c;
  };
  Cost one = cost(1);
  Cost six = cost(6);
  // One connection running the session's settings, the session pool's read
  // of the state after login (which a session handed back must match), and
  // the status batch's seven queries (the last reads SQL Server's clock);
  // Azure: a token and three lists. The same for 6 links as for 1.
  CHECK(one.spids.size() == 1);
  CHECK(six.spids.size() == 1);
  CHECK(one.selects == 8);
  CHECK(six.selects == 8);
  CHECK(one.statements == six.statements);
  CHECK(one.statements <= 9);
  CHECK(one.arm_gets == 3);
  CHECK(six.arm_gets == 3);
  CHECK(one.arm_requests == six.arm_requests);
}

TEST_CASE("status --database shows only those links, one without a link is critical", "[status]") {
  linkrig::Rig rig(linkrig::scenario_with({"db01", "db02"}));
  link_all(rig, {"db01", "db02"});
  Value only = status_json(rig, {"--database", "DB02"});
  REQUIRE(only.get("links")->as_array().size() == 1);
  CHECK(str(link_of(only, "db02"), "state") == "healthy");
  CHECK(only.get("exit_code")->as_int() == 0);

  Value missing = status_json(rig, {"--database", "db01", "--database", "nosuch"});
  CHECK(missing.get("exit_code")->as_int() == 2);
  CHECK(str(link_of(missing, "db01"), "severity") == "ok");
  const Value& absent = link_of(missing, "nosuch");
  CHECK(str(absent, "state") == "absent");
  CHECK_THAT(problems(absent), Catch::Contains("no link on SQL Server or in Azure") &&
                                   Catch::Contains("replicate-database.json"));
}

TEST_CASE("status of a seeding link: progress, warning, exit 1", "[status]") {
  // A database of a million MB seeds for many minutes even in the fast profile.
  std::string scenario = Value(Object{{"sql_server", Value(Object{{"databases", Value(Array{Value(Object{
                                                         {"name", Value("big")}, {"recovery", Value("FULL")},
                                                         {"size_mb", Value(1000000)},
                                                         {"backups", Value(Array{Value("full")})}})})}})}})
                             .to_json();
  linkrig::Rig rig(scenario);
  rig.set_databases({"big"});
  pid_t run = rig.spawn("replicate-databases.json", {}, "seeding");
  Value report;
  bool seeding = testsupport::eventually(
      [&] {
        std::vector<std::string> a{testsupport::milink_binary().string(), "status", "-c", "config.json", "--output",
                                   "json"};
        auto r = testsupport::run(a, rig.dir.path());
        report = milink::sdk::parse_json(r.out);
        const auto& links = report.get("links")->as_array();
        return !links.empty() && str(links[0], "state") == "seeding" && r.exit_code == 1;
      },
      60000);
  ::kill(run, SIGKILL);
  testsupport::wait_for(run);
  REQUIRE(seeding);
  const Value& l = link_of(report, "big");
  CHECK(str(l, "severity") == "warning");
  REQUIRE(l.get("seeding")->is_object());
  double f = l.get("seeding")->get("fraction")->as_double();
  CHECK(f >= 0.0);
  CHECK(f < 1.0);
  CHECK(l.get("seeding")->get("database_bytes")->as_int() == 1000000LL * 1024 * 1024);
  CHECK_THAT(problems(l), Catch::Contains("seeding: ") && Catch::Contains("not protected until seeding completes"));

  auto prom = status(rig, {"--output", "prometheus"});
  CHECK(prom.exit_code == 1);
  CHECK_THAT(prom.out, Catch::Contains("milink_link_seeding_fraction{database=\"big\",link=\"DAG_big\"} "));
}

TEST_CASE("status of a multi-database link: each database's seeding, the link found by any of its databases",
          "[status][multidb]") {
  // One link for three databases: two small ones seed at once, "big" (a
  // million MB) seeds for many minutes even in the fast profile.
  auto db = [](const char* name, int size_mb) {
    return Value(Object{{"name", Value(name)}, {"recovery", Value("FULL")}, {"size_mb", Value(size_mb)},
                        {"backups", Value(Array{Value("full")})}});
  };
  std::string scenario =
      Value(Object{{"sql_server", Value(Object{{"version", Value("16.0.4175.1")},
                                               {"databases", Value(Array{db("small1", 8), db("big", 1000000),
                                                                         db("small2", 8)})}})}})
          .to_json();
  linkrig::Rig rig(scenario);
  rig.set_databases({"small1", "big", "small2"});
  pid_t run = rig.spawn("replicate-databases-one-link.json", {}, "multidb-seeding");
  Value report;
  auto database_of = [](const Value& link, const std::string& name) -> const Value* {
    const Value* dbs = link.get("databases");
    if (dbs == nullptr || !dbs->is_array()) return nullptr;
    for (const auto& d : dbs->as_array())
      if (str(d, "name") == name) return &d;
    return nullptr;
  };
  bool seeding = testsupport::eventually(
      [&] {
        std::vector<std::string> a{testsupport::milink_binary().string(), "status", "-c", "config.json", "--output",
                                   "json"};
        auto r = testsupport::run(a, rig.dir.path());
        report = milink::sdk::parse_json(r.out);
        const auto& links = report.get("links")->as_array();
        if (links.size() != 1 || str(links[0], "state") != "seeding" || r.exit_code != 1) return false;
        const Value* big = database_of(links[0], "big");
        const Value* s1 = database_of(links[0], "small1");
        const Value* s2 = database_of(links[0], "small2");
        return big != nullptr && s1 != nullptr && s2 != nullptr && big->get("seeding")->is_object() &&
               s1->get("seeding")->is_null() && s2->get("seeding")->is_null();
      },
      60000);
  ::kill(run, SIGKILL);
  testsupport::wait_for(run);
  INFO(report.to_json());
  REQUIRE(seeding);
  const Value& link = report.get("links")->as_array()[0];
  CHECK(str(link, "link") == "milink-databases");
  CHECK(str(link, "severity") == "warning");
  CHECK(link.get("databases")->as_array().size() == 3);
  const Value* big = database_of(link, "big");
  CHECK(big->get("seeding")->get("database_bytes")->as_int() == 1000000LL * 1024 * 1024);
  CHECK(big->get("seeding")->get("fraction")->as_double() < 1.0);
  CHECK_THAT(str(*big, "state"), Catch::StartsWith("seeding "));
  CHECK_THAT(str(*database_of(link, "small1"), "state"), !Catch::StartsWith("seeding"));
  // The link's own figure is the seeding databases' bytes: big's alone.
  CHECK(link.get("seeding")->get("database_bytes")->as_int() == 1000000LL * 1024 * 1024);
  CHECK_THAT(problems(link), Catch::Contains("seeding: big ") &&
                                 Catch::Contains("those databases are not protected until their seeding completes"));
  CHECK_THAT(problems(link), !Catch::Contains("small1 "));

  auto text = status(rig);
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("small1,big,small2") || Catch::Contains("big,small1,small2"));
  CHECK_THAT(text.out, Catch::Contains("  milink-databases database big: seeding "));
  CHECK_THAT(text.out, Catch::Contains("  milink-databases database small1: "));

  auto prom = status(rig, {"--output", "prometheus"});
  CHECK_THAT(prom.out, Catch::Contains("milink_database_seeding_fraction{database=\"big\",link=\"milink-databases\"} "));
  CHECK_THAT(prom.out, !Catch::Contains("milink_database_seeding_fraction{database=\"small1\""));

  // --database finds the link by any database it carries, not only its first.
  Value only = status_json(rig, {"--database", "small2"});
  REQUIRE(only.get("links")->as_array().size() == 1);
  CHECK(str(only.get("links")->as_array()[0], "link") == "milink-databases");
}

TEST_CASE("status of a lagging link: lag and log queue, warning over the threshold", "[status]") {
  std::string scenario =
      Value(Object{{"sql_server",
                    Value(Object{{"databases", Value(Array{Value(Object{
                                                   {"name", Value("busy")}, {"recovery", Value("FULL")},
                                                   {"size_mb", Value(8)}, {"backups", Value(Array{Value("full")})},
                                                   {"workload", Value(Object{{"log_bytes_per_second",
                                                                              Value(4 * 1024 * 1024)}})}})})}})}})
          .to_json();
  linkrig::Rig rig(scenario);
  link_all(rig, {"busy"});
  Value report;
  REQUIRE(testsupport::eventually([&] {
    report = status_json(rig, {"--lag-warning-seconds", "0"});
    const Value* lag = link_of(report, "busy").get("lag_seconds");
    return lag->is_number() && lag->as_int() >= 1;
  }));
  const Value& l = link_of(report, "busy");
  CHECK(report.get("exit_code")->as_int() == 1);
  CHECK(str(l, "state") == "lagging");
  CHECK(l.get("log_send_queue_bytes")->as_int() > 0);
  CHECK_THAT(problems(l), Catch::Contains("s behind (threshold 0 s)"));
  CHECK(str(l, "sql_server_last_hardened_lsn") != str(l, "instance_last_hardened_lsn"));

  // The default threshold (300 s) is far above the emulator's lag.
  Value relaxed = status_json(rig);
  CHECK(relaxed.get("exit_code")->as_int() == 0);
  auto text = status(rig, {"--lag-warning-seconds", "0"});
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("warning (lagging)"));
}

TEST_CASE("status of a disconnected link: the error, its remedy, critical", "[status]") {
  linkrig::Rig rig(linkrig::scenario_with({"db01"}));
  link_all(rig, {"db01"});
  Value before = status_json(rig);
  std::string endpoint = str(*before.get("endpoint"), "name");
  REQUIRE_FALSE(endpoint.empty());
  sql_server(rig, "ALTER ENDPOINT [" + endpoint + "] STATE = STOPPED");

  Value report;
  REQUIRE(testsupport::eventually([&] {
    report = status_json(rig);
    return str(link_of(report, "db01"), "state") == "disconnected";
  }));
  const Value& l = link_of(report, "db01");
  CHECK(report.get("exit_code")->as_int() == 2);
  CHECK(str(l, "severity") == "critical");
  CHECK(str(l, "connected_state") == "DISCONNECTED");
  CHECK(l.get("last_error_number")->as_int() == 9666);
  CHECK_THAT(problems(l), Catch::Contains("not connected") && Catch::Contains("Remedy"));
  CHECK(str(*report.get("endpoint"), "state") == "STOPPED");
  CHECK_THAT(str(*report.get("endpoint"), "message"), Catch::Contains("STATE = STARTED"));

  auto text = status(rig);
  CHECK(text.exit_code == 2);
  CHECK_THAT(text.out, Catch::Contains("critical (disconnected)") && Catch::Contains("status: critical (exit code 2)"));
  auto prom = status(rig, {"--output", "prometheus"});
  CHECK(prom.exit_code == 2);
  CHECK_THAT(prom.out, Catch::Contains("milink_link_connected{database=\"db01\",link=\"DAG_db01\"} 0\n") &&
                           Catch::Contains("milink_link_last_error_number{database=\"db01\",link=\"DAG_db01\"} 9666\n") &&
                           Catch::Contains("milink_endpoint_started 0\n") && Catch::Contains("milink_status 2\n"));
}

TEST_CASE("status of half-built links: a DAG without a link in Azure, and the reverse", "[status]") {
  linkrig::Rig rig(linkrig::scenario_with({"db01", "db02", "db03"}));
  link_all(rig, {"db01", "db02", "db03"});
  delete_azure_link(rig, "DAG_db02");
  sql_server(rig, "DROP AVAILABILITY GROUP [DAG_db03]");

  Value report = status_json(rig);
  CHECK(report.get("exit_code")->as_int() == 2);
  CHECK(str(link_of(report, "db01"), "state") == "healthy");
  const Value& sql_only = link_of(report, "db02");
  CHECK(sql_only.get("on_sql_server")->as_bool());
  CHECK_FALSE(sql_only.get("in_azure")->as_bool());
  CHECK(str(sql_only, "state") == "half-built");
  CHECK_THAT(problems(sql_only), Catch::Contains("Azure has no link of that name"));
  const Value& azure_only = link_of(report, "db03");
  CHECK_FALSE(azure_only.get("on_sql_server")->as_bool());
  CHECK(azure_only.get("in_azure")->as_bool());
  CHECK(str(azure_only, "state") == "half-built");
  CHECK_THAT(problems(azure_only), Catch::Contains("SQL Server has no distributed availability group \"DAG_db03\""));

  auto text = status(rig);
  CHECK(text.exit_code == 2);
  CHECK_THAT(text.out, Catch::Contains("sql_server only") && Catch::Contains("azure only"));
  auto prom = status(rig, {"--output", "prometheus"});
  CHECK_THAT(prom.out, Catch::Contains("milink_link_in_azure{database=\"db02\",link=\"DAG_db02\"} 0\n") &&
                           Catch::Contains("milink_link_on_sql_server{database=\"db03\",link=\"DAG_db03\"} 0\n"));
}

TEST_CASE("status warns of certificates that near expiry, and the threshold is configurable", "[status]") {
  // The instance's endpoint certificate expires in 5 days; SQL Server's in 20.
  std::string scenario = R"({"sql_server": {"databases": [{"name": "db01", "recovery": "FULL", "size_mb": 8,
      "backups": ["full"]}]}, "managed_instance": {"endpoint_certificate_valid_days": 5}})";
  linkrig::Rig rig(scenario);
  auto in20 = milink::link::Date::from_days(milink::link::Date::today().days() + 20).iso();
  rig.set_input("certificate_expiry", Value(in20));
  // Without Azure's root CAs, SQL Server trusts the instance through its own certificate (the default
  // SQL Server, 2019 CU20, could trust the roots; status would then report the roots' expiry).
  rig.set_input("trust_azure_roots", Value("no"));
  link_all(rig, {"db01"});

  Value report = status_json(rig);
  CHECK(report.get("exit_code")->as_int() == 1);
  CHECK(str(link_of(report, "db01"), "state") == "healthy");
  std::map<std::string, const Value*> by_kind;
  for (const auto& c : report.get("certificates")->as_array()) by_kind[str(c, "kind")] = &c;
  REQUIRE(by_kind.count("instance_endpoint"));
  REQUIRE(by_kind.count("sql_server_endpoint"));
  REQUIRE(by_kind.count("trusted_by_instance"));
  REQUIRE(by_kind.count("trusted_by_sql_server"));
  CHECK(by_kind["instance_endpoint"]->get("days_left")->as_int() == 5);
  CHECK(str(*by_kind["instance_endpoint"], "severity") == "warning");
  CHECK_THAT(str(*by_kind["instance_endpoint"], "message"), Catch::Contains("expires in 5 days"));
  CHECK(by_kind["trusted_by_sql_server"]->get("days_left")->as_int() == 5);
  CHECK(by_kind["sql_server_endpoint"]->get("days_left")->as_int() == 20);
  CHECK(str(*by_kind["sql_server_endpoint"], "expiry") == in20);
  CHECK(by_kind["trusted_by_instance"]->get("days_left")->as_int() == 20);
  CHECK_THAT(str(*by_kind["sql_server_endpoint"], "message"), Catch::Contains("rotate SQL Server's endpoint certificate"));

  // Within 3 days only: nothing to warn about.
  CHECK(status_json(rig, {"--certificate-warning-days", "3"}).get("exit_code")->as_int() == 0);
  auto prom = status(rig, {"--output", "prometheus"});
  CHECK(prom.exit_code == 1);
  CHECK_THAT(prom.out, Catch::Contains("milink_certificate_expiry_days{kind=\"instance_endpoint\",name=\"DATABASE_MIRRORING\"} 5\n"));
  auto text = status(rig);
  CHECK_THAT(text.out, Catch::Contains("certificates:") && Catch::Contains("expires in 5 days") &&
                           Catch::Contains("status: warning (exit code 1)"));
}

TEST_CASE("status of an expired instance certificate is critical", "[status]") {
  linkrig::Rig rig(R"({"managed_instance": {"endpoint_certificate_valid_days": -2}})");
  Value report = status_json(rig);
  CHECK(report.get("exit_code")->as_int() == 2);
  CHECK(report.get("links")->as_array().empty());
  const Value& c = report.get("certificates")->as_array().at(0);
  CHECK(str(c, "kind") == "instance_endpoint");
  CHECK(c.get("days_left")->as_int() == -2);
  CHECK_THAT(str(c, "message"), Catch::Contains("expired on"));
}

TEST_CASE("status rejects bad input with exit code 3 and says what to do", "[status]") {
  linkrig::Rig rig;
  auto run = [&](const std::vector<std::string>& args) {
    std::vector<std::string> a{testsupport::milink_binary().string(), "status"};
    a.insert(a.end(), args.begin(), args.end());
    auto r = testsupport::run(a, rig.dir.path());
    UNSCOPED_INFO(r.out << r.err);
    return r;
  };
  auto none = run({});
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.err, Catch::Contains("milink status needs -c CONFIG") && Catch::Contains("--emulator"));
  auto output = run({"-c", "config.json", "--output", "xml"});
  CHECK(output.exit_code == 3);
  CHECK_THAT(output.err, Catch::Contains("--output must be text, json or prometheus, not \"xml\""));
  auto days = run({"-c", "config.json", "--certificate-warning-days", "-1"});
  CHECK(days.exit_code == 3);
  CHECK_THAT(days.err, Catch::Contains("--certificate-warning-days must be between 0 and 3650"));
  auto lag = run({"-c", "config.json", "--lag-warning-seconds", "-5"});
  CHECK(lag.exit_code == 3);
  CHECK_THAT(lag.err, Catch::Contains("--lag-warning-seconds must be 0 or more"));
  auto both = run({"-c", "config.json", "--emulator"});
  CHECK(both.exit_code == 3);
  CHECK_THAT(both.err, Catch::Contains("--emulator writes its own config"));
  auto missing = run({"-c", "nosuch.json"});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("nosuch.json"));
  auto unknown = run({"-c", "config.json", "--databse", "x"});
  CHECK(unknown.exit_code == 3);
  CHECK_THAT(unknown.err, Catch::Contains("databse"));

  // A side that cannot be read: the other is still shown, and the status is unknown.
  testsupport::write_file(rig.dir / "nosql.json", [&] {
    Value c = rig.config;
    c.mutable_object().find("sqlserver")->mutable_object().set("port", Value(1));
    return c.to_pretty_json();
  }());
  auto down = run({"-c", "nosql.json", "--output", "json"});
  CHECK(down.exit_code == 3);
  Value report = milink::sdk::parse_json(down.out);
  CHECK(str(report, "severity") == "unknown");
  REQUIRE(report.get("errors")->as_array().size() == 1);
  CHECK_THAT(report.get("errors")->as_array()[0].as_string(), Catch::Contains("sqlserver"));
  CHECK(report.get("certificates")->as_array().size() >= 1);  // Azure's side was read
}

TEST_CASE("status --emulator reads the embedded emulator's sample world", "[status]") {
  testsupport::TempDir dir;
  auto r = testsupport::run({testsupport::milink_binary().string(), "status", "--emulator", "--emulator-profile", "fast",
                             "--state-dir", "state"},
                            dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("no links") && Catch::Contains("instance_endpoint DATABASE_MIRRORING") &&
                        Catch::Contains("status: ok (exit code 0)"));
  CHECK_THAT(r.err, Catch::Contains("emulator"));
}

TEST_CASE("status follows nextLink: 7 links listed in pages of 3 are all shown, one GET per page", "[status][paging]") {
  auto dbs = linkrig::numbered(7);
  Value scenario = milink::sdk::parse_json(linkrig::scenario_with(dbs), "scenario");
  scenario.mutable_object().set("arm", Value(Object{{"page_size", Value(3)}}));
  linkrig::Rig rig(scenario.to_json());
  link_all(rig, dbs);  // the workflow's own lists (preflight's, mi-cert-import's) page too
  const std::size_t arm0 = arm_requests(rig);

  Value report = status_json(rig);
  CHECK(report.get("exit_code")->as_int() == 0);
  REQUIRE(report.get("links")->as_array().size() == 7);
  for (const auto& db : dbs) {
    const Value& l = link_of(report, db);
    CHECK(str(l, "state") == "healthy");
    CHECK(l.get("in_azure")->as_bool());
    CHECK(l.get("on_sql_server")->as_bool());
  }

  // Azure: the links in 3 pages (3 + 3 + 1), the one trust certificate and the two endpoint certificates in one page each.
  Value d = rig.dump();
  const auto& reqs = d.get("azure_requests")->as_array();
  std::map<std::string, int> gets;
  for (std::size_t i = arm0; i < reqs.size(); ++i) {
    if (reqs[i].get("method")->as_string() != "GET") continue;
    std::string path = reqs[i].get("path")->as_string();
    gets[path.substr(path.rfind('/') + 1)]++;
  }
  CHECK(gets["distributedAvailabilityGroups"] == 3);
  CHECK(gets["serverTrustCertificates"] == 1);
  CHECK(gets["endpointCertificates"] == 1);
  CHECK(gets.size() == 3);
}

TEST_CASE("a link made with api-version 2023-02-01-preview (old names on PUT, new names on GET) is created, verified "
          "and shown by status",
          "[status][api-version]") {
  linkrig::Rig rig(linkrig::scenario_with({"sales"}));
  rig.set_input("api_version", Value("2023-02-01-preview"));
  rig.config.mutable_object().find("azure")->mutable_object().set("api_version", Value("2023-02-01-preview"));
  rig.save();

  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = linkrig::Rig::statuses(r.out);
  CHECK(st["link"] == "changed");
  CHECK((st["verify"] == "changed" || st["verify"] == "ok"));
  {
    auto lock = rig.emulator.world().lock();
    const auto* link = rig.emulator.world().azure.find_link("DAG_sales");
    REQUIRE(link != nullptr);
    CHECK(link->created_with_api_version == "2023-02-01-preview");
    CHECK(link->partner_availability_group_name == "AG_sales");
    CHECK(link->instance_availability_group_name == "AG_sales_MI");
  }
  // The PUT used the old names, which is all that version takes.
  Value d = rig.dump();
  bool put_seen = false;
  for (const auto& q : d.get("azure_requests")->as_array())
    if (q.get("method")->as_string() == "PUT" && q.get("path")->as_string().find("/DAG_sales") != std::string::npos)
      put_seen = q.get("status")->as_int() < 300;
  CHECK(put_seen);

  // A second run reads the link back in the new names and finds it as wanted.
  auto again = rig.run("replicate-database.json");
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(linkrig::Rig::statuses(again.out)["link"] == "ok");
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/DAG_sales") == 1);

  linkrig::wait_healthy(rig, {"sales"});
  Value report = status_json(rig);
  CHECK(report.get("exit_code")->as_int() == 0);
  const Value& l = link_of(report, "sales");
  CHECK(str(l, "state") == "healthy");
  CHECK(l.get("in_azure")->as_bool());
  CHECK(str(l, "link") == "DAG_sales");
  CHECK(str(l, "replica_state") == "LinkSynchronizing");
  CHECK(str(l, "connected_state") == "CONNECTED");
  CHECK(str(l, "synchronization_health") == "HEALTHY");
}
