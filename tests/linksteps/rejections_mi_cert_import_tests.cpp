// mi-cert-import's refusals, word for word with milink's exit code: a public
// key that is not hex, a serverTrustCertificate of that name holding another
// key, a certificate named after the instance FQDN on SQL Server that is not
// the instance's current one, trust_azure_roots yes without
// sp_certificate_add_issuer; and the pass where the instance already trusts
// the same key under another name (nothing uploaded).
#include "rejections_rig.hpp"

#include "state/x509.hpp"

#include <catch2/catch.hpp>

using milink::sdk::Object;
using milink::sdk::Value;
using rejections::check_refused;
using rejections::check_refused_before_run;
using rejections::kInstanceFqdn;
using rejections::kStep;
using rejections::one_step;

namespace {

Value import_step(const std::string& public_key, Object extra = {}) {
  Object with{{"certificate_name", Value("Cert_sqlbox1_endpoint")},
              {"public_key", Value(public_key)},
              {"instance_fqdn", Value("${{ config.managed_instance.fqdn }}")},
              {"trust_azure_roots", Value("no")}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("mi-cert-import", with);
}

/// Puts a serverTrustCertificate on the managed instance, as an earlier PUT would have.
void add_trust_certificate(linksteps::EmulatorRig& rig, const std::string& name, const std::vector<std::uint8_t>& der) {
  auto info = milink::emulator::parse_certificate_der(der);
  REQUIRE(info.has_value());
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  milink::emulator::ServerTrustCertificate c;
  c.name = name;
  c.der = der;
  c.thumbprint = rejections::hex(info->sha1).substr(2);
  world.azure.server_trust_certificates.push_back(c);
}

std::size_t trust_certificates(linksteps::EmulatorRig& rig) {
  auto lock = rig.emulator.world().lock();
  return rig.emulator.world().azure.server_trust_certificates.size();
}

}  // namespace

TEST_CASE("linksteps: rejections: mi-cert-import refuses a public key that is not hex", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (const char* bad : {"not-hex", "0x3082ZZ", "0x308", "0x", "-----BEGIN CERTIFICATE-----"}) {
    INFO(bad);
    check_refused_before_run(offline.run(import_step(bad)), "mi-cert-import",
                  "parameter \"public_key\": the public key is not hex (expected 0x3082..., CERTENCODED of the "
                  "certificate)");
  }
}

TEST_CASE("linksteps: rejections: mi-cert-import refuses an empty certificate name and instance FQDN",
          "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(import_step("0x3082", Object{{"certificate_name", Value("")}})), "mi-cert-import",
                "parameter \"certificate_name\": the name is empty");
  check_refused_before_run(offline.run(import_step("0x3082", Object{{"instance_fqdn", Value("")}})), "mi-cert-import",
                "parameter \"instance_fqdn\": the name is empty");
}

TEST_CASE("linksteps: rejections: mi-cert-import refuses a trust certificate of that name holding another key",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig("{}");
  add_trust_certificate(rig, "Cert_sqlbox1_endpoint", rejections::certificate_der("a stale certificate"));
  const auto ours = rejections::certificate_der("Cert_sqlbox1_endpoint");
  const auto before = rig.sql_server_statements().size();

  auto r = rejections::run(rig, import_step(rejections::hex(ours)));
  check_refused(r,
                "observe: the managed instance already has a server trust certificate named \"Cert_sqlbox1_endpoint\" "
                "holding another public key; delete it (DELETE .../serverTrustCertificates/Cert_sqlbox1_endpoint) if "
                "it is stale, or set trust_certificate_name to another name");
  CHECK(rejections::azure_requests(rig, "PUT", "/serverTrustCertificates/").empty());
  CHECK(rejections::changes(rig, before).empty());
  CHECK(trust_certificates(rig) == 1);

  // The remedy the message gives works: another trust certificate name.
  auto renamed = rejections::run(rig, import_step(rejections::hex(ours), Object{{"trust_certificate_name",
                                                                                 Value("Cert_sqlbox1_endpoint_2")}}));
  CHECK(renamed.exit_code() == 0);
  CHECK(renamed.events.status(kStep) == "changed");
  CHECK(renamed.events.output(kStep, "trust_certificate_name") == "Cert_sqlbox1_endpoint_2");
  CHECK(rejections::azure_requests(rig, "PUT", "/serverTrustCertificates/Cert_sqlbox1_endpoint_2").size() == 1);
  CHECK(trust_certificates(rig) == 2);
}

TEST_CASE("linksteps: rejections: mi-cert-import refuses an instance certificate on SQL Server that is not the current one",
          "[linksteps][rejections]") {
  // SQL Server holds a certificate named after the instance FQDN, but not the
  // instance's endpoint certificate (Azure rotated it since).
  const std::string stale = rejections::hex(rejections::certificate_der(kInstanceFqdn));
  linksteps::EmulatorRig rig(std::string(R"({"sql_server": {"init_sql": ["CREATE CERTIFICATE [)") + kInstanceFqdn +
                             "] FROM BINARY = " + stale + R"("]}})");
  const auto before = rig.sql_server_statements().size();
  const std::string reason = std::string("observe: SQL Server has a certificate [") + kInstanceFqdn +
                             "] that is not the managed instance's current endpoint certificate (it was rotated); "
                             "run the rotate-certificates workflow (milink run rotate-certificates), which installs "
                             "the current one and drops the old one once the links use it";
  const std::string key = rejections::hex(rejections::certificate_der("Cert_sqlbox1_endpoint"));
  // Read through ARM (the default), then with T-SQL on the instance: the same refusal.
  check_refused(rejections::run(rig, import_step(key)), reason);
  CHECK(rejections::azure_requests(rig, "GET", "/endpointCertificates/DATABASE_MIRRORING").size() == 1);
  check_refused(rejections::run(rig, import_step(key, Object{{"instance_certificate_source", Value("tsql")}})), reason);
  CHECK(rejections::azure_requests(rig, "GET", "/endpointCertificates/DATABASE_MIRRORING").size() == 1);
  // Refused before the upload: nothing changed on either side.
  CHECK(rejections::azure_requests(rig, "PUT", "/").empty());
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: mi-cert-import refuses trust_azure_roots yes without sp_certificate_add_issuer",
          "[linksteps][rejections]") {
  // SQL Server 2017 CU31 without the Azure Connect pack: no sp_certificate_add_issuer
  linksteps::EmulatorRig rig(R"({"sql_server": {"version": "14.0.3456.2"}})");
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, import_step(rejections::hex(rejections::certificate_der("Cert_sqlbox1_endpoint")),
                                            Object{{"trust_azure_roots", Value("yes")}}));
  check_refused(r,
                "observe: trust_azure_roots is yes but SQL Server has no sp_certificate_add_issuer (SQL Server 2019 "
                "CU20 15.0.4312.2 or later, 2022 and 2025 have it, and 2016 SP3 / 2017 CU31 with the Azure Connect "
                "feature pack); update SQL Server or install the pack, or set trust_azure_roots: auto");
  CHECK(rejections::azure_requests(rig, "PUT", "/").empty());
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: mi-cert-import passes when the instance trusts the same key under another name",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig("{}");
  const auto ours = rejections::certificate_der("Cert_sqlbox1_endpoint");
  add_trust_certificate(rig, "sqlbox1-from-portal", ours);
  {
    // SQL Server already holds the instance's current endpoint certificate under its FQDN.
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    REQUIRE(world.managed_instance.endpoint_certificate.has_value());
    auto& master = world.sql_server.master();
    milink::emulator::Certificate c;
    c.name = kInstanceFqdn;
    c.certificate_id = master.next_certificate_id++;
    c.x509 = world.managed_instance.endpoint_certificate->x509;
    c.subject = c.x509.subject_cn;
    c.issuer_name = c.x509.issuer_cn;
    c.protection = milink::emulator::PrivateKeyProtection::None;
    master.certificates.push_back(c);
  }
  const auto before = rig.sql_server_statements().size();
  // The key as lower-case hex without 0x: the step compares normalized blobs.
  std::string key = rejections::hex(ours).substr(2);
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

  auto r = rejections::run(rig, import_step(key));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "ok");
  CHECK(r.events.reason(kStep) == "trust established both ways (the instance trusts it as \"sqlbox1-from-portal\")");
  CHECK(r.events.output(kStep, "trust_certificate_name") == "sqlbox1-from-portal");
  CHECK(r.events.output(kStep, "instance_certificate_name") == kInstanceFqdn);
  // Nothing uploaded, nothing created.
  CHECK(rejections::azure_requests(rig, "PUT", "/").empty());
  CHECK(rejections::changes(rig, before).empty());
  CHECK(trust_certificates(rig) == 1);
}

TEST_CASE("linksteps: rejections: mi-cert-import passes on the key trusted under another name whatever the listing order",
          "[linksteps][rejections]") {
  // The instance lists a stale certificate named like ours before the one
  // holding our key: the key is trusted, so the stale one does not matter.
  linksteps::EmulatorRig rig("{}");
  const auto ours = rejections::certificate_der("Cert_sqlbox1_endpoint");
  add_trust_certificate(rig, "Cert_sqlbox1_endpoint", rejections::certificate_der("a stale certificate"));
  add_trust_certificate(rig, "sqlbox1-from-portal", ours);
  auto r = rejections::run(rig, import_step(rejections::hex(ours)));
  CHECK(r.events.output(kStep, "trust_certificate_name") == "sqlbox1-from-portal");
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "changed");  // only the instance's certificate was missing on SQL Server
  CHECK(rejections::azure_requests(rig, "PUT", "/serverTrustCertificates/").empty());
  CHECK(trust_certificates(rig) == 2);
}

TEST_CASE("linksteps: rejections: mi-cert-import with trust_azure_roots auto warns on SQL Server 2019 before CU20",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(R"({"sql_server": {"version": "15.0.4198.2"}})");  // 2019 CU15
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, import_step(rejections::hex(rejections::certificate_der("Cert_sqlbox1_endpoint")),
                                            Object{{"trust_azure_roots", Value("auto")}}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "changed");
  // Once: observe() warns, apply() does not repeat it.
  CHECK(rejections::logged(r, "warning") ==
        std::vector<std::string>{"SQL Server has no sp_certificate_add_issuer (no Azure Connect feature pack, or 2019 "
                                 "before CU20): Azure's root CAs are not trusted; the link relies on the instance's own certificate, which must be "
                                 "re-imported when Azure rotates it"});
  // The instance's certificate was installed; no root CA was.
  auto created = rejections::changes(rig, before);
  REQUIRE(created.size() == 1);
  CHECK(created[0].rfind(std::string("CREATE CERTIFICATE [") + kInstanceFqdn + "]", 0) == 0);
  CHECK(rejections::azure_requests(rig, "PUT", "/serverTrustCertificates/Cert_sqlbox1_endpoint").size() == 1);
}
