//===- milink/sdk/http.hpp - HTTP(S) for steps and providers -----*- C++ -*-===//
///
/// \file
/// milink's HTTP client, for credential providers (token endpoints, IMDS)
/// and steps that call REST services other than ARM (ARM has its own
/// client, arm.hpp). HTTPS certificates are always verified, against the
/// system CAs plus the config's `azure.ca_file`; there is no switch that
/// turns verification off.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace milink::sdk {

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  ///< absolute: https://host[:port]/path?query (http:// only for loopback and IMDS)
  std::vector<HttpHeader> headers;
  std::string body;
  int timeout_seconds = 60;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<HttpHeader> headers;
  std::string body;

  /// The first header called \p name (case-insensitive), or nullptr.
  const std::string* header(const std::string& name) const;
};

/// Implemented by milink. Thread safety: any thread, concurrently.
class HttpClient {
public:
  virtual ~HttpClient();

  /// Required. Sends \p request and fills \p response with whatever status
  /// the server answered (4xx/5xx included). Returns false with \p error
  /// only when no HTTP response arrived: DNS, connection refused or reset,
  /// TLS failure (the message says how to trust the server's CA), timeout.
  /// No retries: callers decide. Connections are kept alive between
  /// requests; the one exception to "no retries" is a GET, HEAD, PUT,
  /// DELETE, OPTIONS or TRACE whose kept connection the server had closed
  /// before any response began: it is sent once more on a new connection,
  /// and that attempt's outcome is returned. POST and PATCH always go on a
  /// new connection and are never sent twice. Secrets in headers and bodies
  /// are never logged.
  virtual bool send(const HttpRequest& request, HttpResponse& response, std::string& error) noexcept = 0;
};

/// "application/x-www-form-urlencoded" encoding of one value.
std::string form_encode(const std::string& value);
/// Percent-encoding of one URL path segment or query value.
std::string url_encode(const std::string& value);

}  // namespace milink::sdk
