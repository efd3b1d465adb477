//===- emulator/tds/connection.hpp - One client connection ------*- C++ -*-===//
///
/// \file
/// Runs one TDS connection on its own thread: PRELOGIN and the encryption
/// decision, the TLS handshake, LOGIN7, then SQL_BATCH / RPC /
/// TRANSACTION_MANAGER / ATTENTION requests until the client leaves. A
/// protocol violation ends only this connection (error 4002 when the client
/// can still read it).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "tds/tds_server.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace milink::emulator::tds {

class TlsContext;

/// What a connection shares with its server.
struct ServerContext {
  Engine& engine;
  const TdsServerOptions& options;
  std::shared_ptr<TlsContext> tls;  ///< null when encryption is NotSupported
  std::atomic<std::uint64_t>& requests;
  std::atomic<std::uint64_t>& malformed;
  std::atomic<std::uint64_t>& timed_out;  ///< closed at a deadline (TdsServerOptions::login_timeout, packet_timeout)
  std::atomic<std::uint64_t>& next_transaction;
};

class Connection {
public:
  /// \p over_limit: the server is full; the login is answered with error 17809.
  Connection(ServerContext& server, int fd, int spid, bool over_limit);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  /// Serves the connection until it ends; never throws.
  void run() noexcept;

private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace milink::emulator::tds
