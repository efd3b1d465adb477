// Secrets never leave milink: console, JSON events, journal, plans.
#include "runner_fixture.hpp"

#include "run/redactor.hpp"

using namespace runnertest;

namespace {

const char* kSecret = "S3cr3t-Pa55-xyzzy";
const char* kToken = "T0k3n-Qu1x-plugh";

const char* kWorkflow = R"({
  "milink": 1,
  "name": "secrets",
  "inputs": { "token": { "type": "string", "secret": true, "description": "an API token" } },
  "steps": [
    { "id": "one", "uses": "test.record",
      "with": { "message": "hello", "password": "${{ config.sqlserver.password }}" } },
    { "id": "two", "uses": "test.record",
      "with": { "message": "then ${{ steps.one.outputs.echo }}", "password": "${{ inputs.token }}" } }
  ]
})";

const char* kConfig = R"({
  "milink_config": 1,
  "sqlserver": { "name": "sqlbox1", "password": { "from_env": "MILINK_TEST_PW" } }
})";

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

void check_clean(const std::string& where, const std::string& text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    INFO(where << " must not contain " << s << ":\n" << text);
    CHECK(text.find(s) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("secrets from the config and from secret inputs are redacted everywhere", "[runner]") {
  Sandbox sb;
  sb.env["MILINK_TEST_PW"] = kSecret;
  sb.write("wf.json", kWorkflow);
  sb.write("cfg.json", kConfig);
  const std::vector<std::string> secrets{kSecret, kToken};
  const std::vector<std::string> common{"wf.json", "-c", "cfg.json", "--set", std::string("token=") + kToken};
  auto with = [&](std::vector<std::string> head, std::vector<std::string> tail) {
    head.insert(head.end(), common.begin(), common.end());
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };

  // Text output.
  auto text = sb.milink(with({"run"}, {}));
  REQUIRE(text.exit_code == 0);
  check_clean("text stdout+stderr", text.out + text.err, secrets);
  CHECK(text.out.find("info     one: connecting with password ***") != std::string::npos);
  CHECK(text.out.find("info     two: connecting with password ***") != std::string::npos);

  // JSON events (fresh plugin state so the steps apply and log again).
  sb.env["MILINK_TEST_STATE"] = (sb / "state2").string();
  auto json = sb.milink(with({"run"}, {"--output", "json"}));
  REQUIRE(json.exit_code == 0);
  check_clean("json stdout+stderr", json.out + json.err, secrets);
  auto events = parse_events(json.out);
  auto logs = events_named(events, "step_log");
  REQUIRE(logs.size() == 2);
  for (const auto& l : logs) {
    CHECK(str(l, "level") == "info");
    CHECK(str(l, "message") == "connecting with password ***");
  }
  // The plugin really did get the secrets: it applied with them.
  CHECK(sb.count("apply_end") == 4);

  // Everything milink keeps on disk.
  REQUIRE(fs::is_directory(sb / ".milink"));
  check_clean(".milink tree", testsupport::read_tree(sb / ".milink"), secrets);

  // Plans: files and console (fresh plugin state: a plan of steps already
  // done has no actions to show).
  sb.env["MILINK_TEST_STATE"] = (sb / "state3").string();
  auto plan = sb.milink(with({"plan"}, {"--out", "plan"}));
  REQUIRE(plan.exit_code == 0);
  check_clean("plan --out stdout+stderr", plan.out + plan.err, secrets);
  check_clean("plan files", testsupport::read_tree(sb / "plan"), secrets);
  std::string sql = testsupport::read_file(sb / "plan" / "sqlserver.sql");
  CHECK(occurrences(sql, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'***';") == 2);
  std::string plan_json = testsupport::read_file(sb / "plan" / "plan.json");
  CHECK(occurrences(plan_json, "PASSWORD = N'***'") == 2);

  auto plan_text = sb.milink(with({"plan"}, {}));
  REQUIRE(plan_text.exit_code == 0);
  check_clean("plan stdout+stderr", plan_text.out + plan_text.err, secrets);
  CHECK(occurrences(plan_text.out, "PASSWORD = N'***'") == 2);

  auto plan_as_json = sb.milink(with({"plan"}, {"--output", "json"}));
  REQUIRE(plan_as_json.exit_code == 0);
  check_clean("plan --output json", plan_as_json.out + plan_as_json.err, secrets);
  CHECK(occurrences(plan_as_json.out, "PASSWORD = N'***'") == 2);

  // A dry run shows the same plan text.
  auto dry = sb.milink(with({"run", "--dry-run"}, {}));
  CHECK(dry.exit_code == 0);
  check_clean("dry run", dry.out + dry.err, secrets);
}

TEST_CASE("a secret with a quote is redacted in its SQL-quoted form too", "[runner]") {
  // T-SQL doubles a quote inside N'...', so "Qu0te'd" appears as "Qu0te''d".
  const std::string secret = "Qu0te'd-S3cr3t\"zork";
  Sandbox sb;
  sb.env["MILINK_TEST_PW"] = secret;
  sb.write("wf.json", kWorkflow);
  sb.write("cfg.json", kConfig);
  auto plan = sb.milink({"plan", "wf.json", "-c", "cfg.json", "--set", "token=x-token-x", "--out", "plan"});
  REQUIRE(plan.exit_code == 0);
  std::string files = testsupport::read_tree(sb / "plan");
  INFO(files);
  CHECK(files.find("Qu0te") == std::string::npos);
  CHECK(occurrences(testsupport::read_file(sb / "plan" / "sqlserver.sql"), "PASSWORD = N'***';") == 2);
  auto text = sb.milink({"plan", "wf.json", "-c", "cfg.json", "--set", "token=x-token-x"});
  CHECK(text.out.find("Qu0te") == std::string::npos);
  CHECK(text.out.find("PASSWORD = N'***';") != std::string::npos);

  milink::run::Redactor r;
  r.add(secret);
  CHECK(r.redact(std::string("N'Qu0te''d-S3cr3t\"zork'")) == "N'***'");
  CHECK(r.redact(Value("N'Qu0te''d-S3cr3t\"zork'").to_json()) == "\"N'***'\"");
  CHECK(r.redact("raw " + secret) == "raw ***");
}

TEST_CASE("a missing secret environment variable is an input error and nothing runs", "[runner]") {
  Sandbox sb;
  sb.env.erase("MILINK_TEST_PW");
  sb.write("wf.json", kWorkflow);
  sb.write("cfg.json", kConfig);
  auto r = sb.milink({"run", "wf.json", "-c", "cfg.json", "--set", "token=abc"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("MILINK_TEST_PW") != std::string::npos);
  CHECK(r.err.find("nothing was run") != std::string::npos);
  CHECK(sb.records().empty());
  CHECK(!fs::exists(sb / ".milink"));
}

TEST_CASE("short secrets do not mangle unrelated words and paths", "[runner]") {
  milink::run::Redactor r;
  r.add("a");  // one character: too short to mask safely
  CHECK(r.too_short() == 1);
  const std::string path = "/var/lib/milink/a/data.json: saved as a file";
  CHECK(r.redact(path) == path);

  r.add("s3cr");  // 4-7 characters: whole words only
  CHECK(r.redact(std::string("PWD=s3cr;")) == "PWD=***;");
  CHECK(r.redact(std::string("password s3cr given")) == "password *** given");
  CHECK(r.redact(std::string("/tmp/xs3cry/s3cr3t")) == "/tmp/xs3cry/s3cr3t");

  r.add("Long-S3cret");  // 8 or more: everywhere, even inside a word
  CHECK(r.redact(std::string("tokenLong-S3cretX")) == "token***X");
  CHECK(r.too_short() == 1);
}

TEST_CASE("a one-character secret is not masked, with a warning, and paths stay intact", "[runner]") {
  Sandbox sb;
  sb.env["MILINK_TEST_PW"] = "a";
  sb.write("wf.json", kWorkflow);
  sb.write("cfg.json", kConfig);
  auto r = sb.milink({"plan", "wf.json", "-c", "cfg.json", "--set", "token=x-token-x", "--out", "plan/data"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("milink: warning: 1 secret value is shorter than 4 characters: too short to mask without mangling "
                   "unrelated words, so it is not masked in the output; use longer secrets") != std::string::npos);
  // The output names the plan's directory as it is ("plan/data", with its a's).
  CHECK(r.out.find("plan/data") != std::string::npos);
  CHECK(r.out.find("pl***n") == std::string::npos);
}
