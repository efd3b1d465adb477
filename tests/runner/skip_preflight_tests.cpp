// Preflight checks (StepSpec::preflight) and milink run --skip-preflight:
// a failing check stops the workflow before anything changes; with the
// option the checks are skipped, with a warning, and the rest runs.
#include "runner_fixture.hpp"

using namespace runnertest;

namespace {

/// A preflight check, then two steps that change things.
std::string checked_workflow(bool check_fails) {
  return std::string(R"({
  "milink": 1,
  "name": "checked",
  "steps": [
    { "id": "prereqs", "uses": "test.check", "with": { "what": "the endpoint port", "fail": )") +
         (check_fails ? "true" : "false") + R"( } },
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two" } }
  ]
})";
}

const char* kWarning =
    "milink: warning: step prereqs (test.check) was skipped by --skip-preflight: its prerequisites were not checked\n";

}  // namespace

TEST_CASE("a failing preflight check stops the run before later steps", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", checked_workflow(true));
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  Object check = step_end(events, "prereqs");
  CHECK(str(check, "status") == "failed");
  CHECK(str(check, "reason") == "observe: prerequisite missing: the endpoint port (fail: true)");
  for (const char* later : {"one", "two"}) {
    CHECK(str(step_end(events, later), "status") == "skipped");
    CHECK(str(step_end(events, later), "reason") == "not run: step prereqs failed");
    CHECK(sb.records("observe", later).empty());
  }
  CHECK(sb.count("observe", "prereqs") == 1);
  CHECK(sb.markers().empty());
  CHECK(events_named(events, "warning").empty());
  CHECK(str(run_end(events), "result") == "failed");
}

TEST_CASE("a parameter error raised in observe names the parameter in the reason", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1, "name": "blamed",
  "steps": [ { "id": "prereqs", "uses": "test.check", "with": { "what": "the port", "fail": true, "blame": "what" } } ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "prereqs"), "reason") ==
        "observe: parameter \"what\": prerequisite missing: the port (fail: true)");
}

TEST_CASE("milink run --skip-preflight skips a failing preflight check with a warning", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", checked_workflow(true));
  auto r = sb.milink({"run", "wf.json", "--skip-preflight", "--output", "json"});
  CHECK(r.exit_code == 0);
  auto events = parse_events(r.out);
  Object check = step_end(events, "prereqs");
  CHECK(str(check, "status") == "skipped");
  CHECK(str(check, "reason") == "skipped: --skip-preflight");
  CHECK(str(step_end(events, "one"), "status") == "changed");
  CHECK(str(step_end(events, "two"), "status") == "changed");
  // The check was not run at all.
  CHECK(sb.count("observe", "prereqs") == 0);
  // One warning event, naming the step.
  auto warnings = events_named(events, "warning");
  REQUIRE(warnings.size() == 1);
  CHECK(str(warnings[0], "step") == "prereqs");
  CHECK(str(warnings[0], "message") ==
        "step prereqs (test.check) was skipped by --skip-preflight: its prerequisites were not checked");
  CHECK(str(run_end(events), "result") == "succeeded");
  CHECK(run_end(events).find("counts")->get("skipped")->as_int() == 1);

  // Text: the warning on stderr, the skip in the step lines on stdout.
  Sandbox text;
  text.write("wf.json", checked_workflow(true));
  auto t = text.milink({"run", "wf.json", "--skip-preflight"});
  CHECK(t.exit_code == 0);
  CHECK(t.err == kWarning);
  CHECK(t.out.find("skipped  prereqs  (0.0s)  skipped: --skip-preflight\n") != std::string::npos);
  CHECK(t.out.find("milink: succeeded") != std::string::npos);
  CHECK(text.count("observe", "prereqs") == 0);
}

TEST_CASE("a passing preflight check is ok and sets its outputs", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"json({
  "milink": 1,
  "name": "passes",
  "steps": [
    { "id": "prereqs", "uses": "test.check", "with": { "what": "hadr" } },
    { "id": "after", "uses": "test.record", "with": { "message": "after ${{ steps.prereqs.outputs.checked }} (${{ steps.prereqs.status }})" } }
  ]
})json");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "prereqs"), "status") == "ok");
  CHECK(str(step_end(events, "prereqs"), "reason") == "hadr verified");
  CHECK(step_end(events, "prereqs").find("outputs")->get("checked")->as_string() == "hadr");
  CHECK(step_end(events, "after").find("outputs")->get("echo")->as_string() == "after hadr (ok)");
  CHECK(r.err.empty());
}

TEST_CASE("milink plan --skip-preflight leaves the preflight checks out with a warning", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", checked_workflow(false));
  auto with = sb.milink({"plan", "wf.json", "--offline", "--output", "json"});
  REQUIRE(with.exit_code == 0);
  Value plan = milink::sdk::parse_json(with.out, "stdout");
  const Array& steps = plan.get("steps")->as_array();
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].get("step")->as_string() == "prereqs");
  CHECK(steps[0].get("reason")->as_string() == "planned");
  CHECK(steps[0].get("actions")->as_array().size() == 1);
  CHECK(with.err.empty());

  auto without = sb.milink({"plan", "wf.json", "--offline", "--skip-preflight", "--output", "json"});
  REQUIRE(without.exit_code == 0);
  Value p2 = milink::sdk::parse_json(without.out, "stdout");
  const Array& s2 = p2.get("steps")->as_array();
  REQUIRE(s2.size() == 3);
  CHECK(s2[0].get("step")->as_string() == "prereqs");
  CHECK(s2[0].get("status")->as_string() == "skipped");
  CHECK(s2[0].get("reason")->as_string() == "skipped: --skip-preflight");
  CHECK(s2[1].get("reason")->as_string() == "planned");
  CHECK(without.err == kWarning);
  CHECK(sb.records().empty());
}

TEST_CASE("plugins describe says when a step is a preflight check", "[runner]") {
  Sandbox sb;
  auto t = sb.milink({"plugins", "describe", "test.check"});
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("step test.check  (plugin milink-test-steps 1.0.0") != std::string::npos);
  CHECK(t.out.find("\n  preflight check: verifies prerequisites and changes nothing; `milink run --skip-preflight` "
                   "skips it\n") != std::string::npos);
  CHECK(t.out.find("  fail   boolean   default false\n") != std::string::npos);
  auto record = sb.milink({"plugins", "describe", "test.record"});
  REQUIRE(record.exit_code == 0);
  CHECK(record.out.find("preflight") == std::string::npos);

  // plugins list marks it too.
  auto list = sb.milink({"plugins", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("  step      test.check   A preflight check that passes, or fails when asked to (for "
                      "--skip-preflight tests)  (preflight check)\n") != std::string::npos);
  CHECK(list.out.find("  step      test.record  Records each call and keeps a marker file as its state (for tests "
                      "and examples)\n") != std::string::npos);
  Value listed = milink::sdk::parse_json(sb.milink({"plugins", "list", "--output", "json"}).out, "stdout");
  std::map<std::string, bool> preflight;
  for (const auto& p : listed.get("plugins")->as_array())
    for (const auto& s : p.get("steps")->as_array()) preflight[s.get("uses")->as_string()] = s.get("preflight")->as_bool();
  CHECK(preflight["test.check"] == true);
  CHECK(preflight["test.record"] == false);

  auto j = sb.milink({"plugins", "describe", "test.check", "--output", "json"});
  REQUIRE(j.exit_code == 0);
  Value v = milink::sdk::parse_json(j.out, "stdout");
  REQUIRE(v.get("preflight") != nullptr);
  CHECK(v.get("preflight")->as_bool() == true);
  auto jr = sb.milink({"plugins", "describe", "test.record", "--output", "json"});
  REQUIRE(jr.exit_code == 0);
  CHECK(milink::sdk::parse_json(jr.out, "stdout").get("preflight")->as_bool() == false);
}
