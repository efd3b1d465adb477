// The audit trail: a UTC time on every JSON event and journal record; the
// exact --resume command after a stopped run; and one process per run (a
// second one is told who holds it).
#include "runner_fixture.hpp"

#include <csignal>
#include <regex>
#include <sys/types.h>
#include <unistd.h>

using namespace runnertest;

namespace {

const char* kSlowMiddle = R"({
  "milink": 1,
  "name": "slow_middle",
  "inputs": { "x": { "type": "string", "default": "" } },
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two", "sleep_ms": 4000 } },
    { "id": "three", "uses": "test.record", "with": { "message": "three" } }
  ]
})";

bool is_utc_time(const Object& o) {
  static const std::regex form(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  return std::regex_match(str(o, "time"), form);
}

/// Starts `milink run wf.json ARGS` and waits until step two is inside apply().
pid_t start_until_two_applies(const Sandbox& sb, const std::vector<std::string>& args, const std::string& tag) {
  pid_t pid = sb.spawn(args, tag);
  REQUIRE(pid > 0);
  bool in_two = testsupport::eventually([&] { return sb.count("apply_start", "two") >= 1; }, 15000);
  if (!in_two) {
    ::kill(pid, SIGKILL);
    testsupport::wait_for(pid);
  }
  REQUIRE(in_two);
  return pid;
}

/// The command after "to continue this run once the cause is fixed: " on \p err.
std::string resume_hint(const std::string& err) {
  const std::string marker = "milink: to continue this run once the cause is fixed: ";
  auto at = err.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return err.substr(at, err.find('\n', at) - at);
}

}  // namespace

TEST_CASE("every JSON event and every journal record carries a UTC time", "[runner][audit]") {
  Sandbox sb;
  sb.write("wf.json", R"({ "milink": 1, "name": "two", "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "a" } },
    { "id": "b", "uses": "test.record", "with": { "message": "b" } } ] })");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  REQUIRE(events.size() >= 6);
  for (const auto& e : events) {
    INFO(milink::sdk::Value(e).to_json());
    CHECK(is_utc_time(e));
  }
  auto journal = testsupport::read_json_lines(sb.only_run_dir() / "journal.jsonl");
  REQUIRE(journal.size() >= 4);
  for (const auto& rec : journal) {
    INFO(milink::sdk::Value(rec).to_json());
    CHECK(is_utc_time(rec));
  }
  // An input error is an event with its time too.
  auto bad = sb.milink({"run", "missing.json", "--output", "json"});
  CHECK(bad.exit_code == 2);
  for (const auto& e : parse_events(bad.out)) CHECK(is_utc_time(e));
}

TEST_CASE("a run stopped by Ctrl-C prints the exact --resume command, which finishes it", "[runner][audit]") {
  Sandbox sb;
  sb.write("wf.json", kSlowMiddle);
  pid_t pid = start_until_two_applies(sb, {"run", "wf.json", "--state-dir", "st", "--set", "x=it's"}, "stopped");
  REQUIRE(::kill(pid, SIGINT) == 0);
  CHECK(testsupport::wait_for(pid) == 130);
  std::string err = testsupport::read_file(sb / "stopped.stderr");
  std::string command = resume_hint(err);
  INFO(err);
  auto runs = fs::directory_iterator(sb / "st" / "runs");
  const std::string run_id = runs->path().filename().string();
  CHECK(command == "milink run wf.json --set 'x=it'\\''s' --plugin-path " + sb.argv({}).back() +
                       " --state-dir st --resume=" + run_id);

  // Typed as printed (with milink's path for "milink"), it finishes the run.
  const std::string shell = testsupport::milink_binary().string() + command.substr(std::string("milink").size());
  auto resumed = testsupport::run({"/bin/sh", "-c", shell}, sb.dir(), sb.env);
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(sb.count("apply_end", "three") == 1);
  CHECK(resume_hint(resumed.err).empty());
}

TEST_CASE("a second milink process on the same run is refused and told who holds it", "[runner][audit]") {
  Sandbox sb;
  sb.write("wf.json", kSlowMiddle);
  // A first attempt stops at two; its resume then holds the run while two sleeps.
  pid_t first = start_until_two_applies(sb, {"run", "wf.json"}, "first");
  REQUIRE(::kill(first, SIGINT) == 0);
  REQUIRE(testsupport::wait_for(first) == 130);
  const std::size_t started = sb.count("apply_start", "two");
  pid_t holder = sb.spawn({"run", "wf.json", "--resume"}, "holder");
  REQUIRE(testsupport::eventually([&] { return sb.count("apply_start", "two") > started; }, 15000));

  auto second = sb.milink({"run", "wf.json", "--resume"});
  CHECK(second.exit_code == 2);
  const std::string run_id = sb.only_run_dir().filename().string();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(second.err.find("milink: error: run " + run_id + " is in use by another milink process (pid " +
                        std::to_string(holder) + " on host " + host + ", since ") != std::string::npos);
  CHECK(second.err.find("run wf.json --resume --plugin-path") != std::string::npos);
  CHECK(second.err.find("); wait for it to end or stop it, then run this command again") != std::string::npos);
  // The refused process did nothing: two is applied only by the holder.
  CHECK(testsupport::wait_for(holder) == 0);
  CHECK(sb.count("apply_end", "two") == 1);
  CHECK(sb.count("apply_start", "three") == 1);
  // The lock went with the holder: the run is finished, nothing to resume.
  auto after = sb.milink({"run", "wf.json", "--resume"});
  CHECK(after.exit_code == 2);
  CHECK(after.err.find("no unfinished run") != std::string::npos);
}
