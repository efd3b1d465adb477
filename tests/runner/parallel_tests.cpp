// for_each branches run concurrently: --parallel is the bound; a step's
// max_parallel is the default without it, and a ceiling only with a reason.
#include "runner_fixture.hpp"

#include <utility>

using namespace runnertest;

namespace {

const char* kSixItems = R"({
  "milink": 1,
  "name": "fan_out",
  "steps": [
    { "id": "each", "uses": "test.record", "for_each": ["a", "b", "c", "d", "e", "f"], "max_parallel": 3,
      "with": { "message": "item ${{ item }}", "sleep_ms": 300 } }
  ]
})";

/// Six items again, with max_parallel as a stated ceiling of 2.
const char* kSixItemsCeiling = R"({
  "milink": 1,
  "name": "fan_out",
  "steps": [
    { "id": "each", "uses": "test.record", "for_each": ["a", "b", "c", "d", "e", "f"],
      "max_parallel": { "limit": 2, "reason": "the test server takes two sessions at a time" },
      "with": { "message": "item ${{ item }}", "sleep_ms": 300 } }
  ]
})";

const char* kCeilingWarning =
    "milink: warning: step each (/steps/0): --parallel 5 is lowered to 2, the workflow's max_parallel ceiling: the "
    "test server takes two sessions at a time\n";

/// The largest number of apply intervals that overlap, from the apply_end
/// records (each carries its own start time).
int max_overlap(const std::vector<Object>& apply_ends) {
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
  for (const auto& r : apply_ends) intervals.emplace_back(r.find("start")->as_int(), r.find("t")->as_int());
  return runnertest::max_overlap(intervals);
}

void check_all_applied_once(const Sandbox& sb) {
  for (const char* item : {"a", "b", "c", "d", "e", "f"}) {
    std::string key = std::string("each[") + item + "]";
    INFO(key);
    CHECK(sb.count("apply_start", key) == 1);
    CHECK(sb.count("apply_end", key) == 1);
  }
}

}  // namespace

TEST_CASE("for_each runs exactly max_parallel branches at once", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItems);
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  check_all_applied_once(sb);
  auto ends = sb.records("apply_end");
  REQUIRE(ends.size() == 6);
  CHECK(max_overlap(ends) == 3);
  auto events = parse_events(r.out);
  CHECK(events_named(events, "step_end").size() == 6);
  CHECK(run_end(events).find("counts")->get("changed")->as_int() == 6);
}

TEST_CASE("the --parallel option lowers the bound below a workflow's max_parallel default", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItems);
  auto r = sb.milink({"run", "wf.json", "--parallel", "2", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  check_all_applied_once(sb);
  auto ends = sb.records("apply_end");
  REQUIRE(ends.size() == 6);
  int most = max_overlap(ends);
  CHECK(most <= 2);
  CHECK(most >= 2);
}

TEST_CASE("the --parallel option must be a sensible number", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItems);
  auto r = sb.milink({"run", "wf.json", "--parallel", "0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--parallel must be between 1 and 1024") != std::string::npos);
  CHECK(sb.records().empty());
}

TEST_CASE("the --parallel option raises the bound above a workflow's max_parallel default", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItems);
  auto r = sb.milink({"run", "wf.json", "--parallel", "6", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  check_all_applied_once(sb);
  CHECK(max_overlap(sb.records("apply_end")) == 6);
  CHECK(events_named(parse_events(r.out), "warning").empty());
}

TEST_CASE("without --parallel or max_parallel, 4 branches run at once", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({ "milink": 1, "name": "fan_out", "steps": [
    { "id": "each", "uses": "test.record", "for_each": ["a", "b", "c", "d", "e", "f"],
      "with": { "message": "item ${{ item }}", "sleep_ms": 300 } } ] })");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  check_all_applied_once(sb);
  CHECK(max_overlap(sb.records("apply_end")) == 4);
}

TEST_CASE("a max_parallel ceiling with a reason lowers --parallel, and run says so", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItemsCeiling);

  SECTION("text: a warning on stderr naming the step, both values and the reason") {
    auto r = sb.milink({"run", "wf.json", "--parallel", "5"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err == kCeilingWarning);
    check_all_applied_once(sb);
    CHECK(max_overlap(sb.records("apply_end")) == 2);
  }
  SECTION("json: a warning event") {
    auto r = sb.milink({"run", "wf.json", "--parallel", "5", "--output", "json"});
    REQUIRE(r.exit_code == 0);
    auto warnings = events_named(parse_events(r.out), "warning");
    REQUIRE(warnings.size() == 1);
    CHECK(str(warnings[0], "step") == "each");
    CHECK(str(warnings[0], "message") + "\n" == std::string(kCeilingWarning).substr(std::string("milink: warning: ").size()));
    CHECK(max_overlap(sb.records("apply_end")) == 2);
  }
  SECTION("no warning when --parallel is within the ceiling, or not given") {
    auto within = sb.milink({"run", "wf.json", "--parallel", "2"});
    REQUIRE(within.exit_code == 0);
    CHECK(within.err.empty());
    auto unset = sb.milink({"run", "wf.json", "--output", "json"});
    REQUIRE(unset.exit_code == 0);
    CHECK(unset.err.empty());
    CHECK(events_named(parse_events(unset.out), "warning").empty());
  }
}

TEST_CASE("milink validate --parallel warns where a max_parallel ceiling would lower it", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kSixItemsCeiling);
  auto lowered = sb.milink({"validate", "wf.json", "--parallel", "5"});
  CHECK(lowered.exit_code == 0);
  CHECK(lowered.err == kCeilingWarning);
  CHECK(lowered.out == "wf.json: valid (1 steps)\n");
  auto within = sb.milink({"validate", "wf.json", "--parallel", "2"});
  CHECK(within.exit_code == 0);
  CHECK(within.err.empty());
  auto bad = sb.milink({"validate", "wf.json", "--parallel", "0"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "milink: error: --parallel must be between 1 and 1024\n");
}
