// Registry: duplicate names across plugins, and how directories are read.
#include "fixtures.hpp"

#include "plugin_host/registry.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using loader_test::fixture_file;
using loader_test::fixture_dir;
using loader_test::load_error;
using milink::host::load_plugin;
using milink::host::Registry;
namespace fs = std::filesystem;

namespace {

std::string duplicate_message() {
  return "step 'fixture.dup' is declared by both '" + fixture_file("duplicate_a").string() +
         "' (plugin duplicate-a) and '" + fixture_file("duplicate_b").string() +
         "' (plugin duplicate-b); remove one of them from the plugin path";
}

}  // namespace

TEST_CASE("two plugins declaring the same step are rejected, naming both files", "[loader]") {
  SECTION("through add()") {
    Registry registry;
    registry.add(load_plugin(fixture_file("duplicate_a")));
    CHECK(load_error([&] { registry.add(load_plugin(fixture_file("duplicate_b"))); }) == duplicate_message());
    // The rejected plugin left nothing behind.
    CHECK(registry.plugins().size() == 1);
    REQUIRE(registry.find_step("fixture.dup") != nullptr);
    CHECK(registry.find_step("fixture.dup")->plugin->path == fixture_file("duplicate_a"));
  }
  SECTION("through the search path") {
    Registry registry;
    CHECK(load_error([&] {
            registry.load_search_path({fixture_dir("duplicate_a"), fixture_dir("duplicate_b")});
          }) == duplicate_message());
    CHECK(registry.searched() == std::vector<fs::path>{fixture_dir("duplicate_a"), fixture_dir("duplicate_b")});
  }
}

TEST_CASE("a missing plugin directory is skipped but remembered", "[loader]") {
  loader_test::TempDir tmp;
  const fs::path missing = tmp.path() / "no-such-dir";
  Registry registry;
  REQUIRE_NOTHROW(registry.load_directory(missing));
  CHECK(registry.plugins().empty());
  REQUIRE_NOTHROW(registry.load_directory(fixture_dir("good")));
  CHECK(registry.searched() == std::vector<fs::path>{missing, fixture_dir("good")});
  REQUIRE(registry.plugins().size() == 1);
  CHECK(registry.find_step("fixture.echo") != nullptr);
}

TEST_CASE("load_directory loads only lib*.so regular files, sorted by name", "[loader]") {
  loader_test::TempDir tmp;
  fs::copy_file(fixture_file("good"), tmp.path() / "libb.so");
  fs::copy_file(fixture_file("throwing_step"), tmp.path() / "liba.so");
  tmp.write("notes.txt", "not a plugin");
  tmp.write("libc.so.1", "a versioned library, not a plugin");
  tmp.write("plugin.so", "no lib prefix");
  fs::create_directory(tmp.path() / "libd.so");

  Registry registry;
  registry.load_directory(tmp.path());
  REQUIRE(registry.plugins().size() == 2);
  CHECK(registry.plugins()[0]->path == tmp.path() / "liba.so");
  CHECK(registry.plugins()[1]->path == tmp.path() / "libb.so");
  CHECK(registry.step_names() == std::vector<std::string>{"fixture.echo", "fixture.throwing"});

  SECTION("loading the same directory again adds nothing") {
    REQUIRE_NOTHROW(registry.load_directory(tmp.path()));
    CHECK(registry.plugins().size() == 2);
    CHECK(registry.searched().size() == 2);
  }
}

TEST_CASE("load_directory stops at a file that is not a plugin", "[loader]") {
  loader_test::TempDir tmp;
  const auto junk = tmp.write("libjunk.so", "plain text\n");
  Registry registry;
  CHECK_THAT(load_error([&] { registry.load_directory(tmp.path()); }),
             Contains("plugin '" + junk.string() + "': not a shared library ("));
  CHECK(registry.plugins().empty());
}
