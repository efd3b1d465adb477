#include "identity/entra_service.hpp"

#include "http/tls_material.hpp"

#include <chrono>
#include <ctime>

namespace milink::emulator::identity {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const char* kCertDocs =
    "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";
const char* kWifDocs = "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation";

std::string form_value(const std::vector<std::pair<std::string, std::string>>& form, const std::string& name) {
  for (const auto& [k, v] : form)
    if (k == name) return v;
  return {};
}

bool has_form_value(const std::vector<std::pair<std::string, std::string>>& form, const std::string& name) {
  for (const auto& [k, v] : form)
    if (k == name && !v.empty()) return true;
  return false;
}

EntraError missing_parameter(const std::string& name) {
  // AADSTS900144 (confirmed wording, e.g. "...the following parameter: 'grant_type'.").
  return {400, "invalid_request", 900144, "The request body must contain the following parameter: '" + name + "'."};
}

std::string iso7(std::int64_t unix_seconds) {
  return http::iso8601_utc_7(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

std::string graph_hint(const std::string& client_id) {
  return "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '" +
         client_id +
         "'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the "
         "corresponding service endpoint and "
         "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query "
         "request URL, such as 'https://graph.microsoft.com/beta/applications/" +
         client_id + "'";
}

std::vector<std::string> audiences_of(const Jwt& jwt) {
  std::vector<std::string> out;
  const Value* aud = jwt.claims.find("aud");
  if (!aud) return out;
  if (aud->is_string()) out.push_back(aud->as_string());
  else if (aud->is_array())
    for (const auto& a : aud->as_array())
      if (a.is_string()) out.push_back(a.as_string());
  return out;
}

}  // namespace

Value entra_error_body(const EntraError& e, const std::string& trace_id, const std::string& correlation_id,
                       const std::string& base_url) {
  std::int64_t now = http::unix_now();
  std::string ts = http::entra_timestamp(now);
  std::string code = std::to_string(e.code);
  std::string description = "AADSTS" + code + ": " + e.description + "\r\nTrace ID: " + trace_id +
                            "\r\nCorrelation ID: " + correlation_id + "\r\nTimestamp: " + ts;
  return Value(Object{{"error", Value(e.error)},
                      {"error_description", Value(description)},
                      {"error_codes", Value(Array{Value(static_cast<std::int64_t>(e.code))})},
                      {"timestamp", Value(ts)},
                      {"trace_id", Value(trace_id)},
                      {"correlation_id", Value(correlation_id)},
                      {"error_uri", Value(base_url + "/error?code=" + code)}});
}

bool known_resource(const std::string& resource) {
  for (const auto& a : TokenService::arm_audiences())
    if (a == resource) return true;
  // Others a client may ask for by mistake, so that wrong-audience tokens can
  // be obtained through the real flows too.
  static const char* others[] = {"https://graph.microsoft.com",  "https://graph.microsoft.com/",
                                 "https://database.windows.net", "https://database.windows.net/",
                                 "https://vault.azure.net",      "https://vault.azure.net/",
                                 "https://storage.azure.com",    "https://storage.azure.com/"};
  for (const char* o : others)
    if (resource == o) return true;
  return false;
}

EntraError unknown_resource_error(const std::string& resource, const std::string& tenant) {
  // AADSTS500011 (wording as Entra prints it; "tenant named" takes the tenant's name, here its id).
  return {400, "invalid_resource", 500011,
          "The resource principal named " + resource + " was not found in the tenant named " + tenant +
              ". This can happen if the application has not been installed by the administrator of the tenant or "
              "consented to by any user in the tenant. You might have sent your authentication request to the "
              "wrong tenant."};
}

EntraService::EntraService(Directory& directory, const TokenService& tokens, EntraOptions options)
    : directory_(directory), tokens_(tokens), options_(options) {}

void EntraService::add_routes(http::Router& router) {
  router.add("POST", "/{tenant}/oauth2/v2.0/token", [this](http::Request& q, http::Response& r) { token(q, r, true); });
  router.add("POST", "/{tenant}/oauth2/token", [this](http::Request& q, http::Response& r) { token(q, r, false); });
  auto openid = [this](http::Request& q, http::Response& r) {
    std::string tenant = q.params["tenant"];
    std::string base = q.base_url() + "/" + tenant;
    r.json(200, Value(Object{{"token_endpoint", Value(base + "/oauth2/v2.0/token")},
                             {"token_endpoint_auth_methods_supported",
                              Value(Array{Value("client_secret_post"), Value("private_key_jwt"),
                                          Value("client_secret_basic")})},
                             {"jwks_uri", Value(base + "/discovery/v2.0/keys")},
                             {"response_modes_supported", Value(Array{Value("query"), Value("fragment"), Value("form_post")})},
                             {"subject_types_supported", Value(Array{Value("pairwise")})},
                             {"id_token_signing_alg_values_supported", Value(Array{Value("RS256")})},
                             {"issuer", Value(q.base_url() + "/" + tenant + "/v2.0")},
                             {"authorization_endpoint", Value(base + "/oauth2/v2.0/authorize")},
                             {"tenant_region_scope", Value("WW")},
                             {"cloud_instance_name", Value("milink-emulator")}}));
  };
  router.add("GET", "/{tenant}/v2.0/.well-known/openid-configuration", openid);
  router.add("GET", "/{tenant}/.well-known/openid-configuration", openid);
  auto keys = [this](http::Request&, http::Response& r) { r.json(200, tokens_.jwks()); };
  router.add("GET", "/{tenant}/discovery/v2.0/keys", keys);
  router.add("GET", "/{tenant}/discovery/keys", keys);
  router.add("GET", "/common/discovery/instance", [](http::Request& q, http::Response& r) {
    std::string host = q.host;
    r.json(200, Value(Object{{"tenant_discovery_endpoint",
                              Value(q.base_url() + "/common/v2.0/.well-known/openid-configuration")},
                             {"api-version", Value("1.1")},
                             {"metadata", Value(Array{Value(Object{{"preferred_network", Value(host)},
                                                                   {"preferred_cache", Value(host)},
                                                                   {"aliases", Value(Array{Value(host)})}})})}}));
  });
}

void EntraService::reply_error(const http::Request& req, http::Response& resp, const EntraError& e) const {
  std::string trace = http::new_guid_lower();
  const std::string* cid = req.header("client-request-id");
  std::string correlation = cid && !cid->empty() ? *cid : http::new_guid_lower();
  resp.json(e.status, entra_error_body(e, trace, correlation, req.base_url()));
  resp.set_header("x-ms-request-id", trace);
  if (cid) resp.set_header("client-request-id", *cid);
}

std::vector<std::string> EntraService::token_endpoint_audiences(const http::Request& req,
                                                                 const std::string& tenant) const {
  std::vector<std::string> hosts{req.host};
  std::string port;
  std::size_t colon = req.host.rfind(':');
  if (colon != std::string::npos && req.host.find(']', colon) == std::string::npos) port = req.host.substr(colon);
  for (const char* h : {"localhost", "127.0.0.1", "[::1]"}) hosts.push_back(h + port);
  std::vector<std::string> out;
  for (const auto& h : hosts) {
    out.push_back("https://" + h + "/" + tenant + "/oauth2/v2.0/token");
    out.push_back("https://" + h + "/" + tenant + "/oauth2/token");
  }
  return out;
}

std::optional<EntraError> EntraService::check_assertion(const http::Request& req, const std::string& tenant,
                                                        const ServicePrincipal& sp, const std::string& assertion,
                                                        std::string& appidacr) const {
  std::string err;
  auto jwt = parse_jwt(assertion, &err);
  if (!jwt) return EntraError{400, "invalid_request", 50027, "JWT token is invalid or malformed."};  // inferred wording
  std::int64_t now = http::unix_now();
  std::string iss = jwt->claim("iss"), sub = jwt->claim("sub");
  appidacr = "2";

  auto time_error = [&](std::int64_t max_lifetime) -> std::optional<EntraError> {
    auto exp = jwt->time_claim("exp");
    auto nbf = jwt->time_claim("nbf");
    std::int64_t valid_from = nbf.value_or(0);
    bool bad = !exp || *exp + options_.clock_skew < now || valid_from > now + options_.clock_skew ||
               *exp - now > max_lifetime;
    if (!bad) return std::nullopt;
    // AADSTS700024 (confirmed wording).
    return EntraError{401, "invalid_client", 700024,
                      "Client assertion is not within its valid time range. Current time: " + iso7(now) +
                          ", assertion valid from " + iso7(valid_from) + ", expiry time of assertion " +
                          iso7(exp.value_or(0)) + ". " + kCertDocs};
  };

  if (!http::iequals(iss, sp.client_id) && !iss.empty()) {
    // Workload identity federation: the assertion comes from an external issuer.
    const FederatedCredential* by_issuer = nullptr;
    for (const auto& fc : sp.federated_credentials)
      if (fc.issuer == iss) by_issuer = &fc;
    if (!by_issuer)
      // AADSTS700211 (confirmed wording).
      return EntraError{400, "invalid_client", 700211,
                        "No matching federated identity record found for presented assertion issuer '" + iss +
                            "'. Please check your federated identity credential Subject, Audience and Issuer against "
                            "the presented assertion. " + kWifDocs};
    const FederatedCredential* match = nullptr;
    for (const auto& fc : sp.federated_credentials)
      if (fc.issuer == iss && fc.subject == sub) match = &fc;
    if (!match)
      // AADSTS700213 (code confirmed; wording follows 700211).
      return EntraError{400, "invalid_client", 700213,
                        "No matching federated identity record found for presented assertion subject '" + sub +
                            "'. Please check your federated identity credential Subject, Audience and Issuer against "
                            "the presented assertion. " + kWifDocs};
    bool audience_ok = false;
    std::vector<std::string> auds = audiences_of(*jwt);
    for (const auto& a : auds)
      for (const auto& allowed : match->audiences)
        if (a == allowed) audience_ok = true;
    if (!audience_ok)
      // AADSTS700212 (inferred wording, as 700211).
      return EntraError{400, "invalid_client", 700212,
                        "No matching federated identity record found for presented assertion audience '" +
                            (auds.empty() ? std::string() : auds.front()) +
                            "'. Please check your federated identity credential Subject, Audience and Issuer against "
                            "the presented assertion. " + kWifDocs};
    if (!tokens_.federated_signature_valid(*jwt))
      // Inferred: Entra fetched the issuer's keys and none verifies the signature.
      return EntraError{401, "invalid_client", 700027,
                        "Client assertion contains an invalid signature. [Reason - The key was not found., Issuer: '" +
                            iss + "']"};
    return time_error(options_.max_federated_assertion_lifetime);
  }

  // Certificate credential: iss = sub = client_id.
  std::string alg = jwt->header_value("alg");
  if (alg != "RS256" && alg != "PS256")
    return EntraError{401, "invalid_client", 5002723,
                      "Invalid JWT token. Unsupported signing algorithm '" + alg + "'."};  // inferred
  std::optional<Bytes> s256, s1;
  if (!jwt->header_value("x5t#S256").empty()) s256 = http::base64url_decode(jwt->header_value("x5t#S256"));
  if (!jwt->header_value("x5t").empty()) s1 = http::base64url_decode(jwt->header_value("x5t"));
  if (!s256 && !s1)
    // AADSTS50027 (confirmed wording of the older "No certificate thumbprint" message).
    return EntraError{401, "invalid_client", 50027, "Invalid JWT token. No certificate thumbprint specified in token header."};
  const ClientCertificate* cert = nullptr;
  for (const auto& c : sp.certificates)
    if ((s256 && c.sha256 == *s256) || (s1 && c.sha1 == *s1)) cert = &c;
  std::string thumb = http::hex_upper(s1 ? *s1 : *s256);
  if (!cert)
    // AADSTS700027 (confirmed wording, current form).
    return EntraError{401, "invalid_client", 700027,
                      "The certificate with identifier used to sign the client assertion is not registered on "
                      "application. [Reason - The key was not found., Thumbprint of key used by client: '" +
                          thumb + "', " + graph_hint(sp.client_id) + "]"};
  thumb = http::hex_upper(cert->sha1);
  RsaKey key = RsaKey::from_certificate_der(cert->der);
  if (!key.verify(alg, jwt->signing_input, jwt->signature))
    // AADSTS700027 with "Key was found, but use of the key to verify the signature failed." (confirmed).
    return EntraError{401, "invalid_client", 700027,
                      "Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to "
                      "verify the signature failed., Thumbprint of key used by client: '" +
                          thumb + "', Found key 'Start=" + http::entra_key_time(cert->not_before) +
                          ", End=" + http::entra_key_time(cert->not_after) + "', " + graph_hint(sp.client_id) + "]"};
  if (!http::iequals(sub, sp.client_id))
    // AADSTS700021 (inferred wording).
    return EntraError{401, "invalid_client", 700021,
                      "Client assertion application identifier doesn't match 'client_id' parameter. " +
                          std::string(kCertDocs)};
  bool audience_ok = false;
  auto allowed = token_endpoint_audiences(req, tenant);
  for (const auto& a : audiences_of(*jwt))
    for (const auto& e : allowed)
      if (http::iequals(a, e)) audience_ok = true;
  if (!audience_ok)
    // AADSTS50012 "Client assertion audience claim does not match Realm issuer." (confirmed, older form).
    return EntraError{401, "invalid_client", 50012, "Client assertion audience claim does not match Realm issuer."};
  return time_error(options_.max_certificate_assertion_lifetime);
}

void EntraService::token(http::Request& req, http::Response& resp, bool v2) {
  std::string tenant = req.params["tenant"];
  if (!directory_.has_tenant(tenant)) {
    // AADSTS90002 (wording as Entra prints it).
    return reply_error(req, resp,
                       {400, "invalid_request", 90002,
                        "Tenant '" + tenant +
                            "' not found. Check to make sure you have the correct tenant ID and are signing into the "
                            "correct cloud. Check with your subscription administrator, this may happen if there are "
                            "no active subscriptions for the tenant."});
  }
  auto form = http::parse_form(req.body);
  if (!has_form_value(form, "grant_type")) return reply_error(req, resp, missing_parameter("grant_type"));
  std::string grant = form_value(form, "grant_type");
  if (grant != "client_credentials")
    return reply_error(req, resp,
                       {400, "unsupported_grant_type", 70003,
                        "The app requested an unsupported grant type '" + grant + "'."});  // inferred wording
  if (!has_form_value(form, "client_id")) return reply_error(req, resp, missing_parameter("client_id"));
  std::string client_id = form_value(form, "client_id");

  std::string resource;
  if (v2) {
    if (!has_form_value(form, "scope")) return reply_error(req, resp, missing_parameter("scope"));
    std::string scope = form_value(form, "scope");
    std::size_t sp = scope.find(' ');
    std::string first = scope.substr(0, sp);
    const std::string suffix = "/.default";
    if (first.size() <= suffix.size() || first.compare(first.size() - suffix.size(), suffix.size(), suffix) != 0)
      // AADSTS1002012 (wording as Entra prints it).
      return reply_error(req, resp,
                         {400, "invalid_scope", 1002012,
                          "The provided value for scope " + scope +
                              " is not valid. Client credential flows must have a scope value with /.default suffixed "
                              "to the resource identifier (application ID URI)."});
    resource = first.substr(0, first.size() - suffix.size());
  } else {
    if (!has_form_value(form, "resource")) return reply_error(req, resp, missing_parameter("resource"));
    resource = form_value(form, "resource");
  }

  auto sp = directory_.find(tenant, client_id);
  if (!sp)
    // AADSTS700016 (wording as Entra prints it; the directory is named by its id here).
    return reply_error(req, resp,
                       {400, "unauthorized_client", 700016,
                        "Application with identifier '" + client_id + "' was not found in the directory '" + tenant +
                            "'. This can happen if the application has not been installed by the administrator of the "
                            "tenant or consented to by any user in the tenant. You may have sent your authentication "
                            "request to the wrong tenant."});

  std::string appidacr;
  if (has_form_value(form, "client_secret")) {
    std::string secret = form_value(form, "client_secret");
    bool ok = false;
    for (const auto& s : sp->secrets)
      if (s == secret) ok = true;
    if (!ok)
      // AADSTS7000215 (confirmed wording).
      return reply_error(req, resp,
                         {401, "invalid_client", 7000215,
                          "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                          "secret value, not the client secret ID, for a secret added to app '" +
                              sp->client_id + "'."});
    appidacr = "1";
  } else if (has_form_value(form, "client_assertion")) {
    if (form_value(form, "client_assertion_type") != kJwtBearer)
      // AADSTS90014 (inferred use for a missing or unknown client_assertion_type).
      return reply_error(req, resp,
                         {400, "invalid_request", 90014,
                          "The required field 'client_assertion_type' is missing from the credential. Ensure that you "
                          "have all the necessary parameters for the login request."});
    if (auto e = check_assertion(req, tenant, *sp, form_value(form, "client_assertion"), appidacr))
      return reply_error(req, resp, *e);
  } else {
    // AADSTS7000218 (confirmed wording).
    return reply_error(req, resp,
                       {401, "invalid_client", 7000218,
                        "The request body must contain the following parameter: 'client_assertion' or "
                        "'client_secret'."});
  }

  if (!known_resource(resource)) return reply_error(req, resp, unknown_resource_error(resource, tenant));

  TokenClaims claims;
  claims.tenant_id = sp->tenant_id;
  claims.audience = resource;
  claims.app_id = sp->client_id;
  claims.object_id = sp->object_id;
  claims.appidacr = appidacr;
  std::int64_t now = http::unix_now();
  claims.issued_at = now;
  claims.expires_at = now + options_.access_token_lifetime;
  std::string token = tokens_.mint(claims);
  std::string trace = http::new_guid_lower();
  resp.set_header("x-ms-request-id", trace);
  if (const std::string* cid = req.header("client-request-id")) resp.set_header("client-request-id", *cid);
  resp.set_header("Cache-Control", "no-store, no-cache");
  resp.set_header("Pragma", "no-cache");
  std::int64_t life = options_.access_token_lifetime;
  if (v2) {
    resp.json(200, Value(Object{{"token_type", Value("Bearer")},
                                {"expires_in", Value(life)},
                                {"ext_expires_in", Value(life)},
                                {"access_token", Value(token)}}));
  } else {
    // The v1 endpoint answers numbers as strings.
    resp.json(200, Value(Object{{"token_type", Value("Bearer")},
                                {"expires_in", Value(std::to_string(life))},
                                {"ext_expires_in", Value(std::to_string(life))},
                                {"expires_on", Value(std::to_string(now + life))},
                                {"not_before", Value(std::to_string(now))},
                                {"resource", Value(resource)},
                                {"access_token", Value(token)}}));
  }
}

}  // namespace milink::emulator::identity
