// status/assess: the verdict on figures that were read, without servers.
#include "status/assess.hpp"

#include <catch2/catch.hpp>

using namespace milink::status;

namespace {

ArmLink healthy_arm_link(const std::string& db) {
  ArmLink l;
  l.name = "DAG_" + db;
  l.view.database = db;
  l.view.replica_state = "LinkSynchronizing";
  l.view.connected_state = "CONNECTED";
  l.view.synchronization_health = "HEALTHY";
  l.view.instance_link_role = "Secondary";
  l.view.partner_link_role = "Primary";
  return l;
}

}  // namespace

TEST_CASE("a side that could not be read does not make links half-built", "[status]") {
  ArmSide arm;
  arm.links.push_back(healthy_arm_link("sales"));
  Report r = assess(std::nullopt, arm, {"SQL Server: login failed"}, Thresholds{}, {});
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].state == "healthy");
  CHECK(r.links[0].severity == Severity::Ok);
  CHECK_FALSE(r.links[0].on_sql_server);
  CHECK(r.links[0].sql_server_role() == "PRIMARY");
  CHECK(r.exit_code() == 3);

  Report both_read = assess(SqlSide{}, arm, {}, Thresholds{}, {});
  REQUIRE(both_read.links.size() == 1);
  CHECK(both_read.links[0].state == "half-built");
  CHECK(both_read.exit_code() == 2);
}

TEST_CASE("the worst problem names the state, every problem is listed", "[status]") {
  ArmSide arm;
  ArmLink l = healthy_arm_link("sales");
  l.view.connected_state = "DISCONNECTED";
  l.view.most_recent_link_error = "41973: the certificate is not trusted";
  l.view.instance_send_lag_seconds = 900;
  l.view.instance_link_role = "Primary";
  l.view.partner_link_role = "Secondary";
  arm.links.push_back(l);
  Thresholds t;
  t.lag_warning_seconds = 60;
  Report r = assess(std::nullopt, arm, {}, t, {});
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].state == "disconnected");
  CHECK(r.links[0].severity == Severity::Critical);
  REQUIRE(r.links[0].problems.size() == 2);
  CHECK_THAT(r.links[0].problems[0], Catch::Contains("41973") && Catch::Contains("Remedy"));
  CHECK_THAT(r.links[0].problems[1], Catch::Contains("900 s behind (threshold 60 s)"));
  CHECK(r.exit_code() == 2);
}
