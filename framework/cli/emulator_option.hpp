//===- cli/emulator_option.hpp - run/plan/validate --emulator ---*- C++ -*-===//
///
/// \file
/// `--emulator` starts the emulator (emulator/app/emulator.hpp) inside the
/// milink process, writes the config it generates into
/// <state-dir>/emulator/config.json (secrets in 0600 files beside it), uses
/// that as the command's config, and stops the emulator when the command
/// ends. The world is emulator::sample_scenario() (SQL Server 2022 with
/// sales and hr, and a managed instance) unless --emulator-scenario names
/// another; the timing profile is --emulator-profile (default demo).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "cli/options.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace milink::emulator {
class Emulator;
}

namespace milink::cli {

struct EmulatorCliOptions {
  bool enabled = false;          ///< --emulator
  std::string profile = "demo";  ///< --emulator-profile fast|demo|realistic
  std::string scenario;          ///< --emulator-scenario FILE; empty: the sample
  std::string state_dir = ".milink";
};

/// Adds --emulator, --emulator-profile and --emulator-scenario to \p desc;
/// with \p with_state_dir also --state-dir (plan and validate; run has its own).
void add_emulator_options(po::options_description& desc, EmulatorCliOptions& eo, bool with_state_dir);

/// Checks the emulator options against the rest of the command line: a
/// known profile, no --emulator-* without --emulator, and no -c with
/// --emulator. Prints the error (report_error) and returns false when bad.
bool check_emulator_options(const EmulatorCliOptions& eo, const po::variables_map& vm, const CommonOptions& opts);

/// An emulator started for one command. Destroying it stops it.
class EmbeddedEmulator {
public:
  /// Reads the scenario, starts the emulator with SIGINT/SIGTERM blocked in
  /// its threads, writes <state-dir>/emulator/config.json and points
  /// \p opts.config at it. On failure prints the error and returns null with
  /// \p exit_code set (2: a bad scenario; 1: the emulator could not start
  /// or the config could not be written).
  static std::unique_ptr<EmbeddedEmulator> start(const EmulatorCliOptions& eo, CommonOptions& opts, int& exit_code);
  ~EmbeddedEmulator();
  EmbeddedEmulator(const EmbeddedEmulator&) = delete;
  EmbeddedEmulator& operator=(const EmbeddedEmulator&) = delete;

  /// Tells the user what is running and where the config is: a short block
  /// on stderr, or with \p json_event one {"event":"emulator",...} line on
  /// stdout (for `run --output json`, whose stdout is JSON lines).
  void announce(bool json_event) const;
  /// Stops the listeners (idempotent). Call after the run's SQL sessions
  /// and ARM clients are gone.
  void stop();

  const std::filesystem::path& config_file() const { return config_; }

private:
  EmbeddedEmulator() = default;
  std::unique_ptr<milink::emulator::Emulator> emulator_;
  std::filesystem::path config_;
  std::string profile_;
  bool stopped_ = false;
};

}  // namespace milink::cli
