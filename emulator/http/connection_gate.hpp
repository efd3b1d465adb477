//===- emulator/http/connection_gate.hpp - Accept, wait for the first byte -*- C++ -*-===//
///
/// \file
/// Accepts connections on a listening socket and hands each one on only once
/// the client has sent something (or hung up), so that connections that stay
/// silent -- a port scan, a stalled client, a slow-loris attack -- hold no
/// server thread. A connection silent for longer than the timeout is closed;
/// when too many wait, the oldest is closed. One thread polls them all.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <thread>

namespace milink::emulator::http {

class ConnectionGate {
public:
  /// Receives a connection that has data to read (a blocking socket).
  using Ready = std::function<void(const Poco::Net::StreamSocket&)>;

  /// Starts polling \p listener (already bound and listening).
  ConnectionGate(Poco::Net::ServerSocket listener, Ready ready, std::chrono::milliseconds timeout,
                 std::size_t max_waiting);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  /// Stops accepting and closes the connections still waiting. Idempotent.
  void stop();

private:
  void run();

  Poco::Net::ServerSocket listener_;
  Ready ready_;
  std::chrono::milliseconds timeout_;
  std::size_t max_waiting_;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace milink::emulator::http
