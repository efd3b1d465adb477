// The HTTPS listeners: the emulator CA, the server certificate, TLS 1.2+,
// the plain-HTTP managed-identity listener, the request log, and the
// contract the ARM routes are checked against.
#include "armemu_support.hpp"

#include "arm/contract/contract.hpp"
#include "http/tls_material.hpp"
#include "state/x509.hpp"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>

#include <algorithm>
#include <fstream>

using namespace armemu;
using milink::emulator::arm::Contract;

TEST_CASE("the ARM and Entra listeners serve HTTPS with a certificate from the emulator CA", "[armemu][tls]") {
  Env& e = env();
  // The CA file holds the world's root CA, which issued the server certificate.
  std::string pem = testsupport::read_file(e.ca_file);
  REQUIRE(pem.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  CHECK(pem == e.azure->ca_pem());
  auto ca = milink::emulator::parse_certificate_der(pem_certificate_der(pem));
  REQUIRE(ca);
  CHECK(ca->subject_cn == "milink emulator root CA");
  CHECK(ca->key_bits == 2048);

  // Verified (VERIFY_STRICT, host name checked) against 127.0.0.1 and localhost.
  Reply r = https(e.azure->arm_port(), "GET", e.mi_path() + "?api-version=2025-01-01",
                  {}, {{"Authorization", "Bearer " + e.token}}, e.ca_file, "127.0.0.1");
  CHECK(r.status == 200);
  r = https(e.azure->arm_port(), "GET", e.mi_path() + "?api-version=2025-01-01", {},
            {{"Authorization", "Bearer " + e.token}}, e.ca_file, "localhost");
  CHECK(r.status == 200);
  r = https(e.azure->identity_port(), "GET", "/" + e.azure->tenant_id() + "/discovery/v2.0/keys", {}, {}, e.ca_file);
  CHECK(r.status == 200);
  CHECK(r.json().get("keys")->as_array().size() == 1);

  // The server certificate's names: localhost, 127.0.0.1 and ::1.
  auto tls = milink::emulator::http::issue_server_certificate(e.world.root_ca, {"localhost"}, {"127.0.0.1", "::1"});
  auto info = milink::emulator::parse_certificate_der(tls.certificate_der);
  REQUIRE(info);
  CHECK(info->dns_names == std::vector<std::string>{"localhost"});
  CHECK(milink::emulator::certificate_signed_by(tls.certificate_der, e.world.root_ca.info.der));
}

TEST_CASE("a client that does not trust the emulator CA fails verification", "[armemu][tls]") {
  Env& e = env();
  CHECK_THROWS_AS(https(e.azure->arm_port(), "GET", e.mi_path() + "?api-version=2025-01-01", {},
                        {{"Authorization", "Bearer " + e.token}}, /*ca_file=*/""),
                  Poco::Exception);
  // A CA file with some other CA does not help either.
  auto other = make_cert("not the emulator CA");
  std::string other_file = (e.dir / "other-ca.pem").string();
  testsupport::write_file(other_file, other.certificate_pem);
  CHECK_THROWS_AS(https(e.azure->identity_port(), "GET", "/" + e.azure->tenant_id() + "/discovery/v2.0/keys", {}, {},
                        other_file),
                  Poco::Exception);
  // The listener is still fine afterwards.
  CHECK(https(e.azure->identity_port(), "GET", "/" + e.azure->tenant_id() + "/discovery/v2.0/keys", {}, {}, e.ca_file)
            .status == 200);
}

TEST_CASE("the managed-identity listener is plain HTTP and every listener logs without secrets", "[armemu][tls]") {
  Env& e = env();
  CHECK(e.azure->arm_port() != e.azure->identity_port());
  CHECK(e.azure->imds_endpoint() ==
        "http://127.0.0.1:" + std::to_string(e.azure->managed_identity_port()) + "/metadata/identity/oauth2/token");
  Reply r = http(e.azure->managed_identity_port(), "GET",
                 "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F",
                 {{"Metadata", "true"}});
  REQUIRE(r.status == 200);
  std::string access_token = r.json().get("access_token")->as_string();

  auto sp = e.azure->register_service_principal();
  Reply t = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"scope", "https://management.azure.com/.default"}});
  REQUIRE(t.status == 200);
  Reply a = e.arm("GET", e.mi_path(), "2025-01-01");
  REQUIRE(a.status == 200);

  auto log = e.azure->request_log();
  REQUIRE(log.size() >= 3);
  bool saw_arm = false, saw_entra = false, saw_identity = false;
  std::string everything;
  for (const auto& entry : log) {
    everything += entry.server + " " + entry.method + " " + entry.path + " " + std::to_string(entry.status) + " " +
                  entry.request_id + "\n";
    if (entry.request_id == a.header("x-ms-request-id")) {
      saw_arm = true;
      CHECK(entry.server == "arm");
      CHECK(entry.path == e.mi_path());
      CHECK(entry.method == "GET");
      CHECK(entry.status == 200);
    }
    if (entry.server == "entra" && entry.status == 200) saw_entra = true;
    if (entry.server == "managed-identity" && entry.status == 200) saw_identity = true;
  }
  CHECK(saw_arm);
  CHECK(saw_entra);
  CHECK(saw_identity);
  CHECK(everything.find(sp.client_secret) == std::string::npos);
  CHECK(everything.find(access_token) == std::string::npos);
  CHECK(everything.find(e.token) == std::string::npos);
  CHECK(everything.find("api-version") == std::string::npos);  // paths only, no query strings
}

TEST_CASE("the contract: versions per resource type, operations and the RP's error catalogue", "[armemu][contract]") {
  const Contract& c = milink::emulator::arm::arm_contract();
  auto dags = c.versions_for_type("managedInstances/distributedAvailabilityGroups");
  REQUIRE(dags.size() == 18);
  CHECK(dags.front() == "2021-05-01-preview");
  CHECK(dags.back() == "2026-08-01-preview");
  CHECK(c.versions_for_type("managedInstances/serverTrustCertificates") == dags);
  auto endpoints = c.versions_for_type("managedInstances/endpointCertificates");
  CHECK(endpoints.size() == 16);
  CHECK(endpoints.front() == "2021-11-01");
  CHECK(c.versions_for_type("managedInstances") == c.versions());
  auto failover = c.versions_for_operation("DistributedAvailabilityGroups_Failover");
  CHECK(failover.front() == "2023-08-01");
  CHECK(std::find(failover.begin(), failover.end(), "2023-05-01-preview") == failover.end());
  auto setrole_versions = c.versions_for_operation("DistributedAvailabilityGroups_SetRole");
  CHECK(setrole_versions.front() == "2022-05-01-preview");
  auto* put = c.find("DistributedAvailabilityGroups_CreateOrUpdate", "2021-05-01-preview");
  REQUIRE(put);
  CHECK(put->long_running);
  REQUIRE(c.body_schema(*put));
  CHECK(c.body_schema(*put)->name == "DistributedAvailabilityGroup");
  auto* mixed = c.find("DistributedAvailabilityGroups_CreateOrUpdate", "2023-02-01-preview");
  REQUIRE(mixed);
  CHECK(c.body_schema(*mixed)->name == "DistributedAvailabilityGroupsCreateOrUpdateRequestBody");
  auto* setrole = c.find("DistributedAvailabilityGroups_SetRole", "2025-01-01");
  REQUIRE(setrole);
  CHECK(setrole->action == "setRole");
  CHECK(c.body_schema(*setrole)->name == "DistributedAvailabilityGroupSetRole");
  auto blob = c.error("InvalidPublicBlob");
  REQUIRE(blob);
  CHECK(blob->status == 400);
  CHECK(blob->message == "Invalid public blob specified, reason: '{0}'.");
  auto dup = c.error("CertificateAlreadyExists");
  REQUIRE(dup);
  CHECK(dup->message ==
        "A certificate with a given name already exists or this certificate already has been added to the database.");
  CHECK(c.documents("DistributedAvailabilityGroupFailoverInvalidInstanceRole", "2025-08-01-preview"));
  CHECK_FALSE(c.documents("DistributedAvailabilityGroupFailoverInvalidInstanceRole", "2025-01-01"));
  CHECK_FALSE(c.error("NoSuchCode"));
}
