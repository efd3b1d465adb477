#include "validate_helper.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using milink::workflow::InvalidInput;
using milink::workflow::load_config_text;

namespace {
std::vector<std::string> config_problems(const std::string& text) {
  std::vector<std::string> out;
  try {
    load_config_text(text, "cfg.json");
  } catch (const InvalidInput& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
  }
  return out;
}
}  // namespace

TEST_CASE("config: unknown keys get suggestions, wrong types are named") {
  auto p = config_problems(R"({
  "milink_config": 1,
  "sqlserver": {
    "hots": "box",
    "port": "1433"
  },
  "databses": []
})");
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "cfg.json:7:3: /databses: unknown key \"databses\" in config (did you mean \"databases\"?)");
  CHECK(p[1] == "cfg.json:4:5: /sqlserver/hots: unknown key \"hots\" in sql target (did you mean \"host\"?)");
  CHECK(p[2] == "cfg.json:5:5: /sqlserver/port: \"port\" must be integer, not string");
}

TEST_CASE("config: secrets from the environment and from files") {
  testsupport::TempDir dir;
  testsupport::write_file(dir / "pw.txt", "file-secret\n");
  ::setenv("MILINK_CFG_TEST_PW", "env-secret", 1);
  auto cfg = milink::workflow::load_config_text(R"({
  "milink_config": 1,
  "sqlserver": { "password": { "from_env": "MILINK_CFG_TEST_PW" } },
  "managed_instance": { "password": { "from_file": "pw.txt" } }
})",
                                                (dir / "cfg.json").string());
  CHECK(cfg.root.get("sqlserver")->get("password")->as_string() == "env-secret");
  CHECK(cfg.root.get("managed_instance")->get("password")->as_string() == "file-secret");
  REQUIRE(cfg.secrets.size() == 2);
  CHECK(cfg.secrets[0] == "env-secret");
  CHECK(cfg.secrets[1] == "file-secret");
}

TEST_CASE("config: an unset variable or unreadable file is an error that says what to do") {
  ::unsetenv("MILINK_CFG_TEST_MISSING");
  auto p = config_problems(R"({
  "milink_config": 1,
  "sqlserver": { "password": { "from_env": "MILINK_CFG_TEST_MISSING" } },
  "managed_instance": { "password": { "from_file": "/nonexistent/pw" } }
})");
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "cfg.json:3:32: /sqlserver/password/from_env: environment variable MILINK_CFG_TEST_MISSING is not set "
                "(export MILINK_CFG_TEST_MISSING before running milink, or use {\"from_file\": ...})");
  CHECK(p[1] == "cfg.json:4:39: /managed_instance/password/from_file: the secret file /nonexistent/pw cannot be opened: "
                "No such file or directory (check the path; a relative one starts at the config file's folder; it must "
                "be a regular file of at most 16 MiB)");
}

TEST_CASE("config: format version and provider instances are checked") {
  auto p = config_problems(R"({
  "milink_config": 2,
  "providers": { "azure": { "uses": "azure-cli" } }
})");
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "cfg.json:2:3: /milink_config: unsupported config format 2 (this milink reads format 1)");
  CHECK(p[1] == "cfg.json:3:29: /providers/azure/uses: unknown key \"uses\" in provider instance (did you mean \"use\"?)");
  CHECK(p[2] == "cfg.json:3:18: /providers/azure: missing required key \"use\" in provider instance (add \"use\": The "
                "provider plugin, by name (milink plugins list).)");
}

TEST_CASE("config: provider instances are validated against the provider's spec") {
  const std::string w = R"({ "milink": 1, "name": "t", "steps": [ { "id": "a", "uses": "test.greet", "with": { "name": "x" } } ] })";
  auto p = problems(w, R"({
  "milink_config": 1,
  "providers": {
    "greeter": { "use": "test.prefixr" },
    "other": { "use": "test.prefixer", "with": { "prefx": "hi" } }
  }
})");
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "cfg.json:4:18: /providers/greeter/use: unknown provider \"test.prefixr\" (did you mean \"test.prefixer\"?)");
  CHECK(p[1] == "cfg.json:5:50: /providers/other/with/prefx: unknown parameter \"prefx\" for provider 'test.prefixer' "
                "(did you mean \"prefix\"?)");
}

TEST_CASE("config: {\"env\": VAR} reads a plain value from the environment, not registered as a secret") {
  ::setenv("MILINK_CFG_TEST_HOST", "sqlbox1.example.com", 1);
  auto cfg = load_config_text(R"({
  "milink_config": 1,
  "sqlserver": { "host": { "env": "MILINK_CFG_TEST_HOST" } },
  "databases": [ { "env": "MILINK_CFG_TEST_HOST" } ]
})",
                              "cfg.json");
  CHECK(cfg.root.get("sqlserver")->get("host")->as_string() == "sqlbox1.example.com");
  CHECK(cfg.root.get("databases")->as_array().at(0).as_string() == "sqlbox1.example.com");
  CHECK(cfg.secrets.empty());

  ::unsetenv("MILINK_CFG_TEST_UNSET");
  auto p = config_problems(R"({
  "milink_config": 1,
  "sqlserver": { "host": { "env": "MILINK_CFG_TEST_UNSET" } }
})");
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "cfg.json:3:28: /sqlserver/host/env: environment variable MILINK_CFG_TEST_UNSET is not set (export "
                "MILINK_CFG_TEST_UNSET before running milink, or write the value in the config)");
}

TEST_CASE("config: a shell-style ${VAR} is an error naming the field, never sent as it is") {
  auto p = config_problems(R"({
  "milink_config": 1,
  "providers": { "azure": { "use": "client-secret", "with": { "client_secret": "${AZURE_SECRET}" } } }
})");
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "cfg.json:3:63: /providers/azure/with/client_secret: \"${AZURE_SECRET}\" is not expanded: milink does "
                "not substitute ${...} in a config (write {\"from_env\": \"AZURE_SECRET\"} (a secret) or {\"env\": "
                "\"AZURE_SECRET\"} (a plain value) instead of the string)");
}

TEST_CASE("config: ${env:VAR} is refused as well, with the from_env to write instead") {
  auto p = config_problems(R"({
  "milink_config": 1,
  "inputs": { "a": "${{ inputs.x }}", "b": "${env:SP_SECRET}" }
})");
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("/inputs/b: \"${env:SP_SECRET}\" is not expanded") != std::string::npos);
  CHECK(p[0].find("write {\"from_env\": \"SP_SECRET\"} (a secret)") != std::string::npos);
}

TEST_CASE("config: a provider's own parameter named env is not an environment reference") {
  ::unsetenv("MILINK_CFG_TEST_TOKEN");
  auto cfg = load_config_text(R"({
  "milink_config": 1,
  "providers": { "t": { "use": "static-token", "with": { "env": "MILINK_CFG_TEST_TOKEN" } } }
})",
                              "cfg.json");
  CHECK(cfg.root.get("providers")->get("t")->get("with")->get("env")->as_string() == "MILINK_CFG_TEST_TOKEN");
}

TEST_CASE("config: SQL Server's endpoint_port defaults to 5022 as the schema says, a given port is kept") {
  auto cfg = load_config_text(R"({"milink_config": 1, "sqlserver": {"name": "box"}})", "cfg.json");
  REQUIRE(cfg.root.get("sqlserver")->get("endpoint_port") != nullptr);
  CHECK(cfg.root.get("sqlserver")->get("endpoint_port")->as_int() == 5022);
  auto given = load_config_text(R"({"milink_config": 1, "sqlserver": {"name": "box", "endpoint_port": 5023}})", "cfg.json");
  CHECK(given.root.get("sqlserver")->get("endpoint_port")->as_int() == 5023);
  // No sqlserver section: nothing is invented.
  auto none = load_config_text(R"({"milink_config": 1})", "cfg.json");
  CHECK(none.root.get("sqlserver") == nullptr);
}

TEST_CASE("config: /sqlserver/replicas name the existing AG's secondaries, fqdn and endpoint_port default") {
  auto cfg = load_config_text(R"({
  "milink_config": 1,
  "sqlserver": { "name": "sqlbox1", "endpoint_port": 5023, "availability_group": "AG_prod",
                 "listener": "aglistener.contoso.com",
                 "replicas": [ { "name": "sqlbox2", "host": "10.0.0.2" },
                               { "name": "sqlbox3", "fqdn": "sqlbox3.contoso.com", "endpoint_port": 5024 } ] }
})",
                              "cfg.json");
  const auto& reps = cfg.root.get("sqlserver")->get("replicas")->as_array();
  REQUIRE(reps.size() == 2);
  CHECK(reps[0].get("fqdn")->as_string() == "sqlbox2");
  CHECK(reps[0].get("endpoint_port")->as_int() == 5023);
  CHECK(reps[1].get("fqdn")->as_string() == "sqlbox3.contoso.com");
  CHECK(reps[1].get("endpoint_port")->as_int() == 5024);
}

TEST_CASE("config: a bad /sqlserver/replicas is refused, naming the replica and what to do") {
  auto p = config_problems(R"({
  "milink_config": 1,
  "sqlserver": { "name": "sqlbox1",
                 "replicas": [ { "host": "a" }, { "name": "SQLBOX1" }, { "name": "sqlbox2", "prot": 1 },
                               { "name": "SqlBox2", "port": 70000 }, "sqlbox4" ] },
  "managed_instance": { "listener": "x" }
})");
  REQUIRE(p.size() == 8);
  CHECK(p[0].substr(p[0].find(' ') + 1) == "/managed_instance/listener: \"listener\" belongs under /sqlserver, not "
                "/managed_instance (move it to the sqlserver section: only SQL Server runs the existing availability "
                "group)");
  CHECK(p[1].substr(p[1].find(' ') + 1) == "/sqlserver/replicas: replicas are given without the availability group they belong "
                "to (add \"availability_group\": \"<AG name>\" to /sqlserver (the AG whose secondaries these are))");
  CHECK(p[2].find("/sqlserver/replicas/0: missing required key \"name\" in sql replica") != std::string::npos);
  CHECK(p[3].find("/sqlserver/replicas/1/name: \"SQLBOX1\" is /sqlserver/name, the primary replica (list only the "
                  "secondary replicas under /sqlserver/replicas)") != std::string::npos);
  CHECK(p[4].find("/sqlserver/replicas/2/prot: unknown key \"prot\" in sql replica (did you mean \"port\"?)") !=
        std::string::npos);
  CHECK(p[5].find("/sqlserver/replicas/3/port: 70000 is not a TCP port") != std::string::npos);
  CHECK(p[6].find("/sqlserver/replicas/3/name: replica \"SqlBox2\" is listed twice (list each secondary replica "
                  "once)") != std::string::npos);
  CHECK(p[7].find("/sqlserver/replicas/4: a replica must be an object") != std::string::npos);
}
