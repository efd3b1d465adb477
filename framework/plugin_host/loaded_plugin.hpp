//===- plugin_host/loaded_plugin.hpp - One loaded plugin file ---*- C++ -*-===//
#pragma once

#include <milink/sdk/plugin.hpp>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::host {

/// A plugin that could not be loaded. what() names the file, what was
/// expected, what was found, and the remedy.
class PluginLoadError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A plugin file mapped into the process with its registered factories.
/// Shared by everything made from it; the file stays mapped while any
/// shared_ptr to it lives.
struct LoadedPlugin {
  /// Declared first on purpose: members are destroyed in reverse order, so
  /// the library is unmapped only after the factories (whose vtables and
  /// code live inside it) are gone. Order matters.
  boost::dll::shared_library library;
  const milink::sdk::PluginInfo* info = nullptr;
  std::filesystem::path path;
  std::vector<std::shared_ptr<milink::sdk::StepFactory>> steps;
  std::vector<std::shared_ptr<milink::sdk::ProviderFactory>> providers;

  LoadedPlugin() = default;
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;
  ~LoadedPlugin();
};

/// Loads one plugin file. In order, and before any plugin code runs where
/// possible:
///  1. reads the symbol table without mapping the file and requires the
///     `milink_plugin_abi_<ABI>` alias (another ABI number, or none, is
///     rejected here);
///  2. maps it with RTLD_NOW | RTLD_LOCAL (missing symbols and missing
///     shared-library dependencies fail here, with the dlerror text);
///  3. compares the ABI number and the build fingerprint exactly;
///  4. calls the registration, then checks every spec (check_spec).
/// Throws PluginLoadError.
std::shared_ptr<LoadedPlugin> load_plugin(const std::filesystem::path& file);

/// Keeps a step instance's plugin loaded while the instance lives.
struct StepHandle {
  std::shared_ptr<LoadedPlugin> keepalive;  ///< first: destroyed last. Order matters.
  std::unique_ptr<milink::sdk::StepInstance> instance;

  StepHandle() = default;
  StepHandle(StepHandle&&) noexcept = default;
  /// Destroys the old instance before dropping the old library reference
  /// (the defaulted assignment would do it the other way round).
  StepHandle& operator=(StepHandle&& o) noexcept {
    instance.reset();
    keepalive = std::move(o.keepalive);
    instance = std::move(o.instance);
    return *this;
  }
};

/// Same for a provider.
struct ProviderHandle {
  std::shared_ptr<LoadedPlugin> keepalive;  ///< first: destroyed last. Order matters.
  std::unique_ptr<milink::sdk::Provider> provider;

  ProviderHandle() = default;
  ProviderHandle(ProviderHandle&&) noexcept = default;
  /// Destroys the old provider before dropping the old library reference.
  ProviderHandle& operator=(ProviderHandle&& o) noexcept {
    provider.reset();
    keepalive = std::move(o.keepalive);
    provider = std::move(o.provider);
    return *this;
  }
};

}  // namespace milink::host
