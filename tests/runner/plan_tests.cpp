// milink plan and milink run --dry-run change nothing.
#include "runner_fixture.hpp"

#include <regex>

using namespace runnertest;

namespace {

const char* kTwoSteps = R"({
  "milink": 1,
  "name": "review_me",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "alpha" } },
    { "id": "two", "uses": "test.record", "with": { "message": "beta ${{ steps.one.outputs.echo }}" } }
  ]
})";

}  // namespace

/// The "made <time>" of a plan's header, for comparison.
std::string without_time(std::string text) {
  static const std::regex time("made [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z");
  return std::regex_replace(text, time, "made <time>");
}

TEST_CASE("plan --offline --out writes reviewable SQL and HTTP and JSON and applies nothing", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kTwoSteps);
  auto r = sb.milink({"plan", "wf.json", "--offline", "--out", "planned"});
  REQUIRE(r.exit_code == 0);
  fs::path out = sb / "planned";
  CHECK(r.out.find("wrote " + (fs::path("planned") / "sqlserver.sql").string()) != std::string::npos);

  std::string sql = testsupport::read_file(out / "sqlserver.sql");
  CHECK(without_time(sql) ==
        "-- milink plan for workflow \"review_me\", target sqlserver, made <time>\n"
        "-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>\n"
        "-- are placeholders for what a run reads or creates. It does not run as it is; review it, then\n"
        "-- make a plan without --offline to get one that does.\n"
        "\n"
        "-- step one: record alpha\n"
        "SELECT N'alpha' AS message;\n"
        "GO\n"
        "\n"
        "-- step two: record beta <steps.one.outputs.echo>\n"
        "SELECT N'beta <steps.one.outputs.echo>' AS message;\n"
        "GO\n"
        "\n");

  std::string http = testsupport::read_file(out / "arm.http");
  CHECK(http.find("### step one: store the record\nPUT https://records.example.invalid/records/one\n") !=
        std::string::npos);
  CHECK(http.find("\"message\": \"beta <steps.one.outputs.echo>\"") != std::string::npos);

  REQUIRE(fs::exists(out / "plan.json"));
  Value plan = milink::sdk::parse_json(testsupport::read_file(out / "plan.json"), "plan.json");
  CHECK(plan.get("workflow")->as_string() == "review_me");
  CHECK(plan.get("source")->as_string() == "offline");
  CHECK(plan.get("format")->as_int() == 1);
  const Array& steps = plan.get("steps")->as_array();
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].get("step")->as_string() == "one");
  CHECK(steps[0].get("status")->as_string() == "skipped");
  CHECK(steps[0].get("reason")->as_string() == "planned");
  const Array& actions = steps[1].get("actions")->as_array();
  REQUIRE(actions.size() == 2);
  CHECK(actions[0].get("kind")->as_string() == "sql");
  CHECK(actions[0].get("target")->as_string() == "sqlserver");
  CHECK(actions[0].get("sql")->as_string() == "SELECT N'beta <steps.one.outputs.echo>' AS message;");
  CHECK(actions[1].get("kind")->as_string() == "http");
  CHECK(actions[1].get("target")->as_string() == "arm");
  CHECK(actions[1].get("method")->as_string() == "PUT");

  // Nothing was observed or applied, nothing was journaled.
  CHECK(sb.records().empty());
  CHECK(sb.markers().empty());
  CHECK(!fs::exists(sb / ".milink"));

  // Without --out the plan goes to the console.
  auto console = sb.milink({"plan", "wf.json", "--offline"});
  REQUIRE(console.exit_code == 0);
  CHECK(console.out.find("OFFLINE plan: nothing was read; values in <angle brackets> are placeholders\n") == 0);
  CHECK(console.out.find("==> sqlserver.sql <==\n" + sql.substr(sql.find("-- step one"))) != std::string::npos);
  CHECK(console.out.find("==> arm.http <==") != std::string::npos);
  CHECK(sb.records().empty());
}

TEST_CASE("plan observes read-only: a step already done has no action, and the open values are named", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kTwoSteps);
  auto r = sb.milink({"plan", "wf.json", "--out", "planned"});
  REQUIRE(r.exit_code == 0);
  std::string sql = testsupport::read_file(sb / "planned" / "sqlserver.sql");
  CHECK(without_time(sql).find("-- milink plan for workflow \"review_me\", target sqlserver, made <time>\n"
                               "-- Made by reading the servers and Azure (read-only); nothing was changed. Review it, "
                               "then apply it\n-- with milink run --plan DIR (which refuses if what it observes has "
                               "changed since).\n"
                               "-- NOT RUNNABLE AS IT IS: <steps.one.outputs.echo>\n") == 0);
  Value plan = milink::sdk::parse_json(testsupport::read_file(sb / "planned" / "plan.json"), "plan.json");
  CHECK(plan.get("source")->as_string() == "observed");
  const Array& steps = plan.get("steps")->as_array();
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].get("would_change")->as_bool());
  CHECK(sb.count("observe", "one") == 1);  // observed, not applied
  CHECK(sb.count("apply_start") == 0);
  CHECK(sb.markers().empty());

  // Once step one is done, a plan has nothing for it and knows its output.
  REQUIRE(sb.milink({"run", "wf.json"}).exit_code == 0);
  auto again = sb.milink({"plan", "wf.json", "--out", "again"});
  REQUIRE(again.exit_code == 0);
  Value plan2 = milink::sdk::parse_json(testsupport::read_file(sb / "again" / "plan.json"), "plan.json");
  const Array& steps2 = plan2.get("steps")->as_array();
  CHECK(steps2[0].get("status")->as_string() == "ok");
  CHECK(steps2[0].get("actions")->as_array().empty());
}

TEST_CASE("plan of a for_each over an earlier step's output plans one placeholder branch", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "fan_plan",
  "steps": [
    { "id": "list", "uses": "test.items", "with": { "items": ["a", "b"] } },
    { "id": "per", "uses": "test.record", "for_each": "${{ steps.list.outputs.items }}", "with": { "message": "m ${{ item }}" } }
  ]
})");
  auto r = sb.milink({"plan", "wf.json", "--offline", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  Value plan = milink::sdk::parse_json(r.out, "stdout");
  const Array& steps = plan.get("steps")->as_array();
  REQUIRE(steps.size() == 2);
  CHECK(steps[1].get("step")->as_string() == "per[0]");
  CHECK(steps[1].get("actions")->as_array()[0].get("sql")->as_string() ==
        "SELECT N'm <each item of steps.list.outputs.items>' AS message;");
  CHECK(sb.records().empty());
}

TEST_CASE("a dry run observes and reports what would change and changes nothing", "[runner]") {
  Sandbox sb;
  sb.write("wf.json", kTwoSteps);
  auto r = sb.milink({"run", "wf.json", "--dry-run", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  CHECK(str(events.front(), "mode") == "dry_run");
  for (const char* key : {"one", "two"}) {
    Object e = step_end(events, key);
    INFO(Value(e).to_json());
    CHECK(str(e, "status") == "skipped");
    REQUIRE(e.find("would_change") != nullptr);
    CHECK(e.find("would_change")->as_bool() == true);
    CHECK(starts_with(str(e, "reason"), "would change"));
    REQUIRE(e.find("actions") != nullptr);
    CHECK(e.find("actions")->as_array().size() == 2);
  }
  CHECK(step_end(events, "one").find("outputs")->get("echo")->as_string() == "<steps.one.outputs.echo>");
  CHECK(str(run_end(events), "result") == "succeeded");
  // Steps that would change are counted as such, not as skipped.
  CHECK(run_end(events).find("counts")->get("would_change")->as_int() == 2);
  CHECK(run_end(events).find("counts")->get("skipped")->as_int() == 0);
  CHECK(run_end(events).find("counts")->get("changed") == nullptr);

  CHECK(sb.count("apply_start") == 0);
  CHECK(sb.count("apply_end") == 0);
  CHECK(sb.count("observe", "one") == 1);
  // "two" reads one's output, which only a real run produces: it is planned,
  // never observed with placeholder text.
  CHECK(sb.count("observe", "two") == 0);
  CHECK(str(step_end(events, "two"), "reason") == "would change; depends on values from earlier changes");
  CHECK(sb.markers().empty());
  CHECK(!fs::exists(sb / ".milink"));

  // Text dry run ends with the plan of what would change.
  auto text = sb.milink({"run", "wf.json", "--dry-run"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("What would change:\n==> sqlserver.sql <==") != std::string::npos);
  CHECK(text.out.find("would: record alpha") != std::string::npos);

  // After a real run, the dry run finds nothing to change.
  REQUIRE(sb.milink({"run", "wf.json"}).exit_code == 0);
  std::size_t applies = sb.count("apply_start");
  CHECK(applies == 2);
  auto after = sb.milink({"run", "wf.json", "--dry-run", "--output", "json"});
  REQUIRE(after.exit_code == 0);
  auto ev = parse_events(after.out);
  for (const char* key : {"one", "two"}) {
    Object e = step_end(ev, key);
    CHECK(str(e, "status") == "ok");
    CHECK(e.find("would_change") == nullptr);
  }
  CHECK(sb.count("apply_start") == applies);

  // --dry-run and --resume do not mix.
  auto both = sb.milink({"run", "wf.json", "--dry-run", "--resume"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("--dry-run and --resume cannot be combined") != std::string::npos);
}

TEST_CASE("a dry run's text counts what would change and shortens long binary values", "[runner]") {
  Sandbox sb;
  std::string blob = "0x";
  for (int i = 0; i < 100; ++i) blob += "3A";  // 100 bytes, like a certificate
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "blob",
  "steps": [ { "id": "one", "uses": "test.record", "with": { "message": ")" + blob + R"(" } } ]
})");
  auto r = sb.milink({"run", "wf.json", "--dry-run"});
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  CHECK(r.out.find("  would change  one  (") != std::string::npos);
  CHECK(r.out.find("(0 ok, 1 would change, 0 skipped, 0 failed)") != std::string::npos);
  CHECK(r.out.find("would: record 0x3A3A3A3A3A3A3A3A... (100 bytes)") != std::string::npos);
  CHECK(r.out.find("would: record " + blob) == std::string::npos);  // the plan listing below keeps scripts whole
  // Machine output keeps the value whole.
  auto j = sb.milink({"run", "wf.json", "--dry-run", "--output", "json"});
  REQUIRE(j.exit_code == 0);
  CHECK(j.out.find(blob) != std::string::npos);
}
