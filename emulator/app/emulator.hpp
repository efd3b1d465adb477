//===- emulator/app/emulator.hpp - Both servers, started together -*- C++ -*-===//
///
/// \file
/// An Emulator is what `milink-emulator` runs and what tests start
/// in-process: the emulated world (from a scenario), a SQL engine per
/// personality, and a TDS listener per personality on loopback.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/scenario.hpp"
#include "state/world.hpp"
#include "tds/tds_server.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace milink::emulator {

class SqlEngine;

struct EmulatorOptions {
  Scenario scenario = default_scenario();
  std::string bind = "127.0.0.1";  ///< loopback only
  std::uint16_t sql_port = 0;      ///< 0 picks a free port
  std::uint16_t mi_port = 0;
  /// Replaces the sa password of both servers.
  std::optional<std::string> sa_password;
};

class Emulator {
public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// Starts both listeners. Throws std::runtime_error when a port is taken.
  void start();
  void stop();

  std::uint16_t sql_port() const;
  std::uint16_t mi_port() const;
  EmulatorWorld& world() { return *world_; }
  const EmulatorOptions& options() const { return options_; }
  /// The sa password of the server (after --sa-password).
  std::string sa_password(Personality p) const;

  /// A milink config that targets this emulator. Passwords are not inlined:
  /// they are {"from_file": \p password_file} references.
  milink::sdk::Value milink_config(const std::string& sql_password_file, const std::string& mi_password_file) const;
  /// Writes milink_config() to \p file and the passwords to
  /// "<file>.sqlserver-password" and "<file>.mi-password" (mode 0600) beside it.
  void write_config(const std::filesystem::path& file) const;

  /// The world (both servers), every statement each ran (statement_log),
  /// and the listeners' ports, as JSON.
  milink::sdk::Value dump() const;

private:
  EmulatorOptions options_;
  std::unique_ptr<EmulatorWorld> world_;
  std::unique_ptr<SqlEngine> sql_engine_;
  std::unique_ptr<SqlEngine> mi_engine_;
  /// Declared after the engines so they are destroyed first (a listener's
  /// connections call into its engine).
  std::unique_ptr<TdsServer> sql_listener_;
  std::unique_ptr<TdsServer> mi_listener_;
};

/// Parses "required" | "on" | "off" | "not_supported".
Encryption parse_encryption(const std::string& text);

}  // namespace milink::emulator
