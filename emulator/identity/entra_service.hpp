//===- emulator/identity/entra_service.hpp - Entra ID token endpoints -*- C++ -*-===//
///
/// \file
/// The emulated Microsoft Entra ID (login.microsoftonline.com): the OAuth 2.0
/// client-credentials grant on
///   POST /{tenant}/oauth2/v2.0/token   (scope=<resource>/.default)
///   POST /{tenant}/oauth2/token        (v1: resource=<resource>)
/// with a client secret, a certificate-signed client assertion (RS256 or
/// PS256; the certificate found by x5t#S256 or x5t; aud = the token endpoint,
/// iss = sub = client_id, nbf/exp checked), or a federated credential's
/// assertion (workload identity: iss/sub/aud must match a registered
/// federated identity credential). Failures answer with Entra's error JSON
/// (error, error_description "AADSTSnnnn: ...\r\nTrace ID: ...", error_codes,
/// timestamp, trace_id, correlation_id, error_uri) and Entra's status codes.
///
/// Also: the tenant's OpenID configuration, its signing keys (JWKS) and the
/// instance-discovery document MSAL-based clients fetch first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/http_server.hpp"
#include "identity/directory.hpp"
#include "identity/token_service.hpp"

#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::identity {

/// An Entra error: HTTP status, OAuth "error", AADSTS number and text (without the "AADSTSnnnn: " prefix).
struct EntraError {
  int status = 400;
  std::string error;
  int code = 0;
  std::string description;
};

/// Entra's error body for \p e, with a new trace id and \p correlation_id.
milink::sdk::Value entra_error_body(const EntraError& e, const std::string& trace_id, const std::string& correlation_id,
                                    const std::string& base_url);

/// Resources (v1) the emulated directory knows; tokens for others fail with AADSTS500011.
bool known_resource(const std::string& resource);
/// AADSTS500011 for \p resource in \p tenant.
EntraError unknown_resource_error(const std::string& resource, const std::string& tenant);

struct EntraOptions {
  int access_token_lifetime = 3599;            ///< seconds
  int max_certificate_assertion_lifetime = 3600;  ///< exp may be at most this far ahead
  int max_federated_assertion_lifetime = 86400;
  int clock_skew = 300;
};

class EntraService {
public:
  EntraService(Directory& directory, const TokenService& tokens, EntraOptions options = {});

  void add_routes(http::Router& router);

private:
  void token(http::Request& req, http::Response& resp, bool v2);
  /// Checks a client assertion for \p sp; nullopt when it is good. Sets \p appidacr.
  std::optional<EntraError> check_assertion(const http::Request& req, const std::string& tenant,
                                            const ServicePrincipal& sp, const std::string& assertion,
                                            std::string& appidacr) const;
  std::vector<std::string> token_endpoint_audiences(const http::Request& req, const std::string& tenant) const;
  void reply_error(const http::Request& req, http::Response& resp, const EntraError& e) const;

  Directory& directory_;
  const TokenService& tokens_;
  EntraOptions options_;
};

}  // namespace milink::emulator::identity
