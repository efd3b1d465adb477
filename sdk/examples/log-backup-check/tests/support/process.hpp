//===- tests/support/process.hpp - milink and its emulator as child processes -*- C++ -*-===//
///
/// \file
/// An out-of-tree plugin cannot link milink's emulator library, so its tests
/// drive the installed programs as users do:
///
///  * Emulator starts `milink-emulator --scenario S --write-config F
///    --dump-state D`, waits for its `milink-emulator: ready ...` line, and on
///    stop() sends SIGTERM and reads the state it dumps (both servers, every
///    statement each ran);
///  * milink() runs `milink ARGS` in a directory and parses its
///    `--output json` events.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace acmetest {

/// A fresh directory, removed on destruction.
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

/// The events of a `milink ... --output json` run.
struct Run {
  int exit_code = -1;
  std::string out, err;
  std::vector<milink::sdk::Object> events;

  /// The step_end event of \p step; nullptr when it did not end.
  const milink::sdk::Object* step_end(const std::string& step) const;
  std::string status(const std::string& step) const;
  std::string reason(const std::string& step) const;
  /// An output of \p step (null when absent).
  milink::sdk::Value output(const std::string& step, const std::string& name) const;
  /// The messages \p step logged at \p level ("warning", "info").
  std::vector<std::string> logs(const std::string& step, const std::string& level) const;
};

/// Runs `milink <args>` in \p cwd.
Run run_milink(const std::vector<std::string>& args, const std::filesystem::path& cwd);

class Emulator {
public:
  /// Starts the emulator on \p scenario_json in \p dir; its config is dir/milink.json.
  Emulator(const std::filesystem::path& dir, const std::string& scenario_json);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  const std::filesystem::path& config() const { return config_; }
  /// Stops it (SIGTERM) and returns the state it dumped.
  milink::sdk::Value stop();

private:
  std::filesystem::path dir_, config_, dump_, log_;
  pid_t pid_ = -1;
};

/// The SQL Server statements in a dump, in order.
std::vector<std::string> sql_server_statements(const milink::sdk::Value& dump);
/// The SQL Server Agent jobs in a dump.
const milink::sdk::Array& agent_jobs(const milink::sdk::Value& dump);

}  // namespace acmetest
