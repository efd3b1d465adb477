// Strategy swap without recompiling: the workflow names a third party's
// endpoint step (acme.mirroring-endpoint, from a plugin found only through
// --plugin-path) instead of the bundled one, and the config names the
// client-certificate credential instead of the client secret. Nothing else
// changes, and the link still ends verified.
#include "linksteps_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using testsupport::write_file;

namespace {

/// SQL Server 2022 with one database ready for the link.
const char* kScenario = R"({"sql_server": {"version": "16.0.4135.4",
  "databases": [{"name": "sales", "recovery": "FULL", "size_mb": 16, "backups": ["full"]}]}})";

/// replicate-database.json with the endpoint step's `uses` replaced.
Value swapped_workflow() {
  Value wf = linksteps::bundled_workflow("replicate-database.json");
  int swapped = 0;
  for (auto& step : wf.mutable_object().find("steps")->mutable_array()) {
    Value* id = step.mutable_object().find("id");
    if (id != nullptr && id->as_string() == "endpoint") {
      step.mutable_object().set("uses", Value("acme.mirroring-endpoint"));
      ++swapped;
    }
  }
  REQUIRE(swapped == 1);
  return wf;
}

}  // namespace

TEST_CASE("linksteps: strategy swap: acme.mirroring-endpoint and the client-certificate credential link sales",
          "[linksteps][e2e]") {
  linksteps::EmulatorRig rig(kScenario);
  write_file(rig.dir / "wf.json", swapped_workflow().to_pretty_json() + "\n");

  // Only the certificate credential exists: the client secret and its
  // provider instance are gone, so a token can only come from the certificate.
  rig.config.mutable_object().find("providers")->mutable_object().erase("emulator");
  rig.set("azure", "credential", Value("emulator-certificate"));
  std::filesystem::remove(rig.dir / "milink.json.client-secret");

  auto r = rig.run(rig.dir / "wf.json", {"--plugin-path", MILINK_LINKSTEPS_ACME_DIR});
  REQUIRE(r.exit_code() == 0);

  // The swapped step ran and fed the rest of the workflow.
  const milink::sdk::Object* endpoint = r.events.step_end("endpoint");
  REQUIRE(endpoint != nullptr);
  CHECK(endpoint->find("uses")->as_string() == "acme.mirroring-endpoint");
  CHECK(r.events.status("endpoint") == "changed");
  CHECK(r.events.output("endpoint", "endpoint_name") == "acme_hadr");
  CHECK(r.events.output("endpoint", "url") == "TCP://" + rig.config.get("sqlserver")->get("fqdn")->as_string() + ":5022");
  for (const char* step : {"cert", "trust", "ag", "dag", "link"}) {
    INFO(step);
    CHECK(r.events.status(step) == "changed");
  }
  // verify changes nothing: it says "changed" when it waited for the link,
  // "ok" when the link was already healthy (a busy machine seeds before it looks).
  const std::string verified = r.events.status("verify");
  CHECK((verified == "changed" || verified == "ok"));
  CHECK(r.events.output("verify", "connected_state") == "CONNECTED");
  CHECK(r.events.flag("verify", "seeded"));

  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    // SQL Server's only mirroring endpoint is ACME's, started, certificate + AES on 5022.
    REQUIRE(world.sql_server.endpoints.size() == 1);
    const auto& e = world.sql_server.endpoints.front();
    CHECK(e.name == "acme_hadr");
    CHECK(e.port == 5022);
    CHECK(e.certificate_name == "Cert_" + world.sql_server.name + "_endpoint");
    CHECK(e.connection_auth_desc() == "CERTIFICATE");
    CHECK(e.encryption_algorithm_desc() == "AES");
    // The link is in Azure and the database seeded onto the managed instance.
    CHECK(world.azure.find_link("DAG_sales") != nullptr);
    CHECK(world.managed_instance.find_database("sales") != nullptr);
  }

  // ACME's way: created stopped, then started.
  auto statements = rig.sql_server_statements();
  bool created_stopped = false, started = false;
  for (const auto& s : statements) {
    created_stopped |= s.find("CREATE ENDPOINT [acme_hadr]") != std::string::npos &&
                       s.find("STATE = STOPPED") != std::string::npos &&
                       s.find("AUTHENTICATION = CERTIFICATE [Cert_") != std::string::npos &&
                       s.find("ENCRYPTION = REQUIRED ALGORITHM AES") != std::string::npos;
    started |= s.find("ALTER ENDPOINT [acme_hadr] STATE = STARTED") != std::string::npos;
  }
  CHECK(created_stopped);
  CHECK(started);

  // The token came through the certificate flow: Entra's token endpoint
  // answered 200 (there was no client secret to use), and ARM accepted it.
  Value dump = rig.dump();
  bool token = false, arm_ok = false;
  for (const auto& req : dump.get("azure_requests")->as_array()) {
    std::string path = req.get("path")->as_string();
    std::int64_t status = req.get("status")->as_int();
    if (path.find("/oauth2/v2.0/token") != std::string::npos && status == 200) token = true;
    if (path.find("/distributedAvailabilityGroups/DAG_sales") != std::string::npos && status < 300) arm_ok = true;
  }
  CHECK(token);
  CHECK(arm_ok);
  CHECK(rig.everything(r).find(rig.emulator.service_principal().private_key_pem.substr(40, 40)) == std::string::npos);

  // A second run changes nothing: ACME's observe recognises its endpoint.
  auto again = rig.run(rig.dir / "wf.json", {"--plugin-path", MILINK_LINKSTEPS_ACME_DIR});
  CHECK(again.exit_code() == 0);
  for (const char* step : {"preflight", "cert", "trust", "endpoint", "ag", "dag", "link", "verify"}) {
    INFO(step);
    CHECK(again.events.status(step) == "ok");
  }
}
