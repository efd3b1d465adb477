// The emulator held to third-party clients: tedious and mssql (Node.js)
// against its SQL Server over TDS, asserting what a real SQL Server does
// (tds_clients.js holds the checks); Microsoft's JavaScript SDK
// (@azure/identity, @azure/arm-sql) against its Entra ID and ARM (azure_sdk.js).
#include "app/emulator.hpp"
#include "arm/arm_service.hpp"
#include "http/encoding.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// Node.js and the pinned packages, or a skip (exit 77, CTest's SKIP_RETURN_CODE)
/// with the reason; with MILINK_REQUIRE_INTEROP=1 (CI) a missing piece fails.
std::string node_or_skip() {
  const std::string node = MILINK_NODE;
  const fs::path modules = fs::path(MILINK_INTEROP_DIR) / "node_modules";
  std::string missing;
  if (node.empty() || !fs::exists(node))
    missing = "Node.js (node) was not found when CMake configured; install it (apt-get install nodejs npm) and "
              "reconfigure";
  else if (!fs::exists(modules / "tedious") || !fs::exists(modules / "mssql") ||
           !fs::exists(modules / "@azure/identity") || !fs::exists(modules / "@azure/arm-sql"))
    missing = "the pinned npm packages are not installed; run `npm ci` in " + std::string(MILINK_INTEROP_DIR) +
              " (bash .ci/setup does)";
  if (missing.empty()) return node;
  const char* require = std::getenv("MILINK_REQUIRE_INTEROP");
  if (require && std::string(require) == "1") FAIL("interop tests required (MILINK_REQUIRE_INTEROP=1), but " << missing);
  std::cerr << "interop_tests: SKIPPED: " << missing << "\n";
  std::exit(77);
}

}  // namespace

TEST_CASE("tedious and mssql against the emulator's SQL Server: row counts, named transactions and savepoints, "
          "cancel, reset, sql_variant, RAISERROR, THROW, cancelled WAITFOR DELAY, TLS with verification",
          "[interop][tds]") {
  const std::string node = node_or_skip();
  milink::emulator::EmulatorOptions options;
  // The second SQL request (after tedious's initial SET batch) is answered
  // 1.5 s late, so that the script's cancel reaches the server while it works.
  options.faults = "sql:latency=1500@2";
  milink::emulator::Emulator emulator(options);
  emulator.start();
  testsupport::TempDir dir;
  emulator.write_ca(dir / "ca.pem");
  auto r = testsupport::run({node, (fs::path(MILINK_INTEROP_DIR) / "tds_clients.js").string()}, dir.path(),
                            {{"MILINK_INTEROP_PORT", std::to_string(emulator.sql_port())},
                             {"MILINK_INTEROP_CA", (dir / "ca.pem").string()},
                             {"MILINK_INTEROP_PASSWORD", emulator.sa_password(milink::emulator::Personality::SqlServer)},
                             {"NODE_PATH", (fs::path(MILINK_INTEROP_DIR) / "node_modules").string()}});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  for (const char* name : {"cancel: the reply to the cancelled request, then the acknowledgement",
                           "row count: a one-row SELECT reports 1 row (one DONE per statement)",
                           "row count: mssql rowsAffected is [1] for a one-row SELECT",
                           "transactions: named BEGIN, SAVE, ROLLBACK to the savepoint, COMMIT",
                           "transactions: unnamed BEGIN and COMMIT, BEGIN and ROLLBACK",
                           "reset: database, SET options and open transactions return to the login state",
                           "SERVERPROPERTY is sql_variant; CAST gives the base type",
                           "parameters: every type milink binds round-trips through sp_executesql",
                           "multiple result sets: each its own columns and rows; mssql sees recordsets and "
                           "rowsAffected per statement",
                           "RAISERROR: severity 10 is an infoMessage, 16 an error numbered 50000",
                           "cancel during WAITFOR DELAY ends the request, and the session goes on",
                           "TLS: encrypt with verification against the emulator CA; no CA or another host name is "
                           "refused"}) {
    INFO(name);
    CHECK(r.out.find(std::string("PASS ") + name + "\n") != std::string::npos);
  }
  CHECK(r.exit_code == 0);
}

TEST_CASE("Microsoft's JavaScript SDK against the emulator's Entra ID and ARM: the instance, trust certificates and "
          "a link, with the SDK's own api-versions, pollers and retries, secret, certificate and managed identity",
          "[interop][azure]") {
  const std::string node = node_or_skip();
  namespace emu = milink::emulator;
  emu::EmulatorWorld world;
  emu::LinkSimulator links(world, emu::TimingProfile::fast());
  emu::FaultPlan faults;
  testsupport::TempDir dir;
  emu::AzureOptions options;
  options.key_dir = dir / "arc-tokens";
  // Links are judged here, not by the link simulator: there is no SQL Server side to link to.
  options.link_created = [](emu::LinkResource&) { return emu::LinkResult{true, 201, "", ""}; };
  options.link_outcome = [](const std::string&) -> std::optional<emu::LinkResult> { return emu::LinkResult{}; };
  emu::AzureEmulator azure(world, links, faults, options);
  azure.start();
  const fs::path ca = dir / "ca.pem";
  azure.write_ca(ca);
  emu::ServicePrincipalCredentials sp = azure.register_service_principal();
  emu::ServicePrincipalRequest with_certificate;
  with_certificate.with_secret = false;
  with_certificate.with_certificate = true;
  emu::ServicePrincipalCredentials cert_sp = azure.register_service_principal(with_certificate);
  std::string cert_hex;
  {
    auto lock = world.lock();
    cert_hex = emu::http::hex_upper(world.root_ca.info.der);
  }
  auto r = testsupport::run({node, (fs::path(MILINK_INTEROP_DIR) / "azure_sdk.js").string()}, dir.path(),
                            {{"MILINK_AZ_TENANT", sp.tenant_id},
                             {"MILINK_AZ_CLIENT_ID", sp.client_id},
                             {"MILINK_AZ_CLIENT_SECRET", sp.client_secret},
                             {"MILINK_AZ_AUTHORITY", azure.authority_host()},
                             {"MILINK_AZ_ARM", azure.arm_endpoint()},
                             {"MILINK_AZ_SUBSCRIPTION", azure.subscription_id()},
                             {"MILINK_AZ_RESOURCE_GROUP", azure.resource_group()},
                             {"MILINK_AZ_INSTANCE", azure.managed_instance_name()},
                             {"MILINK_AZ_CERT_HEX", cert_hex},
                             {"MILINK_AZ_CERT_CLIENT_ID", cert_sp.client_id},
                             {"MILINK_AZ_CERT_PEM", cert_sp.certificate_pem + cert_sp.private_key_pem},
                             {"IDENTITY_ENDPOINT", azure.app_service_endpoint()},
                             {"IDENTITY_HEADER", azure.app_service_secret()},
                             {"NODE_EXTRA_CA_CERTS", ca.string()},
                             {"NODE_PATH", (fs::path(MILINK_INTEROP_DIR) / "node_modules").string()}});
  azure.stop();
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  for (const char* name : {"managedInstances.get: the instance",
                           "serverTrustCertificates: create with the poller, get, list",
                           "serverTrustCertificates: a blob that is no certificate is InvalidPublicBlob",
                           "distributedAvailabilityGroups: create with the poller, get, list, delete",
                           "distributedAvailabilityGroups: an unknown member is InvalidRequestContent",
                           "distributedAvailabilityGroups: update (PATCH) replicationMode with the poller",
                           "retries: ARM answers 429 then 503 with Retry-After, and the SDK retries to success",
                           "retries: Entra ID answers 503 with Retry-After, and the credential retries to a token",
                           "ClientCertificateCredential: a certificate's signed assertion gets a token ARM accepts",
                           "ClientCertificateCredential: an assertion signed by another key is refused (AADSTS700027)",
                           "ManagedIdentityCredential (App Service): a token from IDENTITY_ENDPOINT that ARM accepts"}) {
    INFO(name);
    CHECK(r.out.find(std::string("PASS ") + name + "\n") != std::string::npos);
  }
  CHECK(r.exit_code == 0);
  // The SDK's requests reached ARM at its own api-versions.
  bool link_version = false;
  for (const auto& op : azure.arm().operations())
    if (op.family == "distributedAvailabilityGroups" && op.api_version == "2021-11-01-preview") link_version = true;
  CHECK(link_version);
  // The retries were the SDK's own: ARM answered the instance GET 429, then
  // 503, then 200; Entra ID answered a token request 503, then 200; the App
  // Service identity endpoint issued a token.
  std::vector<int> instance_gets, token_requests;
  bool app_service_token = false;
  for (const auto& e : azure.request_log()) {
    if (e.server == "arm" && e.method == "GET" && e.path.find("/managedInstances/") != std::string::npos &&
        e.path.find("/distributedAvailabilityGroups") == std::string::npos &&
        e.path.find("/serverTrustCertificates") == std::string::npos)
      instance_gets.push_back(e.status);
    if (e.server == "entra" && e.path.find("/oauth2/v2.0/token") != std::string::npos) token_requests.push_back(e.status);
    if (e.server == "managed-identity" && e.path == "/msi/token" && e.status == 200) app_service_token = true;
  }
  auto has_run = [](const std::vector<int>& statuses, const std::vector<int>& run) {
    return std::search(statuses.begin(), statuses.end(), run.begin(), run.end()) != statuses.end();
  };
  CHECK(has_run(instance_gets, {429, 503, 200}));
  CHECK(has_run(token_requests, {503, 200}));
  CHECK(app_service_token);
}
