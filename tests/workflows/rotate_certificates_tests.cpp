// workflows/rotate-certificates.json end to end against the emulator, through
// the real milink binary: SQL Server's endpoint certificate that nears expiry
// rotated while the link keeps replicating (the emulator counts every drop of
// a connected link: none), a certificate not yet due left alone, a rotation
// stopped part-way taken up again, the instance's certificate rotated by
// Azure, the refusals that keep the links' certificates trusted; and
// replicate-database keeping an existing certificate-based endpoint as it is.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

using linkrig::date_in;
using linkrig::Rig;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

const char* kInstanceCert = "mi1.abc123def456.database.windows.net";

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

bool trusted_as(Rig& rig, const std::string& name) {
  auto lock = rig.emulator.world().lock();
  return rig.emulator.world().azure.find_trust_certificate(name) != nullptr;
}

std::size_t trust_count(Rig& rig) {
  auto lock = rig.emulator.world().lock();
  return rig.emulator.world().azure.server_trust_certificates.size();
}

std::string endpoint_certificate(Rig& rig) {
  auto lock = rig.emulator.world().lock();
  const auto* ep = rig.emulator.world().sql_server.mirroring_endpoint();
  return ep ? ep->certificate_name : std::string();
}

/// sales linked with an endpoint certificate that expires in \p days, a workload writing to it.
void linked_with_expiry(Rig& rig, int days) {
  rig.set_input("certificate_expiry", Value(date_in(days)));
  linkrig::link(rig, {"sales"});
  REQUIRE(rig.emulator.links().set_workload(milink::emulator::Personality::SqlServer, "sales", 1024.0 * 1024.0));
}

}  // namespace

TEST_CASE("rotate-certificates rotates SQL Server's certificate that nears expiry while the link keeps running",
          "[workflows][rotation]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 10);
  REQUIRE(endpoint_certificate(rig) == "Cert_sqlbox1_endpoint");
  REQUIRE(linkrig::link_now(rig, "sales").disconnections == 0);
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(0, true);

  auto r = rig.run("rotate-certificates.json", {"--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["instance"] == "ok");
  CHECK(st["rotate"] == "changed");
  CHECK(st["trust"] == "changed");
  CHECK(st["switch"] == "changed");
  CHECK(st["connected"] == "ok");
  CHECK(st["retire"] == "changed");
  CHECK(Rig::reason_of(r.out, "rotate").find("certificate [Cert_sqlbox1_endpoint] expires on " + date_in(10) +
                                             " (in 10 days), within threshold_days 30; creating [" + next + "]") !=
        std::string::npos);

  // The endpoint uses the new certificate, the instance trusts it, the old one and its trust are gone.
  CHECK(endpoint_certificate(rig) == next);
  CHECK(trusted_as(rig, next));
  CHECK_FALSE(trusted_as(rig, "Cert_sqlbox1_endpoint"));
  CHECK(trust_count(rig) == 1);
  auto certs = rig.certificates();
  CHECK(has(certs, next));
  CHECK_FALSE(has(certs, "Cert_sqlbox1_endpoint"));
  CHECK(has(certs, kInstanceCert));
  // Only the authentication changed: LISTENER_IP, port and encryption as they were.
  auto alters = rig.statements("ALTER ENDPOINT");
  REQUIRE(alters.size() == 1);
  CHECK(alters[0] == "ALTER ENDPOINT [database_mirroring_endpoint]\n    FOR DATABASE_MIRRORING (\n        AUTHENTICATION = "
                     "CERTIFICATE [" + next + "]\n    )");
  // In order: the new certificate, then the switch, then the old one dropped.
  auto creates = rig.statements("CREATE CERTIFICATE [" + next + "]");
  auto drops = rig.statements("DROP CERTIFICATE [Cert_sqlbox1_endpoint]");
  CHECK(creates.size() == 1);
  CHECK(drops.size() == 1);
  CHECK(rig.arm_requests("PUT", "/serverTrustCertificates/" + next) == 1);
  CHECK(rig.arm_requests("DELETE", "/serverTrustCertificates/Cert_sqlbox1_endpoint") == 1);

  // The link never dropped: at every statement and request the instance trusted the endpoint's certificate.
  auto link = linkrig::link_now(rig, "sales");
  CHECK(link.disconnections == 0);
  REQUIRE(!link.databases.empty());
  CHECK(link.databases[0].connected_state == "CONNECTED");
  linkrig::wait_healthy(rig, {"sales"});

  // A second run changes nothing: the new certificate is not due.
  auto again = rig.run("rotate-certificates.json", {"--yes"});
  REQUIRE(again.exit_code == 0);
  for (const auto& [step, status] : Rig::statuses(again.out)) CHECK(status == "ok");
  CHECK(Rig::reason_of(again.out, "rotate").find("its rotation is due from " + date_in(365 - 30)) != std::string::npos);
  CHECK(rig.statements("ALTER ENDPOINT").size() == 1);
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);
}

TEST_CASE("rotate-certificates leaves a certificate that is not due alone, and force rotates it once a day",
          "[workflows][rotation]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 200);
  auto r = rig.run("rotate-certificates.json", {"--yes"});
  REQUIRE(r.exit_code == 0);
  for (const auto& [step, status] : Rig::statuses(r.out)) CHECK(status == "ok");
  CHECK(Rig::reason_of(r.out, "rotate") ==
        "certificate [Cert_sqlbox1_endpoint] expires on " + date_in(200) + " (in 200 days); its rotation is due from " +
            date_in(170) + " (threshold_days 30)");
  CHECK(endpoint_certificate(rig) == "Cert_sqlbox1_endpoint");

  auto forced = rig.run("rotate-certificates.json", {"--set", "force=true", "--yes"});
  INFO(forced.out << forced.err);
  REQUIRE(forced.exit_code == 0);
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(0, true);
  CHECK(endpoint_certificate(rig) == next);
  CHECK_FALSE(has(rig.certificates(), "Cert_sqlbox1_endpoint"));
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);

  auto twice = rig.run("rotate-certificates.json", {"--set", "force=true", "--yes"});
  REQUIRE(twice.exit_code == 0);
  CHECK(Rig::statuses(twice.out)["rotate"] == "ok");
  CHECK(Rig::reason_of(twice.out, "rotate") ==
        "[" + next + "] was created by today's rotation; force rotates at most once a day");
  CHECK(endpoint_certificate(rig) == next);
}

TEST_CASE("rotate-certificates takes up a rotation stopped part-way", "[workflows][rotation]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 5);
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(0, true);
  // A run stopped after creating the certificate and uploading its trust, before the switch: only the
  // certificate and trust steps of the workflow, as a workflow of its own.
  auto wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/rotate-certificates.json"),
                                    "rotate-certificates.json");
  Array steps;
  for (const auto& s : wf.get("steps")->as_array())
    if (s.get("id")->as_string() == "rotate" || s.get("id")->as_string() == "trust") steps.push_back(s);
  wf.mutable_object().set("steps", Value(steps));
  testsupport::write_file(rig.dir / "partial.json", wf.to_json());
  auto part = rig.run((rig.dir / "partial.json").string(), {"--yes"});
  INFO(part.out << part.err);
  REQUIRE(part.exit_code == 0);
  REQUIRE(trusted_as(rig, next));
  REQUIRE(endpoint_certificate(rig) == "Cert_sqlbox1_endpoint");

  auto r = rig.run("rotate-certificates.json", {"--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["rotate"] == "ok");
  CHECK(Rig::reason_of(r.out, "rotate") ==
        "rotation under way: [" + next + "] exists, the endpoint still uses [Cert_sqlbox1_endpoint]");
  CHECK(st["trust"] == "ok");
  CHECK(st["switch"] == "changed");
  CHECK(st["retire"] == "changed");
  CHECK(rig.statements("CREATE CERTIFICATE [" + next + "]").size() == 1);
  CHECK(endpoint_certificate(rig) == next);
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);
}

TEST_CASE("endpoint-certificate-switch refuses a certificate the instance does not trust", "[workflows][rotation]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 5);
  // rotate then switch, without the trust step in between.
  auto wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/rotate-certificates.json"),
                                    "rotate-certificates.json");
  Array steps;
  for (const auto& s : wf.get("steps")->as_array())
    if (s.get("id")->as_string() == "rotate" || s.get("id")->as_string() == "switch") steps.push_back(s);
  wf.mutable_object().set("steps", Value(steps));
  testsupport::write_file(rig.dir / "no-trust.json", wf.to_json());
  auto r = rig.run((rig.dir / "no-trust.json").string(), {"--yes"});
  CHECK(r.exit_code != 0);
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(0, true);
  CHECK(r.out.find("the managed instance does not trust certificate [" + next +
                   "] (no serverTrustCertificate holds its public key); switching the endpoint to it now would "
                   "disconnect the links. Upload it first (the mi-cert-import step of rotate-certificates)") !=
        std::string::npos);
  CHECK(endpoint_certificate(rig) == "Cert_sqlbox1_endpoint");
  CHECK(rig.statements("ALTER ENDPOINT").empty());
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);
}

TEST_CASE("rotate-certificates installs the instance's rotated certificate and drops the old one once the link connects",
          "[workflows][rotation]") {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 200);
  {
    // Azure rotates the instance's endpoint certificate: SQL Server does not hold the new one.
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    world.rotate_instance_certificate(365);
  }
  const std::string installed = std::string(kInstanceCert) + "_" + date_in(0, true);
  auto r = rig.run("rotate-certificates.json", {"--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["instance"] == "changed");
  CHECK(st["rotate"] == "ok");
  CHECK(st["trust"] == "ok");
  CHECK(st["retire"] == "changed");
  auto certs = rig.certificates();
  CHECK(has(certs, installed));
  CHECK_FALSE(has(certs, kInstanceCert));
  CHECK(rig.statements("DROP CERTIFICATE [" + std::string(kInstanceCert) + "]").size() == 1);
  linkrig::wait_healthy(rig, {"sales"});
  CHECK(linkrig::link_now(rig, "sales").databases[0].connected_state == "CONNECTED");

  // Again: nothing to do; replicate-database accepts the instance's certificate under its new name.
  auto again = rig.run("rotate-certificates.json", {"--yes"});
  REQUIRE(again.exit_code == 0);
  for (const auto& [step, status] : Rig::statuses(again.out)) CHECK(status == "ok");
  auto create = rig.run("replicate-database.json");
  INFO(create.out << create.err);
  REQUIRE(create.exit_code == 0);
  CHECK(Rig::statuses(create.out)["trust"] == "ok");
}

TEST_CASE("replicate-database keeps an existing certificate-based endpoint as it is", "[workflows][rotation]") {
  Value scenario = milink::sdk::parse_json(linkrig::scenario_with({"sales"}), "scenario");
  Value& sql = *scenario.mutable_object().find("sql_server");
  sql.mutable_object().set("master_key", Value(true));
  sql.mutable_object().set(
      "init_sql",
      Value(Array{Value("CREATE CERTIFICATE [Hadr_cert] WITH SUBJECT = 'the AG estate', EXPIRY_DATE = '20400101'"),
                  Value("CREATE ENDPOINT [Hadr_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = "
                        "(127.0.0.1)) FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = CERTIFICATE [Hadr_cert], "
                        "ENCRYPTION = REQUIRED ALGORITHM AES)")}));
  Rig rig(scenario.to_json());
  rig.set_input("existing_endpoint", Value("alter"));
  linkrig::link(rig, {"sales"});
  auto certs = rig.certificates();
  CHECK(has(certs, "Hadr_cert"));
  CHECK_FALSE(has(certs, "Cert_sqlbox1_endpoint"));  // milink created none
  CHECK(rig.statements("ALTER ENDPOINT").empty());
  CHECK(rig.statements("CREATE ENDPOINT [database_mirroring_endpoint]").empty());
  CHECK(trusted_as(rig, "Hadr_cert"));  // the endpoint's certificate is the one the instance trusts
  CHECK(trust_count(rig) == 1);
  {
    auto lock = rig.emulator.world().lock();
    const auto* ep = rig.emulator.world().sql_server.mirroring_endpoint();
    REQUIRE(ep != nullptr);
    CHECK(ep->certificate_name == "Hadr_cert");
    CHECK(ep->listener_ip == "127.0.0.1");
  }
}

namespace {

/// A rotation of SQL Server's certificate (due in 5 days) run slowly, killed
/// with SIGKILL once \p boundary steps have ended, then resumed: the same end
/// state as a clean run, the certificate created once, the link never dropped.
void rotation_killed_and_resumed(int boundary) {
  Rig rig(linkrig::scenario_with({"sales"}));
  linked_with_expiry(rig, 5);
  const std::string next = "Cert_sqlbox1_endpoint_" + date_in(0, true);
  rig.emulator.faults().set("sql:latency=60,arm:latency=60");
  const int linked = rig.finished_steps();  // the link's own run is under state/runs too
  pid_t pid = rig.spawn("rotate-certificates.json", {"--yes"}, "first");
  REQUIRE(pid > 0);
  bool reached = testsupport::eventually([&] { return rig.finished_steps() >= linked + boundary; }, 60000);
  ::kill(pid, SIGKILL);
  int code = testsupport::wait_for(pid);
  REQUIRE(reached);
  INFO("killed after " << boundary << " steps; exit " << code);
  rig.emulator.faults().set("");

  auto r = rig.run("rotate-certificates.json", {"--resume", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(endpoint_certificate(rig) == next);
  CHECK(trusted_as(rig, next));
  CHECK(trust_count(rig) == 1);
  CHECK_FALSE(has(rig.certificates(), "Cert_sqlbox1_endpoint"));
  CHECK(rig.statements("CREATE CERTIFICATE [" + next + "]").size() == 1);
  CHECK(linkrig::link_now(rig, "sales").disconnections == 0);
  auto again = rig.run("rotate-certificates.json", {"--yes"});
  REQUIRE(again.exit_code == 0);
  for (const auto& [step, status] : Rig::statuses(again.out)) CHECK(status == "ok");
}

}  // namespace

TEST_CASE("rotate-certificates: kill -9 after the instance step then resume", "[workflows][rotation][resume]") {
  rotation_killed_and_resumed(1);
}
TEST_CASE("rotate-certificates: kill -9 after the new certificate then resume", "[workflows][rotation][resume]") {
  rotation_killed_and_resumed(2);
}
TEST_CASE("rotate-certificates: kill -9 after the trust then resume", "[workflows][rotation][resume]") {
  rotation_killed_and_resumed(3);
}
TEST_CASE("rotate-certificates: kill -9 after the switch then resume", "[workflows][rotation][resume]") {
  rotation_killed_and_resumed(4);
}
TEST_CASE("rotate-certificates: kill -9 after the wait then resume", "[workflows][rotation][resume]") {
  rotation_killed_and_resumed(5);
}
