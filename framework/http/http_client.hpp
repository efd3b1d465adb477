//===- http/http_client.hpp - milink's HTTP(S) client -----------*- C++ -*-===//
///
/// \file
/// The one HTTP client of a run (sdk::HttpClient), used by credential
/// providers, steps and the ARM client. HTTPS only (plain http:// just for
/// loopback and the instance metadata service 169.254.169.254), TLS 1.2 or
/// newer, certificates verified against the system CAs plus the config's
/// `azure.ca_file`, host names checked for every server including loopback.
/// There is no way to turn verification off. A session per request; no
/// proxy. Thread-safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/http.hpp>

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
};

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

private:
  struct Tls;
  /// The TLS context, created on first use (nullptr and \p error when the
  /// CA bundle cannot be loaded).
  Tls* tls(std::string& error);

  ClientOptions options_;
  std::mutex mu_;
  std::unique_ptr<Tls> tls_;
  std::string tls_error_;
  bool tls_tried_ = false;
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
