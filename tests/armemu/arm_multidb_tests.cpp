// The multi-database link (linkMode MultiDatabase, 2025-02-01-preview on):
// several databases in one link, linkMode answered only by the versions that
// have it, databases added and removed by PATCH databases[], and the RP's
// refusals (a database another link carries, a single-database link, an
// empty list, a name Azure does not take for a multi-database link).
#include "armemu_support.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using namespace armemu;
using milink::emulator::LinkResult;

namespace {

/// Links judged by the test (no simulator), as arm_dag_tests' dag_env.
Env& multidb_env() {
  static Env e([] {
    milink::emulator::AzureOptions o;
    o.link_created = [](milink::emulator::LinkResource&) { return LinkResult{true, 201, "", ""}; };
    o.link_outcome = [](const std::string&) -> std::optional<LinkResult> { return LinkResult{}; };
    return o;
  }());
  static std::once_flag once;
  std::call_once(once, [] {
    auto lock = e.world.lock();
    e.world.advance = nullptr;
  });
  return e;
}

const char* kPreview = "2025-08-01-preview";

std::string body(const std::vector<std::string>& dbs, const std::string& ag, const std::string& extra = "") {
  std::string items;
  for (const auto& d : dbs) items += (items.empty() ? "" : ",") + std::string(R"({"databaseName":")") + d + "\"}";
  return R"({"properties":{"databases":[)" + items + R"(],"instanceAvailabilityGroupName":")" + ag +
         R"(_MI","partnerAvailabilityGroupName":")" + ag + R"(","partnerEndpoint":"TCP://sqlbox1.contoso.com:5022")" +
         extra + "}}";
}

std::string databases_patch(const std::vector<std::string>& dbs) {
  std::string items;
  for (const auto& d : dbs) items += (items.empty() ? "" : ",") + std::string(R"({"databaseName":")") + d + "\"}";
  return R"({"properties":{"databases":[)" + items + "]}}";
}

std::string path(Env& e, const std::string& name) { return e.mi_path() + "/distributedAvailabilityGroups/" + name; }

void accepted(Env& e, const Reply& r) {
  INFO(r.body);
  REQUIRE(r.status == 202);
  Value status = e.poll_async(r.header("Azure-AsyncOperation"));
  REQUIRE(status.get("status")->as_string() == "Succeeded");
}

std::vector<std::string> names(const Value& resource) {
  std::vector<std::string> out;
  for (const auto& d : resource.get("properties")->get("databases")->as_array())
    out.push_back(d.get("databaseName")->as_string());
  return out;
}

void check_error(const Reply& r, int status, const std::string& code, const std::string& message) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.error_code() == code);
  CHECK(r.error_message() == message);
}

}  // namespace

TEST_CASE("a multi-database link carries five databases, linkMode only in the versions that have it",
          "[armemu][arm][dag][multidb]") {
  Env& e = multidb_env();
  const std::vector<std::string> five{"m1", "m2", "m3", "m4", "m5"};
  accepted(e, e.arm("PUT", path(e, "link-five"), kPreview, body(five, "AG_five", R"(,"linkMode":"MultiDatabase")")));
  Reply get = e.arm("GET", path(e, "link-five"), kPreview);
  REQUIRE(get.status == 200);
  Value v = get.json();
  CHECK(v.get("properties")->get("linkMode")->as_string() == "MultiDatabase");
  CHECK(names(v) == five);
  // Each database is its own item, with the link's replicas.
  for (const auto& d : v.get("properties")->get("databases")->as_array()) {
    CHECK(d.get("instanceReplicaId") != nullptr);
    CHECK(d.get("partnerReplicaId") != nullptr);
  }
  // 2025-01-01 has no linkMode: not answered, and not taken.
  Reply stable = e.arm("GET", path(e, "link-five"), "2025-01-01");
  REQUIRE(stable.status == 200);
  CHECK(stable.json().get("properties")->get("linkMode") == nullptr);
  CHECK(names(stable.json()) == five);
  Reply refused = e.arm("PUT", path(e, "link-old"), "2025-01-01", body({"o1", "o2"}, "AG_old", R"(,"linkMode":"MultiDatabase")"));
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.error_code() == "InvalidRequestContent");
  CHECK(refused.error_message().find("Could not find member 'linkMode'") != std::string::npos);
  // Several databases without MultiDatabase: one database per link.
  check_error(e.arm("PUT", path(e, "link-single"), kPreview, body({"s1", "s2"}, "AG_single")), 400,
              "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases",
              "Distributed Availability Group Create or Update request body has empty or Invalid Databases.");
  // Azure's rule for a multi-database link's name.
  check_error(e.arm("PUT", path(e, "DAG_Upper"), kPreview, body({"u1", "u2"}, "AG_upper", R"(,"linkMode":"MultiDatabase")")),
              400, "InvalidMultiDbDistributedAvailabilityGroupName",
              "Multi-database Distributed Availability Group name can only be made up of lowercase letters 'a'-'z', the "
              "numbers 0-9 and the hyphen. The hyphen may not lead or trail in the name.");
  // A database another link carries.
  check_error(e.arm("PUT", path(e, "link-again"), kPreview, body({"m3", "n1"}, "AG_again", R"(,"linkMode":"MultiDatabase")")),
              409, "InvalidOperationForDatabaseInReplicationRelationship",
              "A replication seeding operation was performed on a database that is already in a replication relationship.");
  CHECK(e.arm("GET", path(e, "link-again"), kPreview).status == 404);
}

TEST_CASE("PATCH databases[] adds and removes databases of a running multi-database link", "[armemu][arm][dag][multidb]") {
  Env& e = multidb_env();
  accepted(e, e.arm("PUT", path(e, "link-grow"), kPreview,
                    body({"g1", "g2", "g3"}, "AG_grow", R"(,"linkMode":"MultiDatabase")")));
  accepted(e, e.arm("PATCH", path(e, "link-grow"), kPreview, databases_patch({"g1", "g3", "g4", "g5"})));
  CHECK(names(e.arm("GET", path(e, "link-grow"), kPreview).json()) == std::vector<std::string>{"g1", "g3", "g4", "g5"});
  // The same list again changes nothing: 200 with the link, no operation.
  CHECK(e.arm("PATCH", path(e, "link-grow"), kPreview, databases_patch({"G1", "g3", "g4", "g5"})).status == 200);
  CHECK(names(e.arm("GET", path(e, "link-grow"), kPreview).json()) == std::vector<std::string>{"g1", "g3", "g4", "g5"});

  const std::string invalid =
      "Multi-database Distributed Availability Group Add or Remove databases request body has empty or Invalid "
      "Databases.";
  check_error(e.arm("PATCH", path(e, "link-grow"), kPreview, databases_patch({})), 400,
              "InvalidMultiDbDistributedAvailabilityGroupDatabasesRequest", invalid);
  check_error(e.arm("PATCH", path(e, "link-grow"), kPreview, databases_patch({"g1", "g1"})), 400,
              "InvalidMultiDbDistributedAvailabilityGroupDatabasesRequest", invalid);
  // A database another link carries.
  accepted(e, e.arm("PUT", path(e, "link-other"), kPreview, body({"other1"}, "AG_other")));
  check_error(e.arm("PATCH", path(e, "link-grow"), kPreview, databases_patch({"g1", "g3", "g4", "g5", "other1"})), 409,
              "InvalidOperationForDatabaseInReplicationRelationship",
              "A replication seeding operation was performed on a database that is already in a replication relationship.");
  // A single-database link keeps its one database; so does any link through a version without linkMode.
  const std::string single =
      "It is not possible to add an additional database to an existing Managed Instance link as a single link can "
      "contain only one database. Please use a different distributed availability group name and try again.";
  check_error(e.arm("PATCH", path(e, "link-other"), kPreview, databases_patch({"other1", "other2"})), 400,
              "ManagedInstanceLinkForProvidedAvailabilityGroupsAlreadyExists", single);
  check_error(e.arm("PATCH", path(e, "link-grow"), "2025-01-01", databases_patch({"g1"})), 400,
              "ManagedInstanceLinkForProvidedAvailabilityGroupsAlreadyExists", single);
  CHECK(names(e.arm("GET", path(e, "link-grow"), kPreview).json()) == std::vector<std::string>{"g1", "g3", "g4", "g5"});
}
