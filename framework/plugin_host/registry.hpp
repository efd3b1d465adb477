//===- plugin_host/registry.hpp - Steps and providers by name ---*- C++ -*-===//
#pragma once

#include "plugin_host/loaded_plugin.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace milink::host {

/// Where plugins are looked for, in order: each --plugin-path, each entry of
/// MILINK_PLUGIN_PATH (':'-separated), then the directory next to the milink
/// binary (../lib/milink/plugins). Relative directories are made absolute.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& cli_paths);

class Registry {
public:
  struct StepEntry {
    std::shared_ptr<LoadedPlugin> plugin;
    const milink::sdk::StepFactory* factory = nullptr;
  };
  struct ProviderEntry {
    std::shared_ptr<LoadedPlugin> plugin;
    const milink::sdk::ProviderFactory* factory = nullptr;
  };

  /// Adds a loaded plugin. Throws PluginLoadError when one of its step or
  /// provider names is already registered, naming both files.
  void add(std::shared_ptr<LoadedPlugin> plugin);

  /// Loads every lib*.so in \p dir (sorted by name). A directory that does
  /// not exist is skipped (but remembered in searched()). Throws
  /// PluginLoadError on the first bad plugin.
  void load_directory(const std::filesystem::path& dir);
  void load_search_path(const std::vector<std::filesystem::path>& dirs);

  const StepEntry* find_step(const std::string& uses) const;
  const ProviderEntry* find_provider(const std::string& kind, const std::string& name) const;
  std::vector<std::string> step_names() const;
  std::vector<std::pair<std::string, std::string>> provider_names() const;  ///< (kind, name)
  const std::vector<std::shared_ptr<LoadedPlugin>>& plugins() const noexcept { return plugins_; }
  /// Every directory looked in, in order, for "not found" messages.
  const std::vector<std::filesystem::path>& searched() const noexcept { return searched_; }

  /// Creates a step instance; the handle keeps the plugin loaded.
  StepHandle create_step(const StepEntry& entry, const milink::sdk::Params& params,
                         milink::sdk::Status& status) const;
  ProviderHandle create_provider(const ProviderEntry& entry, const milink::sdk::Params& params,
                                 milink::sdk::Status& status) const;

private:
  std::vector<std::shared_ptr<LoadedPlugin>> plugins_;
  std::map<std::string, StepEntry> steps_;
  std::map<std::pair<std::string, std::string>, ProviderEntry> providers_;
  std::vector<std::filesystem::path> searched_;
};

}  // namespace milink::host
