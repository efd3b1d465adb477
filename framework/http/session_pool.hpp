//===- http/session_pool.hpp - Idle keep-alive connections -------*- C++ -*-===//
///
/// \file
/// The idle HTTP(S) connections of one http::Client, kept per origin so that
/// a further request to the same server skips the TCP connect and the TLS
/// handshake. A connection is in the pool only between two requests: a
/// request takes it out (one request per connection at a time) and the
/// client gives it back after a complete response that allows keeping it.
/// Internal to framework/http.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace milink::http {

/// One client connection: a POCO session that never reconnects on its own
/// (POCO's sessions silently redo a failed first write on a new connection;
/// this one reports the failure, so the client alone decides when a request
/// goes on a fresh connection) and that can tell whether a response began.
class Connection {
public:
  virtual ~Connection();
  virtual Poco::Net::HTTPClientSession& session() noexcept = 0;
  /// Waits for the response's first byte without consuming it. False: the
  /// server closed the connection before sending one. Throws what a read
  /// throws (reset, timeout, TLS errors).
  virtual bool response_begins() = 0;
  /// Bytes received beyond what the last response framed.
  virtual bool has_unread() const noexcept = 0;
};

/// A plain http:// connection to \p host:\p port (not yet connected).
std::unique_ptr<Connection> plain_connection(const std::string& host, std::uint16_t port);
/// An https:// connection using \p context (not yet connected; the TLS
/// handshake runs on first use, on the thread that sends the request).
std::unique_ptr<Connection> tls_connection(const std::string& host, std::uint16_t port,
                                           Poco::Net::Context::Ptr context);

struct PoolLimits {
  std::size_t max_idle_per_origin = 8;
  std::chrono::milliseconds idle_timeout{3000};
};

/// Thread-safe. Connections are closed outside the pool's lock.
class SessionPool {
public:
  explicit SessionPool(PoolLimits limits) : limits_(limits) {}
  ~SessionPool();
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  /// The most recently used idle connection to \p origin that is still
  /// open, or nullptr. Connections idle for longer than the idle timeout
  /// (to any origin) and ones the server closed or wrote to meanwhile are
  /// closed on the way.
  std::unique_ptr<Connection> take(const std::string& origin);
  /// Keeps \p connection for later requests to \p origin; past the bound
  /// the origin's oldest idle connection is closed.
  void give(const std::string& origin, std::unique_ptr<Connection> connection);
  /// Idle connections, all origins.
  std::size_t idle() const;

private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  using Closing = std::deque<std::unique_ptr<Connection>>;
  /// Moves expired connections to \p closing. Caller holds mu_.
  void expire(std::chrono::steady_clock::time_point now, Closing& closing);

  const PoolLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Idle>> idle_;  ///< per origin, oldest first
};

}  // namespace milink::http
