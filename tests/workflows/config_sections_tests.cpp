// The config sections a workflow's steps use (the azure section and its
// credential, the SQL targets' connection settings) are checked by
// `milink validate -c` and by `milink run` before the first step: a missing
// or wrong one stops the run before anything connects, so the emulator saw
// no statement and no ARM request.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <functional>

using milink::sdk::Object;
using milink::sdk::Value;
using linkrig::Rig;

namespace {

Value& at(Value& v, const std::string& key) {
  Value* child = v.mutable_object().find(key);
  REQUIRE(child != nullptr);
  return *child;
}

/// Nothing reached SQL Server, the managed instance or ARM.
void check_nothing_happened(Rig& rig) {
  Value d = rig.dump();
  CHECK(d.get("statement_log")->get("sql_server")->as_array().empty());
  CHECK(d.get("statement_log")->get("managed_instance")->as_array().empty());
  CHECK(rig.arm_requests("PUT", "/") == 0);
  CHECK(rig.arm_requests("GET", "/") == 0);
}

struct Case {
  const char* name;
  std::function<void(Value&)> edit;
  std::string message;           ///< in `milink run`'s error output
  std::string validate_message;  ///< in `milink validate`'s; "" when validate accepts it (see below)
};

}  // namespace

TEST_CASE("a config section the steps need, missing or wrong, stops validate and the run before any change",
          "[workflows][config]") {
  const std::string kSubscription =
      "/azure/subscription_id: azure.subscription_id is not set; step preflight (preflight) calls Azure Resource "
      "Manager (set it to the ID of the subscription that holds the managed instance)";
  const std::string kNoAzure =
      "/azure: the config has no \"azure\" section; step preflight (preflight) calls Azure Resource Manager";
  const std::string kUnknownUse = "/providers/emulator/use: unknown provider \"client-secrets\" (did you mean "
                                  "\"client-secret\"?)";
  const std::string kMissingParam = "missing required parameter \"client_id\" for provider 'client-secret'";
  const std::string kTenant = "/azure/tenant_id: azure.tenant_id \"contoso tenant\" is not a tenant ID or domain";
  const std::string kHost = "/managed_instance: config /managed_instance/host is not set";
  // validate may run on another machine than the run: it checks that
  // azure.credential names a credential provider, and the run, before its
  // first step, also starts it (reading its files and variables), so what
  // the provider itself refuses stops the run there.
  const std::vector<Case> cases{
      {"no azure.subscription_id", [](Value& c) { at(c, "azure").mutable_object().erase("subscription_id"); },
       kSubscription, kSubscription},
      {"no azure section", [](Value& c) { c.mutable_object().erase("azure"); }, kNoAzure, kNoAzure},
      {"azure.credential names no provider",
       [](Value& c) { at(c, "azure").mutable_object().set("credential", Value("nobody")); },
       "/azure/credential: azure.credential \"nobody\": no credential provider \"nobody\" is configured",
       "/azure/credential: azure.credential \"nobody\" names no provider instance under \"providers\" and no "
       "credential provider"},
      {"an unknown credential provider",
       [](Value& c) { at(at(c, "providers"), "emulator").mutable_object().set("use", Value("client-secrets")); },
       kUnknownUse, kUnknownUse},
      {"a credential provider without a required parameter",
       [](Value& c) { at(at(at(c, "providers"), "emulator"), "with").mutable_object().erase("client_id"); },
       kMissingParam, kMissingParam},
      {"a credential provider with an empty required parameter",
       [](Value& c) { at(at(at(c, "providers"), "emulator"), "with").mutable_object().set("client_id", Value("")); },
       "/providers/emulator: azure.credential \"emulator\": provider \"emulator\" failed to start: client_id is "
       "required",
       ""},
      {"a malformed tenant in the provider",
       [](Value& c) {
         at(at(at(c, "providers"), "emulator"), "with").mutable_object().set("tenant_id", Value("contoso/evil"));
       },
       "provider \"emulator\" failed to start: the tenant 'contoso/evil' (from tenant_id) is not a tenant ID or "
       "domain",
       ""},
      {"a malformed azure.tenant_id",
       [](Value& c) { at(c, "azure").mutable_object().set("tenant_id", Value("contoso tenant")); }, kTenant, kTenant},
      {"the managed instance's SQL section without its host",
       [](Value& c) { at(c, "managed_instance").mutable_object().erase("host"); }, kHost, kHost},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Rig rig(linkrig::scenario_with({"sales"}));
      rig.set_databases({"sales"});
      c.edit(rig.config);
      rig.save();
      auto v = testsupport::run({testsupport::milink_binary().string(), "validate",
                                 std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json", "-c", "config.json"},
                                rig.dir.path());
      if (c.validate_message.empty()) {
        CHECK(v.exit_code == 0);
      } else {
        CHECK(v.exit_code == 2);
        CHECK(v.err.find(c.validate_message) != std::string::npos);
        CHECK(v.err.find("config.json") != std::string::npos);
      }

      auto r = rig.run("replicate-database.json");
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(c.message) != std::string::npos);
      CHECK(r.err.find("nothing was run") != std::string::npos);
      CHECK(linkrig::Rig::statuses(r.out).empty());  // no step started
      check_nothing_happened(rig);
    }
  }
}

TEST_CASE("the instance's SQL section is needed for instance_certificate_source tsql only, and then before any change",
          "[workflows][config]") {
  // replicate-database's network check and preflight connect to the
  // instance anyway; a workflow of its own with only mi-cert-import shows
  // the condition.
  Rig rig(linkrig::scenario_with({"sales"}));
  testsupport::write_file(rig.dir / "trust.json", R"({
    "milink": 1,
    "name": "trust",
    "inputs": {"source": {"type": "string", "default": "arm"}},
    "steps": [
      {"id": "cert", "uses": "sqlserver-cert", "with": {"certificate_name": "Cert_trust"}},
      {"id": "trust", "uses": "mi-cert-import",
       "with": {"certificate_name": "${{ steps.cert.outputs.name }}", "public_key": "${{ steps.cert.outputs.public_key }}",
                "instance_fqdn": "${{ config.managed_instance.fqdn }}",
                "instance_certificate_source": "${{ inputs.source }}"}}
    ]})");
  at(rig.config, "managed_instance").mutable_object().erase("password");
  rig.save();
  auto validate = [&](const std::string& source) {
    return testsupport::run({testsupport::milink_binary().string(), "validate", "trust.json", "-c", "config.json",
                             "--set", "source=" + source},
                            rig.dir.path());
  };
  auto arm = validate("arm");
  INFO(arm.err);
  CHECK(arm.exit_code == 0);
  auto v = validate("tsql");
  INFO(v.err);
  CHECK(v.exit_code == 2);
  CHECK(v.err.find("/managed_instance: config /managed_instance/password is not set") != std::string::npos);
  CHECK(v.err.find("step trust (mi-cert-import, mi_target)") != std::string::npos);
  auto r = rig.run(rig.dir.path().string() + "/trust.json", {"--set", "source=tsql"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/managed_instance/password is not set") != std::string::npos);
  check_nothing_happened(rig);
}
