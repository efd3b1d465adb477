// The runner's SQL wiring end to end: a workflow whose step plugin uses
// Context::sql, run in-process by the Runner against the emulator.
#include "plugin_host/registry.hpp"
#include "run/events.hpp"
#include "run/runner.hpp"
#include "scripted_engine.hpp"
#include "tds/tds_server.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <test_support.hpp>

#include <milink/sdk/json.hpp>

#include "in_process_run.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using milink::sdk::Object;
using milink::sdk::Value;
using namespace sqltest;
namespace run = milink::run;
namespace wf = milink::workflow;

namespace {

using testsupport::CapturingSink;

/// Emulator + a workflow with one sqltest.run step, run by a Runner.
struct SqlRun {
  ScriptedEngine engine;
  milink::emulator::TdsServer server{engine, milink::emulator::TdsServerOptions{}};
  testsupport::TempDir dir;

  SqlRun() { server.start(); }

  run::RunResult go(run::Mode mode, const std::string& observe_sql, const std::string& apply_sql,
                    const std::string& password, CapturingSink& sink) {
    milink::host::Registry registry;
    registry.load_directory(MILINK_SQLTEST_PLUGIN_DIR);
    Object step{{"id", Value("probe")},
                {"uses", Value("sqltest.run")},
                {"with", Value(Object{{"observe_sql", Value(observe_sql)}, {"apply_sql", Value(apply_sql)}})}};
    Object workflow{{"milink", Value(1)}, {"name", Value("sql_wiring")}, {"steps", Value(milink::sdk::Array{Value(step)})}};
    Object target{{"host", Value("127.0.0.1")},          {"port", Value(static_cast<int>(server.port()))},
                  {"user", Value(kUser)},                {"password", Value(password)},
                  {"encryption", Value("off")},          {"timeout_seconds", Value(10)}};
    Object config{{"milink_config", Value(1)}, {"sqlserver", Value(target)}};
    return testsupport::run_in_process(registry, workflow, config, dir.path(), mode, sink);
  }
};

}  // namespace

TEST_CASE("apply: a step reads and changes through its own session, closed when the step ends") {
  SqlRun r;
  CapturingSink sink;
  run::RunResult res = r.go(run::Mode::Apply, kScriptUtf8, kScriptUpdate, kPassword, sink);
  INFO(sink.all);
  CHECK(res.result == "succeeded");
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "changed");
  CHECK(res.steps[0].outputs.find("first")->as_string() == kUtf8Text);
  CHECK(res.steps[0].outputs.find("rows_affected")->as_int() == 3);
  CHECK(r.engine.count(kScriptUtf8) == 1);
  CHECK(r.engine.count(kScriptUpdate) == 1);
  CHECK(r.engine.logins() == 1);  // observe and apply share the step execution's session
  CHECK(testsupport::eventually([&] { return r.server.stats().connections_active == 0; }, 5000));
  CHECK(sink.all.find(kPassword) == std::string::npos);
}

TEST_CASE("dry run: observe reads, and a change in observe is refused") {
  SqlRun r;
  CapturingSink sink;
  run::RunResult res = r.go(run::Mode::DryRun, kScriptTyped, kScriptUpdate, kPassword, sink);
  INFO(sink.all);
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "skipped");
  CHECK(res.steps[0].would_change);
  CHECK(r.engine.count(kScriptTyped) == 1);
  CHECK(r.engine.count(kScriptUpdate) == 0);

  SqlRun bad;
  CapturingSink sink2;
  run::RunResult res2 = bad.go(run::Mode::DryRun, kScriptUpdate, "", kPassword, sink2);
  REQUIRE(res2.steps.size() == 1);
  CHECK(res2.steps[0].status == "failed");
  CHECK(res2.steps[0].reason.find("read-only") != std::string::npos);
  CHECK(bad.engine.count(kScriptUpdate) == 0);
}

TEST_CASE("a failed login fails the step with the target named and the password redacted everywhere") {
  SqlRun r;
  CapturingSink sink;
  const std::string wrong = "Plain-Text-Pa55word";  // not a secret reference: still redacted
  run::RunResult res = r.go(run::Mode::Apply, kScriptTyped, "", wrong, sink);
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].status == "failed");
  INFO(res.steps[0].reason);
  CHECK(res.steps[0].reason.find("cannot connect to SQL target \"sqlserver\"") != std::string::npos);
  CHECK(res.steps[0].reason.find("18456") != std::string::npos);
  CHECK(res.steps[0].reason.find(wrong) == std::string::npos);
  CHECK(sink.all.find(wrong) == std::string::npos);
  CHECK(testsupport::read_tree(r.dir.path()).find(wrong) == std::string::npos);  // journal too
}

TEST_CASE("plan mode connects nowhere") {
  SqlRun r;
  CapturingSink sink;
  run::RunResult res = r.go(run::Mode::Plan, kScriptTyped, kScriptUpdate, kPassword, sink);
  REQUIRE(res.steps.size() == 1);
  CHECK(res.steps[0].actions.size() == 1);
  CHECK(r.engine.logins() == 0);
  CHECK(r.server.stats().connections_accepted == 0);
}
