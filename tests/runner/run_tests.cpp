// milink run: ordering, events, idempotence, on_error, providers.
#include "runner_fixture.hpp"

#include <set>

using namespace runnertest;

namespace {

const char* kThreeSteps = R"({
  "milink": 1,
  "name": "three",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two after ${{ steps.one.outputs.echo }}" } },
    { "id": "three", "uses": "test.record", "with": { "message": "three" } }
  ]
})";

std::vector<std::string> ops_and_keys(const std::vector<Object>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(str(r, "op") + " " + str(r, "key"));
  return out;
}

}  // namespace

TEST_CASE("sequential steps run in order and every JSON event parses", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kThreeSteps);
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  REQUIRE(r.exit_code == 0);

  // The plugin saw observe/apply of one, then two, then three.
  std::vector<std::string> expected{"observe one",   "apply_start one",   "apply_end one",
                                    "observe two",   "apply_start two",   "apply_end two",
                                    "observe three", "apply_start three", "apply_end three"};
  CHECK(ops_and_keys(sb.records()) == expected);
  // Outputs of an earlier step reach a later one.
  REQUIRE(sb.records("apply_end", "two").size() == 1);
  CHECK(str(sb.records("apply_end", "two")[0], "message") == "two after one");

  auto events = parse_events(r.out);
  REQUIRE(events.size() >= 8);
  CHECK(str(events.front(), "event") == "run_start");
  CHECK(str(events.front(), "mode") == "apply");
  CHECK(str(events.back(), "event") == "run_end");
  const std::set<std::string> statuses{"ok", "changed", "skipped", "failed"};
  std::vector<std::string> ended;
  for (const auto& e : events_named(events, "step_end")) {
    INFO(Value(e).to_json());
    CHECK(statuses.count(str(e, "status")) == 1);
    CHECK(str(e, "status") == "changed");
    ended.push_back(str(e, "step"));
  }
  CHECK(ended == std::vector<std::string>{"one", "two", "three"});
  // Each step ends before the next one starts.
  std::vector<std::string> seq;
  for (const auto& e : events)
    if (str(e, "event") == "step_start" || str(e, "event") == "step_end") seq.push_back(str(e, "event") + " " + str(e, "step"));
  CHECK(seq == std::vector<std::string>{"step_start one", "step_end one", "step_start two", "step_end two",
                                        "step_start three", "step_end three"});
  CHECK(step_end(events, "two").find("outputs")->get("echo")->as_string() == "two after one");

  Object end = run_end(events);
  CHECK(str(end, "result") == "succeeded");
  CHECK(end.find("exit_code")->as_int() == 0);
  CHECK(end.find("counts")->get("changed")->as_int() == 3);
  CHECK(end.find("counts")->get("failed")->as_int() == 0);
}

TEST_CASE("a second run of a finished workflow only observes and reports every step ok", "[runner]") {
  Sandbox sb;
  fs::path examples = fs::path(MILINK_SOURCE_DIR) / "tests" / "support" / "workflows";
  sb.write("hello.json", testsupport::read_file(examples / "hello.json"));
  sb.write("hello.config.json", testsupport::read_file(examples / "hello.config.json"));
  std::vector<std::string> args{"run", "hello.json", "-c", "hello.config.json", "--set", "parallel_sleep_ms=20",
                                "--output", "json"};

  auto first = sb.milink(args);
  REQUIRE(first.exit_code == 0);
  auto events1 = parse_events(first.out);
  auto ends1 = events_named(events1, "step_end");
  REQUIRE(ends1.size() == 8);  // first, 3 x (prepare, link), done
  for (const auto& e : ends1) CHECK(str(e, "status") == "changed");
  std::size_t records_after_first = sb.records().size();
  std::size_t applies_after_first = sb.count("apply_start");
  CHECK(applies_after_first == 8);
  CHECK(sb.count("apply_end") == 8);

  auto second = sb.milink(args);
  REQUIRE(second.exit_code == 0);
  auto events2 = parse_events(second.out);
  auto ends2 = events_named(events2, "step_end");
  REQUIRE(ends2.size() == 8);
  for (const auto& e : ends2) {
    INFO(Value(e).to_json());
    CHECK(str(e, "status") == "ok");
    CHECK(starts_with(str(e, "reason"), "marker "));
  }
  CHECK(str(run_end(events2), "result") == "succeeded");
  CHECK(run_end(events2).find("counts")->get("ok")->as_int() == 8);
  CHECK(run_end(events2).find("counts")->get("changed")->as_int() == 0);

  // The second run called observe() once per step and nothing else.
  auto all = sb.records();
  REQUIRE(all.size() == records_after_first + 8);
  for (std::size_t i = records_after_first; i < all.size(); ++i) CHECK(str(all[i], "op") == "observe");
  CHECK(sb.count("apply_start") == applies_after_first);
  CHECK(sb.count("apply_end") == 8);
}

TEST_CASE("a failing step stops the workflow by default and later steps are skipped and never called", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "stops",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two", "fail": true } },
    { "id": "three", "uses": "test.record", "with": { "message": "three" } },
    { "id": "four", "uses": "test.record", "with": { "message": "four" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "one"), "status") == "changed");
  CHECK(str(step_end(events, "two"), "status") == "failed");
  CHECK(str(step_end(events, "two"), "reason") == "asked to fail (fail: true)");
  for (const char* later : {"three", "four"}) {
    Object e = step_end(events, later);
    CHECK(str(e, "status") == "skipped");
    CHECK(starts_with(str(e, "reason"), "not run: step two failed"));
    CHECK(sb.records("observe", later).empty());
    CHECK(sb.records("apply_start", later).empty());
  }
  CHECK(sb.count("apply_failed", "two") == 1);
  CHECK(sb.count("apply_end", "two") == 0);
  Object end = run_end(events);
  CHECK(str(end, "result") == "failed");
  CHECK(end.find("exit_code")->as_int() == 1);
  CHECK(end.find("counts")->get("failed")->as_int() == 1);
  CHECK(end.find("counts")->get("skipped")->as_int() == 2);

  // The text output says the same.
  Sandbox text;
  text.write("wf.json", testsupport::read_file(sb / "wf.json"));
  auto t = text.milink({"run", "wf.json"});
  CHECK(t.exit_code == 1);
  CHECK(t.out.find("FAILED   two") != std::string::npos);
  CHECK(t.out.find("skipped  three  (0.0s)  not run: step two failed") != std::string::npos);
  CHECK(t.out.find("milink: failed in") != std::string::npos);
}

TEST_CASE("on_error continue lets later steps run and read the failed status", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "continues",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "on_error": "continue", "with": { "message": "two", "fail": true } },
    { "id": "three", "uses": "test.record", "with": { "message": "three after ${{ steps.two.status }}" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);  // a step failed, even though the run went on
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "two"), "status") == "failed");
  CHECK(str(step_end(events, "three"), "status") == "changed");
  REQUIRE(sb.count("apply_end", "three") == 1);
  CHECK(str(sb.records("apply_end", "three")[0], "message") == "three after failed");
  CHECK(str(run_end(events), "result") == "failed");
}

TEST_CASE("a failing for_each branch does not stop its sibling branches by default", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "branches",
  "steps": [
    { "id": "each", "uses": "test.record", "for_each": ["a", "b", "c", "d"], "max_parallel": 2,
      "with": { "message": "item ${{ item }}", "fail": "${{ item == 'b' }}" } },
    { "id": "after", "uses": "test.record", "with": { "message": "after" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  for (const char* ok : {"each[a]", "each[c]", "each[d]"}) {
    CHECK(str(step_end(events, ok), "status") == "changed");
    CHECK(sb.count("apply_end", ok) == 1);
  }
  CHECK(str(step_end(events, "each[b]"), "status") == "failed");
  CHECK(sb.count("apply_failed", "each[b]") == 1);
  CHECK(str(step_end(events, "after"), "status") == "skipped");
  CHECK(str(step_end(events, "after"), "reason") == "not run: step each failed");
  CHECK(sb.count("observe", "after") == 0);

  Object end = run_end(events);
  CHECK(str(end, "result") == "failed");
  // Every branch, in workflow order (branches in item order), whatever order they finished in.
  std::vector<std::string> keys;
  for (const auto& s : end.find("summary")->as_array()) keys.push_back(str(s.as_object(), "step"));
  CHECK(keys == std::vector<std::string>{"each[a]", "each[b]", "each[c]", "each[d]", "after"});
}

TEST_CASE("on_error fail_fast skips the branches not yet started", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "fastfail",
  "steps": [
    { "id": "each", "uses": "test.record", "for_each": ["a", "b", "c", "d"], "max_parallel": 1, "on_error": "fail_fast",
      "with": { "message": "item ${{ item }}", "fail": "${{ item == 'b' }}" } },
    { "id": "after", "uses": "test.record", "with": { "message": "after" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "each[a]"), "status") == "changed");
  CHECK(str(step_end(events, "each[b]"), "status") == "failed");
  for (const char* later : {"each[c]", "each[d]"}) {
    Object e = step_end(events, later);
    CHECK(str(e, "status") == "skipped");
    CHECK(str(e, "reason").find("fail_fast") != std::string::npos);
    CHECK(str(e, "reason") == "cancelled: each[b] failed (on_error: fail_fast)");
    CHECK(sb.records("observe", later).empty());
  }
  CHECK(str(step_end(events, "after"), "status") == "skipped");
  CHECK(run_end(events).find("counts")->get("skipped")->as_int() == 3);
}

TEST_CASE("a failure inside a group branch stops only that branch", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "groups",
  "steps": [
    { "id": "grp", "for_each": ["x", "y"], "as": "db",
      "steps": [
        { "id": "first", "uses": "test.record", "with": { "message": "first ${{ db }}", "fail": "${{ db == 'x' }}" } },
        { "id": "second", "uses": "test.record", "with": { "message": "second ${{ db }}" } },
        { "id": "third", "uses": "test.record", "with": { "message": "third ${{ db }}" } }
      ] },
    { "id": "after", "uses": "test.record", "with": { "message": "after" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "grp[x].first"), "status") == "failed");
  for (const char* later : {"grp[x].second", "grp[x].third"}) {
    CHECK(str(step_end(events, later), "status") == "skipped");
    CHECK(str(step_end(events, later), "reason") == "not run: step grp[x].first failed");
    CHECK(sb.records("observe", later).empty());
  }
  for (const char* fine : {"grp[y].first", "grp[y].second", "grp[y].third"}) {
    CHECK(str(step_end(events, fine), "status") == "changed");
    CHECK(sb.count("apply_end", fine) == 1);
  }
  // The other branch ran in order.
  std::vector<std::string> y;
  for (const auto& rec : sb.records("apply_end"))
    if (starts_with(str(rec, "key"), "grp[y].")) y.push_back(str(rec, "key"));
  CHECK(y == std::vector<std::string>{"grp[y].first", "grp[y].second", "grp[y].third"});
  CHECK(str(step_end(events, "after"), "reason") == "not run: step grp failed");
}

TEST_CASE("steps reach providers configured in the config", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "greet",
  "steps": [
    { "id": "configured", "uses": "test.greet", "with": { "provider": "greeter", "name": "bob" } },
    { "id": "by_name", "uses": "test.greet", "with": { "name": "amy" } },
    { "id": "missing", "uses": "test.greet", "with": { "provider": "nosuch", "name": "bob" } }
  ]
})");
  sb.write("cfg.json", R"({
  "milink_config": 1,
  "providers": { "greeter": { "use": "test.prefixer", "with": { "prefix": "hi" } } }
})");
  auto r = sb.milink({"run", "wf.json", "-c", "cfg.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  Object configured = step_end(events, "configured");
  CHECK(str(configured, "status") == "changed");
  CHECK(configured.find("outputs")->get("greeting")->as_string() == "hi, bob");
  // Without an instance in the config, the provider plugin is used by name with its defaults.
  Object by_name = step_end(events, "by_name");
  CHECK(by_name.find("outputs")->get("greeting")->as_string() == "hello, amy");
  Object missing = step_end(events, "missing");
  CHECK(str(missing, "status") == "failed");
  CHECK(str(missing, "reason").find("no test-greeting provider \"nosuch\"") != std::string::npos);

  // Without the config, "greeter" is not a provider anyone configured.
  Sandbox bare;
  bare.write("wf.json", testsupport::read_file(sb / "wf.json"));
  auto b = bare.milink({"run", "wf.json", "--output", "json"});
  CHECK(b.exit_code == 1);
  auto bev = parse_events(b.out);
  CHECK(str(step_end(bev, "configured"), "status") == "failed");
  CHECK(str(step_end(bev, "configured"), "reason").find("no test-greeting provider \"greeter\"") != std::string::npos);
  CHECK(str(step_end(bev, "by_name"), "reason") == "not run: step configured failed");
}
