//===- emulator/http/http_server.hpp - HTTPS/HTTP listener + routing -*- C++ -*-===//
///
/// \file
/// The listener the emulator's Azure side serves on: a POCO HTTPServer on a
/// loopback address (port 0 picks a free one), over TLS 1.2+ with a server
/// certificate issued by the emulator's CA, or over plain HTTP (the
/// managed-identity endpoints: real IMDS, App Service and Azure Arc ones are
/// plain HTTP on link-local or loopback addresses).
///
/// Requests are read whole into a Request and dispatched through a Router of
/// "METHOD /literal/{param}/..." patterns (literal segments match without
/// regard to case, as ARM's do). A "before" hook runs first (fault
/// injection), an "after" hook last (headers every response carries). Each
/// answered request lands in a log: method, path without the query, status
/// and x-ms-request-id -- never headers or bodies, which carry tokens and
/// secrets.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace milink::sdk {
class Value;
}

namespace milink::emulator::http {

struct Request {
  std::string method;      ///< upper case
  std::string path;        ///< percent-decoded, without the query
  std::string raw_path;    ///< as received (still encoded)
  std::string raw_query;   ///< after '?', still encoded
  std::vector<std::pair<std::string, std::string>> query;    ///< decoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string host;        ///< the Host header ("127.0.0.1:1234")
  std::string peer;        ///< the client's address
  bool secure = false;
  std::map<std::string, std::string> params;  ///< path parameters of the matched route

  /// Sets method, raw_path, raw_query, path and query from the request line's
  /// method and request target ("/a%20b?x=1&y").
  void set_target(const std::string& request_method, const std::string& uri);
  /// The first header named \p name (any case), or nullptr.
  const std::string* header(const std::string& name) const;
  /// The first query parameter named \p name (any case), or nullptr.
  const std::string* query_param(const std::string& name) const;
  /// "https://127.0.0.1:1234": how the client reached this server.
  std::string base_url() const;
  /// True when the peer is 127.0.0.0/8 or ::1.
  bool from_loopback() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  /// Close the connection without sending anything (fault "drop").
  bool drop = false;
  /// Extra delay before answering (fault "latency").
  std::chrono::milliseconds delay{0};

  void set_header(const std::string& name, const std::string& value);
  const std::string* header(const std::string& name) const;
  void json(int status, const milink::sdk::Value& body);
  void text(int status, const std::string& body, const std::string& content_type = "text/plain; charset=utf-8");
  void empty(int status);
};

using Handler = std::function<void(Request&, Response&)>;

class Router {
public:
  enum class Match { Found, NoPath, NoMethod };
  /// \p pattern: "/subscriptions/{subscriptionId}/resourceGroups/{rg}". A
  /// trailing "{name*}" segment takes the rest of the path.
  void add(const std::string& method, const std::string& pattern, Handler handler);
  /// Finds the route; fills \p req.params on success.
  Match route(Request& req, const Handler** handler) const;

private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

/// One answered (or dropped) request.
struct LogEntry {
  std::string server;      ///< "arm", "entra", "managed-identity"
  std::string method;
  std::string path;        ///< without the query string
  int status = 0;          ///< 0 when the connection was dropped
  std::string request_id;  ///< x-ms-request-id, when the response had one
  std::int64_t unix_time = 0;
  double milliseconds = 0;
  std::string body;        ///< the request body, when the server keeps them (ServerOptions::log_bodies)
  /// Why the server closed the connection unanswered (a deadline), else empty.
  std::string error;
};

struct ServerOptions {
  std::string name = "http";
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = true;
  std::string certificate_pem;  ///< server certificate (TLS only)
  std::string private_key_pem;  ///< its key
  std::string chain_pem;        ///< issuer certificate sent along (optional)
  int max_threads = 16;
  std::size_t max_body = 4 * 1024 * 1024;
  /// Slow clients. A connection holds no thread until it has sent its first
  /// byte; one that sends nothing for first_byte_timeout is closed. Once
  /// served, every read and write (the TLS handshake, the request line,
  /// headers and body, the response) must make progress within io_timeout,
  /// and a keep-alive connection idle for keep_alive_timeout is closed.
  /// At most max_waiting connections wait for their first byte; past that
  /// the oldest is closed.
  std::chrono::milliseconds first_byte_timeout{10000};
  std::chrono::milliseconds io_timeout{10000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  /// Whole-phase deadlines, however the bytes trickle in: the TLS handshake
  /// and the request line and headers must be complete header_timeout after
  /// the connection is served (for a further request on a keep-alive
  /// connection: keep_alive_timeout + header_timeout after the previous
  /// response), the body body_timeout after the headers. Past a deadline
  /// the connection is closed unanswered and logged (status 0,
  /// LogEntry::error).
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::size_t max_waiting = 1024;
  /// Keep each request's body in the log. Only for a listener whose bodies
  /// carry no secrets: ARM's (tokens travel in headers), not Entra's.
  bool log_bodies = false;
};

class RequestLog {
public:
  void add(LogEntry e);
  std::vector<LogEntry> entries() const;
  void clear();

private:
  mutable std::mutex mu_;
  std::vector<LogEntry> entries_;
};

class HttpServer {
public:
  /// Runs before routing; returns true when it answered (or dropped) the request itself.
  using Before = std::function<bool(Request&, Response&)>;
  /// Answers requests no route matched (\p match says why).
  using Fallback = std::function<void(Request&, Response&, Router::Match)>;
  /// Runs after every handler (also after Before and Fallback), e.g. to add headers.
  using After = std::function<void(Request&, Response&)>;

  HttpServer(ServerOptions options, Router router, std::shared_ptr<RequestLog> log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void set_before(Before f) { before_ = std::move(f); }
  void set_fallback(Fallback f) { fallback_ = std::move(f); }
  void set_after(After f) { after_ = std::move(f); }

  /// Binds and starts serving. Throws std::runtime_error when the port is taken.
  void start();
  /// Stops accepting and closes open connections. Idempotent.
  void stop();
  std::uint16_t port() const { return port_; }
  const ServerOptions& options() const { return options_; }

  /// Runs the handlers for an already-read request (what each connection does).
  void dispatch(Request& req, Response& resp) const;
  RequestLog& log() const { return *log_; }

private:
  struct Impl;
  ServerOptions options_;
  Router router_;
  std::shared_ptr<RequestLog> log_;
  Before before_;
  Fallback fallback_;
  After after_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace milink::emulator::http
