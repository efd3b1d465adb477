//===- plugins/credentials/entra.hpp - Entra ID client credentials -*- C++ -*-===//
///
/// \file
/// The OAuth 2.0 client-credentials grant against the Entra ID v2.0 token
/// endpoint, shared by client-secret, client-certificate and
/// workload-identity: POST {authority}/{tenant}/oauth2/v2.0/token with
/// client_id, scope, grant_type=client_credentials and either client_secret
/// or a client assertion.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "common.hpp"

#include <string>
#include <utility>
#include <vector>

namespace milink::credentials {

/// Who the application is. Empty tenant/authority mean "from the request".
struct EntraApp {
  std::string tenant_id;
  std::string client_id;
  std::string authority_host;
  std::string tenant_source = "tenant_id";        ///< named in errors: a parameter or a variable
  std::string authority_source = "authority_host";
};

/// The resolved token endpoint: {authority}/{tenant}/oauth2/v2.0/token.
/// Throws CredentialError for a missing or malformed tenant or authority.
std::string token_endpoint(const EntraApp& app, const sdk::TokenRequest& request);

constexpr const char* kJwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// POSTs the client-credentials grant to \p endpoint with \p credential_fields
/// (client_secret, or client_assertion_type + client_assertion) and parses
/// the token. \p what names the credential in errors ("client secret",
/// "client certificate", "federated token"); \p secrets are redacted from
/// every message.
sdk::AccessToken request_client_credentials(sdk::HttpClient& http, const std::string& endpoint,
                                            const sdk::TokenRequest& request, const std::string& client_id,
                                            const std::vector<std::pair<std::string, std::string>>& credential_fields,
                                            const std::string& what, const std::vector<std::string>& secrets);

/// The message for an Entra error response (exposed for tests and reuse).
std::string describe_entra_error(const sdk::HttpResponse& response, const std::string& endpoint,
                                 const std::string& client_id, const std::string& what);

}  // namespace milink::credentials
