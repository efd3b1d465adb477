// distributedAvailabilityGroups: both body shapes, long-running operations,
// rendering per api-version with the link's runtime state, list, re-PUT,
// PATCH, DELETE, failover, setRole, validation, and the real link simulator.
#include "armemu_support.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <regex>

using namespace armemu;
using milink::emulator::LinkResult;

namespace {

std::mutex g_mu;
std::map<std::string, LinkResult> g_forced;  ///< link name -> operation outcome to report

/// An Env whose links are judged by the test (the link simulator is left
/// out: world.advance cleared, created()/operation_outcome replaced), so
/// runtime fields set by the test stay as set.
Env& dag_env() {
  static Env e([] {
    milink::emulator::AzureOptions o;
    o.link_created = [](milink::emulator::LinkResource&) { return LinkResult{true, 201, "", ""}; };
    o.link_outcome = [](const std::string& name) -> std::optional<LinkResult> {
      std::lock_guard<std::mutex> l(g_mu);
      auto it = g_forced.find(name);
      if (it != g_forced.end()) return it->second;
      return LinkResult{};
    };
    return o;
  }());
  static std::once_flag once;
  std::call_once(once, [] {
    auto lock = e.world.lock();
    e.world.advance = nullptr;
  });
  return e;
}

std::string new_body(const std::string& db, const std::string& instance_ag, const std::string& extra = "") {
  return R"({"properties":{"databases":[{"databaseName":")" + db + R"("}],"instanceAvailabilityGroupName":")" +
         instance_ag + R"(","partnerAvailabilityGroupName":"AG_)" + db +
         R"(","partnerEndpoint":"TCP://sqlbox1.contoso.com:5022")" + extra + "}}";
}

std::string old_body(const std::string& db, const std::string& instance_ag) {
  return R"({"properties":{"targetDatabase":")" + db + R"(","sourceEndpoint":"TCP://10.0.0.5:5022",)"
         R"("primaryAvailabilityGroupName":"AG_)" + db + R"(","secondaryAvailabilityGroupName":")" + instance_ag + R"("}})";
}

void check_error(const Reply& r, int status, const std::string& code, const std::string& message) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.error_code() == code);
  CHECK(r.error_message() == message);
}

std::string dag_path(Env& e, const std::string& name) { return e.mi_path() + "/distributedAvailabilityGroups/" + name; }

/// PUT and wait for the operation; returns the final resource (Location).
Value put_and_wait(Env& e, const std::string& name, const std::string& version, const std::string& body) {
  Reply put = e.arm("PUT", dag_path(e, name), version, body);
  INFO(put.body);
  REQUIRE(put.status == 202);
  REQUIRE_FALSE(put.header("Azure-AsyncOperation").empty());
  REQUIRE_FALSE(put.header("Location").empty());
  Value status = e.poll_async(put.header("Azure-AsyncOperation"));
  INFO(status.to_json());
  REQUIRE(status.get("status")->as_string() == "Succeeded");
  Reply done = e.poll_location(put.header("Location"));
  REQUIRE(done.status == 200);
  return done.json();
}

const Value& prop(const Value& resource, const std::string& name) {
  const Value* p = resource.get("properties");
  REQUIRE(p);
  const Value* v = p->get(name);
  INFO(name << " in " << resource.to_json());
  REQUIRE(v);
  return *v;
}

}  // namespace

TEST_CASE("DAG PUT in the 2025-01-01 shape: 202, the operation to Succeeded, GET in every api-version's shape", "[armemu][arm][dag]") {
  Env& e = dag_env();
  const std::string path = dag_path(e, "link-sales");
  Reply put = e.arm("PUT", path, "2025-01-01", new_body("sales", "mi-ag-sales"));
  INFO(put.body);
  REQUIRE(put.status == 202);
  std::string prefix = "https://127.0.0.1:" + std::to_string(e.azure->arm_port()) + "/subscriptions/" +
                       e.azure->subscription_id() + "/providers/Microsoft.Sql/locations/westeurope/";
  CHECK(put.header("Azure-AsyncOperation").rfind(prefix + "distributedAvailabilityGroupsAzureAsyncOperation/", 0) == 0);
  CHECK(put.header("Location").rfind(prefix + "distributedAvailabilityGroupsOperationResults/", 0) == 0);
  CHECK(put.header("Retry-After") == "1");
  // While it runs: InProgress, and the Location answers 202.
  Reply running = https(e.azure->arm_port(), "GET", e.local_target(put.header("Azure-AsyncOperation")), {},
                        {{"Authorization", "Bearer " + e.token}}, e.ca_file);
  REQUIRE(running.status == 200);
  std::string first_status = running.json().get("status")->as_string();
  CHECK((first_status == "InProgress" || first_status == "Succeeded"));
  CHECK(e.poll_async(put.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  Reply done = e.poll_location(put.header("Location"));
  REQUIRE(done.status == 200);
  Value resource = done.json();
  CHECK(resource.get("id")->as_string() == path);
  CHECK(resource.get("name")->as_string() == "link-sales");
  CHECK(resource.get("type")->as_string() == "Microsoft.Sql/managedInstances/distributedAvailabilityGroups");
  // The defaults the 2025 examples show.
  CHECK(prop(resource, "distributedAvailabilityGroupName").as_string() == "link-sales");
  CHECK(prop(resource, "instanceLinkRole").as_string() == "Secondary");
  CHECK(prop(resource, "partnerLinkRole").as_string() == "Primary");
  CHECK(prop(resource, "failoverMode").as_string() == "None");
  CHECK(prop(resource, "seedingMode").as_string() == "Automatic");
  CHECK(prop(resource, "replicationMode").as_string() == "Async");
  CHECK(prop(resource, "partnerEndpoint").as_string() == "TCP://sqlbox1.contoso.com:5022");
  CHECK(prop(resource, "partnerAvailabilityGroupName").as_string() == "AG_sales");
  CHECK(prop(resource, "instanceAvailabilityGroupName").as_string() == "mi-ag-sales");
  CHECK_FALSE(resource.get("properties")->get("linkMode"));
  Value db = prop(resource, "databases").as_array().at(0);
  CHECK(db.get("databaseName")->as_string() == "sales");
  std::regex guid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  CHECK(std::regex_match(db.get("instanceReplicaId")->as_string(), guid));
  CHECK(std::regex_match(prop(resource, "distributedAvailabilityGroupId").as_string(), guid));

  // What the world holds: the request normalised into a LinkResource.
  std::string partner_replica, instance_replica;
  {
    auto lock = e.world.lock();
    auto* l = e.world.azure.find_link("LINK-SALES");
    REQUIRE(l);
    CHECK(l->created_with_api_version == "2025-01-01");
    CHECK(l->partner_endpoint == "TCP://sqlbox1.contoso.com:5022");
    CHECK(l->partner_availability_group_name == "AG_sales");
    CHECK(l->instance_availability_group_name == "mi-ag-sales");
    CHECK(l->provisioning_state == "Succeeded");
    REQUIRE(l->databases.size() == 1);
    // The link's runtime, as the link simulator would have it.
    auto& d = l->databases[0];
    d.replica_state = "Catchup";
    d.connected_state = "CONNECTED";
    d.synchronization_health = "HEALTHY";
    d.seeding_progress = 80;
    d.last_hardened_lsn = "71000009408100001";
    d.last_hardened_time = milink::sdk::SqlDateTime{2025, 8, 1, 10, 20, 30, 0};
    d.most_recent_link_error = "";
    l->link_state = "Catchup";
    partner_replica = d.partner_replica_id;
    instance_replica = d.instance_replica_id;
  }
  Reply now = e.arm("GET", path, "2025-01-01");
  REQUIRE(now.status == 200);
  Value d1 = prop(now.json(), "databases").as_array().at(0);
  CHECK(d1.get("replicaState")->as_string() == "Catchup");
  CHECK(d1.get("connectedState")->as_string() == "CONNECTED");
  CHECK(d1.get("synchronizationHealth")->as_string() == "HEALTHY");
  CHECK(d1.get("seedingProgress")->as_string() == "80%");
  CHECK(d1.get("lastHardenedLsn")->as_string() == "71000009408100001");
  CHECK(d1.get("lastHardenedTime")->as_string() == "2025-08-01T10:20:30Z");
  CHECK(d1.get("partnerReplicaId")->as_string() == partner_replica);
  CHECK(d1.get("instanceSendReplicationLagSeconds")->as_int() == 0);
  CHECK_FALSE(d1.get("mostRecentLinkError"));

  // 2025-08-01-preview adds linkMode.
  Reply preview = e.arm("GET", path, "2025-08-01-preview");
  REQUIRE(preview.status == 200);
  CHECK(prop(preview.json(), "linkMode").as_string() == "SingleDatabase");

  // 2021-05-01-preview: the old shape, one database, linkState and lastHardenedLsn.
  Reply old = e.arm("GET", path, "2021-05-01-preview");
  INFO(old.body);
  REQUIRE(old.status == 200);
  Value o = old.json();
  CHECK(prop(o, "targetDatabase").as_string() == "sales");
  CHECK(prop(o, "sourceEndpoint").as_string() == "TCP://sqlbox1.contoso.com:5022");
  CHECK(prop(o, "primaryAvailabilityGroupName").as_string() == "AG_sales");
  CHECK(prop(o, "secondaryAvailabilityGroupName").as_string() == "mi-ag-sales");
  CHECK(prop(o, "replicationMode").as_string() == "Async");
  CHECK(prop(o, "linkState").as_string() == "Catchup");
  CHECK(prop(o, "lastHardenedLsn").as_string() == "71000009408100001");
  CHECK(prop(o, "sourceReplicaId").as_string() == partner_replica);
  CHECK(prop(o, "targetReplicaId").as_string() == instance_replica);
  CHECK_FALSE(o.get("properties")->get("databases"));
  CHECK_FALSE(o.get("properties")->get("partnerEndpoint"));

  // An error the link reports shows in the new shape.
  {
    auto lock = e.world.lock();
    e.world.azure.find_link("link-sales")->databases[0].most_recent_link_error = "41973: certificate missing";
  }
  CHECK(prop(e.arm("GET", path, "2025-01-01").json(), "databases").as_array().at(0).get("mostRecentLinkError")->as_string() ==
        "41973: certificate missing");
}

TEST_CASE("DAG PUT in the 2021-05-01-preview shape, read back in both shapes, and list", "[armemu][arm][dag]") {
  Env& e = dag_env();
  Value created = put_and_wait(e, "link-hr", "2021-05-01-preview", old_body("hr", "mi-ag-hr"));
  CHECK(prop(created, "targetDatabase").as_string() == "hr");
  CHECK(prop(created, "sourceEndpoint").as_string() == "TCP://10.0.0.5:5022");
  CHECK(prop(created, "primaryAvailabilityGroupName").as_string() == "AG_hr");
  CHECK(prop(created, "secondaryAvailabilityGroupName").as_string() == "mi-ag-hr");
  {
    auto lock = e.world.lock();
    auto* l = e.world.azure.find_link("link-hr");
    REQUIRE(l);
    CHECK(l->created_with_api_version == "2021-05-01-preview");
    CHECK(l->partner_endpoint == "TCP://10.0.0.5:5022");
    CHECK(l->partner_availability_group_name == "AG_hr");
    CHECK(l->instance_availability_group_name == "mi-ag-hr");
    CHECK(l->instance_link_role == "Secondary");
    REQUIRE(l->databases.size() == 1);
    CHECK(l->databases[0].name == "hr");
  }
  Reply modern = e.arm("GET", dag_path(e, "link-hr"), "2025-01-01");
  REQUIRE(modern.status == 200);
  CHECK(prop(modern.json(), "databases").as_array().at(0).get("databaseName")->as_string() == "hr");
  CHECK(prop(modern.json(), "partnerEndpoint").as_string() == "TCP://10.0.0.5:5022");

  for (const char* v : {"2021-05-01-preview", "2025-01-01"}) {
    Reply list = e.arm("GET", e.mi_path() + "/distributedAvailabilityGroups", v);
    REQUIRE(list.status == 200);
    Value body = list.json();
    bool found = false;
    for (const auto& item : body.get("value")->as_array())
      if (item.get("name")->as_string() == "link-hr") {
        found = true;
        CHECK(item.get("properties")->get(std::string(v) == "2025-01-01" ? "databases" : "targetDatabase"));
      }
    CHECK(found);
  }
}

TEST_CASE("2025-08-01-preview: linkMode, and multi-database links", "[armemu][arm][dag]") {
  Env& e = dag_env();
  std::string two = R"({"properties":{"linkMode":"MultiDatabase","databases":[{"databaseName":"m1"},{"databaseName":"m2"}],)"
                    R"("instanceAvailabilityGroupName":"mi-ag-multi","partnerAvailabilityGroupName":"AG_multi",)"
                    R"("partnerEndpoint":"TCP://sqlbox1:5022"}})";
  Value created = put_and_wait(e, "link-multi", "2025-08-01-preview", two);
  CHECK(prop(created, "linkMode").as_string() == "MultiDatabase");
  CHECK(prop(created, "databases").as_array().size() == 2);
  // A single-database link takes one database; 2025-01-01 has no linkMode at all.
  std::string single = two;
  single.replace(single.find("MultiDatabase"), 13, "SingleDatabase");
  check_error(e.arm("PUT", dag_path(e, "link-single"), "2025-08-01-preview", single), 400,
              "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases",
              "Distributed Availability Group Create or Update request body has empty or Invalid Databases.");
  Reply r = e.arm("PUT", dag_path(e, "link-lm"), "2025-01-01", new_body("lm", "mi-ag-lm", R"(,"linkMode":"SingleDatabase")"));
  CHECK(r.status == 400);
  CHECK(r.error_code() == "InvalidRequestContent");
  CHECK(r.error_message().find("Could not find member 'linkMode' on object of type 'DistributedAvailabilityGroupProperties'. "
                               "Path 'properties.linkMode'") != std::string::npos);
}

TEST_CASE("every published api-version answers the link in its own shape", "[armemu][arm][dag][versions]") {
  Env& e = dag_env();
  // The official JavaScript SDK's version (2021-11-01-preview): the old, flat shape.
  Value created = put_and_wait(e, "link-sdk", "2021-11-01-preview", old_body("sdk", "mi-ag-sdk"));
  CHECK(prop(created, "targetDatabase").as_string() == "sdk");
  CHECK_FALSE(created.get("properties")->get("instanceRole"));
  CHECK_FALSE(created.get("properties")->get("databases"));
  {
    auto lock = e.world.lock();
    auto* l = e.world.azure.find_link("link-sdk");
    REQUIRE(l);
    l->databases[0].seeding_progress = 50;
    l->databases[0].connected_state = "CONNECTED";
    l->databases[0].most_recent_link_error = "none yet";
  }
  const std::string path = dag_path(e, "link-sdk");
  // 2022-05-01-preview to 2022-11-01-preview add the read-only instanceRole.
  Value role = e.arm("GET", path, "2022-08-01-preview").json();
  CHECK(prop(role, "instanceRole").as_string() == "Secondary");
  CHECK(prop(role, "targetDatabase").as_string() == "sdk");
  // 2023-02-01-preview answers the new names, without the modes, seeding progress or link errors.
  Value mixed = e.arm("GET", path, "2023-02-01-preview").json();
  INFO(mixed.to_json());
  CHECK(prop(mixed, "partnerEndpoint").as_string() == "TCP://10.0.0.5:5022");
  CHECK(prop(mixed, "instanceAvailabilityGroupName").as_string() == "mi-ag-sdk");
  for (const char* absent : {"targetDatabase", "failoverMode", "seedingMode", "linkMode"})
    CHECK_FALSE(mixed.get("properties")->get(absent));
  Value mixed_db = prop(mixed, "databases").as_array().at(0);
  CHECK(mixed_db.get("databaseName")->as_string() == "sdk");
  CHECK_FALSE(mixed_db.get("seedingProgress"));
  CHECK_FALSE(mixed_db.get("mostRecentLinkError"));
  // 2023-05-01-preview: the modes and link errors, still no seeding progress.
  Value may = e.arm("GET", path, "2023-05-01-preview").json();
  CHECK(prop(may, "failoverMode").as_string() == "None");
  CHECK(prop(may, "databases").as_array().at(0).get("mostRecentLinkError")->as_string() == "none yet");
  CHECK_FALSE(prop(may, "databases").as_array().at(0).get("seedingProgress"));
  // 2023-08-01-preview on: seeding progress; 2025-02-01-preview on: linkMode.
  CHECK(prop(e.arm("GET", path, "2023-08-01-preview").json(), "databases").as_array().at(0).get("seedingProgress")->as_string() ==
        "50%");
  CHECK_FALSE(e.arm("GET", path, "2025-01-01").json().get("properties")->get("linkMode"));
  for (const char* v : {"2025-02-01-preview", "2026-08-01-preview"})
    CHECK(prop(e.arm("GET", path, v).json(), "linkMode").as_string() == "SingleDatabase");

  // 2023-02-01-preview's PUT takes the old names, and only those.
  Value m = put_and_wait(e, "link-mixed", "2023-02-01-preview", old_body("mixed", "mi-ag-mixed"));
  CHECK(prop(m, "databases").as_array().at(0).get("databaseName")->as_string() == "mixed");
  Reply refused = e.arm("PUT", dag_path(e, "link-mixed2"), "2023-02-01-preview", new_body("mixed2", "mi-ag-mixed2"));
  CHECK(refused.status == 400);
  CHECK(refused.error_code() == "InvalidRequestContent");
  CHECK(refused.error_message().find("Could not find member 'databases' on object of type 'CreateOrUpdateProperties'.") !=
        std::string::npos);

  // setRole exists from 2022-05-01-preview, on an old-shape link too.
  Reply set_role = e.arm("POST", path + "/setRole", "2022-08-01-preview", R"({"instanceRole":"Primary","roleChangeType":"Forced"})");
  INFO(set_role.body);
  CHECK(set_role.status == 202);
  CHECK(e.poll_async(set_role.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(prop(e.arm("GET", path, "2022-11-01-preview").json(), "instanceRole").as_string() == "Primary");
  CHECK(e.arm("DELETE", path, "2021-11-01-preview").status == 202);
}

TEST_CASE("DAG re-PUT, PATCH and DELETE", "[armemu][arm][dag]") {
  Env& e = dag_env();
  const std::string path = dag_path(e, "link-again");
  Value created = put_and_wait(e, "link-again", "2025-01-01", new_body("again", "mi-ag-again"));
  // The same request again: 200 with the resource, no operation.
  Reply same = e.arm("PUT", path, "2025-01-01", new_body("again", "mi-ag-again"));
  REQUIRE(same.status == 200);
  CHECK(same.json() == created);
  CHECK_FALSE(same.has_header("Azure-AsyncOperation"));
  // Only the replication mode changes: an update.
  Reply sync = e.arm("PUT", path, "2025-01-01", new_body("again", "mi-ag-again", R"(,"replicationMode":"Sync")"));
  REQUIRE(sync.status == 202);
  CHECK(e.poll_location(sync.header("Location")).json().get("properties")->get("replicationMode")->as_string() == "Sync");
  // Anything else: refused.
  check_error(e.arm("PUT", path, "2025-01-01", new_body("other", "mi-ag-again")), 400,
              "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest",
              "Distributed Availability Group Create or Update request body is empty or invalid.");
  // PATCH the replication mode back.
  Reply patch = e.arm("PATCH", path, "2025-01-01", R"({"properties":{"replicationMode":"Async"}})");
  REQUIRE(patch.status == 202);
  CHECK(e.poll_async(patch.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(prop(e.arm("GET", path, "2025-01-01").json(), "replicationMode").as_string() == "Async");

  Reply del = e.arm("DELETE", path, "2025-01-01");
  REQUIRE(del.status == 202);
  CHECK(e.poll_async(del.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(e.poll_location(del.header("Location")).status == 204);
  CHECK(e.arm("GET", path, "2025-01-01").status == 404);
  {
    auto lock = e.world.lock();
    CHECK(e.world.azure.find_link("link-again") == nullptr);
  }
  CHECK(e.arm("DELETE", path, "2025-01-01").status == 204);
}

TEST_CASE("DAG PATCH merges: only the members sent change, the rest is refused as an existing link's PUT is",
          "[armemu][arm][dag][patch]") {
  Env& e = dag_env();
  const std::string path = dag_path(e, "link-patch");
  Value before = put_and_wait(e, "link-patch", "2025-01-01",
                              new_body("patched", "mi-ag-patch", R"(,"failoverMode":"Manual")"));
  auto unchanged = [&](const Value& after) {
    for (const char* p : {"distributedAvailabilityGroupId", "partnerEndpoint", "partnerAvailabilityGroupName",
                          "instanceAvailabilityGroupName", "instanceLinkRole", "failoverMode", "seedingMode"}) {
      INFO(p);
      CHECK(prop(after, p) == prop(before, p));
    }
    CHECK(prop(after, "databases").as_array().at(0).get("databaseName")->as_string() == "patched");
  };

  // Only replicationMode: a long-running update; nothing else moves.
  Reply sync = e.arm("PATCH", path, "2025-01-01", R"({"properties":{"replicationMode":"Sync"}})");
  INFO(sync.body);
  REQUIRE(sync.status == 202);
  CHECK(e.poll_async(sync.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  Value after = e.poll_location(sync.header("Location")).json();
  CHECK(prop(after, "replicationMode").as_string() == "Sync");
  CHECK(prop(before, "replicationMode").as_string() == "Async");
  unchanged(after);

  // The same value again: 200 with the resource, no operation.
  Reply same = e.arm("PATCH", path, "2025-01-01", R"({"properties":{"replicationMode":"sync"}})");
  CHECK(same.status == 200);
  CHECK_FALSE(same.has_header("Azure-AsyncOperation"));
  CHECK(prop(same.json(), "replicationMode").as_string() == "Sync");

  // A member the link was created with, sent unchanged, is fine; changed, it is
  // refused as a PUT of the existing link is, and nothing changes (not even
  // the replicationMode sent with it). Another databases[] of a single-database
  // link has its own refusal (arm_multidb_tests.cpp).
  Reply same_endpoint = e.arm("PATCH", path, "2025-01-01",
                              R"({"properties":{"partnerEndpoint":"TCP://sqlbox1.contoso.com:5022"}})");
  CHECK(same_endpoint.status == 200);
  const std::string refused = "Distributed Availability Group Create or Update request body is empty or invalid.";
  for (const char* body : {R"({"properties":{"partnerEndpoint":"TCP://other.contoso.com:5022","replicationMode":"Async"}})",
                           R"({"properties":{"failoverMode":"None"}})",
                           R"({"properties":{}})"}) {
    INFO(body);
    check_error(e.arm("PATCH", path, "2025-01-01", body), 400, "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest",
                refused);
  }
  check_error(e.arm("PATCH", path, "2025-01-01", R"({"properties":{"partnerEndpoint":"nowhere"}})"), 400,
              "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerEndpoint",
              "Distributed Availability Group Create or Update request body has empty or Invalid Partner Endpoint.");
  Value now = e.arm("GET", path, "2025-01-01").json();
  CHECK(prop(now, "replicationMode").as_string() == "Sync");
  unchanged(now);

  // Read-only members are ignored, as in a PUT (ARM's guideline): the
  // writable one sent with them applies, they do not.
  Reply with_read_only = e.arm("PATCH", path, "2025-01-01",
                               R"({"properties":{"replicationMode":"Async","partnerLinkRole":"Secondary",)"
                               R"("distributedAvailabilityGroupId":"00000000-0000-0000-0000-000000000001"}})");
  REQUIRE(with_read_only.status == 202);
  e.poll_async(with_read_only.header("Azure-AsyncOperation"));
  now = e.arm("GET", path, "2025-01-01").json();
  CHECK(prop(now, "replicationMode").as_string() == "Async");
  CHECK(prop(now, "partnerLinkRole").as_string() == prop(before, "partnerLinkRole").as_string());
  unchanged(now);

  // Members the version does not have: the body validator's answer.
  Reply unknown = e.arm("PATCH", path, "2025-01-01", R"({"properties":{"linkMode":"MultiDatabase"}})");
  CHECK(unknown.status == 400);
  CHECK(unknown.error_code() == "InvalidRequestContent");
  CHECK(unknown.error_message().find("Could not find member 'linkMode' on object of type 'DistributedAvailabilityGroupProperties'.") !=
        std::string::npos);

  // The old names in the old versions: the same rules.
  Reply old_sync = e.arm("PATCH", path, "2021-11-01", R"({"properties":{"replicationMode":"Sync"}})");
  REQUIRE(old_sync.status == 202);
  e.poll_async(old_sync.header("Azure-AsyncOperation"));
  CHECK(prop(e.arm("GET", path, "2021-11-01").json(), "replicationMode").as_string() == "Sync");
  check_error(e.arm("PATCH", path, "2021-11-01", R"({"properties":{"sourceEndpoint":"TCP://10.9.9.9:5022"}})"), 400,
              "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest", refused);
  unchanged(e.arm("GET", path, "2025-01-01").json());

  CHECK(e.arm("PATCH", dag_path(e, "no-such-link"), "2025-01-01", R"({"properties":{"replicationMode":"Sync"}})").status ==
        404);
  CHECK(e.arm("DELETE", path, "2025-01-01").status == 202);
}

TEST_CASE("DAG bodies: the spec's types, enums and members, then the RP's own checks and codes", "[armemu][arm][dag][validation]") {
  Env& e = dag_env();
  const std::string path = dag_path(e, "link-bad");
  const std::string prefix = "The request content was invalid and could not be deserialized: '";
  auto content_error = [&](const std::string& version, const std::string& body, const std::string& text) {
    Reply r = e.arm("PUT", path, version, body);
    INFO(r.body);
    CHECK(r.status == 400);
    CHECK(r.error_code() == "InvalidRequestContent");
    CHECK(r.error_message().rfind(prefix + text, 0) == 0);
  };
  // A member of the other api-version's shape.
  content_error("2021-05-01-preview", new_body("x", "mi-ag-x"),
                "Could not find member 'databases' on object of type 'DistributedAvailabilityGroupProperties'. Path "
                "'properties.databases', line 1, position ");
  content_error("2025-01-01", old_body("x", "mi-ag-x"),
                "Could not find member 'targetDatabase' on object of type 'DistributedAvailabilityGroupProperties'. Path "
                "'properties.targetDatabase', line 1, position ");
  // Wrong types and enum values.
  content_error("2025-01-01", R"({"properties":{"databases":"x"}})",
                "Error converting value \"x\" to type 'System.Collections.Generic.List`1'. Path 'properties.databases', line 1, position ");
  content_error("2025-01-01", R"({"properties":{"databases":[{"databaseName":5}]}})",
                "Error converting value 5 to type 'System.String'. Path 'properties.databases[0].databaseName', line 1, position ");
  content_error("2025-01-01", new_body("x", "mi-ag-x", R"(,"replicationMode":"Fast")"),
                "Error converting value \"Fast\" to type 'ReplicationModeType'. Path 'properties.replicationMode', line 1, position ");
  content_error("2021-05-01-preview", R"({"properties":{"replicationMode":"Fast"}})",
                "Error converting value \"Fast\" to type 'ReplicationMode'. Path 'properties.replicationMode', line 1, position ");
  content_error("2025-01-01", new_body("x", "mi-ag-x", R"(,"instanceLinkRole":"Tertiary")"),
                "Error converting value \"Tertiary\" to type 'LinkRole'. Path 'properties.instanceLinkRole'");
  content_error("2025-01-01", R"({"properties":{"databases":[{"databaseName":"x","dbId":1}]}})",
                "Could not find member 'dbId' on object of type 'DistributedAvailabilityGroupDatabase'. Path "
                "'properties.databases[0].dbId'");
  // Read-only members are ignored; enum values match in any case.
  Reply ro = e.arm("PUT", dag_path(e, "link-ro"), "2025-01-01",
                   new_body("ro", "mi-ag-ro", R"(,"partnerLinkRole":"Primary","distributedAvailabilityGroupId":"x","replicationMode":"sync")"));
  INFO(ro.body);
  CHECK(ro.status == 202);
  CHECK(prop(e.poll_location(ro.header("Location")).json(), "replicationMode").as_string() == "Sync");

  // The RP's checks, with the spec's codes and messages.
  auto rp = [&](const std::string& version, const std::string& body, const std::string& code, const std::string& message) {
    check_error(e.arm("PUT", path, version, body), 400, code, message);
  };
  const std::string base = "Distributed Availability Group Create or Update request body ";
  rp("2025-01-01", "", "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest", base + "is empty or invalid.");
  rp("2025-01-01", R"({"properties":{}})", "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest", base + "is empty or invalid.");
  rp("2025-01-01", R"({"properties":{"partnerEndpoint":"TCP://a:1"}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases", base + "has empty or Invalid Databases.");
  rp("2025-01-01", R"({"properties":{"databases":[{"databaseName":"a"},{"databaseName":"b"}]}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases", base + "has empty or Invalid Databases.");
  rp("2025-01-01", R"({"properties":{"databases":[{"databaseName":"a"}],"partnerEndpoint":"TCP://a:1","instanceAvailabilityGroupName":"i"}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerAvailabilityGroupName",
     base + "has empty or Invalid Partner Availability Group Name.");
  rp("2025-01-01", R"({"properties":{"databases":[{"databaseName":"a"}],"partnerEndpoint":"TCP://a:1","partnerAvailabilityGroupName":"p"}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestInstanceAvailabilityGroupName",
     base + "has empty or Invalid Instance Availability Group Name.");
  for (const char* endpoint : {"sqlbox1:5022", "TCP://sqlbox1", "TCP://sqlbox1:99999", "http://sqlbox1:5022", ""}) {
    std::string body = R"({"properties":{"databases":[{"databaseName":"a"}],"partnerEndpoint":")" + std::string(endpoint) +
                       R"(","partnerAvailabilityGroupName":"p","instanceAvailabilityGroupName":"i"}})";
    rp("2025-01-01", body, "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerEndpoint",
       base + "has empty or Invalid Partner Endpoint.");
  }
  rp("2025-01-01", new_body("a", "mi-ag-a", R"(,"seedingMode":"Manual")"),
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestSeedingMode",
     base + "has empty or Invalid Seeding Mode. Currently, only the 'Automatic' mode is supported.");
  rp("2025-01-01", new_body("a", "AG_a"), "InstanceAvailabilityGroupNamePartnerAvailabilityGroupNameMatch",
     base + "has equal Instance and Partner Availability Group Names.");
  // The old shape's fields map onto the same codes.
  rp("2021-05-01-preview", R"({"properties":{"sourceEndpoint":"TCP://a:1"}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases", base + "has empty or Invalid Databases.");
  rp("2021-05-01-preview", R"({"properties":{"targetDatabase":"a","sourceEndpoint":"TCP://a:1","primaryAvailabilityGroupName":"p"}})",
     "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestInstanceAvailabilityGroupName",
     base + "has empty or Invalid Instance Availability Group Name.");
  // Names already taken on the managed instance.
  put_and_wait(e, "link-taken", "2025-01-01", new_body("taken", "mi-ag-taken"));
  rp("2025-01-01", new_body("fresh", "mi-ag-taken"), "CloudLifterChimeraMIAgNameIsAlreadyUsed",
     "Managed Instance link cannot be created because Managed Instance side AG name 'mi-ag-taken' is already used on "
     "Managed Instance '" + e.azure->managed_instance_name() + "'. Choose different name and retry to create link.");
  rp("2025-01-01", new_body("taken", "mi-ag-fresh"), "ManagedDatabaseNameInUse",
     "Database 'taken' already exists. Choose a different database name.");
  CHECK(e.arm("GET", path, "2025-01-01").status == 404);
}

TEST_CASE("failover and setRole: long-running, the link's roles, and their refusals", "[armemu][arm][dag]") {
  Env& e = dag_env();
  const std::string path = dag_path(e, "link-roles");
  put_and_wait(e, "link-roles", "2025-01-01", new_body("roles", "mi-ag-roles", R"(,"failoverMode":"Manual")"));
  const std::string failed_request = "Distributed Availability Group Failover request body is empty or invalid.";

  // Planned failover starts from the primary; the managed instance is secondary.
  check_error(e.arm("POST", path + "/failover", "2025-01-01", R"({"failoverType":"Planned"})"), 400,
              "InvalidDistributedAvailabilityGroupFailoverInstanceRole",
              "Planned failover can be executed on a link in the primary role only. Current state of the specified link is secondary.");
  check_error(e.arm("POST", path + "/failover", "2025-08-01-preview", R"({"failoverType":"Planned"})"), 400,
              "DistributedAvailabilityGroupFailoverInvalidInstanceRole",
              "A planned failover of Azure SQL Managed Instance link cannot be initiated from the secondary instance. "
              "Initiate failover from the primary instance for this link.");
  check_error(e.arm("POST", path + "/failover", "2025-01-01", "{}"), 400, "InvalidDistributedAvailabilityGroupFailoverRequest", failed_request);
  check_error(e.arm("POST", path + "/failover", "2025-01-01", ""), 400, "InvalidDistributedAvailabilityGroupFailoverRequest", failed_request);
  Reply bad = e.arm("POST", path + "/failover", "2025-01-01", R"({"failoverType":"Whenever"})");
  CHECK(bad.error_code() == "InvalidRequestContent");
  CHECK(bad.error_message().find("Error converting value \"Whenever\" to type 'FailoverType'.") != std::string::npos);
  CHECK(e.arm("POST", dag_path(e, "no-such-link") + "/failover", "2025-01-01", R"({"failoverType":"Planned"})").status == 404);

  // Forced failover: the managed instance becomes primary (final state via Location).
  Reply forced = e.arm("POST", path + "/failover", "2025-01-01", R"({"failoverType":"ForcedAllowDataLoss"})");
  INFO(forced.body);
  REQUIRE(forced.status == 202);
  Reply after = e.poll_location(forced.header("Location"));
  REQUIRE(after.status == 200);
  CHECK(prop(after.json(), "instanceLinkRole").as_string() == "Primary");
  CHECK(prop(after.json(), "partnerLinkRole").as_string() == "Secondary");

  // Planned from the primary needs synchronized secondaries.
  check_error(e.arm("POST", path + "/failover", "2025-01-01", R"({"failoverType":"Planned"})"), 409,
              "DistributedAvailabilityGroupFailoverSecondariesNotSynchronizing",
              "Planned failover cannot be executed if secondaries are not synchronizing.");
  {
    auto lock = e.world.lock();
    auto& d = e.world.azure.find_link("link-roles")->databases[0];
    d.connected_state = "CONNECTED";
    d.synchronization_health = "HEALTHY";
  }
  Reply planned = e.arm("POST", path + "/failover", "2025-01-01", R"({"failoverType":"Planned"})");
  REQUIRE(planned.status == 202);
  CHECK(prop(e.poll_location(planned.header("Location")).json(), "instanceLinkRole").as_string() == "Secondary");

  // setRole.
  check_error(e.arm("POST", path + "/setRole", "2025-01-01", R"({"instanceRole":"Secondary","roleChangeType":"Planned"})"), 409,
              "DistributedAvailabilityGroupSetRoleInstanceAlreadyInRequestedRole",
              "User attempted to perform setRole operation while managed instance link is already in requested role.");
  check_error(e.arm("POST", path + "/setRole", "2025-01-01", R"({"instanceRole":"Primary"})"), 400,
              "InvalidDistributedAvailabilityGroupFailoverRequest", failed_request);
  Reply role = e.arm("POST", path + "/setRole", "2025-01-01", R"({"instanceRole":"Primary","roleChangeType":"Forced"})");
  REQUIRE(role.status == 202);
  CHECK(e.poll_async(role.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(prop(e.poll_location(role.header("Location")).json(), "instanceLinkRole").as_string() == "Primary");
  {
    auto lock = e.world.lock();
    CHECK(e.world.azure.find_link("link-roles")->instance_link_role == "Primary");
  }
}

TEST_CASE("a link whose operation fails: Azure-AsyncOperation Failed with the link's error, Location answers it", "[armemu][arm][dag]") {
  Env& e = dag_env();
  {
    std::lock_guard<std::mutex> l(g_mu);
    g_forced["link-fails"] = LinkResult{false, 400, "LinkInitError",
                                        "41973: The managed instance does not trust the SQL Server certificate."};
  }
  Reply put = e.arm("PUT", dag_path(e, "link-fails"), "2025-01-01", new_body("fails", "mi-ag-fails"));
  REQUIRE(put.status == 202);
  Value status = e.poll_async(put.header("Azure-AsyncOperation"));
  INFO(status.to_json());
  CHECK(status.get("status")->as_string() == "Failed");
  CHECK(status.get("error")->get("code")->as_string() == "LinkInitError");
  CHECK(status.get("error")->get("message")->as_string() ==
        "41973: The managed instance does not trust the SQL Server certificate.");
  check_error(e.poll_location(put.header("Location")), 400, "LinkInitError",
              "41973: The managed instance does not trust the SQL Server certificate.");
  // The resource stays (the link keeps retrying), provisioning Failed.
  CHECK(e.arm("GET", dag_path(e, "link-fails"), "2025-01-01").status == 200);
  {
    auto lock = e.world.lock();
    CHECK(e.world.azure.find_link("link-fails")->provisioning_state == "Failed");
  }
}

TEST_CASE("with the real link simulator, a link to an unprepared SQL Server fails its operation", "[armemu][arm][dag][simulator]") {
  Env& e = env();
  Reply put = e.arm("PUT", dag_path(e, "link-real"), "2025-01-01", new_body("sales", "mi-ag-real"));
  INFO(put.body);
  REQUIRE(put.status == 202);
  {
    auto lock = e.world.lock();
    auto* l = e.world.azure.find_link("link-real");
    REQUIRE(l);
    CHECK(l->created_with_api_version == "2025-01-01");
  }
  // Nothing on SQL Server is set up for the link: it cannot connect, and the
  // PUT's operation fails once the profile's connect timeout has passed.
  Value status = e.poll_async(put.header("Azure-AsyncOperation"), std::chrono::seconds(10));
  INFO(status.to_json());
  REQUIRE(status.get("status")->as_string() == "Failed");
  std::string code = status.get("error")->get("code")->as_string();
  CHECK((code == "LinkInitError" || code == "LinkCreationError"));
  CHECK(std::regex_search(status.get("error")->get("message")->as_string(), std::regex("^[0-9]+: ")));
  Reply get = e.arm("GET", dag_path(e, "link-real"), "2025-01-01");
  REQUIRE(get.status == 200);
  Value db = prop(get.json(), "databases").as_array().at(0);
  CHECK(db.get("replicaState")->as_string() == code);
  CHECK(db.get("connectedState")->as_string() == "DISCONNECTED");
  CHECK_FALSE(db.get("mostRecentLinkError")->as_string().empty());
  // DELETE hands the link back to the simulator.
  Reply del = e.arm("DELETE", dag_path(e, "link-real"), "2025-01-01");
  REQUIRE(del.status == 202);
  CHECK(e.poll_async(del.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(e.arm("GET", dag_path(e, "link-real"), "2025-01-01").status == 404);
}
