// The run-wide ARM service: the config's azure section, the credential
// provider named by azure.credential, the shared token cache.
#include "arm/arm_setup.hpp"

#include "arm_fixture.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

using namespace armtest;
using milink::arm::ArmService;
using milink::arm::read_azure_settings;
using milink::sdk::Value;

namespace {

class NotACredential final : public milink::sdk::Provider {
public:
  const char* interface_id() const noexcept override { return "test.other/1"; }
};

Value config(const std::string& json) { return milink::sdk::parse_json(json); }

struct Service {
  FakeCredential cred;
  NotACredential other;
  std::vector<std::string> asked;
  std::vector<std::string> secrets;
  milink::http::Client http;
  std::unique_ptr<ArmService> make(const Value& root) {
    return std::make_unique<ArmService>(
        read_azure_settings(root, "/etc/milink/config.json"), "/etc/milink/config.json", http,
        [this](const std::string& kind, const std::string& name, std::string& error) -> milink::sdk::Provider* {
          asked.push_back(kind + ":" + name);
          if (name == "cred") return &cred;
          if (name == "other") return &other;
          error = "no credential provider \"" + name + "\" is configured";
          return nullptr;
        },
        [this](const std::string& s) { secrets.push_back(s); });
  }
  std::string open_error(const Value& root) {
    std::string err;
    auto svc = make(root);
    auto c = svc->open({}, false, err);
    CHECK(c == nullptr);
    return err;
  }
};

const char* kFull = R"({"milink_config":1,"azure":{"subscription_id":"sub","resource_group":"rg","instance_name":"mi",
  "tenant_id":"tenant-1","credential":"cred","arm_endpoint":"https://management.chinacloudapi.cn/",
  "authority_host":"https://login.chinacloudapi.cn/","ca_file":"certs/ca.pem","api_version":"2025-01-01"}})";

}  // namespace

TEST_CASE("azure settings: defaults, and ca_file relative to the config file") {
  auto s = read_azure_settings(config(R"({"azure":{"subscription_id":"s"}})"), "/etc/milink/config.json");
  CHECK(s.present);
  CHECK(s.arm_endpoint == "https://management.azure.com");
  CHECK(s.authority_host == "https://login.microsoftonline.com");
  CHECK(s.ca_file.empty());
  auto full = read_azure_settings(config(kFull), "/etc/milink/config.json");
  CHECK(full.ca_file == "/etc/milink/certs/ca.pem");
  CHECK(full.api_version == "2025-01-01");
  CHECK(milink::arm::http_options(full).ca_file == "/etc/milink/certs/ca.pem");
  CHECK_FALSE(read_azure_settings(config(R"({"milink_config":1})"), "").present);
}

TEST_CASE("open() names the config key that is missing") {
  Service s;
  std::string err = s.open_error(config(R"({"milink_config":1})"));
  CHECK(contains(err, "no \"azure\" section"));
  CHECK(contains(err, "azure.credential"));

  err = s.open_error(config(R"({"azure":{"resource_group":"rg","instance_name":"mi","credential":"cred"}})"));
  CHECK(contains(err, "azure.subscription_id is not set"));
  err = s.open_error(config(R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi"}})"));
  CHECK(contains(err, "azure.credential is not set"));
  CHECK(contains(err, "/etc/milink/config.json"));
  err = s.open_error(config(
      R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi","credential":"missing"}})"));
  CHECK(err == "azure.credential \"missing\": no credential provider \"missing\" is configured");
  err = s.open_error(config(
      R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi","credential":"other"}})"));
  CHECK(contains(err, "must name a credential provider"));
  err = s.open_error(config(R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi",
      "credential":"cred","arm_endpoint":"http://management.azure.com"}})"));
  CHECK(contains(err, "azure.arm_endpoint"));
  CHECK(s.cred.calls == 0);
}

TEST_CASE("the credential is asked for the configured cloud - clients of a run share its tokens") {
  Service s;
  auto svc = s.make(config(kFull));
  std::string err;
  auto a = svc->open({}, false, err);
  REQUIRE(a != nullptr);
  auto b = svc->open({}, true, err);
  REQUIRE(b != nullptr);
  CHECK(a->coordinates().arm_endpoint == "https://management.chinacloudapi.cn");
  CHECK(a->coordinates().instance_path() ==
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi");
  CHECK(a->url("/x", "") == "https://management.chinacloudapi.cn/x?api-version=2025-01-01");
  CHECK(s.asked == std::vector<std::string>{"credential:cred"});  // looked up once
  // No network here: the client only needs a token to build a request.
  milink::sdk::ArmResponse out;
  milink::sdk::ArmError e;
  CHECK(s.cred.calls == 0);
  CHECK_FALSE(b->call("PUT", "/x", "", Value(), true, out, e));  // read-only: refused before a token is needed
  CHECK(e.code == "ReadOnly");
  CHECK(s.cred.calls == 0);
}

TEST_CASE("the token request carries the cloud's resource, scope, authority and tenant") {
  Rig rig([](const Exchange&) { return Reply::json(200, "{}"); });
  FakeCredential cred;
  std::vector<std::string> secrets;
  std::string endpoint = rig.arm.base();
  Value root = config(R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi","tenant_id":"t-1",
      "credential":"cred","authority_host":"https://login.example.test/","arm_endpoint":")" + endpoint + R"(/"}})");
  ArmService svc(read_azure_settings(root, ""), "", rig.http,
                 [&](const std::string&, const std::string&, std::string&) -> milink::sdk::Provider* { return &cred; },
                 [&](const std::string& s) { secrets.push_back(s); });
  std::string err;
  auto a = svc.open({}, false, err);
  REQUIRE(a != nullptr);
  auto b = svc.open({}, false, err);
  milink::sdk::ArmResponse out;
  milink::sdk::ArmError e;
  REQUIRE(a->call("GET", "/subscriptions/s", "1", Value(), false, out, e));
  REQUIRE(b->call("GET", "/subscriptions/s", "1", Value(), false, out, e));
  CHECK(cred.calls == 1);  // one token for the run
  // The audience is ARM's, not the endpoint's: an emulator or proxy at
  // another address still gets ARM tokens.
  CHECK(cred.last_request.resource == "https://management.azure.com/");
  CHECK(cred.last_request.scope == "https://management.azure.com/.default");
  CHECK(cred.last_request.authority_host == "https://login.example.test");
  CHECK(cred.last_request.tenant_id == "t-1");
  CHECK(secrets == std::vector<std::string>{FakeCredential::token_for(1)});
}

TEST_CASE("a sovereign cloud's audience comes from azure.audience") {
  Rig rig([](const Exchange&) { return Reply::json(200, "{}"); });
  FakeCredential cred;
  Value root = config(R"({"azure":{"subscription_id":"s","resource_group":"rg","instance_name":"mi",
      "credential":"cred","audience":"https://management.chinacloudapi.cn/","arm_endpoint":")" + rig.arm.base() +
                      R"("}})");
  ArmService svc(read_azure_settings(root, ""), "", rig.http,
                 [&](const std::string&, const std::string&, std::string&) -> milink::sdk::Provider* { return &cred; },
                 [](const std::string&) {});
  std::string err;
  auto a = svc.open({}, false, err);
  REQUIRE(a != nullptr);
  milink::sdk::ArmResponse out;
  milink::sdk::ArmError e;
  REQUIRE(a->call("GET", "/subscriptions/s", "1", Value(), false, out, e));
  CHECK(cred.last_request.resource == "https://management.chinacloudapi.cn/");
  CHECK(cred.last_request.scope == "https://management.chinacloudapi.cn/.default");
}
