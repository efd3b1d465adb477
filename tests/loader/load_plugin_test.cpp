// load_plugin(): one test per rejection, each asserting the message the
// user sees.
#include "fixtures.hpp"

#include "plugin_host/loaded_plugin.hpp"

#include <milink/sdk/abi.hpp>
#include <milink/sdk/spec.hpp>

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using loader_test::fixture_file;
using loader_test::load_error;
using milink::host::load_plugin;

namespace {
std::string quoted(const std::filesystem::path& p) { return "plugin '" + p.string() + "'"; }
}  // namespace

TEST_CASE("a plugin built for another SDK ABI is rejected before it is mapped", "[loader]") {
  // The fixture aborts in a static initialiser, so reaching this assertion
  // at all proves the file was never mapped.
  const auto p = fixture_file("wrong_abi");
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + ": built for SDK ABI 999, milink provides ABI " MILINK_SDK_STR(MILINK_SDK_ABI)
                    "; rebuild it against milink-sdk " MILINK_SDK_STR(MILINK_SDK_ABI));
}

TEST_CASE("a plugin with another build fingerprint is rejected before it registers", "[loader]") {
  // The fixture's registration aborts, so it must never be reached.
  const auto p = fixture_file("bad_fingerprint");
  const std::string message = load_error([&] { load_plugin(p); });
  CHECK(message ==
        quoted(p) + ": built with abi=1;some-other-compiler, milink was built with " MILINK_BUILD_FINGERPRINT
                    "; rebuild the plugin with the same compiler, standard library, Boost and POCO as milink");
  // milink's own fingerprint must name the real standard library.
  CHECK_THAT(message, !Contains("unknown-stdlib"));
}

// Regression: abi.hpp once tested _GLIBCXX_USE_CXX11_ABI before any standard
// header defined it, so a plugin whose first include is <milink/sdk/plugin.hpp>
// (as the SDK docs show) reported "unknown-stdlib" and was refused.
TEST_CASE("a plugin that includes the SDK header first loads", "[loader]") {
  const auto plugin = load_plugin(fixture_file("sdk_header_first"));
  REQUIRE(plugin);
  REQUIRE(plugin->steps.size() == 1);
  CHECK(plugin->steps[0]->spec().uses == "fixture.header-first");
}

TEST_CASE("a shared library without a milink entry point is rejected", "[loader]") {
  const auto p = fixture_file("no_entry");
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + ": no milink entry point (milink_plugin_abi_" MILINK_SDK_STR(MILINK_SDK_ABI)
                    "); is it a milink plugin? "
                    "Declare it with MILINK_PLUGIN(...)");
}

TEST_CASE("a step whose spec() throws is rejected with the exception's message", "[loader]") {
  const auto p = fixture_file("throwing_spec");
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + " (fixture-throwing-spec 1.0): step spec failed: spec exploded");
}

TEST_CASE("a step with a malformed spec is rejected with check_spec's message", "[loader]") {
  const auto p = fixture_file("invalid_spec");
  milink::sdk::StepSpec same;
  same.uses = "Bad Name";
  same.summary = "Has an invalid name";
  const std::string problem = milink::sdk::check_spec(same);
  REQUIRE_THAT(problem, Contains("'Bad Name' is invalid"));
  CHECK(load_error([&] { load_plugin(p); }) == quoted(p) + " (fixture-invalid-spec 1.0): " + problem);
}

TEST_CASE("a plugin that registers nothing is rejected", "[loader]") {
  const auto p = fixture_file("empty");
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + " (fixture-empty 1.0): registers no steps and no providers; add registrar.add_step<T>() "
                    "or registrar.add_provider<T>() to its MILINK_PLUGIN body");
}

TEST_CASE("a plugin that registers one step twice is rejected", "[loader]") {
  const auto p = fixture_file("twice");
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + " (fixture-twice 1.0): step 'fixture.once' is registered twice; register each step class once");
}

TEST_CASE("a plugin whose shared-library dependency is missing names it and suggests ldd", "[loader]") {
  const auto p = fixture_file("missing_dep");
  const std::string message = load_error([&] { load_plugin(p); });
  CHECK_THAT(message, Contains(quoted(p) + ": the dynamic loader refused it ("));
  CHECK_THAT(message, Contains("libfixture_dep.so: cannot open shared object file"));
  CHECK_THAT(message, Contains("; a library it depends on is missing or not on the library path; `ldd " +
                               p.string() + "` shows which"));
}

TEST_CASE("a file that is not a shared library is rejected without being mapped", "[loader]") {
  loader_test::TempDir dir;
  SECTION("shorter than an ELF header") {
    const auto p = dir.write("libjunk.so", "not a plugin\n");
    CHECK(load_error([&] { load_plugin(p); }) ==
          quoted(p) + ": not a shared library (too short to be an ELF file); "
                      "only milink plugins belong on the plugin path");
  }
  SECTION("long enough, but text") {
    const auto p = dir.write("libjunk.so", std::string(4096, 'x'));
    const std::string message = load_error([&] { load_plugin(p); });
    CHECK_THAT(message, Contains(quoted(p) + ": not a shared library ("));
    CHECK_THAT(message, Contains("); only milink plugins belong on the plugin path"));
  }
}

TEST_CASE("a plugin file that does not exist is reported as such", "[loader]") {
  loader_test::TempDir dir;
  const auto p = dir.path() / "libnothere.so";
  CHECK(load_error([&] { load_plugin(p); }) ==
        quoted(p) + ": file not found; check the path or the plugin search path");
}
