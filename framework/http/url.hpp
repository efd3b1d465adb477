//===- http/url.hpp - Absolute http(s) URLs ---------------------*- C++ -*-===//
///
/// \file
/// The small amount of URL handling milink's HTTP and ARM clients need:
/// splitting an absolute URL into origin and path, comparing origins (the
/// bearer token goes only to the configured ARM origin) and the rule for
/// plain http:// (loopback and the Azure instance metadata service only).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace milink::http {

struct Url {
  std::string scheme;          ///< "https" or "http", lower case
  std::string host;            ///< lower case; an IPv6 address without brackets
  std::uint16_t port = 0;      ///< explicit, or 443 / 80
  std::string path_and_query;  ///< "/..." exactly as written (no fragment)

  /// "https://host[:port]" (the port unless it is the scheme's default;
  /// IPv6 hosts in brackets).
  std::string origin() const;
  /// origin() + the path without the query: safe to show in messages.
  std::string display() const;
  bool same_origin(const Url& other) const noexcept {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
};

/// Parses an absolute http:// or https:// URL. User info ("user@host") is
/// refused. Returns false with \p error otherwise.
bool parse_url(const std::string& text, Url& out, std::string& error);

/// "localhost", 127.0.0.0/8 or ::1.
bool is_loopback_host(const std::string& host);

/// Whether plain http:// may be used to reach \p host: loopback, or the
/// Azure instance metadata service 169.254.169.254.
bool plain_http_allowed(const std::string& host);

}  // namespace milink::http
