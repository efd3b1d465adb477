//===- tests/linksteps/linksteps_rig.hpp - Running the link steps -*- C++ -*-===//
///
/// \file
/// What the link step tests share: running the real milink binary, reading
/// its `--output json` events, and an in-process emulator built from a
/// scenario with a config that points at it (write_config), plus the
/// workflow inputs the link workflows need (a master key password from a
/// from_file secret, a short poll interval).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "app/emulator.hpp"
#include "test_support.hpp"

#include <milink/sdk/value.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace linksteps {

/// The master key password every test uses. It has a quote in it, so the
/// T-SQL literal differs from the text, and it must appear nowhere.
inline constexpr const char* kMasterKeyPassword = "Mk#L1nk'Steps-7f3a9c";

/// The events of one `milink ... --output json` run.
struct Events {
  std::vector<milink::sdk::Object> all;

  static Events parse(const std::string& stdout_text);
  /// The step_end event of \p step (a key such as "per_db[sales].ag"); nullptr when absent.
  const milink::sdk::Object* step_end(const std::string& step) const;
  /// step_end's status of \p step, "" when it did not end.
  std::string status(const std::string& step) const;
  std::string reason(const std::string& step) const;
  /// An output of \p step as a string ("" when absent or not a string).
  std::string output(const std::string& step, const std::string& name) const;
  /// A boolean output of \p step (false when absent).
  bool flag(const std::string& step, const std::string& name) const;
};

/// A milink run: exit code, stdout/stderr and the parsed events.
struct Run {
  testsupport::ProcessResult process;
  Events events;
  int exit_code() const { return process.exit_code; }
};

/// Runs `milink <args>` in \p cwd; logs the output for failing assertions.
testsupport::ProcessResult milink(const std::vector<std::string>& args, const std::filesystem::path& cwd);

/// An emulator from \p scenario_json, started, with its config written to
/// <dir>/milink.json and the link workflows' inputs set in the config.
struct EmulatorRig {
  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  milink::sdk::Value config;

  explicit EmulatorRig(const std::string& scenario_json);

  /// Sets config.<section>.<key> (section "" = the top level) and rewrites the file.
  void set(const std::string& section, const std::string& key, const milink::sdk::Value& v);
  void save();

  /// `milink run WORKFLOW -c milink.json --output json [extra...]`.
  Run run(const std::filesystem::path& workflow, const std::vector<std::string>& extra = {});

  /// Everything milink wrote for the run: its output and the state directory.
  std::string everything(const Run& r) const;

  /// Emulator::dump().
  milink::sdk::Value dump() const { return const_cast<milink::emulator::Emulator&>(emulator).dump(); }
  /// Every SQL Server statement, in order.
  std::vector<std::string> sql_server_statements() const;

  static milink::emulator::EmulatorOptions options(const std::string& scenario_json);
};

/// A copy of workflows/<name> as a JSON value.
milink::sdk::Value bundled_workflow(const std::string& name);

/// Reads <dir>'s regular files (not recursive): name -> content.
std::map<std::string, std::string> files_in(const std::filesystem::path& dir);

}  // namespace linksteps
