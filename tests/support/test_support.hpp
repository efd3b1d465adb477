//===- tests/support/test_support.hpp - Shared test helpers -----*- C++ -*-===//
#pragma once

#include <milink/sdk/value.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace testsupport {

/// Directory of the test plugins (libmilink_test_steps.so).
std::filesystem::path test_plugin_dir();
/// The milink binary under test.
std::filesystem::path milink_binary();

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, const std::string& text);
std::string read_file(const std::filesystem::path& p);
/// The names in a list file: one per line, '#' comments and blank lines
/// skipped (plugins/bundled-steps.txt).
std::vector<std::string> read_list(const std::filesystem::path& p);
/// Every line of a JSON-lines file, parsed.
std::vector<milink::sdk::Object> read_json_lines(const std::filesystem::path& p);
/// Every file under \p dir (recursively) concatenated, for "appears nowhere" checks.
std::string read_tree(const std::filesystem::path& dir);

struct ProcessResult {
  int exit_code = -1;  ///< or 128+signal
  std::string out;
  std::string err;
};

/// Starts \p argv in \p cwd with \p env added to the environment; stdout and
/// stderr go to files in \p cwd. Returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
            const std::map<std::string, std::string>& env, const std::string& tag);
/// Waits for \p pid; returns its exit code, or 128+signal.
int wait_for(pid_t pid);
/// Runs to completion and collects the output.
ProcessResult run(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                  const std::map<std::string, std::string>& env = {});

/// Polls \p predicate every 10 ms for up to \p timeout_ms.
bool eventually(const std::function<bool()>& predicate, int timeout_ms = 10000);

}  // namespace testsupport
