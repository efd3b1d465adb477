// `cmake --install` gives a user and a plugin author everything: milink, the
// emulator, the bundled plugins and workflows, the SDK headers and library,
// and a CMake package a plugin project outside this repository builds with.
#include "install_fixture.hpp"

#include <milink/sdk/abi.hpp>
#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <map>

using installtest::installed_prefix;
using installtest::sh;
namespace fs = std::filesystem;

TEST_CASE("cmake --install lays out milink the emulator the plugins the workflows and the SDK under the prefix",
          "[install]") {
  const fs::path& p = installed_prefix();
  for (const char* f : {"bin/milink", "bin/milink-emulator", "include/milink/sdk/sdk.hpp",
                        "include/milink/sdk/adapter.hpp", "lib/cmake/milink/milinkConfig.cmake",
                        "lib/cmake/milink/milinkConfigVersion.cmake", "lib/cmake/milink/MilinkPlugin.cmake",
                        "lib/cmake/milink/milinkTargets.cmake", "share/milink/workflows/replicate-database.json",
                        "share/milink/workflows/replicate-databases.json",
                        "share/doc/milink/writing-a-step-plugin.md"}) {
    INFO(f);
    CHECK(fs::exists(p / f));
  }
  bool sdk_found = false;
  for (const auto& e : fs::directory_iterator(p / "lib")) sdk_found |= e.path().filename() == "libmilink_sdk.so";
  CHECK(sdk_found);
  // The soname is the SDK ABI: it changes exactly when plugins must be rebuilt.
  CHECK(fs::is_symlink(p / ("lib/libmilink_sdk.so." + std::to_string(MILINK_SDK_ABI))));
  for (const char* f : {"share/doc/milink/LICENSE", "share/doc/milink/copyright", "share/doc/milink/CHANGELOG.md",
                        "share/doc/milink/SECURITY.md"}) {
    INFO(f);
    CHECK(fs::exists(p / f));
  }
  // No test code is installed, and none of Microsoft's spec files (the emulator's ARM contract is compiled in).
  CHECK_FALSE(fs::exists(p / "share/milink/azure-specs"));
  CHECK_FALSE(fs::exists(p / "lib/milink/plugins/libmilink_test_steps.so"));
  for (const auto& e : fs::directory_iterator(p / "bin")) {
    INFO(e.path());
    CHECK(e.path().filename().string().rfind("milink", 0) == 0);
  }
}

TEST_CASE("the installed milink finds its bundled plugins next to it and runs the bundled workflow", "[install]") {
  const fs::path& p = installed_prefix();
  auto version = sh({(p / "bin/milink").string(), "--version"}, p);
  REQUIRE(version.exit_code == 0);
  CHECK(version.out.find("SDK ABI ") != std::string::npos);

  auto steps = installtest::listed_steps(p / "bin/milink");
  for (const auto& want : installtest::bundled_steps()) {
    INFO(want);
    bool found = false;
    for (const auto& [uses, file] : steps)
      if (uses == want) {
        found = true;
        CHECK(fs::path(file).parent_path() == fs::canonical(p / "lib/milink/plugins"));
      }
    CHECK(found);
  }

  // From a directory outside the build tree, with no environment help.
  testsupport::TempDir work;
  // The bundled workflow is found by its name, as the README runs it.
  auto run = sh({(p / "bin/milink").string(), "run", "replicate-database", "--emulator", "--emulator-profile", "fast",
                 "--state-dir", (work / "state").string()},
                work.path(), {{"MILINK_PLUGIN_PATH", ""}});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("changed  verify") != std::string::npos);
}

TEST_CASE("every installed workflow validates as shipped and is found by its name", "[install]") {
  const fs::path& p = installed_prefix();
  testsupport::TempDir work;
  int seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(p / "share/milink/workflows")) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    const std::string name = fs::relative(entry.path(), p / "share/milink/workflows").replace_extension().string();
    INFO(name);
    auto v = sh({(p / "bin/milink").string(), "validate", name}, work.path(), {{"MILINK_PLUGIN_PATH", ""}});
    CHECK(v.exit_code == 0);
    CHECK(v.out.find(": valid (") != std::string::npos);
  }
  CHECK(seen >= 4);
  // A name that is neither a file nor a bundled workflow lists the bundled ones.
  auto missing = sh({(p / "bin/milink").string(), "validate", "replicate-databse"}, work.path());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("replicate-databse: no such file, and no bundled workflow of that name (check the path, or "
                         "name a bundled workflow (") != std::string::npos);
  CHECK(missing.err.find("remove-links, replicate-database, replicate-databases, replicate-databases-one-link, "
                         "replicate-existing-ag, rotate-certificates)") !=
        std::string::npos);
}

TEST_CASE("a plugin project outside the repository builds against the installed package and milink loads it",
          "[install]") {
  const fs::path& p = installed_prefix();
  testsupport::TempDir dir;
  testsupport::write_file(dir / "src/CMakeLists.txt",
                          "cmake_minimum_required(VERSION 3.18)\n"
                          "project(acme_hello CXX)\n"
                          "find_package(milink 0.2 REQUIRED)\n"
                          "milink_add_plugin(NAME acme_hello SOURCES hello.cpp)\n"
                          "file(WRITE ${CMAKE_BINARY_DIR}/found.txt \"${MILINK_EXECUTABLE}\\n${MILINK_SDK_ABI}\\n\")\n");
  testsupport::write_file(dir / "src/hello.cpp", R"cpp(#include <milink/sdk/sdk.hpp>
class Hello {
public:
  struct Config { std::string who; };
  static milink::sdk::StepSpec spec() {
    milink::sdk::StepSpec s;
    s.uses = "acme.hello";
    s.summary = "Greets someone (an out-of-tree test plugin)";
    s.params = {{"who", milink::sdk::ValueType::String, true, {}, "Whom to greet"}};
    s.outputs = {{"greeting", milink::sdk::ValueType::String, "The greeting"}};
    return s;
  }
  static Config configure(const milink::sdk::Params& p) { return {p.string("who")}; }
  milink::sdk::Observation observe(const Config&, milink::sdk::Context&) {
    return milink::sdk::Observation::needs_change("not greeted yet");
  }
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context&) {
    milink::sdk::Plan p;
    p.actions.push_back(milink::sdk::Action::note("world", "greet " + c.who));
    return p;
  }
  void apply(const Config& c, milink::sdk::Context& ctx) {
    ctx.output("greeting", milink::sdk::Value("hello " + c.who));
    ctx.info("hello " + c.who);
  }
};
MILINK_PLUGIN("acme-hello", "1.0.0") { registrar.add_step<Hello>(); }
)cpp");
  // Only the prefix: nothing points at the build tree or the source tree.
  auto configure = sh({MILINK_CMAKE_COMMAND, "-S", (dir / "src").string(), "-B", (dir / "build").string(), "-G",
                       MILINK_CMAKE_GENERATOR, "-DCMAKE_PREFIX_PATH=" + p.string(), "-DCMAKE_BUILD_TYPE=Release"},
                      dir.path());
  REQUIRE(configure.exit_code == 0);
  std::string found = testsupport::read_file(dir / "build/found.txt");
  CHECK(found.find((p / "bin/milink").string()) == 0);
  CHECK(found.find("\n" + std::to_string(MILINK_SDK_ABI) + "\n") != std::string::npos);
  auto build = sh({MILINK_CMAKE_COMMAND, "--build", (dir / "build").string()}, dir.path());
  REQUIRE(build.exit_code == 0);
  std::string flags = testsupport::read_file(dir / "build/CMakeFiles/acme_hello.dir/flags.make");
  CHECK(flags.find(MILINK_BUILD_DIR) == std::string::npos);
  CHECK(flags.find(MILINK_SOURCE_DIR) == std::string::npos);

  // The installed milink runs it together with a bundled plugin's step.
  testsupport::write_file(dir / "wf.json", R"json({
  "milink": 1, "name": "mixed",
  "steps": [
    { "id": "hello", "uses": "acme.hello", "with": { "who": "${{ config.managed_instance.name }}" } },
    { "id": "check", "uses": "preflight",
      "with": { "databases": ["sales"], "check_dns": false, "server_name": "${{ config.sqlserver.name }}" } }
  ]
})json");
  auto run = sh({(p / "bin/milink").string(), "run", "wf.json", "--emulator", "--emulator-profile", "fast",
                 "--plugin-path", (dir / "build").string(), "--state-dir", "state"},
                dir.path());
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("hello mi1") != std::string::npos);
  CHECK(run.out.find("ok       check") != std::string::npos);
}

TEST_CASE("sdk/examples/log-backup-check builds against the installed package only and passes its own tests",
          "[install][example]") {
  const fs::path& p = installed_prefix();
  testsupport::TempDir dir;
  // A copy outside the repository, as a team would have it.
  fs::copy(MILINK_SOURCE_DIR "/sdk/examples/log-backup-check", dir / "src", fs::copy_options::recursive);
  auto configure = sh({MILINK_CMAKE_COMMAND, "-S", (dir / "src").string(), "-B", (dir / "build").string(), "-G",
                       MILINK_CMAKE_GENERATOR, "-DCMAKE_PREFIX_PATH=" + p.string(), "-DCMAKE_BUILD_TYPE=Release"},
                      dir.path());
  REQUIRE(configure.exit_code == 0);
  auto build = sh({MILINK_CMAKE_COMMAND, "--build", (dir / "build").string()}, dir.path());
  REQUIRE(build.exit_code == 0);
  std::string flags;
  for (const auto& e : fs::recursive_directory_iterator(dir / "build"))
    if (e.path().filename() == "flags.make" || e.path().filename() == "build.ninja")
      flags += testsupport::read_file(e.path());
  CHECK(flags.find(MILINK_BUILD_DIR "/") == std::string::npos);
  CHECK(flags.find(MILINK_SOURCE_DIR "/sdk") == std::string::npos);
  // Its tests run the installed milink and milink-emulator with the plugin
  // and the bundled plugins together.
  auto tests = sh({std::string(MILINK_CMAKE_COMMAND).substr(0, std::string(MILINK_CMAKE_COMMAND).rfind('/')) + "/ctest",
                   "--test-dir", (dir / "build").string(), "--output-on-failure"},
                  dir.path());
  CHECK(tests.exit_code == 0);
  CHECK(tests.out.find("100% tests passed") != std::string::npos);
}

TEST_CASE("the example workflow that adds log backups keeps every step of the bundled replicate-database",
          "[install][example]") {
  auto bundled = milink::sdk::parse_json(testsupport::read_file(MILINK_SOURCE_DIR "/workflows/replicate-database.json"));
  auto example = milink::sdk::parse_json(testsupport::read_file(
      MILINK_SOURCE_DIR "/sdk/examples/log-backup-check/workflows/replicate-database-with-log-backups.json"));
  std::map<std::string, milink::sdk::Value> steps;
  for (const auto& s : example.get("steps")->as_array()) steps[s.get("id")->as_string()] = s;
  for (const auto& s : bundled.get("steps")->as_array()) {
    const std::string id = s.get("id")->as_string();
    INFO("step " << id << " drifted from workflows/replicate-database.json");
    REQUIRE(steps.count(id) == 1);
    CHECK(steps[id] == s);
  }
  for (const auto& [name, input] : bundled.get("inputs")->as_object()) {
    INFO("input " << name);
    REQUIRE(example.get("inputs")->get(name) != nullptr);
    CHECK(*example.get("inputs")->get(name) == input);
  }
}
