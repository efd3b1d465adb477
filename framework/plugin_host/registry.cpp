//===- plugin_host/registry.cpp - Steps and providers by name --------------===//
#include "plugin_host/registry.hpp"

#include <algorithm>
#include <system_error>

namespace milink::host {

namespace {

namespace fs = std::filesystem;

/// "'<path>' (plugin <name>)": one side of a duplicate-name message.
std::string origin(const LoadedPlugin& p) {
  return "'" + p.path.string() + "' (plugin " + (p.info != nullptr ? p.info->name : "?") + ")";
}

[[noreturn]] void duplicate(const std::string& what, const LoadedPlugin& first, const LoadedPlugin& second) {
  throw PluginLoadError(what + " is declared by both " + origin(first) + " and " + origin(second) +
                        "; remove one of them from the plugin path");
}

/// Whether \p name looks like a plugin file: lib*.so (not lib*.so.1, which
/// is a versioned shared library, never a plugin).
bool is_plugin_file_name(const std::string& name) {
  const std::string prefix = "lib", suffix = ".so";
  return name.size() > prefix.size() + suffix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The file's identity for "already loaded" checks (symlinks, "a/../a").
fs::path identity(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c;
}

}  // namespace

void Registry::add(std::shared_ptr<LoadedPlugin> plugin) {
  if (!plugin) return;
  // Check every name before inserting any, so a rejected plugin leaves the
  // registry as it was.
  for (const auto& f : plugin->steps) {
    const auto& uses = f->spec().uses;
    if (auto it = steps_.find(uses); it != steps_.end())
      duplicate("step '" + uses + "'", *it->second.plugin, *plugin);
  }
  for (const auto& f : plugin->providers) {
    const auto& spec = f->spec();
    if (auto it = providers_.find({spec.kind, spec.name}); it != providers_.end())
      duplicate(spec.kind + " provider '" + spec.name + "'", *it->second.plugin, *plugin);
  }

  for (const auto& f : plugin->steps) steps_.emplace(f->spec().uses, StepEntry{plugin, f.get()});
  for (const auto& f : plugin->providers)
    providers_.emplace(std::make_pair(f->spec().kind, f->spec().name), ProviderEntry{plugin, f.get()});
  plugins_.push_back(std::move(plugin));
}

void Registry::load_directory(const fs::path& dir) {
  searched_.push_back(dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;  // not there: nothing to load, but remembered

  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && is_plugin_file_name(it->path().filename().string()))
      files.push_back(it->path());
  }
  if (ec)
    throw PluginLoadError("plugin directory '" + dir.string() + "': cannot be listed (" + ec.message() +
                          "); check its permissions or remove it from the plugin path");
  std::sort(files.begin(), files.end());

  for (const auto& file : files) {
    // The same file reached twice (a directory listed twice under different
    // names, a symlink) is one plugin, not a duplicate.
    const fs::path id = identity(file);
    const bool seen = std::any_of(plugins_.begin(), plugins_.end(),
                                  [&](const auto& p) { return identity(p->path) == id; });
    if (!seen) add(load_plugin(file));
  }
}

void Registry::load_search_path(const std::vector<fs::path>& dirs) {
  for (const auto& dir : dirs) load_directory(dir);
}

const Registry::StepEntry* Registry::find_step(const std::string& uses) const {
  auto it = steps_.find(uses);
  return it == steps_.end() ? nullptr : &it->second;
}

const Registry::ProviderEntry* Registry::find_provider(const std::string& kind, const std::string& name) const {
  auto it = providers_.find({kind, name});
  return it == providers_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::step_names() const {
  std::vector<std::string> names;
  names.reserve(steps_.size());
  for (const auto& [uses, entry] : steps_) names.push_back(uses);
  return names;
}

std::vector<std::pair<std::string, std::string>> Registry::provider_names() const {
  std::vector<std::pair<std::string, std::string>> names;
  names.reserve(providers_.size());
  for (const auto& [key, entry] : providers_) names.push_back(key);
  return names;
}

StepHandle Registry::create_step(const StepEntry& entry, const milink::sdk::Params& params,
                                 milink::sdk::Status& status) const {
  StepHandle handle;
  handle.keepalive = entry.plugin;  // before the instance exists: it must never outlive the library
  status = entry.factory->create(params, handle.instance);  // noexcept: StepAdapter catches in the plugin
  if (status.ok && !handle.instance)
    status = milink::sdk::Status::failure("step '" + entry.factory->spec().uses +
                                          "' reported success but created no instance (a plugin bug)");
  if (!status.ok) handle.instance.reset();
  return handle;
}

ProviderHandle Registry::create_provider(const ProviderEntry& entry, const milink::sdk::Params& params,
                                         milink::sdk::Status& status) const {
  ProviderHandle handle;
  handle.keepalive = entry.plugin;
  status = entry.factory->create(params, handle.provider);
  if (status.ok && !handle.provider)
    status = milink::sdk::Status::failure(entry.factory->spec().kind + " provider '" + entry.factory->spec().name +
                                          "' reported success but created nothing (a plugin bug)");
  if (!status.ok) handle.provider.reset();
  return handle;
}

}  // namespace milink::host
