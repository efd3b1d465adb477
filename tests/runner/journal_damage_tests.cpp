// A journal after a power loss: a torn, NUL-filled or garbage tail is cut back to the last complete
// record (and the run says so), --resume continues the same run, a second --resume after killing the
// first too; a newest run damaged beyond its tail stops --resume instead of continuing an older run.
#include "runner_fixture.hpp"

#include "run/journal.hpp"

#include <csignal>
#include <fstream>
#include <sys/types.h>

using namespace runnertest;

namespace {

std::string three_steps() {
  return R"({
  "milink": 1,
  "name": "slow_middle",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "one" } },
    { "id": "two", "uses": "test.record", "with": { "message": "two", "sleep_ms": 4000 } },
    { "id": "three", "uses": "test.record", "with": { "message": "three" } }
  ]
})";
}

/// Runs milink with \p args until step two has entered apply() \p nth times, then kills it.
void kill_inside_two(const Sandbox& sb, const std::vector<std::string>& args, std::size_t nth) {
  std::vector<std::string> a{"run", "wf.json"};
  a.insert(a.end(), args.begin(), args.end());
  pid_t pid = sb.spawn(a, "attempt_" + std::to_string(nth));
  REQUIRE(pid > 0);
  bool in_two = testsupport::eventually([&] { return sb.count("apply_start", "two") == nth; }, 15000);
  ::kill(pid, SIGKILL);
  testsupport::wait_for(pid);
  REQUIRE(in_two);
}

void append_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << bytes;
}

std::string file_text(const fs::path& file) { return testsupport::read_file(file); }

/// \p p as milink names it: relative to the sandbox, where its state directory (.milink) is.
std::string shown(const Sandbox& sb, const fs::path& p) { return fs::relative(p, sb.dir()).string(); }

struct Damage {
  const char* name;
  std::string bytes;
  std::string described;
};

std::vector<Damage> damages() {
  return {
      {"torn last line", R"({"type":"step_end","step":"two","stat)", "a torn last line (37 bytes without a newline)"},
      {"NUL-filled tail", std::string(4096, '\0'), "a NUL-filled tail (4096 bytes)"},
      {"garbage last line", "\x01\x7f#garbage}\n", "a garbage last line (12 bytes that are not a JSON record)"},
  };
}

Object warning_event(const std::vector<Object>& events) {
  for (const auto& e : events)
    if (str(e, "event") == "warning") return e;
  FAIL("no warning event");
  return {};
}

}  // namespace

TEST_CASE("a damaged journal tail is cut back and --resume continues the same run", "[runner][journal]") {
  for (const Damage& d : damages()) {
    SECTION(d.name) {
      Sandbox sb;
      sb.write("wf.json", three_steps());
      kill_inside_two(sb, {}, 1);
      fs::path run_dir = sb.only_run_dir();
      fs::path journal = run_dir / "journal.jsonl";
      const std::string intact = file_text(journal);
      const std::size_t complete_records = testsupport::read_json_lines(journal).size();
      append_bytes(journal, d.bytes);

      auto r = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
      REQUIRE(r.exit_code == 0);
      auto events = parse_events(r.out);
      CHECK(str(events.front(), "run_id") == run_dir.filename().string());
      CHECK(str(warning_event(events), "message") ==
            "journal " + shown(sb, journal) + ": removed " + d.described + " after record " +
                std::to_string(complete_records) +
                " (step_start two) (a crash or power loss during a write); continuing from there");
      // The damage is gone and every line is a record: the intact prefix, then this attempt's.
      const std::string now = file_text(journal);
      CHECK(now.compare(0, intact.size(), intact) == 0);
      auto records = testsupport::read_json_lines(journal);  // throws on a line that does not parse
      CHECK(str(records[complete_records], "type") == "journal_recovered");
      CHECK(str(records[complete_records + 1], "type") == "run_resume");
      CHECK(str(records.back(), "type") == "run_end");
      CHECK(sb.count("apply_start", "one") == 1);  // not redone
      CHECK(sb.count("apply_end", "three") == 1);
      CHECK(sb.run_dirs().size() == 1);
    }
  }
}

TEST_CASE("text output names the journal damage on stderr", "[runner][journal]") {
  Sandbox sb;
  sb.write("wf.json", three_steps());
  kill_inside_two(sb, {}, 1);
  fs::path journal = sb.only_run_dir() / "journal.jsonl";
  append_bytes(journal, std::string(100, '\0'));
  auto r = sb.milink({"run", "wf.json", "--resume"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("milink: warning: journal " + shown(sb, journal) + ": removed a NUL-filled tail (100 bytes)") !=
        std::string::npos);
}

TEST_CASE("a resume killed after recovering, damaged again, is continued by a second resume", "[runner][journal]") {
  Sandbox sb;
  sb.write("wf.json", three_steps());
  kill_inside_two(sb, {}, 1);
  fs::path run_dir = sb.only_run_dir();
  fs::path journal = run_dir / "journal.jsonl";
  append_bytes(journal, R"({"type":"step_st)");

  // The first resume cuts the tail, starts two again and is killed inside it; its last write is torn too.
  kill_inside_two(sb, {"--resume"}, 2);
  append_bytes(journal, std::string(512, '\0'));

  auto r = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  CHECK(str(events.front(), "run_id") == run_dir.filename().string());
  CHECK(str(warning_event(events), "message").find("removed a NUL-filled tail (512 bytes) after record") !=
        std::string::npos);
  auto records = testsupport::read_json_lines(journal);
  std::size_t resumes = 0, recoveries = 0;
  for (const auto& rec : records) {
    resumes += str(rec, "type") == "run_resume";
    recoveries += str(rec, "type") == "journal_recovered";
  }
  CHECK(resumes == 2);
  CHECK(recoveries == 2);
  CHECK(str(records.back(), "result") == "succeeded");
  CHECK(sb.count("apply_start", "one") == 1);
  CHECK(sb.count("apply_start", "two") == 3);
  CHECK(sb.count("apply_end", "two") == 1);
  CHECK(sb.run_dirs().size() == 1);
}

TEST_CASE("a kill during a resume with an intact journal: the second resume continues the same run",
          "[runner][journal]") {
  Sandbox sb;
  sb.write("wf.json", three_steps());
  kill_inside_two(sb, {}, 1);
  fs::path run_dir = sb.only_run_dir();
  kill_inside_two(sb, {"--resume"}, 2);
  auto r = sb.milink({"run", "wf.json", "--resume", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(str(parse_events(r.out).front(), "run_id") == run_dir.filename().string());
  CHECK(sb.count("apply_start", "one") == 1);
  CHECK(sb.count("apply_end", "three") == 1);
}

TEST_CASE("a newest run damaged in the middle stops --resume instead of continuing an older run",
          "[runner][journal]") {
  Sandbox sb;
  sb.write("wf.json", three_steps());
  kill_inside_two(sb, {}, 1);
  fs::path older = sb.only_run_dir();
  kill_inside_two(sb, {}, 2);
  auto dirs = sb.run_dirs();
  REQUIRE(dirs.size() == 2);
  fs::path newest = dirs[0] == older ? dirs[1] : dirs[0];
  fs::path journal = newest / "journal.jsonl";
  // Garbage between two complete records: not what a crash leaves.
  std::string text = file_text(journal);
  std::size_t first_nl = text.find('\n');
  REQUIRE(first_nl != std::string::npos);
  testsupport::write_file(journal, text.substr(0, first_nl + 1) + "not json\n" + text.substr(first_nl + 1));
  const std::string before = file_text(journal);

  auto r = sb.milink({"run", "wf.json", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--resume: the newest run of this workflow cannot be continued: journal " + shown(sb, journal) +
                   " is damaged in the middle: line 2 is not a JSON record but complete records follow it (line 3)") !=
        std::string::npos);
  CHECK(sb.count("apply_start", "two") == 2);  // neither run went on
  CHECK(file_text(journal) == before);          // nothing was cut
  CHECK(testsupport::read_json_lines(older / "journal.jsonl").back().find("type")->as_string() != "run_resume");

  // Naming the run does not guess either.
  auto named = sb.milink({"run", "wf.json", "--resume=" + newest.filename().string()});
  CHECK(named.exit_code == 2);
  CHECK(named.err.find("--resume: journal " + shown(sb, journal) + " is damaged in the middle") != std::string::npos);
}

TEST_CASE("a newer run whose run.json is unreadable stops --resume", "[runner][journal]") {
  Sandbox sb;
  sb.write("wf.json", three_steps());
  kill_inside_two(sb, {}, 1);
  fs::path older = sb.only_run_dir();
  kill_inside_two(sb, {}, 2);
  auto dirs = sb.run_dirs();
  fs::path newest = dirs[0] == older ? dirs[1] : dirs[0];
  testsupport::write_file(newest / "run.json", std::string(64, '\0'));
  auto r = sb.milink({"run", "wf.json", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--resume: run directory " + shown(sb, newest) +
                   " has a run.json that does not parse, and it is newer than run " + older.filename().string() +
                   "; resume one of them by name (--resume=RUN-ID), or move the damaged one away") !=
        std::string::npos);
  CHECK(sb.count("apply_start", "two") == 2);
}

TEST_CASE("Journal::scan describes each kind of damaged tail", "[runner][journal]") {
  testsupport::TempDir tmp;
  fs::path f = tmp / "journal.jsonl";
  const std::string good = "{\"type\":\"run_start\"}\n{\"type\":\"step_start\",\"step\":\"a\"}\n";
  for (const Damage& d : damages()) {
    testsupport::write_file(f, good + d.bytes);
    auto s = milink::run::Journal::scan(f);
    CHECK(s.records.size() == 2);
    CHECK(s.valid_bytes == good.size());
    CHECK(s.file_bytes == good.size() + d.bytes.size());
    CHECK(s.damage == d.described);
  }
  testsupport::write_file(f, good);
  CHECK(milink::run::Journal::scan(f).damage.empty());
}
