//===- emulator/identity/managed_identity_service.hpp - IMDS, App Service, Arc -*- C++ -*-===//
///
/// \file
/// The three managed-identity token sources milink's managed-identity
/// credential can meet, on one plain-HTTP listener (the real ones are plain
/// HTTP on 169.254.169.254, a loopback port of the App Service sandbox, and
/// 127.0.0.1:40342 for Azure Arc's HIMDS):
///
///  * Azure VM IMDS:  GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...
///    with header "Metadata: true" (400 "Required metadata header not specified" otherwise);
///    user-assigned identities by client_id / object_id / msi_res_id.
///  * App Service / Functions / Container Apps:
///    GET /msi/token?api-version=2019-08-01&resource=... with header
///    "X-IDENTITY-HEADER: <IDENTITY_HEADER>".
///  * Azure Arc: GET /metadata/identity/oauth2/token?api-version=2019-11-01&resource=...
///    with "Metadata: true": first 401 with "WWW-Authenticate: Basic
///    realm=<path of a .key file>", the emulator writing a fresh secret into
///    that file (mode 0600) under the configured key directory; then the same
///    request with "Authorization: Basic <file contents>" gets the token.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/http_server.hpp"
#include "identity/directory.hpp"
#include "identity/token_service.hpp"

#include <filesystem>
#include <mutex>
#include <set>
#include <string>

namespace milink::emulator::identity {

struct ManagedIdentityOptions {
  std::filesystem::path arc_key_dir;   ///< where Arc challenge key files go (created if missing)
  std::string app_service_secret;      ///< the IDENTITY_HEADER value
  int token_lifetime = 86399;          ///< seconds (managed identity tokens live about a day)
};

class ManagedIdentityService {
public:
  ManagedIdentityService(Directory& directory, const TokenService& tokens, ManagedIdentityOptions options);

  void add_routes(http::Router& router);
  const ManagedIdentityOptions& options() const { return options_; }

private:
  void metadata_token(http::Request& req, http::Response& resp);
  void app_service_token(http::Request& req, http::Response& resp);
  void arc_token(http::Request& req, http::Response& resp);
  /// Checks client_id / object_id / msi_res_id against the configured identity.
  bool identity_matches(const http::Request& req, const ManagedIdentity& mi) const;
  /// The token response of IMDS and Arc (numbers as strings).
  void issue(http::Request& req, http::Response& resp, bool app_service_shape);

  Directory& directory_;
  const TokenService& tokens_;
  ManagedIdentityOptions options_;
  std::mutex mu_;
  std::set<std::string> arc_secrets_;
};

}  // namespace milink::emulator::identity
