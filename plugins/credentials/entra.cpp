#include "entra.hpp"

#include <cctype>

namespace milink::credentials {

std::string token_endpoint(const EntraApp& app, const sdk::TokenRequest& request) {
  const bool own_tenant = !app.tenant_id.empty();
  const std::string tenant = own_tenant ? app.tenant_id : request.tenant_id;
  check_tenant_id(tenant, own_tenant ? app.tenant_source : app.tenant_source + " (or the config's azure.tenant_id)");
  const bool own_authority = !app.authority_host.empty();
  const std::string authority =
      normalize_authority(own_authority ? app.authority_host : request.authority_host,
                          own_authority ? app.authority_source : std::string("the config's azure.authority_host"));
  return authority + "/" + tenant + "/oauth2/v2.0/token";
}

namespace {

/// What to check for the AADSTS codes people actually meet.
std::string hint_for(const std::string& description, const std::string& what) {
  auto has = [&](const char* code) {
    // Match the whole code: "AADSTS70002" must not match "AADSTS700027".
    std::string c = code;
    for (std::size_t p = description.find(c); p != std::string::npos; p = description.find(c, p + 1)) {
      std::size_t end = p + c.size();
      if (end >= description.size() || !std::isdigit(static_cast<unsigned char>(description[end]))) return true;
    }
    return false;
  };
  if (has("AADSTS7000215"))
    return "check client_secret: use the secret's Value (not its Secret ID) from the app registration";
  if (has("AADSTS7000222")) return "the client secret has expired: create a new one in the app registration";
  if (has("AADSTS700016"))
    return "check client_id and tenant_id: the application is not registered in that tenant (or not consented there)";
  if (has("AADSTS90002") || has("AADSTS900023") || has("AADSTS90013"))
    return "check tenant_id: Entra ID does not know that tenant (and authority_host, for sovereign clouds)";
  if (has("AADSTS700027"))
    return "check that the certificate (its public part) is uploaded to the app registration and has not expired";
  if (has("AADSTS700024") || has("AADSTS700023"))
    return "the client assertion is outside its validity window: check this machine's clock (NTP)";
  if (has("AADSTS70021") || has("AADSTS700211") || has("AADSTS700212") || has("AADSTS700213"))
    return "check the app's federated identity credential: its issuer, subject and audience must match the token";
  if (has("AADSTS7000112")) return "the application is disabled in this tenant";
  if (has("AADSTS500011") || has("AADSTS70011"))
    return "check the scope and the cloud: the resource is not available in this tenant/authority";
  if (has("AADSTS50034") || has("AADSTS90072")) return "check tenant_id: the app is not in that tenant";
  if (what == "client secret") return "check tenant_id, client_id and client_secret";
  if (what == "client certificate") return "check tenant_id, client_id and the certificate registered on the app";
  return "check tenant_id, client_id and the app's federated identity credential";
}

}  // namespace

std::string describe_entra_error(const sdk::HttpResponse& response, const std::string& endpoint,
                                 const std::string& client_id, const std::string& what) {
  std::string status = "HTTP " + std::to_string(response.status);
  if (!response.reason.empty()) status += " " + response.reason;
  auto obj = parse_object(response.body);
  const std::string code = obj ? string_member(*obj, "error") : std::string();
  if (!obj || code.empty()) {
    return "Entra ID token endpoint " + endpoint + " answered " + status +
           " without an OAuth error; check authority_host and any proxy between milink and Entra ID";
  }
  std::string description = first_line(string_member(*obj, "error_description"));
  if (description.empty()) description = code;
  std::string msg = "Entra ID refused the " + what + " for client " + client_id + ": " + description + " (" + status +
                    ", " + code;
  if (auto t = string_member(*obj, "trace_id"); !t.empty()) msg += ", trace ID " + t;
  if (auto c = string_member(*obj, "correlation_id"); !c.empty()) msg += ", correlation ID " + c;
  msg += "). " + hint_for(description, what);
  return msg;
}

sdk::AccessToken request_client_credentials(sdk::HttpClient& http, const std::string& endpoint,
                                            const sdk::TokenRequest& request, const std::string& client_id,
                                            const std::vector<std::pair<std::string, std::string>>& credential_fields,
                                            const std::string& what, const std::vector<std::string>& secrets) {
  if (client_id.empty()) throw CredentialError("no client ID: set client_id to the application (client) ID");
  std::vector<std::pair<std::string, std::string>> fields{{"client_id", client_id}, {"scope", request.scope}};
  fields.insert(fields.end(), credential_fields.begin(), credential_fields.end());
  fields.emplace_back("grant_type", "client_credentials");

  sdk::HttpRequest req;
  req.method = "POST";
  req.url = endpoint;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = form_body(fields);
  req.timeout_seconds = 30;

  try {
    sdk::HttpResponse resp =
        send_or_throw(http, req, "the Entra ID token endpoint", "check authority_host and network access (proxy, firewall)");
    if (resp.status < 200 || resp.status >= 300)
      throw CredentialError(describe_entra_error(resp, endpoint, client_id, what));
    return parse_token_response(resp.body, "Entra ID token endpoint " + endpoint);
  } catch (const CredentialError& e) {
    throw CredentialError(redact(e.what(), secrets));
  }
}

}  // namespace milink::credentials
