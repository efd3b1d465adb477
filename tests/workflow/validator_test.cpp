#include "validate_helper.hpp"

#include <catch2/catch.hpp>

namespace {

// Each workflow below is written so that line numbers in messages are easy
// to read off: one key per line where it matters.

const char* kHead = R"({
  "milink": 1,
  "name": "t",
)";

std::string wf(const std::string& rest) { return std::string(kHead) + rest; }

std::string wf_text_with_config_ref() {
  return R"({ "milink": 1, "name": "t", "steps": [ { "id": "a", "uses": "test.record", "with": { "message": "${{ config.sqlserver.name }}" } } ] })";
}

}  // namespace

TEST_CASE("a valid workflow has no problems") {
  auto p = problems(wf(R"(  "inputs": { "word": { "type": "string", "default": "x" } },
  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "${{ inputs.word }}" } },
    { "id": "b", "uses": "test.record", "with": { "message": "${{ steps.a.outputs.echo }}", "sleep_ms": "${{ steps.a.outputs.length }}" } }
  ]
})"));
  CHECK(p.empty());
}

TEST_CASE("unknown step key is located and gets a suggestion") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record",
      "wiht": { "message": "x" } }
  ]
})"));
  // Structural problems are reported on their own, before plugin checks.
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "wf.json:6:7: /steps/0/wiht: unknown key \"wiht\" in step (did you mean \"with\"?)");
}

TEST_CASE("unknown plugin gets a suggestion") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a",
      "uses": "test.recrd", "with": { "message": "x" } }
  ]
})"));
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "wf.json:6:7: /steps/0/uses: unknown step plugin \"test.recrd\" (did you mean \"test.record\"?)");
}

TEST_CASE("unknown plugin without a close name lists where milink looked") {
  auto p = problems(wf(R"(  "steps": [ { "id": "a", "uses": "acme.cmdb-register" } ]
})"));
  REQUIRE(p.size() == 1);
  CHECK_THAT(p[0], Catch::Matchers::StartsWith(
                       "wf.json:4:27: /steps/0/uses: unknown step plugin \"acme.cmdb-register\" (no loaded plugin "
                       "provides it; milink looked in: "));
  CHECK_THAT(p[0], Catch::Matchers::EndsWith("see `milink plugins list`)"));
}

TEST_CASE("unknown parameter, wrong literal type, bad choice of secret literal") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": {
      "mesage": "x",
      "sleep_ms": "fast",
      "password": "hunter2" } }
  ]
})"));
  REQUIRE(p.size() == 4);
  CHECK(p[0] == "wf.json:6:7: /steps/0/with/mesage: unknown parameter \"mesage\" for step 'test.record' (did you mean \"message\"?)");
  CHECK(p[1] == "wf.json:7:7: /steps/0/with/sleep_ms: parameter \"sleep_ms\" of step 'test.record' must be integer, not string");
  CHECK(p[2] == "wf.json:8:7: /steps/0/with/password: parameter \"password\" of step 'test.record' is secret and must not "
                "be written in the workflow (declare an input with \"secret\": true, or read it from the config, whose "
                "{\"from_env\": ...} references keep it out of files)");
  CHECK(p[3] == "wf.json:5:41: /steps/0/with: missing required parameter \"message\" for step 'test.record' "
                "(message: Text to record; becomes the echo output)");
}

TEST_CASE("an expression's static type must match the parameter") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "m" } },
    { "id": "b", "uses": "test.record", "with": { "message": "m",
      "sleep_ms": "${{ steps.a.outputs.echo }}" } },
    { "id": "c", "uses": "test.record", "with": { "message": "m",
      "fail": "x ${{ steps.a.outputs.echo }}" } }
  ]
})"));
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "wf.json:7:7: /steps/1/with/sleep_ms: parameter \"sleep_ms\" of step 'test.record' is integer, but "
                "steps.a.outputs.echo is string");
  CHECK(p[1] == "wf.json:9:7: /steps/2/with/fail: parameter \"fail\" of step 'test.record' is boolean, but text with "
                "${{ }} inside makes a string (make the value exactly one expression: \"${{ ... }}\")");
}

TEST_CASE("references to later steps, unknown steps and undeclared outputs are rejected") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "cert", "uses": "test.record", "with": { "message": "${{ steps.verify.outputs.echo }}" } },
    { "id": "endpoint", "uses": "test.record", "with": { "message": "${{ steps.cert.outputs.ecco }}" } },
    { "id": "verify", "uses": "test.record", "with": { "message": "${{ steps.crt.outputs.echo }}" } },
    { "id": "self", "uses": "test.record", "with": { "message": "${{ steps.self.outputs.echo }}" } },
    { "id": "odd", "uses": "test.record", "with": { "message": "${{ steps.cert.result }}" } }
  ]
})"));
  REQUIRE(p.size() == 5);
  CHECK(p[0] == "wf.json:5:54: /steps/0/with/message: steps.verify.outputs.echo: step \"verify\" runs later "
                "(/steps/2) (a step can only read steps before it; move it earlier)");
  CHECK(p[1] == "wf.json:6:58: /steps/1/with/message: steps.cert.outputs.ecco: step \"cert\" (test.record) has no "
                "output \"ecco\" (did you mean \"echo\"?)");
  CHECK(p[2] == "wf.json:7:56: /steps/2/with/message: steps.crt.outputs.echo: there is no step \"crt\" (did you mean "
                "\"cert\"?)");
  CHECK(p[3] == "wf.json:8:54: /steps/3/with/message: steps.self.outputs.echo: a step cannot read its own outputs");
  CHECK(p[4] == "wf.json:9:53: /steps/4/with/message: steps.cert.result: \"result\" is not a property of a step "
                "(use steps.cert.outputs.<name> or steps.cert.status)");
}

TEST_CASE("inputs, unknown names and loop variables") {
  auto p = problems(wf(R"(  "inputs": { "database": { "type": "string", "default": "db1" } },
  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "${{ inputs.databse }}" } },
    { "id": "b", "uses": "test.record", "with": { "message": "${{ item }}" } },
    { "id": "c", "uses": "test.record", "for_each": ["x", "y"], "as": "db", "with": { "message": "${{ db }} ${{ inputs.database }}" } }
  ]
})"));
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "wf.json:6:51: /steps/0/with/message: inputs.databse: the workflow declares no input \"databse\" "
                "(did you mean \"database\"?)");
  CHECK(p[1] == "wf.json:7:51: /steps/1/with/message: unknown name \"item\" in expression (available: inputs, config, steps)");
}

TEST_CASE("expression syntax errors say where") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "${{ inputs.x == }}" } }
  ]
})"));
  REQUIRE(p.size() == 1);
  CHECK_THAT(p[0], Catch::Matchers::StartsWith("wf.json:5:51: /steps/0/with/message: invalid expression: "));
  CHECK_THAT(p[0], Catch::Matchers::Contains("(at character "));
}

TEST_CASE("a step inside a group cannot be read from outside it") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "per_db", "for_each": ["a", "b"], "as": "db", "steps": [
      { "id": "ag", "uses": "test.record", "with": { "message": "${{ db }}" } },
      { "id": "dag", "uses": "test.record", "with": { "message": "${{ steps.ag.outputs.echo }}" } }
    ] },
    { "id": "after", "uses": "test.record", "with": { "message": "${{ steps.ag.outputs.echo }}" } }
  ]
})"));
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "wf.json:9:55: /steps/1/with/message: steps.ag.outputs.echo: step \"ag\" is inside group \"per_db\" "
                "and runs once per item; it cannot be read from outside that group");
}

TEST_CASE("for_each must be an array expression, if must be one expression") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "m" } },
    { "id": "b", "uses": "test.record", "for_each": "${{ steps.a.outputs.echo }}", "with": { "message": "m" } },
    { "id": "c", "uses": "test.record", "for_each": "a,b", "with": { "message": "m" } },
    { "id": "d", "uses": "test.record", "if": " ${{ steps.a.outputs.length > 1 }} ", "with": { "message": "m" } }
  ]
})"));
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "wf.json:6:41: /steps/1/for_each: for_each needs an array, but this expression is string");
  CHECK(p[1] == "wf.json:7:41: /steps/2/for_each: for_each must be an array or one ${{ }} expression that yields an "
                "array (e.g. \"for_each\": \"${{ config.databases }}\")");
  CHECK(p[2] == "wf.json:8:41: /steps/3/if: an if condition must be one expression; text around ${{ }} makes it a "
                "string, which is always true (write \"if\": \"${{ ... }}\" or leave out the braces)");
}

TEST_CASE("config references are checked against the config file, or the schema without one") {
  const std::string w = wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "${{ config.sqlserver.nme }}" } }
  ]
})");
  auto without = problems(w);
  REQUIRE(without.size() == 1);
  CHECK(without[0] == "wf.json:5:51: /steps/0/with/message: config.sqlserver.nme: \"nme\" is not a key of sqlserver "
                      "(did you mean \"name\"?)");
  auto with = problems(w, R"({ "milink_config": 1, "sqlserver": { "name": "box" } })");
  REQUIRE(with.size() == 1);
  CHECK(with[0] == "wf.json:5:51: /steps/0/with/message: config.sqlserver.nme: config.sqlserver has no \"nme\" in "
                   "cfg.json (did you mean \"name\"?)");
  CHECK(problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.record", "with": { "message": "${{ config.sqlserver.name }}" } } ] })"),
                 R"({ "milink_config": 1, "sqlserver": { "name": "box" } })")
            .empty());
}

TEST_CASE("inputs: required, --set of an undeclared name, wrong type") {
  const std::string w = wf(R"(  "inputs": {
    "count": { "type": "integer", "required": true }
  },
  "steps": [ { "id": "a", "uses": "test.record", "with": { "message": "m", "sleep_ms": "${{ inputs.count }}" } } ]
})");
  auto missing = problems(w);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] == "wf.json:5:5: /inputs/count: input \"count\" is required and has no value (pass --set "
                      "count=VALUE or set it under \"inputs\" in the config)");
  auto wrong = problems(w, "", {"count=many", "cuont=1"});
  REQUIRE(wrong.size() == 3);
  CHECK(wrong[0] == "wf.json:5:5: /inputs/count: --set count: not a JSON integer: unexpected "
                    "character 'm', expected a value (quote strings only for string inputs; give numbers, booleans "
                    "and arrays as JSON)");
  CHECK(wrong[1] == "wf.json:4:3: /inputs: --set cuont: the workflow declares no input \"cuont\" (did you mean \"count\"?)");
  CHECK(wrong[2] == "wf.json:5:5: /inputs/count: input \"count\" is required and has no value (pass --set "
                    "count=VALUE or set it under \"inputs\" in the config)");
  CHECK(problems(w, "", {"count=3"}).empty());
}

TEST_CASE("inputs: a shared config may set inputs another workflow declares, a near miss is a typo") {
  const std::string w = wf(R"(  "inputs": {
    "count": { "type": "integer", "default": 1 }
  },
  "steps": [ { "id": "a", "uses": "test.record", "with": { "message": "m", "sleep_ms": "${{ inputs.count }}" } } ]
})");
  // master_key_password belongs to the create workflows: unused here, not an error.
  CHECK(problems(w, R"({ "milink_config": 1, "inputs": { "master_key_password": "x", "count": 2 } })").empty());
  auto typo = problems(w, R"({ "milink_config": 1, "inputs": { "cuont": 2 } })");
  REQUIRE(typo.size() == 1);
  CHECK(typo[0] == "wf.json:4:3: /inputs: the config cfg.json sets input \"cuont\", which the workflow does not "
                   "declare (did you mean \"count\"?)");
}

TEST_CASE("every structural problem is reported at once") {
  auto p = problems(wf(R"(  "steps": [
    { "id": "a", "uses": "test.recrd" },
    { "id": "a", "uses": "test.record", "with": { "message": 1 } },
    { "id": "Bad", "uses": "test.record", "with": { "message": "m" }, "on_error": "ignore" }
  ]
})"));
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "wf.json:6:7: /steps/1/id: step id \"a\" is used twice (step ids must be unique in the workflow)");
  CHECK(p[1] == "wf.json:7:7: /steps/2/id: step id \"Bad\" is not snake_case (use lowercase letters, digits and _, "
                "starting with a letter)");
  CHECK(p[2] == "wf.json:7:71: /steps/2/on_error: on_error must be stop, continue or fail_fast");
}

TEST_CASE("run and plan require config values, validate without -c checks names only") {
  auto wf = milink::workflow::parse_workflow_text(wf_text_with_config_ref(), "wf.json");
  auto cfg = milink::workflow::empty_config();
  CHECK_NOTHROW(milink::workflow::validate(wf, cfg, test_registry(), {}, /*config_required=*/false));
  try {
    milink::workflow::validate(wf, cfg, test_registry(), {}, /*config_required=*/true);
    FAIL("expected InvalidInput");
  } catch (const milink::workflow::InvalidInput& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].format() ==
          "wf.json:1:86: /steps/0/with/message: config.sqlserver.name is not set: no config file was given (pass -c "
          "CONFIG)");
  }
}

TEST_CASE("validation of 20,000 steps completes, each seeing exactly the steps before it") {
  // One scope serves the whole walk (it used to be copied for every step,
  // which made this quadratic); bench/ measures the time.
  std::string steps = R"({ "id": "g", "for_each": ["a"], "as": "db", "steps": [ { "id": "inner", "uses": "test.record", "with": { "message": "${{ db }}" } } ] })";
  for (int i = 0; i < 20000; ++i) {
    const std::string prev = i == 0 ? "g" : "s" + std::to_string(i - 1);
    const std::string read = i == 0 ? "${{ steps.g.status }}" : "${{ steps." + prev + ".outputs.echo }}";
    steps += ",\n{ \"id\": \"s" + std::to_string(i) + "\", \"uses\": \"test.record\", \"with\": { \"message\": \"" +
             read + "\" } }";
  }
  CHECK(problems(wf("\"steps\": [" + steps + "]\n}")).empty());
  // What a group declares is undone when the walk leaves it; later steps see
  // the group, not its steps, and a step cannot read one that runs later.
  steps += R"(, { "id": "last", "uses": "test.record", "with": { "message": "${{ steps.inner.outputs.echo }}${{ steps.later.outputs.echo }}" } })";
  steps += R"(, { "id": "later", "uses": "test.record", "with": { "message": "x" } })";
  auto p = problems(wf("\"steps\": [" + steps + "]\n}"));
  REQUIRE(p.size() == 2);
  CHECK(p[0].find("steps.inner.outputs.echo: step \"inner\" is inside group \"g\" and runs once per item; it cannot be "
                  "read from outside that group") != std::string::npos);
  CHECK(p[1].find("steps.later.outputs.echo: step \"later\" runs later") != std::string::npos);
}
