// workload-identity: Entra workload identity federation (AKS and other
// OIDC issuers). The federated token file is re-read on every request
// because the kubelet rotates it.
#include "providers.hpp"

namespace milink::credentials {

namespace {
constexpr std::size_t kMaxFederatedToken = 64 * 1024;
}

sdk::ProviderSpec WorkloadIdentityCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "workload-identity";
  s.summary = "Workload identity federation: a federated token file exchanged at Entra ID (AKS and other OIDC issuers)";
  s.params = {
      sdk::Param::string("tenant_id").doc("Tenant ID; default: AZURE_TENANT_ID, else the config's azure.tenant_id"),
      sdk::Param::string("client_id").doc("Application (client) ID; default: AZURE_CLIENT_ID"),
      sdk::Param::string("token_file")
          .doc("File holding the federated token, re-read on every request; default: AZURE_FEDERATED_TOKEN_FILE"),
      sdk::Param::string("authority_host")
          .doc("Entra ID authority; default: AZURE_AUTHORITY_HOST, else the config's azure.authority_host"),
  };
  return s;
}

std::unique_ptr<WorkloadIdentityCredential> WorkloadIdentityCredential::create(const sdk::Params& p) {
  Options o;
  auto pick = [&](const char* param_name, const char* var, std::string& value, std::string* source) {
    value = param_or_empty(p, param_name);
    if (!value.empty()) {
      if (source) *source = param_name;
      return;
    }
    value = env(var);
    if (source) *source = var;
  };
  pick("tenant_id", "AZURE_TENANT_ID", o.app.tenant_id, &o.app.tenant_source);
  pick("client_id", "AZURE_CLIENT_ID", o.app.client_id, nullptr);
  pick("token_file", "AZURE_FEDERATED_TOKEN_FILE", o.token_file, nullptr);
  pick("authority_host", "AZURE_AUTHORITY_HOST", o.app.authority_host, &o.app.authority_source);
  if (o.app.tenant_id.empty()) o.app.tenant_source = "tenant_id or AZURE_TENANT_ID";
  if (o.app.client_id.empty())
    throw CredentialError("workload identity needs a client ID: set client_id or AZURE_CLIENT_ID (the Azure "
                          "Workload Identity webhook sets it from the service account's azure.workload.identity/client-id)");
  if (o.token_file.empty())
    throw CredentialError("workload identity needs the federated token file: set token_file or "
                          "AZURE_FEDERATED_TOKEN_FILE (is the pod labelled azure.workload.identity/use: \"true\"?)");
  if (!o.app.tenant_id.empty()) check_tenant_id(o.app.tenant_id, o.app.tenant_source);
  if (!o.app.authority_host.empty()) normalize_authority(o.app.authority_host, o.app.authority_source);
  return std::make_unique<WorkloadIdentityCredential>(std::move(o));
}

sdk::AccessToken WorkloadIdentityCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) {
  const std::string endpoint = token_endpoint(o_.app, request);
  const std::string assertion = trim(read_small_file(o_.token_file, kMaxFederatedToken, "federated token file"));
  if (assertion.empty())
    throw CredentialError("the federated token file " + o_.token_file + " is empty; check the projected service account token");
  return request_client_credentials(http, endpoint, request, o_.app.client_id,
                                    {{"client_assertion_type", kJwtBearerAssertionType}, {"client_assertion", assertion}},
                                    "federated token", {assertion});
}

}  // namespace milink::credentials
