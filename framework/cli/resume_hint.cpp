#include "cli/resume_hint.hpp"

#include <filesystem>

namespace milink::cli {

namespace {

/// \p arg as one shell word: as it is when it holds only safe characters,
/// else in single quotes (a ' written as '\'').
std::string shell_word(const std::string& arg) {
  const bool safe = !arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                          "0123456789_-./=:,@%+") == std::string::npos;
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string resume_command(const CommonOptions& opts, const std::string& state_dir, const std::string& run_dir) {
  std::string cmd = "milink run " + shell_word(opts.workflow);
  if (!opts.config.empty()) cmd += " -c " + shell_word(opts.config);
  for (const auto& s : opts.sets) cmd += " --set " + shell_word(s);
  for (const auto& p : opts.plugin_paths) cmd += " --plugin-path " + shell_word(p);
  if (state_dir != ".milink") cmd += " --state-dir " + shell_word(state_dir);
  cmd += " --resume=" + shell_word(std::filesystem::path(run_dir).filename().string());
  return cmd;
}

}  // namespace milink::cli
