//===- milink/sdk/provider.hpp - Cross-cutting strategies --------*- C++ -*-===//
///
/// \file
/// Providers are strategies shared by steps, picked by name in the config:
/// how to get an Azure token, for instance. A provider kind is defined by an
/// interface deriving from \c Provider with a static \c kInterface id; steps
/// obtain one through Services::provider() and convert it with
/// provider_cast<T>(), which compares interface ids instead of relying on
/// RTTI across shared libraries.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>
#include <milink/sdk/result.hpp>
#include <milink/sdk/spec.hpp>

#include <cstring>
#include <memory>

namespace milink::sdk {

class Provider {
public:
  virtual ~Provider();
  /// Required. The id of the interface this provider implements, e.g.
  /// "milink.credential/1". The returned string is static.
  virtual const char* interface_id() const noexcept = 0;
};

/// Converts \p p to interface \p T when its interface id matches, else nullptr.
template <typename T>
T* provider_cast(Provider* p) noexcept {
  if (p == nullptr || std::strcmp(p->interface_id(), T::kInterface) != 0) return nullptr;
  return static_cast<T*>(p);
}

/// Made by the plugin; owned by milink's registry, which keeps the plugin
/// loaded while it lives.
class ProviderFactory {
public:
  virtual ~ProviderFactory();
  /// Required. The spec; the reference stays valid while the factory lives.
  /// Thread safety: any thread.
  virtual const ProviderSpec& spec() const noexcept = 0;
  /// Required. Creates a provider from validated parameters. On failure
  /// returns a failed Status and leaves \p out empty. The provider is owned
  /// by the caller, which keeps the plugin loaded while it lives.
  virtual Status create(const Params& params, std::unique_ptr<Provider>& out) const noexcept = 0;
};

}  // namespace milink::sdk
