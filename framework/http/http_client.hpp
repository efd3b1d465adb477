//===- http/http_client.hpp - milink's HTTP(S) client -----------*- C++ -*-===//
///
/// \file
/// The one HTTP client of a run (sdk::HttpClient), used by credential
/// providers, steps and the ARM client. HTTPS only (plain http:// just for
/// loopback and the instance metadata service 169.254.169.254), TLS 1.2 or
/// newer, certificates verified against the system CAs plus the config's
/// `azure.ca_file`, host names checked for every server including loopback.
/// There is no way to turn verification off. No proxy. Thread-safe: any
/// number of threads may send at once.
///
/// Connections are kept alive and reused: after a complete response that
/// allows it (HTTP/1.1 without "Connection: close", a body of known length
/// read whole, no error, the request's deadline not passed) the connection
/// waits in a pool, per origin (scheme, host and port; one TLS context per
/// Client), for the next request there, which then skips the TCP connect
/// and the TLS handshake. A connection serves one request at a time; at most
/// ClientOptions::max_idle_per_origin wait per origin, and one idle for
/// ClientOptions::idle_timeout is closed instead of reused. A kept
/// connection was verified (certificate chain and host name) when it was
/// opened for that same host; its certificate is not checked again.
///
/// A server may close a kept connection at any moment (its keep-alive
/// timeout, a restart). A GET, HEAD, PUT, DELETE, OPTIONS or TRACE whose
/// reused connection fails before the first byte of a response (reset,
/// closed) is sent once more, on a new connection, and that attempt's
/// outcome is what the caller sees, failure kind included: the retry is
/// invisible to retry policies and never hides a new connection's failure.
/// POST, PATCH and other methods that are not idempotent always go on a new
/// connection (which may be kept afterwards): a failure on a reused one
/// could not tell whether the server acted on the request, so it could be
/// neither repeated safely nor reported without turning an ordinary
/// closed-while-idle connection into a failure the caller's policy counts.
/// Their failures therefore mean exactly what they meant before connections
/// were kept.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/http.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

namespace milink::http {

/// Why no HTTP response arrived (for retry decisions).
enum class Failure {
  None,
  Policy,   ///< refused before sending: bad URL, plain http:// to a remote host, header injection
  Config,   ///< the CA bundle could not be loaded
  Dns,      ///< the host name does not resolve
  Refused,  ///< connection refused: nothing was sent
  Reset,    ///< connection reset, closed without a response, broken pipe
  Timeout,  ///< connect, send or receive timed out
  Tls,      ///< certificate not trusted, wrong host name, handshake refused
  Other,
};

const char* failure_name(Failure f) noexcept;

/// True for failures worth repeating an idempotent request after.
bool transient(Failure f) noexcept;

struct ClientOptions {
  /// PEM bundle of extra CAs to trust on top of the system CAs (empty: none).
  std::string ca_file;
  /// How messages name the setting that holds ca_file.
  std::string ca_file_setting = "azure.ca_file";
  std::size_t max_response_bytes = 64u << 20;
  std::string user_agent = "milink";
  /// Idle connections kept per origin for later requests (0: none, a
  /// connection per request).
  std::size_t max_idle_per_origin = 8;
  /// An idle connection older than this is closed rather than reused. Below
  /// servers' keep-alive timeouts (the emulator's 5 s; Azure's front ends
  /// allow minutes), so that a kept connection is rarely closed under a
  /// request.
  std::chrono::milliseconds idle_timeout{3000};
};

class Connection;
class SessionPool;
struct Url;

class Client final : public milink::sdk::HttpClient {
public:
  explicit Client(ClientOptions options = {});
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool send(const milink::sdk::HttpRequest& request, milink::sdk::HttpResponse& response,
            std::string& error) noexcept override;

  /// send(), also saying why no response arrived.
  bool exchange(const milink::sdk::HttpRequest& request, milink::sdk::HttpResponse& response, Failure& failure,
                std::string& error) noexcept;

  const ClientOptions& options() const noexcept { return options_; }

  /// Connections waiting in the pool now, all origins (for diagnostics and
  /// tests).
  std::size_t idle_connections() const;

private:
  struct Tls;
  /// The TLS context, created on first use (nullptr and \p error when the
  /// CA bundle cannot be loaded).
  Tls* tls(std::string& error);
  /// One try of \p request on \p connection. \p keep: the connection may
  /// serve another request. \p began: a response byte arrived.
  bool attempt(const milink::sdk::HttpRequest& request, const Url& url, Connection& connection,
               std::chrono::steady_clock::time_point due, milink::sdk::HttpResponse& response, Failure& failure,
               std::string& error, bool& keep, bool& began) noexcept;

  ClientOptions options_;
  std::mutex mu_;
  std::unique_ptr<Tls> tls_;
  std::string tls_error_;
  bool tls_tried_ = false;
  std::unique_ptr<SessionPool> pool_;
};

/// An HttpClient that refuses every request with \p reason (plan mode).
class RefusingClient final : public milink::sdk::HttpClient {
public:
  explicit RefusingClient(std::string reason) : reason_(std::move(reason)) {}
  bool send(const milink::sdk::HttpRequest&, milink::sdk::HttpResponse&, std::string& error) noexcept override;

private:
  std::string reason_;
};

}  // namespace milink::http
