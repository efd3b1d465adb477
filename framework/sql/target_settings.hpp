//===- sql/target_settings.hpp - A SQL target from the config ---*- C++ -*-===//
///
/// \file
/// The connection settings of one SQL target (/sqlserver or
/// /managed_instance in the config), read and checked once. Errors name the
/// config key to fix ("/sqlserver/host").
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <string>

namespace milink::sql {

/// Defaults when /<target>/timeout_seconds is not set.
constexpr int kDefaultLoginTimeoutSeconds = 30;
constexpr int kDefaultQueryTimeoutSeconds = 120;
constexpr int kDefaultPort = 1433;
constexpr const char* kDefaultDriver = "FreeTDS";

struct TargetSettings {
  std::string target;        ///< "sqlserver", "managed_instance"
  std::string host;
  int port = kDefaultPort;
  std::string user;
  std::string password;      ///< secret: never in messages
  std::string driver = kDefaultDriver;
  std::string encryption;    ///< "", "off", "request", "require", "strict"
  std::string extra;         ///< connection_string: extra keywords (may be secret)
  int timeout_seconds = 0;   ///< 0 when not configured
  /// /<target>/ca_file made absolute (relative paths are relative to the
  /// config file); empty: the system's trusted CAs.
  std::string ca_file;
  /// Whether the server's TLS certificate is verified (chain to ca_file or
  /// the system CAs, and the certificate names host). Always for
  /// managed_instance; for sqlserver when ca_file is set or
  /// trust_server_certificate is false.
  bool verify_certificate = false;
  /// /<target>/trust_server_certificate was set to true (sqlserver only): the
  /// certificate is explicitly not verified (ODBC Driver 18:
  /// TrustServerCertificate=yes).
  bool trust_server_certificate = false;

  /// Login timeout: min(timeout_seconds, 30), or 30 when not configured.
  int login_timeout_seconds() const;
  /// Statement timeout: timeout_seconds, or 120 when not configured.
  int query_timeout_seconds() const;
  /// "host:port" for messages.
  std::string address() const;
  /// JSON pointer of a key of this target, "/sqlserver/host".
  std::string pointer(const std::string& key) const;
};

/// Reads /<target> (\p section: the resolved config object; \p config_file:
/// its path, for a relative ca_file). Returns false and fills \p error
/// (naming the key, never a secret value) when a required key is missing or
/// a value is malformed, or when managed_instance asks not to verify its
/// certificate.
bool read_target_settings(const std::string& target, const milink::sdk::Object& section, TargetSettings& out,
                          std::string& error, const std::string& config_file = "");

}  // namespace milink::sql
