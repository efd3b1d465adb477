// Every step configured once before the run (run/step_config_check.hpp):
// a plugin's refusal of a value known before the run (a literal, a default,
// an input, at any depth of an array) stops `milink run`, `plan` and
// `validate` with exit code 2 before the first step, naming the workflow's
// line and /steps/N/with/NAME; values only the run knows (step outputs,
// text mixing one in, a rule that judges a known value by one of them), steps
// behind `if:` and steps whose failure `on_error: continue` tolerates are the
// run's to decide, as before; a refused secret is never printed.
#include "runner_fixture.hpp"

using namespace runnertest;

namespace {

// Line 7 holds /steps/1/with/sleep_ms.
const char* kLiteral = R"({
  "milink": 1,
  "name": "refused-literal",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "hello" } },
    { "id": "two", "uses": "test.record", "with": { "message": "bye",
        "sleep_ms": -1 } }
  ]
})";

/// The single diagnostic of \p r's invalid_input event (--output json).
Object only_diagnostic(const testsupport::ProcessResult& r) {
  auto invalid = events_named(parse_events(r.out), "invalid_input");
  REQUIRE(invalid.size() == 1);
  const Value* diags = invalid.front().find("diagnostics");
  REQUIRE(diags != nullptr);
  REQUIRE(diags->is_array());
  REQUIRE(diags->as_array().size() == 1);
  return diags->as_array().front().as_object();
}

std::int64_t line_of(const Object& d) {
  const Value* l = d.find("line");
  return l != nullptr && l->is_int() ? l->as_int() : -1;
}

}  // namespace

TEST_CASE("a plugin's refusal of a literal stops run, plan and validate before the first step", "[runner][prepass]") {
  Sandbox sb;
  sb.write("wf.json", kLiteral);
  const std::string want = "step \"two\" (test.record) refuses parameter \"sleep_ms\": sleep_ms must not be negative";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"run", "wf.json"},
                                              std::vector<std::string>{"plan", "wf.json"},
                                              std::vector<std::string>{"plan", "wf.json", "--offline"},
                                              std::vector<std::string>{"validate", "wf.json"}}) {
    INFO(args.front());
    auto r = sb.milink(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("wf.json:7:9: /steps/1/with/sleep_ms: " + want +
                     " (fix the value (in the workflow, --set or the config's inputs) before the run; nothing has "
                     "changed)") != std::string::npos);
    CHECK(r.err.find("1 problem found; nothing was run") != std::string::npos);

    auto json = sb.milink([&] {
      auto a = args;
      a.insert(a.end(), {"--output", "json"});
      return a;
    }());
    CHECK(json.exit_code == 2);
    Object d = only_diagnostic(json);
    CHECK(str(d, "file") == "wf.json");
    CHECK(line_of(d) == 7);
    CHECK(str(d, "pointer") == "/steps/1/with/sleep_ms");
    CHECK(str(d, "message") == want);
  }
  // Not even the first step ran: no plugin call, no state, no journal.
  CHECK(sb.records().empty());
  CHECK(sb.markers().empty());
  CHECK(sb.run_dirs().empty());
}

TEST_CASE("a refused value from an input is found before the run, also inside an array", "[runner][prepass]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "refused-input",
  "inputs": { "wait": { "type": "integer", "default": 0 }, "item": { "type": "string", "default": "a" } },
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "hello", "sleep_ms": "${{ inputs.wait }}" } },
    { "id": "list", "uses": "test.items", "with": { "items": ["x", "${{ inputs.item }}"] } }
  ]
})");
  auto wait = sb.milink({"run", "wf.json", "--set", "wait=-5", "--output", "json"});
  CHECK(wait.exit_code == 2);
  Object d = only_diagnostic(wait);
  CHECK(str(d, "pointer") == "/steps/0/with/sleep_ms");
  CHECK(line_of(d) == 6);
  CHECK(str(d, "message") == "step \"one\" (test.record) refuses parameter \"sleep_ms\": sleep_ms must not be negative");

  // The array's expression is evaluated, not passed on as its text.
  auto item = sb.milink({"run", "wf.json", "--set", "item=", "--output", "json"});
  CHECK(item.exit_code == 2);
  d = only_diagnostic(item);
  CHECK(str(d, "pointer") == "/steps/1/with/items");
  CHECK(line_of(d) == 7);
  CHECK(str(d, "message") == "step \"list\" (test.items) refuses parameter \"items\": item 1 is an empty string");
  CHECK(sb.records().empty());

  auto fine = sb.milink({"run", "wf.json"});
  CHECK(fine.exit_code == 0);
}

TEST_CASE("values only the run knows are the run's to refuse, as before", "[runner][prepass]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "refused-at-the-step",
  "inputs": { "first": { "type": "string", "default": "forbidden" } },
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "${{ inputs.first }}x" } },
    { "id": "mixed", "uses": "test.record", "with": { "message": "said ${{ steps.one.outputs.echo }}",
        "marker": "within:forbiddenx" } },
    { "id": "spans", "uses": "test.record", "with": { "message": "${{ steps.one.outputs.echo }}",
        "marker": "within:forbid" } },
    { "id": "two", "uses": "test.record", "with": { "message": "${{ steps.one.outputs.echo }}" } },
    { "id": "list", "uses": "test.items", "with": { "items": ["${{ steps.one.outputs.echo }}"] } }
  ]
})");
  // Before the run, mixed's and spans' messages are placeholders, and their
  // markers' rule (which quotes them) is not applied; in the run, one's echo
  // is "forbiddenx" and both hold what their markers need.
  auto validate = sb.milink({"validate", "wf.json"});
  CHECK(validate.exit_code == 0);
  auto ok = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(ok.exit_code == 0);

  // An output that a plugin refuses: refused when the step runs (exit 1).
  Sandbox sb2;
  sb2.write("wf.json", R"({
  "milink": 1,
  "name": "refused-at-the-step",
  "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "forbidden", "marker": "other" } },
    { "id": "two", "uses": "test.record", "with": { "message": "${{ steps.one.outputs.echo }}" } }
  ]
})");
  // one's own literal is refused before the run...
  auto before = sb2.milink({"run", "wf.json", "--output", "json"});
  CHECK(before.exit_code == 2);
  CHECK(str(only_diagnostic(before), "pointer") == "/steps/0/with/message");
  // ...while the same value reaching two as an output is refused at two.
  sb2.write("wf.json", R"({
  "milink": 1,
  "name": "refused-at-the-step",
  "inputs": { "m": { "type": "string", "default": "forbidden" } },
  "steps": [
    { "id": "one", "uses": "test.items", "with": { "items": ["${{ inputs.m }}"] } },
    { "id": "two", "uses": "test.record", "with": { "message": "${{ steps.one.outputs.items[0] }}" } }
  ]
})");
  auto at_step = sb2.milink({"run", "wf.json", "--output", "json"});
  CHECK(at_step.exit_code == 1);
  auto events = parse_events(at_step.out);
  CHECK(str(step_end(events, "one"), "status") == "ok");
  Object two = step_end(events, "two");
  CHECK(str(two, "status") == "failed");
  CHECK(str(two, "reason") == "parameter \"message\": the message \"forbidden\" is refused");
}

TEST_CASE("steps behind if: and steps with on_error continue are not refused before the run", "[runner][prepass]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "tolerated",
  "inputs": { "go": { "type": "boolean", "default": false } },
  "steps": [
    { "id": "maybe", "if": "${{ inputs.go }}", "uses": "test.record", "with": { "message": "m", "sleep_ms": -1 } },
    { "id": "tolerated", "uses": "test.record", "on_error": "continue", "with": { "message": "t", "sleep_ms": -1 } },
    { "id": "group", "on_error": "continue", "steps": [
      { "id": "inner", "uses": "test.record", "with": { "message": "i", "sleep_ms": -1 } } ] },
    { "id": "after", "uses": "test.record", "with": { "message": "after" } }
  ]
})");
  auto r = sb.milink({"run", "wf.json", "--output", "json"});
  CHECK(r.exit_code == 1);  // a step failed, and the workflow went on as on_error says
  auto events = parse_events(r.out);
  CHECK(str(step_end(events, "maybe"), "status") == "skipped");
  CHECK(str(step_end(events, "tolerated"), "status") == "failed");
  CHECK(str(step_end(events, "tolerated"), "reason") == "parameter \"sleep_ms\": sleep_ms must not be negative");
  CHECK(str(step_end(events, "group.inner"), "reason") == "parameter \"sleep_ms\": sleep_ms must not be negative");
  CHECK(str(step_end(events, "after"), "status") == "changed");

  // Reached through if:, the refusal is the step's, when it runs.
  auto go = sb.milink({"run", "wf.json", "--set", "go=true", "--output", "json"});
  CHECK(go.exit_code == 1);
  CHECK(str(step_end(parse_events(go.out), "maybe"), "reason") ==
        "parameter \"sleep_ms\": sleep_ms must not be negative");
}

TEST_CASE("a refused secret parameter's value is never printed, however short", "[runner][prepass][redaction]") {
  Sandbox sb;
  sb.write("wf.json", R"({
  "milink": 1,
  "name": "refused-secret",
  "inputs": { "token": { "type": "string", "secret": true } },
  "steps": [ { "id": "one", "uses": "test.record", "with": { "message": "hello", "password": "${{ inputs.token }}" } } ]
})");
  // test.record refuses a password ending in '?' and quotes it. "ab?" is
  // shorter than the redactor masks at all (4); milink still masks it in its
  // own message about the parameter.
  for (const std::string secret : {"ab?", "a-much-longer-secret-value?"}) {
    INFO(secret);
    for (const std::string output : {"text", "json"}) {
      auto r = sb.milink({"run", "wf.json", "--set", "token=" + secret, "--output", output});
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("step \"one\" (test.record) refuses parameter \"password\": the password *** is on the refused "
                       "list") != std::string::npos);
      CHECK(r.out.find(secret) == std::string::npos);
      CHECK(r.err.find(secret) == std::string::npos);
    }
  }
  CHECK(sb.records().empty());
}
