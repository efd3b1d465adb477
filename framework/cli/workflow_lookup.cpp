//===- cli/workflow_lookup.cpp - Bundled workflows by name ----------------===//
#include "cli/workflow_lookup.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <system_error>

namespace milink::cli {

namespace fs = std::filesystem;

fs::path bundled_workflow_dir() {
  std::error_code ec;
  const fs::path self = boost::dll::program_location(ec);
  if (ec) return {};
  return (self.parent_path() / MILINK_WORKFLOW_DIR_FROM_BIN).lexically_normal();
}

std::string resolve_workflow(const std::string& arg) {
  std::error_code ec;
  if (arg.empty() || fs::exists(arg, ec)) return arg;
  const fs::path rel(arg);
  // An absolute path or one that climbs out names a file of the user's.
  if (rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0) return arg;
  const fs::path dir = bundled_workflow_dir();
  if (dir.empty()) return arg;
  for (const fs::path& candidate : {dir / rel, dir / (arg + ".json")})
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  return arg;
}

std::vector<std::string> bundled_workflow_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(bundled_workflow_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") names.push_back(it->path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace milink::cli
