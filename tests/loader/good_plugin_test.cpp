// A valid plugin end to end: load, find, create, run; the keepalive; and
// exceptions thrown by step code coming back as a Status.
#include "fake_context.hpp"
#include "fixtures.hpp"
#include "good/constant.hpp"

#include "plugin_host/registry.hpp"

#include <catch2/catch.hpp>

#include <dlfcn.h>

using loader_test::fixture_file;
using milink::host::load_plugin;
using milink::host::Registry;
namespace sdk = milink::sdk;

namespace {

/// Whether \p file is currently mapped into the process. RTLD_NOLOAD only
/// looks: it never maps the file. The reference it takes is dropped at once.
bool is_mapped(const std::filesystem::path& file) {
  void* h = ::dlopen(file.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (h == nullptr) return false;
  ::dlclose(h);
  return true;
}

}  // namespace

TEST_CASE("a valid plugin loads with its step and provider", "[loader]") {
  const auto plugin = load_plugin(fixture_file("good"));
  REQUIRE(plugin);
  CHECK(plugin->path == fixture_file("good"));
  REQUIRE(plugin->info != nullptr);
  CHECK(std::string(plugin->info->name) == "fixture-good");
  CHECK(std::string(plugin->info->version) == "1.0");
  CHECK(plugin->library.is_loaded());
  REQUIRE(plugin->steps.size() == 1);
  CHECK(plugin->steps[0]->spec().uses == "fixture.echo");
  REQUIRE(plugin->providers.size() == 1);
  CHECK(plugin->providers[0]->spec().name == "fixture.constant");
}

TEST_CASE("the registry finds the good plugin's step and provider and creates them", "[loader]") {
  Registry registry;
  registry.add(load_plugin(fixture_file("good")));
  CHECK(registry.step_names() == std::vector<std::string>{"fixture.echo"});
  CHECK(registry.provider_names() ==
        std::vector<std::pair<std::string, std::string>>{{"fixture", "fixture.constant"}});
  CHECK(registry.find_step("fixture.nope") == nullptr);
  CHECK(registry.find_provider("other", "fixture.constant") == nullptr);

  const auto* step = registry.find_step("fixture.echo");
  REQUIRE(step != nullptr);
  REQUIRE(step->factory != nullptr);
  CHECK(step->plugin == registry.plugins().at(0));
  const sdk::StepSpec& spec = step->factory->spec();
  REQUIRE(spec.param("text") != nullptr);
  CHECK(spec.param("text")->required);
  REQUIRE(spec.output("echo") != nullptr);

  SECTION("valid parameters make an instance that observes, plans and applies") {
    sdk::Status status;
    auto handle = registry.create_step(*step, sdk::Params(sdk::Object{{"text", "hello"}}), status);
    REQUIRE(status.ok);
    REQUIRE(handle.instance);
    CHECK(handle.keepalive == step->plugin);

    loader_test::FakeStepContext ctx;
    sdk::Observation seen;
    REQUIRE(handle.instance->observe(ctx, seen).ok);
    CHECK(seen.state == sdk::Observation::State::NeedsChange);

    sdk::Plan plan;
    REQUIRE(handle.instance->plan(ctx, plan).ok);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].description == "echo hello");

    const sdk::Status applied = handle.instance->apply(ctx);
    CHECK(applied.ok);
    REQUIRE(ctx.outputs.find("echo") != nullptr);
    CHECK(*ctx.outputs.find("echo") == sdk::Value("hello"));
  }

  SECTION("a missing required parameter comes back as a Status naming it") {
    sdk::Status status;
    auto handle = registry.create_step(*step, sdk::Params(sdk::Object{}), status);
    CHECK_FALSE(status.ok);
    CHECK(status.field == "text");
    CHECK_FALSE(handle.instance);
  }

  SECTION("the provider is created and reached through its interface") {
    const auto* entry = registry.find_provider("fixture", "fixture.constant");
    REQUIRE(entry != nullptr);
    sdk::Status status;
    auto handle = registry.create_provider(*entry, sdk::Params(sdk::Object{{"number", 7}}), status);
    REQUIRE(status.ok);
    REQUIRE(handle.provider);
    CHECK(handle.keepalive == entry->plugin);
    auto* constant = sdk::provider_cast<fixture::Constant>(handle.provider.get());
    REQUIRE(constant != nullptr);
    CHECK(constant->value() == 7);
  }
}

TEST_CASE("a step handle keeps its plugin mapped after the registry is gone", "[loader]") {
  milink::host::StepHandle handle;
  {
    Registry registry;
    registry.add(load_plugin(fixture_file("good")));
    sdk::Status status;
    handle = registry.create_step(*registry.find_step("fixture.echo"),
                                  sdk::Params(sdk::Object{{"text", "still here"}}), status);
    REQUIRE(status.ok);
  }
  // The handle is now the only owner of the plugin...
  REQUIRE(handle.keepalive);
  CHECK(handle.keepalive.use_count() == 1);
  CHECK(is_mapped(fixture_file("good")));

  // ...and the instance, whose code lives in the plugin, still runs.
  loader_test::FakeStepContext ctx;
  REQUIRE(handle.instance);
  CHECK(handle.instance->apply(ctx).ok);
  REQUIRE(ctx.outputs.find("echo") != nullptr);
  CHECK(*ctx.outputs.find("echo") == sdk::Value("still here"));

  // Releasing the instance and then the keepalive unmaps the plugin (the
  // fixture is built without STB_GNU_UNIQUE symbols so that it can unload).
  // Not `handle = {}`: a defaulted move assignment releases the keepalive
  // before the instance, whose destructor lives in the library.
  handle.instance.reset();
  handle.keepalive.reset();
  CHECK_FALSE(is_mapped(fixture_file("good")));
}

TEST_CASE("exceptions thrown by step code come back as a Status", "[loader]") {
  Registry registry;
  registry.add(load_plugin(fixture_file("throwing_step")));
  const auto* step = registry.find_step("fixture.throwing");
  REQUIRE(step != nullptr);

  SECTION("ConfigError from configure() keeps its field") {
    sdk::Status status;
    auto handle = registry.create_step(*step, sdk::Params(sdk::Object{{"port", 70000}}), status);
    CHECK_FALSE(status.ok);
    CHECK(status.field == "port");
    CHECK(status.message == "port must be between 1 and 65535");
    CHECK_FALSE(handle.instance);
  }

  SECTION("std::runtime_error from apply()") {
    sdk::Status status;
    auto handle = registry.create_step(*step, sdk::Params(sdk::Object{}), status);
    REQUIRE(status.ok);
    REQUIRE(handle.instance);
    loader_test::FakeStepContext ctx;
    sdk::Status applied;
    REQUIRE_NOTHROW(applied = handle.instance->apply(ctx));
    CHECK_FALSE(applied.ok);
    CHECK(applied.message == "apply exploded");
    CHECK(applied.field.empty());
  }
}
