//===- run/provider_pool.hpp - Providers created on first use ---*- C++ -*-===//
///
/// \file
/// The providers of one command (a run, `milink status`): a provider
/// instance the config names under /providers, or a bundled provider by its
/// own name, is created on first use with its resolved parameters and kept
/// until the pool ends.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "run/redactor.hpp"
#include "workflow/config.hpp"

#include <milink/sdk/provider.hpp>

#include <map>
#include <mutex>
#include <string>

namespace milink::run {

class ProviderPool {
public:
  /// \p configured: the plugin of every configured provider instance (the
  /// validator's ValidatedWorkflow::providers). All must outlive the pool.
  ProviderPool(const milink::workflow::Config& config,
               const std::map<std::string, milink::host::Registry::ProviderEntry>& configured,
               const milink::host::Registry& registry, Redactor& redactor);

  /// The provider \p name of \p kind ("credential"), created on first use.
  /// nullptr with \p error when none is configured or found, its parameters
  /// do not resolve, it fails to start, or it is of another kind. Thread-safe.
  milink::sdk::Provider* get(const std::string& kind, const std::string& name, std::string& error);

private:
  struct Slot {
    std::string kind;
    milink::host::ProviderHandle handle;
  };
  static milink::sdk::Provider* check_kind(Slot& slot, const std::string& kind, const std::string& name,
                                           std::string& error);

  const milink::workflow::Config& config_;
  const std::map<std::string, milink::host::Registry::ProviderEntry>& configured_;
  const milink::host::Registry& registry_;
  Redactor& redactor_;
  std::mutex mu_;
  std::map<std::string, Slot> slots_;
};

}  // namespace milink::run
