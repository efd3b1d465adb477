#include "run/provider_pool.hpp"

#include "run/param_resolver.hpp"

namespace milink::run {

using milink::sdk::Object;

ProviderPool::ProviderPool(const milink::workflow::Config& config,
                           const std::map<std::string, milink::host::Registry::ProviderEntry>& configured,
                           const milink::host::Registry& registry, Redactor& redactor)
    : config_(config), configured_(configured), registry_(registry), redactor_(redactor) {}

milink::sdk::Provider* ProviderPool::get(const std::string& kind, const std::string& name, std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto cached = slots_.find(name);
  if (cached != slots_.end()) return check_kind(cached->second, kind, name, error);
  const milink::host::Registry::ProviderEntry* entry = nullptr;
  Object with;
  if (const auto* inst = config_.provider(name)) {
    auto it = configured_.find(name);
    if (it == configured_.end()) {
      error = "provider instance \"" + name + "\" is not usable (see validation)";
      return nullptr;
    }
    entry = &it->second;
    with = inst->with;
  } else {
    entry = registry_.find_provider(kind, name);
    if (entry == nullptr) {
      error = "no " + kind + " provider \"" + name + "\" is configured; add {\"providers\": {\"" + name +
              "\": {\"use\": \"<provider>\"}}} to the config (milink plugins list shows the providers)";
      return nullptr;
    }
  }
  Object params;
  std::string field, perr;
  Object empty_scope;
  if (!resolve_params(with, entry->factory->spec().params, empty_scope, redactor_, params, field, perr)) {
    error = "provider \"" + name + "\": " + perr;
    return nullptr;
  }
  milink::sdk::Status st;
  auto handle = registry_.create_provider(*entry, milink::sdk::Params(params), st);
  if (!st.ok || !handle.provider) {
    error = "provider \"" + name + "\" failed to start: " + st.message;
    return nullptr;
  }
  auto& slot = slots_[name];
  slot.kind = entry->factory->spec().kind;
  slot.handle = std::move(handle);
  return check_kind(slot, kind, name, error);
}

milink::sdk::Provider* ProviderPool::check_kind(Slot& slot, const std::string& kind, const std::string& name,
                                                std::string& error) {
  if (slot.kind != kind) {
    error = "provider \"" + name + "\" is a " + slot.kind + " provider, not a " + kind + " provider";
    return nullptr;
  }
  return slot.handle.provider.get();
}

}  // namespace milink::run
