// bench/soak's pieces: the end-state check on a state dump (a synthetic one,
// shaped as Emulator::dump() writes it), the service a failure names, and the
// fault spec drawn per run.
#include "soak_check.hpp"
#include "soak_run.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using milink::sdk::Value;

namespace {

// A linked "sales": the objects of a clean run of replicate-database.json,
// the link HEALTHY in ARM and the DAG's replicas CONNECTED and HEALTHY (2) on both sides.
const char* kLinked = R"({
  "sql_server": {
    "databases": [{"name": "master", "certificates": [{"name": "Cert_sqlbox1_endpoint"}, {"name": "mi1"}]}],
    "endpoints": [{"name": "database_mirroring_endpoint"}],
    "availability_groups": [
      {"name": "AG_sales", "is_distributed": false, "replicas": []},
      {"name": "DAG_sales", "is_distributed": true, "replicas": [
        {"replica_server_name": "AG_sales", "runtime": {"connected_state": "CONNECTED"},
         "databases": [{"database_name": "sales", "synchronization_health": 2}]},
        {"replica_server_name": "AG_sales_MI", "runtime": {"connected_state": "CONNECTED"},
         "databases": [{"database_name": "sales", "synchronization_health": 2}]}]}]
  },
  "managed_instance": {
    "databases": [], "endpoints": [],
    "availability_groups": [
      {"name": "AG_sales_MI", "is_distributed": false, "replicas": []},
      {"name": "DAG_sales", "is_distributed": true, "replicas": [
        {"replica_server_name": "AG_sales_MI", "runtime": {"connected_state": "CONNECTED"},
         "databases": [{"database_name": "sales", "synchronization_health": 2}]}]}]
  },
  "links": [{"name": "DAG_sales", "databases": [{"name": "sales", "connected_state": "CONNECTED", "synchronization_health": "HEALTHY"}]}],
  "server_trust_certificates": [{"name": "Cert_sqlbox1_endpoint"}],
  "statement_log": {
    "sql_server": [{"ok": true, "text": "CREATE CERTIFICATE [Cert_sqlbox1_endpoint]\nWITH SUBJECT = N'x'"},
                   {"ok": true, "text": "CREATE ENDPOINT [milink_network_check_1]"},
                   {"ok": true, "text": "CREATE ENDPOINT [milink_network_check_1]"},
                   {"ok": false, "text": "CREATE AVAILABILITY GROUP [AG_sales]"},
                   {"ok": true, "text": "CREATE AVAILABILITY GROUP [AG_sales]"}],
    "managed_instance": []
  }
})";

Value linked() { return milink::sdk::parse_json(kLinked); }

bool has(const std::vector<std::string>& problems, const std::string& line) {
  for (const auto& p : problems)
    if (p == line) return true;
  return false;
}

}  // namespace

TEST_CASE("soak check: a linked database with one of each object is the expected state", "[soak]") {
  const Value d = linked();
  const soak::Inventory expected = soak::inventory(d);
  CHECK(expected.objects.at("sql_server certificate") == std::vector<std::string>{"Cert_sqlbox1_endpoint", "mi1"});
  CHECK(expected.objects.at("sql_server endpoint") == std::vector<std::string>{"database_mirroring_endpoint"});
  CHECK(expected.objects.at("managed_instance distributed availability group") == std::vector<std::string>{"DAG_sales"});
  CHECK(expected.objects.at("arm trust certificate") == std::vector<std::string>{"Cert_sqlbox1_endpoint"});
  // The network check's temporary objects and failed statements are not creations of the link's objects.
  CHECK(expected.repeated_creations.empty());
  const soak::Verdict v = soak::check(d, expected, "sales");
  CHECK(v.healthy);
  CHECK(v.problems.empty());
  CHECK(v.duplicates == 0);
}

TEST_CASE("soak check: an object twice is a duplicate, named", "[soak]") {
  const soak::Inventory expected = soak::inventory(linked());
  Value d = linked();
  auto& trust = d.mutable_object().find("server_trust_certificates")->mutable_array();
  trust.push_back(milink::sdk::parse_json(R"({"name": "Cert_sqlbox1_endpoint_2"})"));
  const soak::Verdict v = soak::check(d, expected, "sales");
  CHECK(v.healthy);  // the link is fine; the extra object is what is wrong
  CHECK(v.duplicates == 1);
  CHECK(has(v.problems, "arm trust certificate: 2 (Cert_sqlbox1_endpoint, Cert_sqlbox1_endpoint_2), expected 1"));
}

TEST_CASE("soak check: a CREATE that succeeded twice is a duplicate", "[soak]") {
  const soak::Inventory expected = soak::inventory(linked());
  Value d = linked();
  auto& log = d.mutable_object().find("statement_log")->mutable_object().find("sql_server")->mutable_array();
  log.push_back(milink::sdk::parse_json(R"({"ok": true, "text": "CREATE CERTIFICATE [Cert_sqlbox1_endpoint]\nWITH SUBJECT = N'y'"})"));
  const soak::Verdict v = soak::check(d, expected, "sales");
  CHECK(v.duplicates == 1);
  CHECK(has(v.problems, "created more than once: CREATE CERTIFICATE [Cert_sqlbox1_endpoint]"));
}

TEST_CASE("soak check: a link not healthy or a side without its DAG is not the expected state", "[soak]") {
  const soak::Inventory expected = soak::inventory(linked());
  SECTION("ARM") {
    Value d = milink::sdk::parse_json(std::string(kLinked).replace(std::string(kLinked).find("\"HEALTHY\""), 9, "\"NOT_HEALTHY\""));
    const soak::Verdict v = soak::check(d, expected, "sales");
    CHECK_FALSE(v.healthy);
    CHECK(has(v.problems, "arm: the link of sales is CONNECTED and NOT_HEALTHY"));
  }
  SECTION("SQL Server's DAG replica") {
    std::string text = kLinked;
    text.replace(text.find("\"synchronization_health\": 2"), 27, "\"synchronization_health\": 0");
    const soak::Verdict v = soak::check(milink::sdk::parse_json(text), expected, "sales");
    CHECK_FALSE(v.healthy);
    CHECK(has(v.problems, "sql_server: DAG replica AG_sales has sales NOT_HEALTHY"));
  }
  SECTION("the managed instance without its DAG") {
    Value d = linked();
    auto& ags = d.mutable_object().find("managed_instance")->mutable_object().find("availability_groups")->mutable_array();
    ags.pop_back();
    const soak::Verdict v = soak::check(d, expected, "sales");
    CHECK_FALSE(v.healthy);
    CHECK(has(v.problems, "managed_instance: no distributed availability group"));
    CHECK(has(v.problems, "managed_instance distributed availability group: 0 (), expected 1"));
    CHECK(v.duplicates == 0);
  }
  SECTION("another database") {
    const soak::Verdict v = soak::check(linked(), expected, "hr");
    CHECK_FALSE(v.healthy);
    CHECK(has(v.problems, "arm: no link carries hr"));
  }
}

TEST_CASE("soak: the service a failure names", "[soak]") {
  CHECK(soak::named_service("ag: Transaction was deadlocked ... (sqlserver unavailable: retried 5 times over 3.1 s)") == "sql");
  CHECK(soak::named_service("dag: ... (managed_instance unavailable: retried 5 times over 3.1 s)") == "mi");
  CHECK(soak::named_service("cert: ... (the connection to sqlserver broke; milink did not repeat the statement ...)") == "sql");
  CHECK(soak::named_service("link: ... (Azure Resource Manager unavailable: retried 5 times over 40 s)") == "arm");
  CHECK(soak::named_service("the token endpoint https://127.0.0.1:1 is unavailable (HTTP 503; retried 5 times over 40 s)") ==
        "entra");
  CHECK(soak::named_service("exit 1: something else went wrong") == "");
}

TEST_CASE("soak: each run's fault spec is drawn from its seed", "[soak]") {
  const std::string a = soak::fault_spec(42, 0.1);
  CHECK(a == soak::fault_spec(42, 0.1));
  CHECK(a.rfind("seed=", 0) == 0);
  for (const char* service : {",arm:", ",entra:", ",sql:", ",mi:"}) CHECK(a.find(service) != std::string::npos);
  CHECK(a.find("~0.1,") != std::string::npos);
  CHECK(soak::fault_spec(42, 0.3).find("~0.3") != std::string::npos);
  std::set<std::string> specs;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) specs.insert(soak::fault_spec(seed, 0.1));
  CHECK(specs.size() == 20);
}
