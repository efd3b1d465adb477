//===- plugin_host/search_path.cpp - Where plugins are looked for ----------===//
#include "plugin_host/registry.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace milink::host {

namespace {

namespace fs = std::filesystem;

/// Absolute, lexically normal, without a trailing separator, so that
/// "a/./b/" and "/cwd/a/b" compare equal.
fs::path normalise(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  abs = abs.lexically_normal();
  if (!abs.has_filename() && abs.has_relative_path()) abs = abs.parent_path();
  return abs;
}

void append_unique(std::vector<fs::path>& out, const fs::path& dir) {
  const fs::path n = normalise(dir);
  if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
}

}  // namespace

std::vector<fs::path> plugin_search_path(const std::vector<std::string>& cli_paths) {
  std::vector<fs::path> dirs;
  for (const auto& p : cli_paths)
    if (!p.empty()) append_unique(dirs, p);

  // Empty entries ("a::b", a trailing ':') are skipped rather than read as
  // the current directory the way $PATH does: loading code from wherever
  // milink happens to be started is never what anyone meant.
  if (const char* env = std::getenv("MILINK_PLUGIN_PATH")) {
    const std::string value = env;
    std::string::size_type start = 0;
    while (start <= value.size()) {
      const auto colon = value.find(':', start);
      const auto end = colon == std::string::npos ? value.size() : colon;
      if (end > start) append_unique(dirs, value.substr(start, end - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }

  // Relative to the binary, not the current directory, so an installed (or
  // build-tree) milink finds its bundled plugins wherever it is started.
  std::error_code ec;
  const fs::path self = boost::dll::program_location(ec);
  if (!ec) append_unique(dirs, self.parent_path() / MILINK_PLUGIN_DIR_FROM_BIN);
  return dirs;
}

}  // namespace milink::host
