// for_each branches run concurrently, bounded by max_parallel and --parallel.
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

/// The largest number of [start, end) apply intervals that overlap, from
/// the apply_end records (each carries its own start time).
int max_overlap(const std::vector<Object>& apply_ends) {
  std::vector<std::pair<std::int64_t, int>> points;  // (time, +1 start / -1 end)
  for (const auto& r : apply_ends) {
    points.emplace_back(r.find("start")->as_int(), +1);
    points.emplace_back(r.find("t")->as_int(), -1);
  }
  // At equal times ends come first: a worker that finishes an item and takes
  // the next within the same millisecond did not run two at once.
  std::sort(points.begin(), points.end());
  int now = 0, most = 0;
  for (const auto& [t, d] : points) {
    now += d;
    most = std::max(most, now);
  }
  return most;
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

TEST_CASE("the --parallel option lowers the bound below max_parallel", "[runner]") {
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
