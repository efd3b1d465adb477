//===- tests/sqlservice/tcp_proxy.hpp - A loopback TCP relay that can cut connections -*- C++ -*-===//
///
/// \file
/// Sits between the ODBC driver and the emulator's TDS server so a test can
/// break connections the way a network does: kill_all() closes both sides
/// of every relayed connection at once. Loopback only; stops with the object.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace sqltest {

class TcpProxy {
public:
  explicit TcpProxy(std::uint16_t upstream_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  /// Closes every connection being relayed now (new ones are still accepted).
  void kill_all();
  /// Connections accepted so far.
  int accepted() const { return accepted_.load(); }

private:
  void accept_loop();
  void relay(int client, int upstream);

  std::uint16_t upstream_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> live_;  ///< fds of live relays (both ends)
  std::vector<std::thread> relays_;
};

}  // namespace sqltest
