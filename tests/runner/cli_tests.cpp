// The milink command line: validate, plugins, --version, unknown commands.
#include "runner_fixture.hpp"

#include <milink/sdk/abi.hpp>

#include <array>
#include <set>

using namespace runnertest;

TEST_CASE("validate reports an unknown step plugin at its file position with a suggestion", "[runner]") {
  Sandbox sb;
  const std::string text =
      "{\n"
      "  \"milink\": 1,\n"
      "  \"name\": \"broken\",\n"
      "  \"steps\": [\n"
      "    { \"id\": \"one\", \"uses\": \"test.recrd\", \"with\": { \"message\": \"x\" } }\n"
      "  ]\n"
      "}\n";
  sb.write("broken.json", text);
  // The diagnostic points at the "uses" member of /steps/0: line 5, at its key.
  const std::string line5 = "    { \"id\": \"one\", \"uses\": \"test.recrd\", \"with\": { \"message\": \"x\" } }";
  REQUIRE(text.find(line5) != std::string::npos);
  const std::size_t column = line5.find("\"uses\"") + 1;
  const std::string expected = "broken.json:5:" + std::to_string(column) +
                               ": /steps/0/uses: unknown step plugin \"test.recrd\" (did you mean \"test.record\"?)";
  CHECK(column == 20);

  auto r = sb.milink({"validate", "broken.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("milink: error: " + expected + "\n") != std::string::npos);
  CHECK(r.err.find("1 problem found; nothing was run") != std::string::npos);
  CHECK(r.out.empty());

  // run refuses it the same way, before anything runs.
  auto run = sb.milink({"run", "broken.json", "--output", "json"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find(expected) != std::string::npos);
  auto events = parse_events(run.out);
  REQUIRE(events.size() == 1);
  CHECK(str(events[0], "event") == "invalid_input");
  const Array& diags = events[0].find("diagnostics")->as_array();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].get("line")->as_int() == 5);
  CHECK(diags[0].get("column")->as_int() == static_cast<std::int64_t>(column));
  CHECK(diags[0].get("pointer")->as_string() == "/steps/0/uses");
  CHECK(sb.records().empty());
  CHECK(!fs::exists(sb / ".milink"));

  // And a good workflow validates.
  sb.write("good.json", R"({ "milink": 1, "name": "good", "steps": [ { "id": "one", "uses": "test.record", "with": { "message": "x" } } ] })");
  auto good = sb.milink({"validate", "good.json"});
  CHECK(good.exit_code == 0);
  CHECK(good.out == "good.json: valid (1 steps)\n");
}

TEST_CASE("plugins list shows the test plugin's steps and provider beside the bundled ones", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"plugins", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("milink-test-steps 1.0.0") != std::string::npos);
  CHECK(r.out.find("  step      test.record  ") != std::string::npos);
  CHECK(r.out.find("  step      test.items   ") != std::string::npos);
  CHECK(r.out.find("  step      test.greet   ") != std::string::npos);
  CHECK(r.out.find("  provider  test.prefixer  (test-greeting) ") != std::string::npos);

  auto j = sb.milink({"plugins", "list", "--output", "json"});
  REQUIRE(j.exit_code == 0);
  Value v = milink::sdk::parse_json(j.out, "stdout");
  std::set<std::string> steps, providers;
  for (const auto& p : v.get("plugins")->as_array()) {
    for (const auto& s : p.get("steps")->as_array()) steps.insert(s.get("uses")->as_string());
    for (const auto& pr : p.get("providers")->as_array())
      providers.insert(pr.get("kind")->as_string() + "/" + pr.get("name")->as_string());
  }
  for (const char* s : {"test.record", "test.items", "test.greet"}) CHECK(steps.count(s) == 1);
  CHECK(providers.count("test-greeting/test.prefixer") == 1);
  // The bundled plugins, found next to the milink binary, are listed too.
  for (const char* c : {"azure-cli", "client-secret", "client-certificate", "workload-identity", "managed-identity",
                        "environment", "static-token"})
    CHECK(providers.count(std::string("credential/") + c) == 1);
}

TEST_CASE("plugins describe shows parameters and outputs", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"plugins", "describe", "test.record"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("step test.record  (plugin milink-test-steps 1.0.0") != std::string::npos);
  CHECK(r.out.find("parameters (with):\n") != std::string::npos);
  CHECK(r.out.find("  message   string    required\n") != std::string::npos);
  CHECK(r.out.find("  password  string    optional, secret\n") != std::string::npos);
  CHECK(r.out.find("  sleep_ms  integer   default 0\n") != std::string::npos);
  CHECK(r.out.find("outputs (steps.<id>.outputs.<name>):\n") != std::string::npos);
  CHECK(r.out.find("  echo    string") != std::string::npos);
  CHECK(r.out.find("  length  integer") != std::string::npos);

  auto j = sb.milink({"plugins", "describe", "test.record", "--output", "json"});
  REQUIRE(j.exit_code == 0);
  Value v = milink::sdk::parse_json(j.out, "stdout");
  CHECK(v.get("kind")->as_string() == "step");
  std::map<std::string, Value> params;
  for (const auto& p : v.get("params")->as_array()) params[p.get("name")->as_string()] = p;
  REQUIRE(params.count("message") == 1);
  CHECK(params["message"].get("required")->as_bool() == true);
  CHECK(params["message"].get("secret")->as_bool() == false);
  REQUIRE(params.count("password") == 1);
  CHECK(params["password"].get("secret")->as_bool() == true);
  CHECK(params["password"].get("required")->as_bool() == false);
  std::vector<std::string> outputs;
  for (const auto& o : v.get("outputs")->as_array())
    outputs.push_back(o.get("name")->as_string() + ":" + o.get("type")->as_string());
  CHECK(outputs == std::vector<std::string>{"echo:string", "length:integer"});

  auto provider = sb.milink({"plugins", "describe", "test.prefixer"});
  CHECK(provider.exit_code == 0);
  CHECK(provider.out.find("provider test.prefixer (kind test-greeting") != std::string::npos);
  CHECK(provider.out.find("  prefix  string    default \"hello\"") != std::string::npos);

  auto typo = sb.milink({"plugins", "describe", "test.recor"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("no step or provider named \"test.recor\" (did you mean \"test.record\"?)") != std::string::npos);
}

TEST_CASE("the version option prints the SDK ABI", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"--version"}, /*plugins=*/false);
  CHECK(r.exit_code == 0);
  CHECK(starts_with(r.out, "milink "));
  CHECK(r.out.find("\nSDK ABI " + std::to_string(MILINK_SDK_ABI) + "\n") != std::string::npos);
  CHECK(r.out.find("build fingerprint abi=" + std::to_string(MILINK_SDK_ABI) + ";") != std::string::npos);
}

TEST_CASE("an unknown command exits 2 with a suggestion", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"valdate", "wf.json"}, /*plugins=*/false);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("milink: error: unknown command \"valdate\" (did you mean \"validate\"?)") != std::string::npos);
  CHECK(r.err.find("usage: milink COMMAND") != std::string::npos);

  auto none = sb.milink({}, /*plugins=*/false);
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("usage: milink COMMAND") != std::string::npos);

  auto bad_option = sb.milink({"run", "wf.json", "--frobnicate"});
  CHECK(bad_option.exit_code == 2);
  CHECK(bad_option.err.find("milink: error: ") != std::string::npos);
}

TEST_CASE("help and errors name WORKFLOW, never the internal option behind it", "[runner]") {
  Sandbox sb;
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"run", "--help"}, {"plan", "--help"}, {"validate", "--help"},
                                             {"plugins", "--help"}}) {
    INFO(cmd[0]);
    auto r = sb.milink(cmd, /*plugins=*/false);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: milink " + cmd[0]) != std::string::npos);
    CHECK(r.out.find("--workflow") == std::string::npos);
    CHECK(r.out.find("--args") == std::string::npos);
    CHECK(r.out.find(" arg ") == std::string::npos);
    CHECK(r.out.find(" arg\n") == std::string::npos);
    CHECK(r.out.find("--help") != std::string::npos);
  }
  for (const char* cmd : {"run", "plan", "validate"}) {
    INFO(cmd);
    auto missing = sb.milink({cmd}, /*plugins=*/false);
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("milink: error: missing WORKFLOW (the workflow file to use)") != std::string::npos);
    CHECK(missing.err.find("--workflow") == std::string::npos);
    auto twice = sb.milink({cmd, "a.json", "b.json"}, /*plugins=*/false);
    CHECK(twice.exit_code == 2);
    CHECK(twice.err.find("--workflow") == std::string::npos);
  }
}

TEST_CASE("milink schema --help explains the command and exits 0", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"schema", "--help"}, /*plugins=*/false);
  CHECK(r.exit_code == 0);
  CHECK(starts_with(r.out, "usage: milink schema [--markdown]\n"));
  auto bad = sb.milink({"schema", "--frob"}, /*plugins=*/false);
  CHECK(bad.exit_code == 2);
}

TEST_CASE("a bundled workflow is found by its name, a file of the user's wins, a wrong name lists them",
          "[runner]") {
  Sandbox sb;
  // By name, from a directory that has no such file: the build tree's
  // share/milink/workflows next to the binary.
  auto by_name = sb.milink({"validate", "remove-links"});
  CHECK(by_name.exit_code == 0);
  CHECK(by_name.out.find("remove-links: valid (") != std::string::npos);
  auto with_ext = sb.milink({"validate", "remove-links.json"});
  CHECK(with_ext.exit_code == 0);

  // A file of that name in the current directory is the user's, not the bundled one.
  sb.write("remove-links.json", R"({"milink": 1, "name": "mine",
    "steps": [{"id": "one", "uses": "test.record", "with": {"message": "mine"}}]})");
  auto own = sb.milink({"validate", "remove-links.json"});
  CHECK(own.exit_code == 0);
  CHECK(own.out.find("remove-links.json: valid (1 steps") != std::string::npos);

  auto wrong = sb.milink({"validate", "remove-lnks"});
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("remove-lnks: no such file, and no bundled workflow of that name (check the path, or name "
                       "a bundled workflow (") != std::string::npos);
  CHECK(wrong.err.find("remove-link, remove-links, replicate-database, replicate-databases, "
                       "replicate-databases-one-link, replicate-existing-ag, rotate-certificates)") !=
        std::string::npos);
  // A path that climbs out of the directory is never looked up among the bundled ones.
  auto climbing = sb.milink({"validate", "../remove-links.json"});
  CHECK(climbing.exit_code == 2);
  CHECK(climbing.err.find("../remove-links.json: no such file") != std::string::npos);
}

TEST_CASE("validate without a config says what a config for the workflow must provide", "[runner]") {
  Sandbox sb;
  auto r = sb.milink({"validate", "replicate-database"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("a config for it must provide:\n  databases, managed_instance.fqdn, managed_instance.name, "
                   "sqlserver.endpoint_port, sqlserver.fqdn, sqlserver.name (read by the workflow)\n") !=
        std::string::npos);
  // The sections its steps use, from their specs: both SQL targets and Azure.
  CHECK(r.out.find("\n  managed_instance: host, user, password (and port, encryption...) to connect with T-SQL; "
                   "used by preflight (preflight, mi_target)\n") != std::string::npos);
  CHECK(r.out.find("\n  sqlserver: host, user, password (and port, encryption...) to connect with T-SQL; used by "
                   "preflight (preflight, sqlserver_target)\n") != std::string::npos);
  CHECK(r.out.find("\n  azure: subscription_id, resource_group, instance_name and credential (a credential provider "
                   "instance under providers, with its parameters); used by preflight (preflight)\n") !=
        std::string::npos);
  auto j = sb.milink({"validate", "replicate-database", "--output", "json"});
  CHECK(j.exit_code == 0);
  Value ev = milink::sdk::parse_json(j.out, "stdout");
  REQUIRE(ev.get("config_needs") != nullptr);
  CHECK(ev.get("config_needs")->as_array().size() == 6);
  CHECK(ev.get("config_needs")->as_array()[0].as_string() == "databases");
  REQUIRE(ev.get("config_sections") != nullptr);
  CHECK(ev.get("config_sections")->as_array().size() == 3);
}

TEST_CASE("an input with choices given a wrong value is refused by validate and before a run changes anything",
          "[runner]") {
  Sandbox sb;
  for (const auto& [set, param, choices] : std::vector<std::array<std::string, 3>>{
           {"instance_certificate_source=tsq", "instance_certificate_source", "arm, tsql"},
           {"trust_azure_roots=maybe", "trust_azure_roots", "auto, yes, no"},
           {"existing_endpoint=keep", "existing_endpoint", "alter, refuse"}}) {
    INFO(set);
    auto v = sb.milink({"validate", "replicate-database", "--set", set});
    CHECK(v.exit_code == 2);
    const std::string value = set.substr(set.find('=') + 1);
    const std::string input = set.substr(0, set.find('='));
    CHECK(v.err.find("parameter \"" + param + "\" of step") != std::string::npos);
    CHECK(v.err.find("must be one of: " + choices + "; inputs." + input + " gives \"" + value +
                     "\" (change the value given by --set, the config's inputs or the input's default") !=
          std::string::npos);
    // A run stops at the same place: nothing was run, so nothing changed.
    auto run = sb.milink({"run", "replicate-database", "--emulator", "--emulator-profile", "fast", "--set", set});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("must be one of: " + choices) != std::string::npos);
    CHECK(run.err.find("nothing was run") != std::string::npos);
    CHECK(run.out.find("preflight") == std::string::npos);
  }
}
