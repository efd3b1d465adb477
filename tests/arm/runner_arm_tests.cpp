// The runner's ARM and HTTP wiring end to end: a workflow whose step plugin
// uses Context::arm with a credential provider plugin, run in-process by the
// Runner against an in-process HTTPS "ARM".
#include "plugin_host/registry.hpp"
#include "run/events.hpp"
#include "run/runner.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include "arm_fixture.hpp"

#include <milink/sdk/json.hpp>

#include "in_process_run.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using namespace armtest;
namespace run = milink::run;
namespace wf = milink::workflow;

namespace {

using testsupport::CapturingSink;

constexpr const char* kSecretMarker = "SIGNATURE-";  // in every token the test credential makes

/// An HTTPS "ARM" where the resource exists once PUT, and echoes the
/// Authorization header it received.
struct ArmWorld {
  std::mutex mu;
  bool exists = false;
  std::string echo;
  TestServer server{&pki(), [this](const Exchange& ex) { return handle(ex); }};
  testsupport::TempDir dir;

  Reply handle(const Exchange& ex) {
    std::lock_guard<std::mutex> lock(mu);
    if (ex.path() != kDag) return Reply::json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
    if (ex.method == "PUT") {
      exists = true;
      echo = ex.header("authorization");
    }
    if (!exists) return Reply::json(404, R"({"error":{"code":"ResourceNotFound","message":"no such DAG"}})");
    Object body{{"echo", Value(echo)},
                {"properties", Value(Object{{"provisioningState", Value("Succeeded")}})}};
    return Reply::json(200, Value(body).to_json());
  }

  Object azure(bool with_credential = true) const {
    Object az{{"subscription_id", Value("sub-1")},
              {"resource_group", Value("rg-1")},
              {"instance_name", Value("mi-1")},
              {"arm_endpoint", Value(server.base())},
              {"ca_file", Value("ca.pem")},  // relative to the config file
              {"api_version", Value(kApi)}};
    if (with_credential) az.set("credential", Value("cred"));
    return az;
  }

  run::RunResult go(run::Mode mode, CapturingSink& sink, const Value& azure_section, bool put_in_observe = false) {
    write_ca(dir, pki());
    milink::host::Registry registry;
    registry.load_directory(MILINK_ARMTEST_PLUGIN_DIR);
    Object step{{"id", Value("dag")},
                {"uses", Value("armtest.put")},
                {"with", Value(Object{{"path", Value(kDag)},
                                      {"body", Value(Object{{"properties", Value(Object{})}})},
                                      {"put_in_observe", Value(put_in_observe)}})}};
    Object workflow{{"milink", Value(1)}, {"name", Value("arm_wiring")}, {"steps", Value(Array{Value(step)})}};
    Object config{{"milink_config", Value(1)},
                  {"providers", Value(Object{{"cred", Value(Object{{"use", Value("armtest.token")},
                                                                    {"with", Value(Object{{"seed", Value("s33d")}})}})}})}};
    if (!azure_section.is_null()) config.set("azure", azure_section);
    return testsupport::run_in_process(registry, workflow, config, dir.path(), mode, sink);
  }
};

}  // namespace

TEST_CASE("apply: a step PUTs through ARM with the configured credential - the token is redacted everywhere") {
  ArmWorld world;
  CapturingSink sink;
  run::RunResult res = world.go(run::Mode::Apply, sink, Value(world.azure()));
  INFO(sink.all);
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "changed");
  CHECK(res.result == "succeeded");

  auto seen = world.server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "GET");
  CHECK(seen[1].method == "PUT");
  CHECK(seen[1].target == std::string(kDag) + "?api-version=" + kApi);
  CHECK(seen[1].header("authorization") == "Bearer tok.s33d.SIGNATURE-1");  // one token for observe and apply

  // The server echoed the token back; milink shows it nowhere.
  CHECK(world.echo == "Bearer tok.s33d.SIGNATURE-1");
  CHECK(sink.all.find(kSecretMarker) == std::string::npos);
  CHECK(sink.all.find("ARM said: Bearer ***") != std::string::npos);
  CHECK(res.steps[0].outputs.find("state")->as_string() == "Succeeded");
  std::string tree = testsupport::read_tree(world.dir / ".milink");
  CHECK(!tree.empty());
  CHECK(tree.find(kSecretMarker) == std::string::npos);  // the journal
  CHECK(tree.find("Bearer ***") != std::string::npos);
}

TEST_CASE("dry run: observe reads through ARM, nothing is written, and a write in observe is refused") {
  ArmWorld world;
  CapturingSink sink;
  run::RunResult res = world.go(run::Mode::DryRun, sink, Value(world.azure()));
  INFO(sink.all);
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "skipped");
  CHECK(res.steps[0].would_change);
  REQUIRE(res.steps[0].actions.size() == 1);
  CHECK(res.steps[0].actions[0].url == world.server.base() + kDag + "?api-version=" + kApi);
  auto seen = world.server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");

  CapturingSink sink2;
  ArmWorld world2;
  run::RunResult res2 = world2.go(run::Mode::DryRun, sink2, Value(world2.azure()), /*put_in_observe=*/true);
  REQUIRE(res2.steps.size() == 1);
  CHECK(res2.steps[0].status == "failed");
  INFO(res2.steps[0].reason);
  CHECK(res2.steps[0].reason.find("--dry-run") != std::string::npos);
  CHECK(world2.server.count() == 0);
}

TEST_CASE("plan mode connects nowhere but renders the ARM request with its full URL") {
  ArmWorld world;
  CapturingSink sink;
  run::RunResult res = world.go(run::Mode::Plan, sink, Value(world.azure()));
  REQUIRE(res.steps.size() == 1);
  REQUIRE(res.steps[0].actions.size() == 1);
  const auto& action = res.steps[0].actions[0];
  INFO(action.description);
  CHECK(action.kind == milink::sdk::Action::Kind::Http);
  CHECK(action.method == "PUT");
  CHECK(action.url.rfind(world.server.base(), 0) == 0);
  CHECK(action.url.find("api-version=") != std::string::npos);
  CHECK(world.server.count() == 0);  // nothing was sent
}

TEST_CASE("a missing azure section or credential fails the step, naming the config key") {
  ArmWorld world;
  CapturingSink sink;
  run::RunResult res = world.go(run::Mode::Apply, sink, Value());
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "failed");
  INFO(res.steps[0].reason);
  CHECK(res.steps[0].reason.find("no \"azure\" section") != std::string::npos);

  CapturingSink sink2;
  run::RunResult res2 = world.go(run::Mode::Apply, sink2, Value(world.azure(/*with_credential=*/false)));
  REQUIRE(res2.steps.size() == 1);
  CHECK(res2.steps[0].status == "failed");
  INFO(res2.steps[0].reason);
  CHECK(res2.steps[0].reason.find("azure.credential is not set") != std::string::npos);
  CHECK(world.server.count() == 0);
}
