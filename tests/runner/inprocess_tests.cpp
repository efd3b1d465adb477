// The Runner driven in-process with a capturing EventSink.
#include "in_process_run.hpp"
#include "runner_fixture.hpp"

#include "plugin_host/registry.hpp"
#include "run/interrupt.hpp"
#include "run/journal.hpp"
#include "run/runner.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <cstdlib>
#include <mutex>

using namespace runnertest;
namespace run = milink::run;
namespace wf = milink::workflow;

namespace {

using testsupport::CapturingSink;

/// Everything a Runner needs, kept alive together.
struct Loaded {
  explicit Loaded(const std::string& text, const fs::path& file) {
    registry.load_directory(testsupport::test_plugin_dir());
    workflow = wf::parse_workflow_text(text, file.string());
    config = wf::empty_config();
    validated = wf::validate(workflow, config, registry, {});
  }
  milink::host::Registry registry;
  wf::Workflow workflow;
  wf::Config config;
  wf::ValidatedWorkflow validated;
  run::Redactor redactor;
};

const char* kWorkflow = R"({
  "milink": 1,
  "name": "in_process",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two ${{ steps.one.outputs.length }}" } }
  ]
})";

/// Points the test plugin at \p sb for calls made in this process.
void use_sandbox(const Sandbox& sb) {
  ::setenv("MILINK_TEST_RECORD", sb.record_file().c_str(), 1);
  ::setenv("MILINK_TEST_STATE", sb.state_dir().c_str(), 1);
}

}  // namespace

TEST_CASE("in-process plan gives actions and placeholders and no journal", "[runner]") {
  Sandbox sb;
  use_sandbox(sb);
  run::reset_interrupt();
  Loaded l(kWorkflow, sb / "wf.json");
  CapturingSink sink;
  run::RunOptions opts;
  opts.mode = run::Mode::Plan;
  opts.state_dir = sb / ".milink";
  run::Runner runner(l.validated, l.registry, l.redactor, sink, opts);
  run::RunResult result = runner.run();

  CHECK(result.result == "succeeded");
  CHECK(result.exit_code == 0);
  CHECK(result.run_dir.empty());
  REQUIRE(result.steps.size() == 2);
  CHECK(result.steps[0].key == "one");
  CHECK(result.steps[1].key == "two");
  for (const auto& s : result.steps) {
    CHECK(s.status == "skipped");
    CHECK(s.reason == "planned");
    CHECK(s.would_change);
    REQUIRE(s.actions.size() == 2);
    CHECK(s.actions[0].kind == milink::sdk::Action::Kind::Sql);
    CHECK(s.actions[1].kind == milink::sdk::Action::Kind::Http);
  }
  CHECK(result.steps[1].actions[0].sql == "SELECT N'two <steps.one.outputs.length>' AS message;");
  REQUIRE(result.steps[0].outputs.find("echo") != nullptr);
  CHECK(result.steps[0].outputs.find("echo")->is_unknown());

  REQUIRE(sink.events.size() == 6);  // run_start, 2 x (step_start, step_end), run_end
  CHECK(str(sink.events.front(), "event") == "run_start");
  CHECK(str(sink.events.front(), "mode") == "plan");
  CHECK(str(sink.events.back(), "event") == "run_end");
  CHECK(sb.records().empty());
  CHECK(!fs::exists(sb / ".milink"));
}

TEST_CASE("in-process interrupt before the start and then resume", "[runner]") {
  Sandbox sb;
  use_sandbox(sb);
  Loaded l(kWorkflow, sb / "wf.json");
  run::RunOptions opts;
  opts.state_dir = sb / ".milink";

  std::string run_dir;
  {
    CapturingSink sink;
    run::request_interrupt();
    run::Runner runner(l.validated, l.registry, l.redactor, sink, opts);
    run::RunResult result = runner.run();
    run::reset_interrupt();
    CHECK(result.result == "interrupted");
    CHECK(result.exit_code == 130);
    REQUIRE(result.steps.size() == 2);
    for (const auto& s : result.steps) {
      CHECK(s.status == "skipped");
      CHECK(s.reason == "interrupted before it started");
    }
    CHECK(sb.records().empty());
    run_dir = result.run_dir;
  }
  REQUIRE(!run_dir.empty());
  auto records = run::Journal::read_records(fs::path(run_dir) / "journal.jsonl");
  REQUIRE(records.size() == 2);
  CHECK(str(records[0], "type") == "run_start");
  CHECK(str(records[1], "type") == "run_end");
  CHECK(str(records[1], "result") == "interrupted");
  auto found = run::Journal::find_resumable(opts.state_dir, fs::absolute(sb / "wf.json").lexically_normal().string());
  REQUIRE(found.has_value());
  CHECK(fs::equivalent(*found, run_dir));

  CapturingSink sink;
  opts.resume = true;
  run::Runner runner(l.validated, l.registry, l.redactor, sink, opts);
  run::RunResult result = runner.run();
  CHECK(result.result == "succeeded");
  CHECK(result.exit_code == 0);
  CHECK(result.run_dir == run_dir);
  REQUIRE(result.steps.size() == 2);
  CHECK(result.steps[0].status == "changed");
  CHECK(result.steps[1].status == "changed");
  REQUIRE(result.steps[1].outputs.find("echo") != nullptr);
  CHECK(result.steps[1].outputs.find("echo")->as_string() == "two 3");
  CHECK(sb.count("apply_end") == 2);
  CHECK(str(sink.events.front(), "event") == "run_start");
  CHECK(sink.events.front().find("resumed")->as_bool());

  run::Journal reopened = run::Journal::reopen(run_dir);
  std::vector<std::string> types;
  for (const auto& r : reopened.records()) types.push_back(str(r, "type"));
  CHECK(types == std::vector<std::string>{"run_start", "run_end", "run_resume", "step_start", "step_end", "step_start",
                                          "step_end", "run_end"});
  CHECK(str(reopened.records()[2], "run_id") == reopened.meta().run_id);
  CHECK(reopened.completed().size() == 2);
  CHECK(!run::Journal::find_resumable(opts.state_dir, fs::absolute(sb / "wf.json").lexically_normal().string()));
}
