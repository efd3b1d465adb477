// environment: picks a credential from AZURE_* variables the way Azure
// Identity's EnvironmentCredential does (secret, then certificate), then
// workload identity (AZURE_FEDERATED_TOKEN_FILE), then managed identity but
// only when IDENTITY_ENDPOINT says there is one: IMDS is never probed
// implicitly. Variables are read once, when the provider is created.
#include "providers.hpp"

namespace milink::credentials {

sdk::ProviderSpec EnvironmentCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "environment";
  s.summary = "Chooses a credential from AZURE_* variables like Azure Identity's EnvironmentCredential "
              "(client secret, certificate, workload identity; managed identity when IDENTITY_ENDPOINT is set)";
  return s;
}

namespace {

bool truthy(const std::string& v) { return iequals(v, "true") || v == "1" || iequals(v, "yes"); }

EntraApp env_app(const std::string& tenant, const std::string& client, const std::string& authority) {
  EntraApp app;
  app.tenant_id = tenant;
  app.client_id = client;
  app.authority_host = authority;
  app.tenant_source = "AZURE_TENANT_ID";
  app.authority_source = "AZURE_AUTHORITY_HOST";
  return app;
}

}  // namespace

std::unique_ptr<EnvironmentCredential> EnvironmentCredential::create(const sdk::Params&) {
  const std::string tenant = env("AZURE_TENANT_ID");
  const std::string client = env("AZURE_CLIENT_ID");
  const std::string secret = env("AZURE_CLIENT_SECRET");
  const std::string cert = env("AZURE_CLIENT_CERTIFICATE_PATH");
  const std::string token_file = env("AZURE_FEDERATED_TOKEN_FILE");
  const std::string authority = env("AZURE_AUTHORITY_HOST");
  const std::string identity_endpoint = env("IDENTITY_ENDPOINT");
  const bool app_ok = !tenant.empty() && !client.empty();
  if (!authority.empty()) normalize_authority(authority, "AZURE_AUTHORITY_HOST");
  if (!tenant.empty()) check_tenant_id(tenant, "AZURE_TENANT_ID");

  if (app_ok && !secret.empty()) {
    return std::make_unique<EnvironmentCredential>(
        std::make_unique<ClientSecretCredential>(env_app(tenant, client, authority), secret),
        "client secret from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET");
  }
  if (app_ok && !cert.empty()) {
    ClientCertificateCredential::Options o;
    o.app = env_app(tenant, client, authority);
    o.certificate_path = cert;
    o.certificate_password = env("AZURE_CLIENT_CERTIFICATE_PASSWORD");
    o.send_certificate_chain = truthy(env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"));
    o.path_source = "AZURE_CLIENT_CERTIFICATE_PATH";
    return std::make_unique<EnvironmentCredential>(
        std::make_unique<ClientCertificateCredential>(std::move(o)),
        "client certificate from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH");
  }
  if (app_ok && !token_file.empty()) {
    WorkloadIdentityCredential::Options o;
    o.app = env_app(tenant, client, authority);
    o.token_file = token_file;
    return std::make_unique<EnvironmentCredential>(
        std::make_unique<WorkloadIdentityCredential>(std::move(o)),
        "workload identity from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE");
  }
  if (!identity_endpoint.empty()) {
    ManagedIdentityCredential::Options o = ManagedIdentityCredential::choose("auto", "");
    if (o.source == ManagedIdentityCredential::Source::Imds)
      throw CredentialError("IDENTITY_ENDPOINT is set, but neither IDENTITY_HEADER (App Service, Functions, Container "
                            "Apps) nor IMDS_ENDPOINT (Azure Arc) is; the environment credential does not probe IMDS. "
                            "Set the missing variable, or use the managed-identity provider for an Azure VM");
    // AZURE_CLIENT_ID names a user-assigned identity, as in DefaultAzureCredential;
    // Azure Arc has only the machine's own identity, so there it is ignored.
    if (o.source == ManagedIdentityCredential::Source::AppService) o.client_id = client;
    return std::make_unique<EnvironmentCredential>(std::make_unique<ManagedIdentityCredential>(std::move(o)),
                                                   "managed identity (" + o.why + ")");
  }

  std::string set;
  for (const char* v : {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
                        "AZURE_FEDERATED_TOKEN_FILE"})
    if (!env(v).empty()) set += std::string(set.empty() ? "" : ", ") + v;
  std::string msg =
      "no credential is configured in the environment: looked for AZURE_TENANT_ID and AZURE_CLIENT_ID with "
      "AZURE_CLIENT_SECRET (client secret), AZURE_CLIENT_CERTIFICATE_PATH [AZURE_CLIENT_CERTIFICATE_PASSWORD, "
      "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN] (client certificate) or AZURE_FEDERATED_TOKEN_FILE (workload identity), "
      "then IDENTITY_ENDPOINT (managed identity); ";
  if (set.empty()) {
    msg += "none of them is set";
  } else {
    msg += "only " + set + (set.find(',') == std::string::npos ? " is" : " are") + " set";
    if (tenant.empty()) msg += "; AZURE_TENANT_ID is missing";
    if (client.empty()) msg += "; AZURE_CLIENT_ID is missing";
  }
  throw CredentialError(msg + ". Set them, or choose another credential provider (azure-cli, managed-identity)");
}

sdk::AccessToken EnvironmentCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) {
  sdk::AccessToken out;
  std::string error;
  if (!inner_->get_token(request, http, out, error))
    throw CredentialError("environment credential (" + description_ + "): " + error);
  return out;
}

}  // namespace milink::credentials
