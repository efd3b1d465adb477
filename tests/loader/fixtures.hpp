// Helpers shared by the loader tests: where each fixture plugin was built,
// a throwaway directory, and the message of a PluginLoadError.
#pragma once

// Standard headers before any SDK header, so MILINK_BUILD_FINGERPRINT in the
// tests matches the one load_plugin.cpp uses (see the note there).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "plugin_host/loaded_plugin.hpp"

namespace loader_test {

/// The directory fixture \p name was built into.
inline std::filesystem::path fixture_dir(const std::string& name) {
  return std::filesystem::path(FIXTURE_DIR) / name;
}

/// The plugin file of fixture \p name (target fixture_<name>).
inline std::filesystem::path fixture_file(const std::string& name) {
  return fixture_dir(name) / ("libfixture_" + name + ".so");
}

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "milink-loader-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  /// Writes \p text to file \p name in the directory; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return path_ / name;
  }

private:
  std::filesystem::path path_;
};

/// The what() of the PluginLoadError \p fn throws; fails the test when it
/// throws nothing or something else.
inline std::string load_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const milink::host::PluginLoadError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected PluginLoadError, got another exception: " << e.what());
  }
  FAIL("expected PluginLoadError, nothing was thrown");
  return {};
}

}  // namespace loader_test
