// plugin_search_path(): --plugin-path, then MILINK_PLUGIN_PATH, then the
// directory next to the binary; absolute, normalised, without duplicates.
#include "plugin_host/registry.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>

namespace fs = std::filesystem;

namespace {

/// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* name_;
  std::optional<std::string> old_;
};

fs::path bundled_dir() {
  return (boost::dll::program_location().parent_path() / MILINK_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

}  // namespace

TEST_CASE("plugin_search_path orders --plugin-path, MILINK_PLUGIN_PATH, then the bundled directory",
          "[loader]") {
  const fs::path cwd = fs::current_path();
  ScopedEnv env("MILINK_PLUGIN_PATH", "/env/one:relative/two::/cli/a/:/env/./three/../three");
  const auto dirs = milink::host::plugin_search_path({"/cli/a", "cli/../cli_rel", "", "/env/one"});
  CHECK(dirs == std::vector<fs::path>{
                    "/cli/a",
                    cwd / "cli_rel",
                    "/env/one",
                    cwd / "relative/two",
                    "/env/three",
                    bundled_dir(),
                });
}

TEST_CASE("plugin_search_path without MILINK_PLUGIN_PATH is the bundled directory", "[loader]") {
  ScopedEnv env("MILINK_PLUGIN_PATH", nullptr);
  const auto dirs = milink::host::plugin_search_path({});
  REQUIRE(dirs.size() == 1);
  CHECK(dirs[0] == bundled_dir());
  CHECK(dirs[0].is_absolute());
  CHECK(dirs[0].filename() == "plugins");
}
