// A step's `concurrency` bounds how many of its executions apply at once,
// across for_each branches, by the evaluated group name; other steps of the
// same branches go on. Concurrency is measured from the intervals the test
// plugin records, never from wall time.
#include "runner_fixture.hpp"

#include <csignal>
#include <sys/types.h>

using namespace runnertest;

namespace {

/// Per item: prep, then a group "seed" (link, verify) that holds one slot
/// of "seeding-<instance>" from link's apply to verify's end.
const char* kSeeding = R"({
  "milink": 1,
  "name": "seeding",
  "inputs": {
    "instance": { "type": "string", "default": "mi1" },
    "limit": { "type": "integer", "default": 2 }
  },
  "steps": [
    { "id": "each", "for_each": ["a", "b", "c", "d", "e", "f"], "as": "db",
      "steps": [
        { "id": "prep", "uses": "test.record", "with": { "message": "prep ${{ db }}", "sleep_ms": 300 } },
        { "id": "seed",
          "concurrency": { "group": "${{ format('seeding-{0}', inputs.instance) }}", "limit": "${{ inputs.limit }}" },
          "steps": [
            { "id": "link", "uses": "test.record", "with": { "message": "link ${{ db }}", "sleep_ms": 150 } },
            { "id": "verify", "uses": "test.record", "with": { "message": "verify ${{ db }}", "sleep_ms": 150 } }
          ] }
      ] }
  ]
})";

const std::vector<std::string> kItems{"a", "b", "c", "d", "e", "f"};

/// [start, end) of one recorded apply.
std::pair<std::int64_t, std::int64_t> applied(const Sandbox& sb, const std::string& key) {
  auto ends = sb.records("apply_end", key);
  INFO(key);
  REQUIRE(ends.size() == 1);
  return {ends[0].find("start")->as_int(), ends[0].find("t")->as_int()};
}

/// From each item's link apply start to its verify apply end.
std::vector<std::pair<std::int64_t, std::int64_t>> seeding_spans(const Sandbox& sb) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& i : kItems)
    out.emplace_back(applied(sb, "each[" + i + "].seed.link").first, applied(sb, "each[" + i + "].seed.verify").second);
  return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> prep_spans(const Sandbox& sb) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& i : kItems) out.push_back(applied(sb, "each[" + i + "].prep"));
  return out;
}

}  // namespace

TEST_CASE("a concurrency group bounds a group's steps across for_each branches while other steps exceed it",
          "[runner][concurrency]") {
  Sandbox sb;
  sb.write("wf.json", kSeeding);
  auto r = sb.milink({"run", "wf.json", "--parallel", "6", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  // The slot is held from link's apply to verify's end: at most 2 at once,
  // and the bound was reached; prep, outside the group, ran more at once.
  int seeding = max_overlap(seeding_spans(sb));
  CHECK(seeding <= 2);
  CHECK(seeding == 2);
  CHECK(max_overlap(prep_spans(sb)) > 2);

  auto events = parse_events(r.out);
  CHECK(str(run_end(events), "result") == "succeeded");
  // One slot per branch, held by the group branch, taken when link applies.
  auto acquired = events_named(events, "slot_acquired");
  auto released = events_named(events, "slot_released");
  REQUIRE(acquired.size() == 6);
  REQUIRE(released.size() == 6);
  for (const auto& a : acquired) {
    CHECK(str(a, "group") == "seeding-mi1");
    CHECK(a.find("limit")->as_int() == 2);
    CHECK(starts_with(str(a, "holder"), "each["));
    CHECK(str(a, "step") == str(a, "holder") + ".link");
  }
  // Waiting is visible: whoever waited says for which group, and how full it is.
  auto waits = events_named(events, "slot_wait");
  REQUIRE(!waits.empty());
  for (const auto& w : waits) {
    CHECK(str(w, "group") == "seeding-mi1");
    CHECK(str(w, "message") == "waiting for a slot in concurrency group \"seeding-mi1\" (2 of 2 in use)");
  }

  SECTION("a second run only observes and takes no slot") {
    auto again = sb.milink({"run", "wf.json", "--parallel", "6", "--output", "json"});
    REQUIRE(again.exit_code == 0);
    auto ev = parse_events(again.out);
    CHECK(events_named(ev, "slot_acquired").empty());
    CHECK(events_named(ev, "slot_wait").empty());
    CHECK(run_end(ev).find("counts")->get("ok")->as_int() == 18);
  }
}

TEST_CASE("a step waiting for a slot says so in the text output", "[runner][concurrency]") {
  Sandbox sb;
  sb.write("wf.json", kSeeding);
  auto r = sb.milink({"run", "wf.json", "--parallel", "6", "--set", "limit=1"});
  REQUIRE(r.exit_code == 0);
  CHECK(max_overlap(seeding_spans(sb)) == 1);
  CHECK(r.out.find(".seed.link: waiting for a slot in concurrency group \"seeding-mi1\" (1 of 1 in use)\n") !=
        std::string::npos);
  CHECK(r.out.find("\n  waiting  each[") != std::string::npos);
}

TEST_CASE("two concurrency groups keyed differently do not share slots", "[runner][concurrency]") {
  Sandbox sb;
  // A leaf step with its own concurrency: items 0 and 1 share group
  // "seeding-one", 2 and 3 "seeding-two"; one slot each.
  sb.write("wf.json", R"({ "milink": 1, "name": "two_groups", "steps": [
    { "id": "each", "uses": "test.record",
      "for_each": [ { "db": "a", "mi": "one" }, { "db": "b", "mi": "one" }, { "db": "c", "mi": "two" },
                    { "db": "d", "mi": "two" } ],
      "concurrency": { "group": "seeding-${{ item.mi }}", "limit": 1 },
      "with": { "message": "${{ item.db }}", "sleep_ms": 300 } } ] })");
  auto r = sb.milink({"run", "wf.json", "--parallel", "4", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto span = [&](int i) { return applied(sb, "each[" + std::to_string(i) + "]"); };
  CHECK(max_overlap({span(0), span(1)}) == 1);
  CHECK(max_overlap({span(2), span(3)}) == 1);
  CHECK(max_overlap({span(0), span(1), span(2), span(3)}) == 2);
  auto events = parse_events(r.out);
  auto acquired = events_named(events, "slot_acquired");
  REQUIRE(acquired.size() == 4);
  for (const auto& a : acquired) {
    CHECK(str(a, "holder") == str(a, "step"));  // a leaf holds its own slot
    CHECK((str(a, "group") == "seeding-one" || str(a, "group") == "seeding-two"));
  }
}

TEST_CASE("a concurrency limit that evaluates out of range fails the step with the value", "[runner][concurrency]") {
  Sandbox sb;
  sb.write("wf.json", kSeeding);
  auto r = sb.milink({"run", "wf.json", "--set", "limit=0", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  Object seed = step_end(events, "each[a].seed");
  CHECK(str(seed, "status") == "failed");
  CHECK(str(seed, "reason") == "concurrency.limit ${{ inputs.limit }} gave 0; it must give an integer from 1 to 1024");
  CHECK(sb.count("apply_start", "each[a].seed.link") == 0);
  CHECK(sb.count("apply_end", "each[a].prep") == 1);  // the branch's other steps ran
}

TEST_CASE("milink validate names a bad concurrency by file and pointer", "[runner][concurrency]") {
  Sandbox sb;
  sb.write("wf.json", R"({ "milink": 1, "name": "bad", "steps": [
  { "id": "each", "uses": "test.record", "for_each": ["a"], "with": { "message": "m" },
    "concurrency": { "group": "g-${{ itm }}", "limit": "eight" } } ] })");
  auto r = sb.milink({"validate", "wf.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("wf.json:3:22: /steps/0/concurrency/group: unknown name \"itm\" in expression (did you mean "
                   "\"item\"?)\n") != std::string::npos);
  CHECK(r.err.find("wf.json:3:47: /steps/0/concurrency/limit: concurrency.limit must be an integer or exactly one "
                   "${{ }} expression that gives one") != std::string::npos);
  CHECK(r.err.find("milink: 2 problems found; nothing was run") != std::string::npos);
}

TEST_CASE("Ctrl-C while a step waits for a slot exits 130, and --resume completes", "[runner][concurrency]") {
  Sandbox sb;
  sb.write("wf.json", R"({ "milink": 1, "name": "wait", "steps": [
    { "id": "each", "for_each": ["a", "b"], "steps": [
      { "id": "seed", "concurrency": { "group": "seeding", "limit": 1 }, "steps": [
        { "id": "link", "uses": "test.record", "with": { "message": "link ${{ item }}", "sleep_ms": 5000 } } ] } ] } ] })");
  pid_t pid = sb.spawn({"run", "wf.json", "--parallel", "2", "--output", "json"}, "first_attempt");
  REQUIRE(pid > 0);
  // One branch applies; the other waits for the slot.
  bool waiting = testsupport::eventually(
      [&] {
        return sb.count("apply_start") == 1 &&
               testsupport::read_file(sb / "first_attempt.stdout").find("\"slot_wait\"") != std::string::npos;
      },
      15000);
  if (!waiting) {
    ::kill(pid, SIGKILL);
    testsupport::wait_for(pid);
  }
  REQUIRE(waiting);
  std::string holder = str(sb.records("apply_start")[0], "key");
  std::string waiter = holder == "each[a].seed.link" ? "each[b].seed.link" : "each[a].seed.link";
  REQUIRE(::kill(pid, SIGINT) == 0);
  CHECK(testsupport::wait_for(pid) == 130);

  auto first = parse_events(testsupport::read_file(sb / "first_attempt.stdout"));
  CHECK(str(step_end(first, holder), "status") == "failed");
  CHECK(starts_with(str(step_end(first, holder), "reason"), "interrupted: "));
  Object w = step_end(first, waiter);
  CHECK(str(w, "status") == "skipped");
  CHECK(starts_with(str(w, "reason"), "interrupted while waiting for a slot in concurrency group \"seeding\" ("));
  CHECK(str(run_end(first), "result") == "interrupted");
  CHECK(sb.count("apply_start", waiter) == 0);

  auto r = sb.milink({"run", "wf.json", "--resume", "--parallel", "2", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(str(run_end(parse_events(r.out)), "result") == "succeeded");
  CHECK(sb.count("apply_end", holder) == 1);
  CHECK(sb.count("apply_end", waiter) == 1);
  CHECK(sb.count("apply_start", waiter) == 1);  // it never applied before the interrupt
  CHECK(max_overlap({applied(sb, "each[a].seed.link"), applied(sb, "each[b].seed.link")}) == 1);
}
