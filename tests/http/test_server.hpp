//===- tests/http/test_server.hpp - In-process HTTPS test server --*- C++ -*-===//
///
/// \file
/// A throwaway PKI (a CA and a server certificate, made with OpenSSL in the
/// test) and a small POCO HTTPServer over a SecureServerSocket (or plain
/// TCP) whose answers a test scripts with a handler. Every request is
/// recorded. Used by the http and arm test suites.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <test_support.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace httptest {

/// A CA and a server certificate it issued, as PEM.
struct Pki {
  std::string ca_pem;
  std::string cert_pem;  ///< the server's certificate
  std::string key_pem;   ///< its private key

  /// A fresh CA named \p ca_name and a server certificate with the given
  /// subject alternative names ("DNS:localhost", "IP:127.0.0.1").
  static Pki make(const std::vector<std::string>& alt_names, const std::string& ca_name = "milink test CA");
};

/// One Pki for localhost and 127.0.0.1, made once per test process.
const Pki& loopback_pki();

/// What the server received.
struct Exchange {
  std::string method;
  std::string target;  ///< path and query as sent
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string path() const { return target.substr(0, target.find('?')); }
};

/// What the server answers.
struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;   ///< close the connection without answering
  bool close = false;  ///< answer with "Connection: close" (on a keep-alive server)
  int delay_ms = 0;    ///< wait before answering

  static Reply json(int status, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = status;
    r.body = body;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
  }
  static Reply dropped() {
    Reply r;
    r.drop = true;
    return r;
  }
};

/// How the server treats connections.
struct ServerConfig {
  /// Serve further requests on a connection (HTTP/1.1 keep-alive); by
  /// default every answer says "Connection: close".
  bool keep_alive = false;
  /// How long a kept connection may stay idle before the server closes it.
  int keep_alive_timeout_ms = 10000;
};

class TestServer {
public:
  using Handler = std::function<Reply(const Exchange&)>;

  /// HTTPS with \p pki's server certificate, or plain HTTP when \p pki is
  /// nullptr. Listens on 127.0.0.1, an ephemeral port.
  TestServer(const Pki* pki, Handler handler, ServerConfig config = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const;
  /// "https://127.0.0.1:PORT" (or http, or another host name).
  std::string base(const std::string& host = "127.0.0.1") const;

  void set_handler(Handler handler);
  std::vector<Exchange> requests() const;
  std::size_t count() const;
  /// TCP connections accepted so far.
  std::size_t connections() const;
  /// Stops listening (later connections are refused).
  void stop();

  // internal
  Reply handle(Exchange ex);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes \p pki's CA to a file in \p dir and returns its path.
std::filesystem::path write_ca(const testsupport::TempDir& dir, const Pki& pki, const std::string& name = "ca.pem");

/// A port on 127.0.0.1 with nothing listening.
std::uint16_t closed_port();

}  // namespace httptest
