//===- emulator/tds/tds_server.hpp - A TDS 7.4 listener ----------*- C++ -*-===//
///
/// \file
/// Serves one Engine over TDS on loopback. Clients: FreeTDS (tsql, the ODBC
/// driver under unixODBC and POCO Data). See shared notes tds-findings.md for
/// what they send and expect.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "faults/fault_plan.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace milink::emulator {

/// What the server answers in PRELOGIN ENCRYPTION.
enum class Encryption {
  NotSupported,  ///< ENCRYPT_NOT_SUP: plain text; clients that require TLS fail
  Off,           ///< ENCRYPT_OFF: TLS for the LOGIN7 packet only (unless the client requires more)
  On,            ///< ENCRYPT_ON: everything encrypted
  Required,      ///< ENCRYPT_REQ: everything encrypted; a client that will not encrypt is refused (Azure)
};
const char* encryption_name(Encryption e) noexcept;

struct TdsServerOptions {
  std::string bind = "127.0.0.1";  ///< loopback only: 127.0.0.1 or ::1
  std::uint16_t port = 0;          ///< 0 picks a free port
  Encryption encryption = Encryption::Off;
  /// PEM certificate and private key for TLS. Empty: a self-signed RSA
  /// certificate for "localhost" is generated at start.
  std::string certificate_pem;
  std::string private_key_pem;
  int max_connections = 1024;  ///< further connections get an error and are closed
  /// Slow or stalled clients. PRELOGIN, the TLS handshake and LOGIN7 must be
  /// complete login_timeout after the connection is accepted. After login,
  /// a client may sit idle between requests for as long as it likes (pools
  /// keep connections open; max_connections bounds them), but once a
  /// packet's first byte has arrived the rest of it is due within
  /// packet_timeout (each packet of a message afresh), and every write of a
  /// reply must make progress within packet_timeout. Past a deadline the
  /// connection is closed (TdsServerStats::timed_out).
  std::chrono::milliseconds login_timeout{30000};
  std::chrono::milliseconds packet_timeout{30000};
  /// Injected faults (not owned; must outlive the server; null: none). Each
  /// SQL_BATCH and RPC request draws once from \c fault_service's rules,
  /// before the engine sees it: latency=MS sleeps, reset and drop close the
  /// connection without an answer, an SQL error number answers the request
  /// with that error (faults/sql_faults.hpp). An Engine that applies the
  /// same plan itself (SqlEngine::set_fault_plan) skips these requests, so
  /// each is counted once; one that throws InjectedConnectionReset gets its
  /// connection closed whether or not this is set.
  FaultPlan* faults = nullptr;
  Service fault_service = Service::Sql;  ///< Sql or Mi
};

struct TdsServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_active = 0;
  std::uint64_t connections_rejected = 0;  ///< refused with error 17809 (max_connections reached)
  std::uint64_t requests = 0;
  std::uint64_t malformed = 0;  ///< connections closed for a protocol error
  std::uint64_t timed_out = 0;  ///< connections closed at login_timeout or packet_timeout
};

class TdsServer {
public:
  /// \p engine must outlive the server.
  TdsServer(Engine& engine, TdsServerOptions options);
  ~TdsServer();  ///< stops
  TdsServer(const TdsServer&) = delete;
  TdsServer& operator=(const TdsServer&) = delete;

  /// Binds and starts accepting. Throws std::runtime_error naming the
  /// address when it cannot bind.
  void start();
  /// Stops accepting, closes every connection, joins every thread.
  void stop();
  /// The bound port (after start()).
  std::uint16_t port() const noexcept;
  TdsServerStats stats() const;

private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace milink::emulator
