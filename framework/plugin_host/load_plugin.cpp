//===- plugin_host/load_plugin.cpp - Checking and mapping one plugin -------===//
///
/// \file
/// load_plugin() and the LoadedPlugin destructor. Every rejection names the
/// file, says what was found and what was expected, and gives a remedy.
///
//===----------------------------------------------------------------------===//
#include "plugin_host/loaded_plugin.hpp"

#include <milink/sdk/abi.hpp>
#include <milink/sdk/plugin.hpp>
#include <milink/sdk/spec.hpp>

#include "plugin_host/elf_dynamic_symbols.hpp"

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/dll/shared_library_load_mode.hpp>

#include <cstring>
#include <ios>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace milink::host {

LoadedPlugin::~LoadedPlugin() {
  // The factories' vtables and destructors live in the library; release them
  // while it is still mapped. Member order already guarantees this; the
  // explicit clear keeps the intent visible.
  steps.clear();
  providers.clear();
}

namespace {

namespace dll = boost::dll;
namespace fs = std::filesystem;

constexpr const char* kEntryPrefix = MILINK_PLUGIN_ENTRY_PREFIX;
const std::string kEntryName = std::string(kEntryPrefix) + MILINK_SDK_STR(MILINK_SDK_ABI);

/// "plugin '<path>'": the start of every message about \p file.
std::string subject(const fs::path& file) { return "plugin '" + file.string() + "'"; }

/// "plugin '<path>' (<name> <version>)": once the plugin has told its name.
std::string subject(const fs::path& file, const milink::sdk::PluginInfo& info) {
  return subject(file) + " (" + info.name + " " + info.version + ")";
}

[[noreturn]] void reject(const std::string& message) { throw PluginLoadError(message); }

/// Step 1: the alias names in the `boostdll` section, read from the file
/// without mapping it, so a plugin built for another ABI never runs any code
/// (not even its static constructors).
void check_entry_alias(const fs::path& file) {
  std::vector<std::string> aliases;
  try {
    // Also throws for a file in a foreign format (PE, Mach-O, 32-bit ELF).
    dll::library_info info(file);
    aliases = info.symbols("boostdll");
    // A stripped plugin (every packaged one) has no .symtab for
    // library_info; its exported entry is still in .dynsym.
    if (aliases.empty()) aliases = elf_dynamic_symbols_in_section(file, "boostdll");
  } catch (const std::ios_base::failure&) {
    // library_info sets the stream to throw; a file shorter than an ELF
    // header ends up here with an unhelpful "iostream error".
    reject(subject(file) + ": not a shared library (too short to be an ELF file); " +
           "only milink plugins belong on the plugin path");
  } catch (const std::exception& e) {
    reject(subject(file) + ": not a shared library (" + e.what() + "); " +
           "only milink plugins belong on the plugin path");
  }

  std::vector<std::string> other_abis;
  for (const auto& alias : aliases) {
    if (alias == kEntryName) return;
    if (alias.rfind(kEntryPrefix, 0) == 0) other_abis.push_back(alias.substr(std::strlen(kEntryPrefix)));
  }
  if (!other_abis.empty())
    reject(subject(file) + ": built for SDK ABI " + other_abis.front() + ", milink provides ABI " +
           MILINK_SDK_STR(MILINK_SDK_ABI) + "; rebuild it against milink-sdk " +
           MILINK_SDK_STR(MILINK_SDK_ABI));
  reject(subject(file) + ": no milink entry point (" + kEntryName +
         "); is it a milink plugin? Declare it with MILINK_PLUGIN(...)");
}

/// The dlerror text inside a Boost.DLL load exception. Boost formats it as
/// "<what failed> (dlerror system message: <text>): <error_code message>".
std::string dlerror_text(const std::system_error& e) {
  const std::string what = e.what();
  const std::string marker = "(dlerror system message: ";
  const auto begin = what.find(marker);
  const auto end = what.rfind("): ");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return what;
  return what.substr(begin + marker.size(), end - begin - marker.size());
}

/// Step 2: maps the file. RTLD_NOW so a missing symbol fails here and not
/// mid-run (Boost.DLL adds RTLD_LAZY unless told otherwise); RTLD_LOCAL so
/// one plugin's symbols never satisfy or shadow another's.
void map_library(const fs::path& file, dll::shared_library& library) {
  try {
    // The throwing overload on purpose: the error_code overloads report every
    // dlopen failure as a bare "bad file descriptor" and lose dlerror().
    library.load(file, dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  } catch (const std::system_error& e) {
    const std::string why = dlerror_text(e);
    if (why.find("undefined symbol") != std::string::npos)
      reject(subject(file) + ": the dynamic loader refused it (" + why + "); " +
             "it was built against another milink-sdk or library version; rebuild it against this milink");
    reject(subject(file) + ": the dynamic loader refused it (" + why + "); " +
           "a library it depends on is missing or not on the library path; `ldd " + file.string() +
           "` shows which");
  }
}

/// Step 3: what the entry reports must match this build exactly. C++
/// vtables cross the boundary, so "compatible" is not good enough.
const milink::sdk::PluginInfo& check_info(const fs::path& file, const milink::sdk::PluginInfo* info) {
  if (info == nullptr || info->fingerprint == nullptr || info->name == nullptr || info->version == nullptr ||
      info->register_all == nullptr)
    reject(subject(file) + ": its entry point returned incomplete plugin information, " +
           "expected a PluginInfo with every field set; declare the plugin with MILINK_PLUGIN(...)");
  if (info->abi != MILINK_SDK_ABI)
    reject(subject(file) + ": built for SDK ABI " + std::to_string(info->abi) + ", milink provides ABI " +
           MILINK_SDK_STR(MILINK_SDK_ABI) + "; rebuild it against milink-sdk " +
           MILINK_SDK_STR(MILINK_SDK_ABI));
  if (std::strcmp(info->fingerprint, MILINK_BUILD_FINGERPRINT) != 0)
    reject(subject(file) + ": built with " + info->fingerprint + ", milink was built with " +
           MILINK_BUILD_FINGERPRINT +
           "; rebuild the plugin with the same compiler, standard library, Boost and POCO as milink");
  return *info;
}

/// Step 4: registration errors, malformed specs, names registered twice
/// within the plugin, and a plugin that registers nothing.
void check_registration(const fs::path& file, const milink::sdk::PluginInfo& info,
                        const milink::sdk::PluginRegistrar& reg) {
  const std::string who = subject(file, info);
  if (!reg.errors().empty()) {
    std::string all;
    for (const auto& e : reg.errors()) all += (all.empty() ? "" : "; ") + e;
    reject(who + ": " + all);
  }
  if (reg.steps().empty() && reg.providers().empty())
    reject(who + ": registers no steps and no providers; add registrar.add_step<T>() or "
                 "registrar.add_provider<T>() to its MILINK_PLUGIN body");

  std::set<std::string> step_names;
  for (const auto& f : reg.steps()) {
    const auto& spec = f->spec();
    if (auto problem = milink::sdk::check_spec(spec); !problem.empty()) reject(who + ": " + problem);
    if (!step_names.insert(spec.uses).second)
      reject(who + ": step '" + spec.uses + "' is registered twice; register each step class once");
  }
  std::set<std::pair<std::string, std::string>> provider_names;
  for (const auto& f : reg.providers()) {
    const auto& spec = f->spec();
    if (auto problem = milink::sdk::check_spec(spec); !problem.empty()) reject(who + ": " + problem);
    if (!provider_names.insert({spec.kind, spec.name}).second)
      reject(who + ": " + spec.kind + " provider '" + spec.name +
             "' is registered twice; register each provider class once");
  }
}

}  // namespace

std::shared_ptr<LoadedPlugin> load_plugin(const fs::path& given) {
  // Absolute on purpose: for a bare file name Boost.DLL prepends "./"
  // instead of searching, and messages should show where the file really is.
  std::error_code ec;
  fs::path file = fs::absolute(given, ec).lexically_normal();
  if (ec) file = given;

  if (!fs::exists(file, ec))
    reject(subject(file) + ": file not found; check the path or the plugin search path");
  if (!fs::is_regular_file(file, ec))
    reject(subject(file) + ": not a regular file, expected a shared library (lib<name>.so)");

  check_entry_alias(file);

  auto plugin = std::make_shared<LoadedPlugin>();
  plugin->path = file;
  map_library(file, plugin->library);

  const milink::sdk::PluginInfo* raw_info = nullptr;
  try {
    // get_alias<F> works with a function type on Boost 1.74: it reads the
    // alias variable as F* and dereferences it.
    raw_info = plugin->library.get_alias<milink::sdk::PluginEntry>(kEntryName)();
  } catch (const std::system_error& e) {
    reject(subject(file) + ": its entry point " + kEntryName + " could not be resolved (" + e.what() +
           "); rebuild it with MILINK_PLUGIN(...)");
  }
  const milink::sdk::PluginInfo& info = check_info(file, raw_info);

  {
    // Declared after `plugin`, so on a rejection the factories it holds are
    // destroyed while the library is still mapped.
    milink::sdk::PluginRegistrar reg;
    info.register_all(reg);  // noexcept: the MILINK_PLUGIN body catches inside the plugin
    check_registration(file, info, reg);
    plugin->info = &info;
    plugin->steps = reg.steps();
    plugin->providers = reg.providers();
  }
  return plugin;
}

}  // namespace milink::host
