// Scenario time travel: the emulator's clock moved a year ahead. What dates
// certificates (SQL Server's clock, SYSUTCDATETIME()) moves with it, so
// `milink status` warns about the endpoint certificate near its expiry and
// exits 1; rotate-certificates.json rotates it (due by SQL Server's date,
// named after it) while the link runs; status is OK again.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>


using linkrig::date_in;
using linkrig::Rig;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

/// `milink status --output json`: the report and the exit code.
Value status(Rig& rig, int& exit_code) {
  auto r = testsupport::run({testsupport::milink_binary().string(), "status", "-c", "config.json", "--output", "json"},
                            rig.dir.path());
  UNSCOPED_INFO("milink status exit " << r.exit_code << "\n" << r.out << "\n" << r.err);
  exit_code = r.exit_code;
  return milink::sdk::parse_json(r.out);
}

const Value* certificate(const Value& report, const std::string& kind) {
  for (const auto& c : report.get("certificates")->as_array())
    if (c.get("kind")->as_string() == kind) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("a year later: status warns about the expiring certificate, rotate-certificates rotates, status is OK again",
          "[rotation][clock]") {
  // The instance's endpoint certificate lives 10 years here: Azure renews it, this test is about SQL Server's.
  Value scenario = milink::sdk::parse_json(linkrig::scenario_with({"sales"}), "scenario");
  scenario.mutable_object().set("managed_instance", Value(Object{{"endpoint_certificate_valid_days", Value(3650)}}));
  Rig rig(scenario.to_json());
  rig.set_input("certificate_expiry", Value(date_in(365)));
  linkrig::link(rig, {"sales"});
  REQUIRE(rig.emulator.links().set_workload(milink::emulator::Personality::SqlServer, "sales", 1024.0 * 1024.0));

  int code = -1;
  Value before = status(rig, code);
  CHECK(code == 0);
  const Value* endpoint = certificate(before, "sql_server_endpoint");
  REQUIRE(endpoint != nullptr);
  CHECK(endpoint->get("days_left")->as_int() == 365);
  CHECK(endpoint->get("severity")->as_string() == "ok");

  {
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().advance_clock(360LL * 86400) == 360LL * 86400);
  }
  // SQL Server's clock moved: GETDATE() is 360 days on.
  Value later = status(rig, code);
  CHECK(code == 1);
  CHECK(later.get("severity")->as_string() == "warning");
  endpoint = certificate(later, "sql_server_endpoint");
  REQUIRE(endpoint != nullptr);
  CHECK(endpoint->get("name")->as_string() == "Cert_sqlbox1_endpoint");
  CHECK(endpoint->get("days_left")->as_int() == 5);
  CHECK(endpoint->get("severity")->as_string() == "warning");
  CHECK_THAT(endpoint->get("message")->as_string(),
             Catch::Contains("expires in 5 days (" + date_in(365) + ")") && Catch::Contains("rotate-certificates"));
  const Value* trusted = certificate(later, "trusted_by_instance");
  REQUIRE(trusted != nullptr);
  CHECK(trusted->get("severity")->as_string() == "warning");
  // The link itself is as healthy as before: only the certificates warn.
  for (const auto& l : later.get("links")->as_array()) CHECK(l.get("state")->as_string() == "healthy");

  // The rotation is due by SQL Server's date, and the new certificate is named and dated after it.
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(360, true);
  auto r = rig.run("rotate-certificates.json", {"--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["rotate"] == "changed");
  CHECK(st["switch"] == "changed");
  CHECK(st["retire"] == "changed");
  CHECK(Rig::reason_of(r.out, "rotate").find("certificate [Cert_sqlbox1_endpoint] expires on " + date_in(365) +
                                             " (in 5 days), within threshold_days 30; creating [" + next + "]") !=
        std::string::npos);
  CHECK(rig.statements("CREATE CERTIFICATE [" + next + "]").size() == 1);
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);

  Value after = status(rig, code);
  CHECK(code == 0);
  CHECK(after.get("severity")->as_string() == "ok");
  endpoint = certificate(after, "sql_server_endpoint");
  REQUIRE(endpoint != nullptr);
  CHECK(endpoint->get("name")->as_string() == next);
  CHECK(endpoint->get("expiry")->as_string() == date_in(360 + 365));
  CHECK(endpoint->get("days_left")->as_int() == 365);
  for (const auto& c : after.get("certificates")->as_array()) CHECK(c.get("severity")->as_string() == "ok");
  for (const auto& l : after.get("links")->as_array()) CHECK(l.get("state")->as_string() == "healthy");

  // And again: not due for another 335 days of the emulated clock.
  auto again = rig.run("rotate-certificates.json", {"--yes"});
  REQUIRE(again.exit_code == 0);
  CHECK(Rig::reason_of(again.out, "rotate").find("its rotation is due from " + date_in(360 + 365 - 30)) !=
        std::string::npos);
}

TEST_CASE("the scenario's clock.offset_days starts the emulated servers that far ahead", "[rotation][clock]") {
  Rig rig(R"({"clock": {"offset_days": 100}})");
  int code = -1;
  Value report = status(rig, code);
  // No links yet. The instance's year-long certificate was issued on the emulated clock, 100 days on, and
  // counts its days from SQL Server's clock, also 100 days on.
  CHECK(code == 0);
  const Value* instance = certificate(report, "instance_endpoint");
  REQUIRE(instance != nullptr);
  CHECK(instance->get("expiry")->as_string() == date_in(100 + 365));
  CHECK(instance->get("days_left")->as_int() == 365);
}
