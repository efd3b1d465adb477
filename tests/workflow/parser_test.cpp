#include "validate_helper.hpp"

#include <catch2/catch.hpp>

TEST_CASE("invalid JSON is reported with line and column") {
  auto p = problems("{\n  \"milink\": 1,\n  \"name\": \"t\",\n  \"steps\": [\n  ]\n  \"x\": 1\n}\n");
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "wf.json:6:3: invalid JSON: expected ',' or '}', found '\"'");
}

TEST_CASE("a workflow needs its top-level keys and a known format") {
  auto p = problems(R"({ "milink": 2, "nmae": "x" })");
  REQUIRE(p.size() == 4);
  CHECK(p[0] == "wf.json:1:16: /nmae: unknown key \"nmae\" in workflow (did you mean \"name\"?)");
  CHECK(p[1] == "wf.json:1:1: missing required key \"name\" in workflow (add \"name\": Name shown in progress, plans "
                "and the journal.)");
  CHECK(p[2] == "wf.json:1:1: missing required key \"steps\" in workflow (add \"steps\": The steps, run in order (see "
                "*step*).)");
  CHECK(p[3] == "wf.json:1:3: /milink: unsupported workflow format 2 (this milink reads format 1)");
}

TEST_CASE("a step needs uses or steps, not both") {
  auto p = problems(R"({ "milink": 1, "name": "t", "steps": [
  { "id": "a" },
  { "id": "b", "uses": "test.record", "steps": [] }
] })");
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "wf.json:2:3: /steps/0: a step needs \"uses\" (a plugin) or \"steps\" (a group) (see `milink plugins "
                "list` for the plugins)");
  CHECK(p[1] == "wf.json:3:3: /steps/1: a step has either \"uses\" or \"steps\", not both (move the inner steps into "
                "their own group step)");
  CHECK(p[2] == "wf.json:3:39: /steps/1/steps: there are no steps (add at least one step)");
}

TEST_CASE("loop options are checked") {
  auto p = problems(R"({ "milink": 1, "name": "t", "steps": [
  { "id": "a", "uses": "test.record", "with": { "message": "m" }, "as": "db", "max_parallel": 0 },
  { "id": "b", "uses": "test.record", "with": { "message": "m" }, "for_each": [1], "as": "steps" }
] })");
  REQUIRE(p.size() == 4);
  CHECK(p[0] == "wf.json:2:67: /steps/0/as: \"as\" only makes sense with \"for_each\"");
  CHECK(p[1] == "wf.json:2:79: /steps/0/max_parallel: max_parallel must be between 1 and 1024");
  CHECK(p[2] == "wf.json:2:79: /steps/0/max_parallel: \"max_parallel\" only makes sense with \"for_each\"");
  CHECK(p[3] == "wf.json:3:84: /steps/1/as: loop variable \"steps\" hides the steps context (choose another name)");
}

TEST_CASE("the bundled example workflow is valid") {
  auto wf = milink::workflow::parse_workflow_file(MILINK_SOURCE_DIR "/workflows/examples/hello.json");
  auto cfg = milink::workflow::load_config(MILINK_SOURCE_DIR "/workflows/examples/hello.config.json");
  auto v = milink::workflow::validate(wf, cfg, test_registry(), {});
  CHECK(v.steps.size() == 4);
  CHECK(v.inputs.find("greeting")->as_string() == "hello");
}
