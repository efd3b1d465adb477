//===- emulator/http/connection_watch.hpp - Open connections, their deadlines -*- C++ -*-===//
///
/// \file
/// The connections an HttpServer is serving, so that stop() can close them,
/// and the deadline each one's current phase (the TLS handshake and request
/// headers, the body) must finish by. One thread shuts down a connection
/// whose deadline passes -- the serving thread's blocked read then returns
/// and the thread is free -- and logs it, so that a client trickling a byte
/// just inside each read timeout cannot hold a thread for long.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/http_server.hpp"

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace milink::emulator::http {

class ConnectionWatch {
public:
  using Clock = std::chrono::steady_clock;

  /// Connections closed at their deadline land in \p log (status 0, with
  /// LogEntry::error saying which phase was too slow).
  explicit ConnectionWatch(std::shared_ptr<RequestLog> log);
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  /// Registers a connection being served (no deadline yet).
  void add(const Poco::Net::StreamSocket& s);
  /// Forgets it (its connection ended).
  void remove(const Poco::Net::StreamSocket& s);
  /// Shuts \p s down at \p deadline unless armed again or disarmed first;
  /// \p entry (server, method, path, error) is what the log then records.
  void arm(const Poco::Net::StreamSocket& s, Clock::time_point deadline, LogEntry entry);
  /// No deadline for \p s (the request is being answered). False when its
  /// deadline had already passed (the connection is shut down) or none was set.
  bool disarm(const Poco::Net::StreamSocket& s);
  /// Shuts down every registered connection (HttpServer::stop).
  void shutdown_all();

private:
  struct Watched {
    Poco::Net::StreamSocket socket;
    bool armed = false;
    Clock::time_point deadline;
    Clock::time_point since;  ///< when it was armed
    LogEntry entry;
  };
  void run();
  Watched* find(const Poco::Net::StreamSocket& s);

  std::shared_ptr<RequestLog> log_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<Watched> open_;
  std::thread thread_;
};

}  // namespace milink::emulator::http
