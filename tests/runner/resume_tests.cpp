// Journal and --resume: after kill -9, after Ctrl-C, and when resuming is refused.
#include "runner_fixture.hpp"

#include <csignal>
#include <sys/types.h>

using namespace runnertest;

namespace {

std::string three_steps(int sleep_ms) {
  return R"({
  "milink": 1,
  "name": "slow_middle",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two after ${{ steps.one.outputs.echo }}", "sleep_ms": )" +
         std::to_string(sleep_ms) + R"( } },
    { "id": "three", "uses": "test.record", "with": { "message": "three" } }
  ]
})";
}

std::vector<Object> journal_of(const fs::path& run_dir) {
  return testsupport::read_json_lines(run_dir / "journal.jsonl");
}

std::vector<Object> of_type(const std::vector<Object>& records, const std::string& type) {
  std::vector<Object> out;
  for (const auto& r : records)
    if (str(r, "type") == type) out.push_back(r);
  return out;
}

/// Starts `milink run wf.json` and waits until step two is inside apply().
pid_t start_until_two_applies(const Sandbox& sb, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"run", "wf.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_t pid = sb.spawn(args, "first_attempt");
  REQUIRE(pid > 0);
  bool in_two = testsupport::eventually([&] { return sb.count("apply_start", "two") == 1; }, 15000);
  if (!in_two) {
    ::kill(pid, SIGKILL);
    testsupport::wait_for(pid);
  }
  REQUIRE(in_two);
  return pid;
}

}  // namespace

TEST_CASE("resume after kill -9 continues without redoing finished steps", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", three_steps(5000));
  pid_t pid = start_until_two_applies(sb);
  REQUIRE(::kill(pid, SIGKILL) == 0);
  CHECK(testsupport::wait_for(pid) == 128 + SIGKILL);

  // The killed attempt finished one and was inside two.
  CHECK(sb.count("apply_end", "one") == 1);
  CHECK(sb.count("apply_end", "two") == 0);
  CHECK(sb.count("observe", "three") == 0);
  fs::path run_dir = sb.only_run_dir();
  auto before = journal_of(run_dir);
  REQUIRE(!before.empty());
  CHECK(of_type(before, "run_end").empty());
  std::size_t records_before = sb.records().size();

  auto r = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
  REQUIRE(r.exit_code == 0);

  // Step one was neither applied nor observed again.
  CHECK(sb.count("apply_start", "one") == 1);
  CHECK(sb.count("apply_end", "one") == 1);
  auto all = sb.records();
  for (std::size_t i = records_before; i < all.size(); ++i) CHECK(str(all[i], "key") != "one");
  // Step two was redone once, to the end; three ran once.
  CHECK(sb.count("apply_end", "two") == 1);
  CHECK(sb.count("apply_start", "two") == 2);  // the killed attempt and the resumed one
  CHECK(sb.count("apply_start", "three") == 1);
  CHECK(sb.count("apply_end", "three") == 1);

  auto events = parse_events(r.out);
  CHECK(events.front().find("resumed")->as_bool() == true);
  Object one = step_end(events, "one");
  CHECK(str(one, "status") == "changed");
  CHECK(starts_with(str(one, "reason"), "completed in an earlier attempt"));
  CHECK(one.find("outputs")->get("echo")->as_string() == "one");  // outputs come back from the journal
  CHECK(str(step_end(events, "two"), "status") == "changed");
  REQUIRE(sb.records("apply_end", "two").size() == 1);
  CHECK(str(sb.records("apply_end", "two")[0], "message") == "two after one");
  CHECK(str(run_end(events), "result") == "succeeded");

  // The same run directory, now finished, with the resume recorded.
  CHECK(sb.only_run_dir() == run_dir);
  auto journal = journal_of(run_dir);
  REQUIRE(!journal.empty());
  CHECK(str(journal.back(), "type") == "run_end");
  CHECK(str(journal.back(), "result") == "succeeded");
  auto resumes = of_type(journal, "run_resume");
  REQUIRE(resumes.size() == 1);
  auto meta = milink::sdk::parse_json(testsupport::read_file(run_dir / "run.json"));
  CHECK(str(resumes[0], "run_id") == meta.get("run_id")->as_string());
  CHECK(str(resumes[0], "run_id") == run_dir.filename().string());
  CHECK(str(events.front(), "run_id") == run_dir.filename().string());

  // A finished run is not resumable any more.
  auto again = sb.milink({"run", "wf.json", "--resume"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("no unfinished run") != std::string::npos);
}

TEST_CASE("Ctrl-C ends the run as interrupted and --resume finishes it", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", three_steps(2000));
  pid_t pid = start_until_two_applies(sb, {"--output", "json"});
  REQUIRE(::kill(pid, SIGINT) == 0);
  CHECK(testsupport::wait_for(pid) == 130);
  auto first = parse_events(testsupport::read_file(sb / "first_attempt.stdout"));
  CHECK(str(step_end(first, "one"), "status") == "changed");
  CHECK(str(step_end(first, "two"), "status") == "failed");
  CHECK(starts_with(str(step_end(first, "two"), "reason"), "interrupted: "));
  CHECK(str(step_end(first, "three"), "status") == "skipped");
  CHECK(str(step_end(first, "three"), "reason") == "not run: interrupted");
  CHECK(str(run_end(first), "result") == "interrupted");
  CHECK(run_end(first).find("exit_code")->as_int() == 130);

  fs::path run_dir = sb.only_run_dir();
  auto journal = journal_of(run_dir);
  REQUIRE(!journal.empty());
  CHECK(str(journal.back(), "type") == "run_end");
  CHECK(str(journal.back(), "result") == "interrupted");
  CHECK(sb.count("apply_end", "two") == 0);
  CHECK(sb.count("observe", "three") == 0);

  auto r = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(sb.count("apply_start", "one") == 1);
  CHECK(sb.count("observe", "one") == 1);
  CHECK(sb.count("apply_end", "two") == 1);
  CHECK(sb.count("apply_end", "three") == 1);
  auto events = parse_events(r.out);
  CHECK(str(run_end(events), "result") == "succeeded");
  auto after = journal_of(run_dir);
  CHECK(str(after.back(), "type") == "run_end");
  CHECK(str(after.back(), "result") == "succeeded");
  CHECK(of_type(after, "run_resume").size() == 1);
}

TEST_CASE("resume with nothing to resume is refused", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", three_steps(0));
  auto r = sb.milink({"run", "wf.json", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no unfinished run") != std::string::npos);
  CHECK(sb.records().empty());

  // Nor after the workflow ran to the end.
  REQUIRE(sb.milink({"run", "wf.json"}).exit_code == 0);
  std::size_t n = sb.records().size();
  auto again = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("no unfinished run") != std::string::npos);
  auto events = parse_events(again.out);
  REQUIRE(events_named(events, "error").size() == 1);
  CHECK(str(events_named(events, "error")[0], "message").find("no unfinished run") != std::string::npos);
  CHECK(sb.records().size() == n);
}

TEST_CASE("resume refuses a workflow that changed since the run", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "edited",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two", "fail": true } }
  ]
})");
  REQUIRE(sb.milink({"run", "wf.json"}).exit_code == 1);
  std::string run_id = sb.only_run_dir().filename().string();
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "edited",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two" } }
  ]
})");
  std::size_t n = sb.records().size();
  auto r = sb.milink({"run", "wf.json", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("changed since run " + run_id) != std::string::npos);
  CHECK(sb.records().size() == n);  // nothing ran
}

TEST_CASE("resume picks the newest run even when run ids share their second", "[runner]") {
  // Run ids are "<UTC second>Z-<name>-<random hex>". Two runs in the same
  // second must still be told apart by start time, not by the random part.
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "same_second",
  "inputs": { "fail": { "type": "boolean", "default": false } },
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one", "fail": "${{ inputs.fail }}" } }
  ]
})");
  REQUIRE(sb.milink({"run", "wf.json", "--set", "fail=true"}).exit_code == 1);
  fs::path failed = sb.only_run_dir();
  REQUIRE(sb.milink({"run", "wf.json"}).exit_code == 0);
  auto dirs = sb.run_dirs();
  REQUIRE(dirs.size() == 2);
  fs::path succeeded = dirs[0] == failed ? dirs[1] : dirs[0];
  // Give both the same second; the older, failed run gets the larger suffix.
  std::string prefix = failed.filename().string().substr(0, 15) + "Z-same-second-";
  fs::rename(failed, sb.runs_dir() / (prefix + "ffffff"));
  fs::rename(succeeded, sb.runs_dir() / (prefix + "000000"));

  auto r = sb.milink({"run", "wf.json", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no unfinished run") != std::string::npos);
}
