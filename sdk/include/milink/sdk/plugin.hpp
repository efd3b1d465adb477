//===- milink/sdk/plugin.hpp - Declaring a plugin ---------------*- C++ -*-===//
///
/// \file
/// A plugin declares itself once:
///
/// \code
///   #include <milink/sdk/plugin.hpp>
///   MILINK_PLUGIN("acme-steps", "1.2.0") {
///     registrar.add_step<SetOption>();
///     registrar.add_provider<VaultCredential>();
///   }
/// \endcode
///
/// The macro exports exactly one symbol, `milink_plugin_abi_<ABI>`, through
/// BOOST_DLL_ALIAS. Its name carries the ABI, so milink rejects a plugin
/// built for another ABI from the symbol table alone; then it compares the
/// build fingerprint, and only then runs the registration body.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/abi.hpp>
#include <milink/sdk/adapter.hpp>

#include <boost/dll/alias.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace milink::sdk {

/// Collects what a plugin registers. Owned by milink; lives only during the
/// registration call. Not thread-safe (registration is single-threaded).
class PluginRegistrar {
public:
  PluginRegistrar();
  ~PluginRegistrar();
  PluginRegistrar(const PluginRegistrar&) = delete;
  PluginRegistrar& operator=(const PluginRegistrar&) = delete;

  /// Registers step class \p T (see adapter.hpp). If T::spec() throws, the
  /// registration fails with that message.
  template <typename T>
  void add_step() {
    try {
      add_step_factory(std::make_shared<StepAdapter<T>>());
    } catch (const std::exception& e) {
      fail(std::string("step spec failed: ") + e.what());
    } catch (...) {
      fail("step spec failed: unknown exception");
    }
  }

  template <typename T>
  void add_provider() {
    try {
      add_provider_factory(std::make_shared<ProviderAdapter<T>>());
    } catch (const std::exception& e) {
      fail(std::string("provider spec failed: ") + e.what());
    } catch (...) {
      fail("provider spec failed: unknown exception");
    }
  }

  void add_step_factory(std::shared_ptr<StepFactory> f);
  void add_provider_factory(std::shared_ptr<ProviderFactory> f);
  /// Records a registration failure; milink then rejects the plugin.
  void fail(const std::string& message);

  const std::vector<std::shared_ptr<StepFactory>>& steps() const noexcept { return steps_; }
  const std::vector<std::shared_ptr<ProviderFactory>>& providers() const noexcept { return providers_; }
  const std::vector<std::string>& errors() const noexcept { return errors_; }

private:
  std::vector<std::shared_ptr<StepFactory>> steps_;
  std::vector<std::shared_ptr<ProviderFactory>> providers_;
  std::vector<std::string> errors_;
};

/// What the exported entry returns. A static object inside the plugin.
struct PluginInfo {
  std::uint32_t abi;          ///< MILINK_SDK_ABI the plugin was built with
  const char* fingerprint;    ///< MILINK_BUILD_FINGERPRINT the plugin was built with
  const char* name;           ///< plugin name, e.g. "acme-steps"
  const char* version;        ///< plugin version, free form
  /// Registers the plugin's steps and providers. Never throws.
  void (*register_all)(PluginRegistrar&) noexcept;
};

/// Signature of the exported entry.
using PluginEntry = const PluginInfo*() noexcept;

}  // namespace milink::sdk

#define MILINK_PLUGIN(NAME, VERSION)                                                   \
  static void milink_plugin_body(::milink::sdk::PluginRegistrar& registrar);            \
  static void milink_plugin_register(::milink::sdk::PluginRegistrar& r) noexcept {      \
    try {                                                                               \
      milink_plugin_body(r);                                                            \
    } catch (const std::exception& e) {                                                 \
      r.fail(std::string("registration threw: ") + e.what());                           \
    } catch (...) {                                                                     \
      r.fail("registration threw an unknown exception");                                \
    }                                                                                   \
  }                                                                                     \
  static const ::milink::sdk::PluginInfo* milink_plugin_entry() noexcept {              \
    static const ::milink::sdk::PluginInfo info{MILINK_SDK_ABI, MILINK_BUILD_FINGERPRINT, \
                                               NAME, VERSION, &milink_plugin_register}; \
    return &info;                                                                       \
  }                                                                                     \
  BOOST_DLL_ALIAS(milink_plugin_entry, MILINK_PLUGIN_ENTRY)                             \
  static void milink_plugin_body(::milink::sdk::PluginRegistrar& registrar)
