// milink against the emulator's Azure side, as a user runs it: every
// credential provider gets a token from the emulated Entra ID / identity
// endpoints and ARM accepts it; a long-running PUT survives throttling and
// server errors; tokens never leak; an untrusted CA is refused with a fix.
#include "app/emulator.hpp"
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <Poco/Base64Decoder.h>

#include <catch2/catch.hpp>

#include <sstream>
#include <sys/stat.h>

using milink::sdk::Object;
using milink::sdk::Value;
using testsupport::read_file;
using testsupport::write_file;

namespace {

/// The DER bytes of the first certificate in a PEM file, as 0x-hex.
std::string pem_to_hex_der(const std::string& pem) {
  auto b = pem.find("-----BEGIN CERTIFICATE-----");
  auto e = pem.find("-----END CERTIFICATE-----");
  REQUIRE(b != std::string::npos);
  std::string body = pem.substr(b + 27, e - b - 27);
  std::istringstream in(body);
  Poco::Base64Decoder dec(in);
  std::vector<std::uint8_t> der((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
  return milink::sdk::to_hex_literal(der);
}

struct AzureRig {
  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  Value config;

  explicit AzureRig(const std::string& faults = "") : emulator(options(faults)) {
    emulator.start();
    emulator.write_config(dir / "milink.json");
    config = milink::sdk::parse_json(read_file(dir / "milink.json"));
    // One step: observe GETs a trust certificate (404 at first), apply PUTs it
    // and waits for the long-running operation.
    std::string path = "/subscriptions/" + emulator.azure().subscription_id() + "/resourceGroups/" +
                       emulator.azure().resource_group() + "/providers/Microsoft.Sql/managedInstances/" +
                       emulator.azure().managed_instance_name() + "/serverTrustCertificates/Cert_e2e";
    Value wf(Object{
        {"milink", Value(1)},
        {"name", Value("trust")},
        {"steps", Value(milink::sdk::Array{Value(Object{
                      {"id", Value("upload")},
                      {"uses", Value("armtest.put")},
                      {"with", Value(Object{{"path", Value(path)},
                                            {"api_version", Value("2025-01-01")},
                                            {"body", Value(Object{{"properties", Value(Object{{"publicBlob",
                                                                                  Value(pem_to_hex_der(read_file(
                                                                                      dir / "milink.json.ca.pem")))}})}})}})}})})}});
    write_file(dir / "wf.json", wf.to_pretty_json());
  }

  static milink::emulator::EmulatorOptions options(const std::string& faults) {
    milink::emulator::EmulatorOptions o;
    o.faults = faults;
    return o;
  }

  /// Uses provider instance \p name configured as \p provider (replacing azure.credential).
  void use_credential(const std::string& name, const Value& provider) {
    config.mutable_object().find("providers")->mutable_object().set(name, provider);
    config.mutable_object().find("azure")->mutable_object().set("credential", Value(name));
    write_file(dir / "milink.json", config.to_pretty_json());
  }

  testsupport::ProcessResult run(const std::map<std::string, std::string>& env = {}) {
    auto r = testsupport::run({testsupport::milink_binary().string(), "run", "wf.json", "-c", "milink.json",
                               "--output", "json", "--plugin-path", MILINK_ARMTEST_PLUGIN_DIR},
                              dir.path(), env);
    UNSCOPED_INFO("exit " << r.exit_code << "\n" << r.out << "\n" << r.err);
    return r;
  }

  /// The run changed something and the trust certificate now exists in
  /// the emulated Azure: the PUT and its long-running operation went through.
  bool uploaded(const testsupport::ProcessResult& r) {
    auto lock = emulator.world().lock();
    return r.exit_code == 0 && r.out.find("\"status\":\"changed\"") != std::string::npos &&
           emulator.world().azure.find_trust_certificate("Cert_e2e") != nullptr;
  }

  /// Everything milink wrote: output and the run journals.
  std::string everything(const testsupport::ProcessResult& r) {
    return r.out + r.err + testsupport::read_tree(dir / ".milink");
  }
};

}  // namespace

TEST_CASE("client-secret and client-certificate get tokens from the emulated Entra ID", "[azure]") {
  AzureRig rig;
  SECTION("client secret (the config's default credential)") {
    auto r = rig.run();
    CHECK(rig.uploaded(r));
    CHECK(rig.everything(r).find(rig.emulator.service_principal().client_secret) == std::string::npos);
  }
  SECTION("client certificate") {
    rig.config.mutable_object().find("azure")->mutable_object().set("credential", Value("emulator-certificate"));
    write_file(rig.dir / "milink.json", rig.config.to_pretty_json());
    CHECK(rig.uploaded(rig.run()));
  }
}

TEST_CASE("workload identity, environment, static token and azure-cli reach ARM", "[azure]") {
  AzureRig rig;
  auto& azure = rig.emulator.azure();
  const auto& sp = rig.emulator.service_principal();
  SECTION("workload identity: a federated token file") {
    REQUIRE(azure.add_federated_credential(sp.client_id, "system:serviceaccount:ops:milink"));
    azure.write_federated_token(rig.dir / "federated.jwt", "system:serviceaccount:ops:milink");
    rig.use_credential("wi", Value(Object{{"use", Value("workload-identity")}}));
    CHECK(rig.uploaded(rig.run({{"AZURE_FEDERATED_TOKEN_FILE", (rig.dir / "federated.jwt").string()},
                                      {"AZURE_CLIENT_ID", sp.client_id},
                                      {"AZURE_TENANT_ID", sp.tenant_id},
                                      {"AZURE_AUTHORITY_HOST", azure.authority_host()}})));
  }
  SECTION("environment: AZURE_CLIENT_SECRET chosen as DefaultAzureCredential would") {
    rig.use_credential("env", Value(Object{{"use", Value("environment")}}));
    auto r = rig.run({{"AZURE_TENANT_ID", sp.tenant_id},
                      {"AZURE_CLIENT_ID", sp.client_id},
                      {"AZURE_CLIENT_SECRET", sp.client_secret},
                      {"AZURE_AUTHORITY_HOST", azure.authority_host()}});
    CHECK(rig.uploaded(r));
    CHECK(rig.everything(r).find(sp.client_secret) == std::string::npos);
  }
  SECTION("static token from an environment variable; it never appears anywhere") {
    std::string token = azure.mint_token();
    rig.use_credential("static", Value(Object{{"use", Value("static-token")},
                                              {"with", Value(Object{{"env", Value("MILINK_E2E_TOKEN")}})}}));
    auto r = rig.run({{"MILINK_E2E_TOKEN", token}});
    CHECK(rig.uploaded(r));
    CHECK(rig.everything(r).find(token) == std::string::npos);
    CHECK(rig.everything(r).find(token.substr(0, 40)) == std::string::npos);
  }
  SECTION("azure-cli: a fake az on PATH") {
    std::string token = azure.mint_token();
    write_file(rig.dir / "bin" / "az",
               "#!/bin/sh\necho '{\"accessToken\": \"" + token +
                   "\", \"expires_on\": 4102444800, \"tokenType\": \"Bearer\"}'\n");
    ::chmod((rig.dir / "bin" / "az").c_str(), 0755);
    rig.use_credential("cli", Value(Object{{"use", Value("azure-cli")}}));
    auto r = rig.run({{"PATH", (rig.dir / "bin").string() + ":/usr/bin:/bin"}});
    CHECK(rig.uploaded(r));
    CHECK(rig.everything(r).find(token) == std::string::npos);
  }
}

TEST_CASE("managed identity through IMDS, App Service and Azure Arc", "[azure]") {
  AzureRig rig;
  auto& azure = rig.emulator.azure();
  SECTION("IMDS") {
    rig.use_credential("mi", Value(Object{{"use", Value("managed-identity")},
                                          {"with", Value(Object{{"source", Value("imds")},
                                                                {"endpoint", Value(azure.imds_endpoint())}})}}));
    CHECK(rig.uploaded(rig.run()));
  }
  SECTION("App Service: IDENTITY_ENDPOINT and IDENTITY_HEADER") {
    rig.use_credential("mi", Value(Object{{"use", Value("managed-identity")}}));
    CHECK(rig.uploaded(
        rig.run({{"IDENTITY_ENDPOINT", azure.app_service_endpoint()}, {"IDENTITY_HEADER", azure.app_service_secret()}})));
  }
  SECTION("Azure Arc: the 401 challenge and the key file") {
    rig.use_credential("mi", Value(Object{{"use", Value("managed-identity")},
                                          {"with", Value(Object{{"arc_key_directory", Value(azure.key_dir().string())}})}}));
    CHECK(rig.uploaded(
        rig.run({{"IDENTITY_ENDPOINT", azure.imds_endpoint()}, {"IMDS_ENDPOINT", azure.imds_endpoint()}})));
  }
}

TEST_CASE("a long-running PUT completes through injected 429s and 503s", "[azure]") {
  AzureRig rig("arm:429@1,arm:503@2,arm:503@4,arm:429@6");
  auto r = rig.run();
  CHECK(rig.uploaded(r));
  std::size_t throttled = 0, unavailable = 0;
  for (const auto& req : rig.emulator.azure().request_log()) {
    if (req.server != "arm") continue;
    throttled += req.status == 429;
    unavailable += req.status == 503;
  }
  CHECK(throttled == 2);
  CHECK(unavailable == 2);
}

TEST_CASE("a wrong client secret fails with Entra's reason and without the secret", "[azure]") {
  AzureRig rig;
  write_file(rig.dir / "milink.json.client-secret", "not-the-secret-0123456789\n");
  auto r = rig.run();
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("AADSTS7000215") != std::string::npos);
  CHECK(rig.everything(r).find("not-the-secret-0123456789") == std::string::npos);
}

TEST_CASE("an ARM endpoint whose CA is not trusted is refused with how to trust it", "[azure]") {
  AzureRig rig;
  rig.config.mutable_object().find("azure")->mutable_object().erase("ca_file");
  write_file(rig.dir / "milink.json", rig.config.to_pretty_json());
  auto r = rig.run();
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("azure.ca_file") != std::string::npos);
  CHECK(r.out.find("--ca-out") != std::string::npos);
  // Nothing reached the emulator's ARM or Entra ID.
  for (const auto& req : rig.emulator.azure().request_log()) CHECK(req.status == 0);
}
