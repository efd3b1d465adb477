// Destructive steps (StepSpec::destructive): milink run dry-runs the
// workflow first, lists what it would destroy and asks; without a terminal
// it refuses unless --yes, and nothing changes before the answer. A step
// that turns destructive only at apply time is refused. Plans mark the
// actions.
#include "runner_fixture.hpp"

using namespace runnertest;

namespace {

std::string erase_workflow(bool hide = false) {
  return std::string(R"({
  "milink": 1,
  "name": "erasing",
  "steps": [
    { "id": "before", "uses": "test.record", "with": { "message": "before" } },
    { "id": "erase", "uses": "test.erase", "with": { "path": "victim.txt", "hide_in_dry_run": )") +
         (hide ? "true" : "false") + R"( } }
  ]
})";
}

}  // namespace

TEST_CASE("a destructive run without a terminal and without --yes is refused before anything changes", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", erase_workflow());
  sb.write("victim.txt", "x");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "milink: this run will delete or drop:\n  - erase: delete file victim.txt\n"
                 "milink: error: this run would delete or drop what is listed above, and stdin is not a terminal to "
                 "confirm it; pass --yes to go ahead. Nothing was changed\n");
  auto events = parse_events(r.out);
  auto asked = events_named(events, "destructive_actions");
  REQUIRE(asked.size() == 1);
  CHECK(str(asked[0], "decision") == "no_terminal");
  CHECK(asked[0].find("actions")->to_json() ==
        R"([{"step":"erase","target":"files","description":"delete file victim.txt"}])");
  CHECK(events_named(events, "run_start").empty());
  CHECK(fs::exists(sb / "victim.txt"));
  CHECK(sb.records("apply_start", "before").empty());  // the earlier step did not change anything either
  CHECK(sb.markers().empty());
}

TEST_CASE("with --yes a destructive run lists what is destroyed and goes ahead", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", erase_workflow());
  sb.write("victim.txt", "x");
  auto r = sb.milink({"run", "wf.json", "--yes"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("milink: this run will delete or drop:\n  - erase: delete file victim.txt\n"
                    "milink: going ahead (--yes)\n",
                    0) == 0);
  CHECK_FALSE(fs::exists(sb / "victim.txt"));
  // Nothing left to destroy: no question at all, and no --yes needed.
  auto again = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(again.exit_code == 0);
  CHECK(events_named(parse_events(again.out), "destructive_actions").empty());
  CHECK(str(step_end(parse_events(again.out), "erase"), "status") == "ok");
}

TEST_CASE("a destructive step the dry run did not list is not applied", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", erase_workflow(/*hide=*/true));
  sb.write("victim.txt", "x");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);
  auto events = parse_events(r.out);
  CHECK(events_named(events, "destructive_actions").empty());
  Object end = step_end(events, "erase");
  CHECK(str(end, "status") == "failed");
  CHECK(str(end, "reason") == "not applied: step erase (test.erase) would delete or drop things (file victim.txt "
                              "exists) that were not listed and confirmed before the run; run again and answer yes, "
                              "or pass --yes");
  CHECK(fs::exists(sb / "victim.txt"));
  CHECK(sb.records("apply_start", "erase").empty());
}

TEST_CASE("plan and --dry-run mark destructive actions, and describe says the step is destructive", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", erase_workflow());
  sb.write("victim.txt", "x");
  auto p = sb.milink({"plan", "wf.json", "--out", "plan"});
  REQUIRE(p.exit_code == 0);
  CHECK(testsupport::read_file(sb / "plan" / "notes.txt") == "- DESTRUCTIVE: step erase (files): delete file victim.txt\n");
  std::string pj = testsupport::read_file(sb / "plan" / "plan.json");
  CHECK(pj.find("\"description\": \"delete file victim.txt\",\n          \"destructive\": true") != std::string::npos);
  CHECK(pj.find("\"description\": \"record before\",\n          \"destructive\"") == std::string::npos);

  auto d = sb.milink({"run", "wf.json", "--dry-run"});
  CHECK(d.exit_code == 0);
  CHECK(d.out.find("             would DESTROY: delete file victim.txt\n") != std::string::npos);
  CHECK(fs::exists(sb / "victim.txt"));

  auto desc = sb.milink({"plugins", "describe", "test.erase"});
  CHECK(desc.out.find("  destructive: it deletes or drops things; `milink run` lists them and asks for confirmation "
                      "(or --yes) first\n") != std::string::npos);
}
