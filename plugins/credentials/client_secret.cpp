// client-secret: a service principal's client secret, exchanged at the
// Entra ID v2.0 token endpoint (client-credentials grant).
#include "providers.hpp"

namespace milink::credentials {

sdk::ProviderSpec ClientSecretCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "client-secret";
  s.summary = "A service principal's client secret (Entra ID client-credentials grant)";
  s.params = {
      sdk::Param::string("tenant_id").doc("Tenant ID; default: the config's azure.tenant_id"),
      sdk::Param::string("client_id").required().doc("Application (client) ID of the app registration"),
      sdk::Param::string("client_secret").required().secret().doc("The client secret's value"),
      sdk::Param::string("authority_host")
          .doc("Entra ID authority, e.g. https://login.microsoftonline.us; default: the config's azure.authority_host"),
  };
  return s;
}

std::unique_ptr<ClientSecretCredential> ClientSecretCredential::create(const sdk::Params& p) {
  EntraApp app;
  app.tenant_id = param_or_empty(p, "tenant_id");
  app.client_id = param_or_empty(p, "client_id");
  app.authority_host = param_or_empty(p, "authority_host");
  std::string secret = param_or_empty(p, "client_secret");
  if (app.client_id.empty()) throw sdk::ConfigError("client_id", "client_id is required");
  if (secret.empty()) throw sdk::ConfigError("client_secret", "client_secret is required");
  if (!app.tenant_id.empty()) check_tenant_id(app.tenant_id, "tenant_id");
  if (!app.authority_host.empty()) normalize_authority(app.authority_host, "authority_host");
  return std::make_unique<ClientSecretCredential>(std::move(app), std::move(secret));
}

sdk::AccessToken ClientSecretCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) {
  const std::string endpoint = token_endpoint(app_, request);
  return request_client_credentials(http, endpoint, request, app_.client_id, {{"client_secret", secret_}},
                                    "client secret", {secret_});
}

}  // namespace milink::credentials
