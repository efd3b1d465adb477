// The instance-side availability group name (the DAG's second member, the
// link's instanceAvailabilityGroupName) is AG_<db>_MI in both bundled
// workflows: two databases link one after the other on one instance; a
// name another link already uses fails preflight before anything changes;
// and each workflow sees the other's links (and links made with the seed's
// instance-name convention) as linked.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string instance_ag_of(Rig& rig, const std::string& link) {
  auto lock = rig.emulator.world().lock();
  const auto* l = rig.emulator.world().azure.find_link(link);
  return l == nullptr ? std::string("(no link)") : l->instance_availability_group_name;
}

/// A copy of replicate-database.json whose dag step names the instance's
/// availability group \p expression, written to the rig's directory.
std::string workflow_naming_instance_ag(Rig& rig, const std::string& expression) {
  Value wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json"));
  for (auto& s : wf.mutable_object().find("steps")->mutable_array())
    if (s.get("id")->as_string() == "dag")
      s.mutable_object().find("with")->mutable_object().set("instance_ag_name", Value(expression));
  auto path = rig.dir / "named-instance-ag.json";
  testsupport::write_file(path, wf.to_pretty_json());
  return path.string();
}

/// The ag, dag, link and verify steps of one database: top-level steps of
/// replicate-database.json (\p prefix ""), or a branch of
/// replicate-databases.json (\p prefix "per_db[db].", where link and verify
/// sit in the seeding group).
void check_all(const std::map<std::string, std::string>& st, const std::string& prefix, const std::string& status) {
  for (std::string s : {"ag", "dag", "link", "verify"}) {
    if (!prefix.empty() && (s == "link" || s == "verify")) s = "seeding." + s;
    INFO(prefix << s);
    auto it = st.find(prefix + s);
    REQUIRE(it != st.end());
    CHECK(it->second == status);
  }
}

}  // namespace

TEST_CASE("replicate-database links sales then hr on the same instance, each with its own AG_<db>_MI",
          "[workflows][instance_ag]") {
  Rig rig;
  auto sales = rig.run("replicate-database.json", {"--set", "database=sales"});
  REQUIRE(sales.exit_code == 0);
  auto hr = rig.run("replicate-database.json", {"--set", "database=hr", "--set", "prepare_database=true"});
  REQUIRE(hr.exit_code == 0);
  CHECK(Rig::statuses(hr.out)["link"] == "changed");
  CHECK(instance_ag_of(rig, "DAG_sales") == "AG_sales_MI");
  CHECK(instance_ag_of(rig, "DAG_hr") == "AG_hr_MI");
  CHECK(rig.instance_databases()["sales"] == "ONLINE");
  CHECK(rig.instance_databases()["hr"] == "ONLINE");
  // The DAGs on SQL Server name the same members.
  auto dags = rig.statements("CREATE AVAILABILITY GROUP [DAG_");
  REQUIRE(dags.size() == 2);
  CHECK(dags[0].find("'AG_sales_MI'") != std::string::npos);
  CHECK(dags[1].find("'AG_hr_MI'") != std::string::npos);
}

TEST_CASE("preflight fails before any change when another link already uses the instance-side AG name",
          "[workflows][instance_ag]") {
  Rig rig;
  // hr's link, made by hand with the name sales would use.
  auto taken = rig.run(workflow_naming_instance_ag(rig, "AG_sales_MI"),
                       {"--set", "database=hr", "--set", "prepare_database=true"});
  REQUIRE(taken.exit_code == 0);
  REQUIRE(instance_ag_of(rig, "DAG_hr") == "AG_sales_MI");
  const auto ags_before = rig.statements("CREATE AVAILABILITY GROUP");
  const int puts_before = rig.arm_requests("PUT", "/");

  auto r = rig.run("replicate-database.json", {"--set", "database=sales"});
  CHECK(r.exit_code == 1);
  auto st = Rig::statuses(r.out);
  CHECK(st["preflight"] == "failed");
  CHECK(st.count("ag") == 1);
  CHECK(st["ag"] == "skipped");
  CHECK(r.out.find("instance_ag_name [sales]: the link for 'sales' would name its availability group on the managed "
                   "instance 'AG_sales_MI', but link 'DAG_hr' (database 'hr') on managed instance 'mi1' already uses "
                   "that name") != std::string::npos);
  CHECK(r.out.find("give this database's link another instance-side name (the dag step's instance_ag_name, and "
                   "preflight's instance_ag_name_pattern), or remove link 'DAG_hr' if it is left over (DELETE ") !=
        std::string::npos);
  // Nothing was created: no AG or DAG for sales, no ARM PUT.
  CHECK(rig.statements("CREATE AVAILABILITY GROUP") == ags_before);
  CHECK_FALSE(has(rig.availability_groups(), "AG_sales"));
  CHECK_FALSE(has(rig.availability_groups(), "DAG_sales"));
  CHECK(rig.arm_requests("PUT", "/") == puts_before);
}

TEST_CASE("a database linked by replicate-database is linked for replicate-databases, and back",
          "[workflows][instance_ag]") {
  Rig rig;
  rig.set_databases({"sales"});
  SECTION("single, then multi") {
    REQUIRE(rig.run("replicate-database.json").exit_code == 0);
    auto r = rig.run("replicate-databases.json");
    REQUIRE(r.exit_code == 0);
    auto st = Rig::statuses(r.out);
    for (const char* s : {"preflight", "cert", "trust", "endpoint", "per_db[sales].db_preflight"}) CHECK(st[s] == "ok");
    check_all(st, "per_db[sales].", "ok");
  }
  SECTION("multi, then single") {
    REQUIRE(rig.run("replicate-databases.json").exit_code == 0);
    auto r = rig.run("replicate-database.json");
    REQUIRE(r.exit_code == 0);
    auto st = Rig::statuses(r.out);
    CHECK(st["preflight"] == "ok");
    check_all(st, "", "ok");
  }
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
  CHECK(instance_ag_of(rig, "DAG_sales") == "AG_sales_MI");
}

TEST_CASE("a link made with the seed's instance-name convention is linked for both workflows",
          "[workflows][instance_ag]") {
  Rig rig;
  rig.set_databases({"sales"});
  REQUIRE(rig.run(workflow_naming_instance_ag(rig, "${{ config.managed_instance.name }}")).exit_code == 0);
  REQUIRE(instance_ag_of(rig, "DAG_sales") == "mi1");
  auto single = rig.run("replicate-database.json");
  REQUIRE(single.exit_code == 0);
  check_all(Rig::statuses(single.out), "", "ok");
  auto multi = rig.run("replicate-databases.json");
  REQUIRE(multi.exit_code == 0);
  check_all(Rig::statuses(multi.out), "per_db[sales].", "ok");
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
}

TEST_CASE("replicate-databases lists the instance's links once per run, and a taken name stops it before any database",
          "[workflows][instance_ag]") {
  Rig rig;
  // sales's link, made by hand with the name hr would use.
  REQUIRE(rig.run(workflow_naming_instance_ag(rig, "AG_hr_MI"), {"--set", "database=sales"}).exit_code == 0);
  rig.set_databases({"sales", "hr"});
  auto lists = [&] {
    int n = 0;
    const Value d = rig.dump();
    for (const auto& r : d.get("azure_requests")->as_array()) {
      const std::string path = r.get("path")->as_string();
      const std::string tail = "/distributedAvailabilityGroups";
      if (r.get("method")->as_string() == "GET" && path.size() > tail.size() &&
          path.compare(path.size() - tail.size(), tail.size(), tail) == 0)
        ++n;
    }
    return n;
  };
  const int lists_before = lists();
  const auto ags_before = rig.statements("CREATE AVAILABILITY GROUP");

  auto r = rig.run("replicate-databases.json");
  CHECK(r.exit_code == 1);
  auto st = Rig::statuses(r.out);
  CHECK(st["preflight"] == "failed");
  CHECK(st.count("per_db[hr].ag") == 0);  // no database's branch ran
  CHECK(r.out.find("instance_ag_name [hr]: the link for 'hr' would name its availability group on the managed "
                   "instance 'AG_hr_MI', but link 'DAG_sales' (database 'sales') on managed instance 'mi1' already "
                   "uses that name") != std::string::npos);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP") == ags_before);
  CHECK(lists() == lists_before + 1);

  // Without the clash, the whole run still lists the links once (the
  // server-level preflight checks every database; the per-database ones do not).
  rig.set_databases({"sales"});
  const int lists_ok = lists();
  auto ok = rig.run("replicate-databases.json");
  CHECK(ok.exit_code == 0);
  CHECK(lists() == lists_ok + 1);
  CHECK(ok.out.find("PASS instance_ag_name [sales]") != std::string::npos);
}
