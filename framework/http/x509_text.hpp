//===- http/x509_text.hpp - Certificates in words, and CA bundles -*- C++ -*-===//
///
/// \file
/// What the TLS clients (HTTPS in http_client.cpp, the TDS certificate probe
/// in sql/tls_probe.cpp) need to explain a certificate they refuse, and to
/// load a config's CA bundle.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

typedef struct X509_name_st X509_NAME;
typedef struct x509_st X509;
typedef struct x509_store_st X509_STORE;

namespace milink::http {

/// \p name in RFC 2253 form ("CN=localhost,O=milink emulator"); empty for null.
std::string name_of(X509_NAME* name);

/// The subject alternative names of \p cert, "DNS:localhost, IP:127.0.0.1".
std::string alt_names(X509* cert);

/// True when \p cert is valid for \p host: an IP address against the IP
/// entries, a name against the DNS entries (no partial wildcards).
bool host_matches(X509* cert, const std::string& host);

/// Adds every PEM certificate of \p path to \p store. False with \p error
/// (naming \p setting, the config key that holds the path) when the file
/// cannot be read or holds no certificate.
bool load_ca_file(const std::string& path, const std::string& setting, X509_STORE* store, std::string& error);

}  // namespace milink::http
