// After rotate-certificates.json has rotated both sides, the trust the
// instance holds for SQL Server is named <base>_<yyyymmdd> and the
// instance's certificate on SQL Server <FQDN>_<yyyymmdd>: remove-link.json
// finds both by themselves (the trust by the public key of the endpoint's
// certificate), without certificate_name, removes them once, and a second
// run changes nothing.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

const char* kInstanceCert = "mi1.abc123def456.database.windows.net";

std::string today_compact() { return linkrig::date_in(0, true); }

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::vector<std::string> trust_names(Rig& rig) {
  auto lock = rig.emulator.world().lock();
  std::vector<std::string> out;
  for (const auto& c : rig.emulator.world().azure.server_trust_certificates) out.push_back(c.name);
  return out;
}

}  // namespace

TEST_CASE("remove-link after a rotation of both sides removes the rotated trust and instance certificate by itself",
          "[rotation][remove]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  rig.set_input("certificate_expiry", Value("2030-01-01"));
  linkrig::link(rig, {"sales"});
  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    world.rotate_instance_certificate(365);  // Azure renewed the instance's certificate
  }
  auto rotated = rig.run("rotate-certificates.json", {"--set", "force=true", "--yes"});
  INFO(rotated.out << rotated.err);
  REQUIRE(rotated.exit_code == 0);
  const std::string next = "Cert_sqlbox1_endpoint_" + today_compact();
  const std::string installed = std::string(kInstanceCert) + "_" + today_compact();
  REQUIRE(trust_names(rig) == std::vector<std::string>{next});
  REQUIRE(has(rig.certificates(), installed));
  REQUIRE_FALSE(has(rig.certificates(), kInstanceCert));
  linkrig::wait_healthy(rig, {"sales"});

  auto r = rig.run("remove-link.json", {"--set", "drop_ag=true", "--set", "drop_trust_certificate=true", "--set",
                                        "drop_instance_certificate=true", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["link"] == "changed");
  CHECK(st["trust"] == "changed");
  // What it asked about before changing anything names both, found by themselves.
  std::string listed;
  for (const auto& e : Rig::events(r.out))
    if (e.get("event")->as_string() == "destructive_actions")
      for (const auto& a : e.get("actions")->as_array()) listed += a.get("description")->as_string() + "\n";
  CHECK(listed.find("DELETE trust certificate \"" + next + "\" on instance mi1") != std::string::npos);
  CHECK(listed.find("DROP CERTIFICATE [" + installed + "] on sqlbox1") != std::string::npos);
  CHECK(trust_names(rig).empty());
  CHECK(rig.arm_requests("DELETE", "/serverTrustCertificates/" + next) == 1);
  CHECK(rig.statements("DROP CERTIFICATE [" + installed + "]").size() == 1);
  auto certs = rig.certificates();
  CHECK_FALSE(has(certs, installed));
  CHECK(has(certs, next));  // SQL Server's own certificate stays: its endpoint uses it

  // Nothing left to find: a second run deletes nothing.
  auto again = rig.run("remove-link.json", {"--set", "drop_ag=true", "--set", "drop_trust_certificate=true", "--set",
                                            "drop_instance_certificate=true"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(Rig::statuses(again.out)["trust"] == "ok");
  CHECK(Rig::reason_of(again.out, "trust") == "no trust certificate \"" + next + "\" on instance mi1 and no certificate [" +
                                                 std::string(kInstanceCert) + "] on sqlbox1: nothing to remove");
  CHECK(rig.arm_requests("DELETE", "/serverTrustCertificates/" + next) == 1);
  CHECK(rig.statements("DROP CERTIFICATE [" + installed + "]").size() == 1);
}

TEST_CASE("remove-trust keeps the rotated trust while another link still uses it", "[rotation][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  linkrig::link(rig, {"sales", "hr"});
  auto rotated = rig.run("rotate-certificates.json", {"--set", "force=true", "--yes"});
  REQUIRE(rotated.exit_code == 0);
  const std::string next = "Cert_sqlbox1_endpoint_" + today_compact();
  REQUIRE(trust_names(rig) == std::vector<std::string>{next});

  auto r = rig.run("remove-link.json",
                   {"--set", "database=sales", "--set", "drop_trust_certificate=true", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Rig::statuses(r.out)["trust"] == "ok");
  CHECK(Rig::reason_of(r.out, "trust").find("trust certificate \"" + next + "\" on instance mi1 is kept: "
                                            "distributed availability group [DAG_hr] and link DAG_hr still use it") !=
        std::string::npos);
  CHECK(trust_names(rig) == std::vector<std::string>{next});
}
