#include "identity/managed_identity_service.hpp"

#include "identity/entra_service.hpp"

#include <fstream>
#include <random>
#include <sys/stat.h>

namespace milink::emulator::identity {

using milink::sdk::Object;
using milink::sdk::Value;

namespace {

void oauth_error(http::Response& resp, int status, const std::string& error, const std::string& description) {
  resp.json(status, Value(Object{{"error", Value(error)}, {"error_description", Value(description)}}));
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  http::Bytes b(bytes);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return http::to_lower(http::hex_upper(b));
}

}  // namespace

ManagedIdentityService::ManagedIdentityService(Directory& directory, const TokenService& tokens,
                                               ManagedIdentityOptions options)
    : directory_(directory), tokens_(tokens), options_(std::move(options)) {}

void ManagedIdentityService::add_routes(http::Router& router) {
  router.add("GET", "/metadata/identity/oauth2/token",
             [this](http::Request& q, http::Response& r) { metadata_token(q, r); });
  router.add("GET", "/msi/token", [this](http::Request& q, http::Response& r) { app_service_token(q, r); });
}

bool ManagedIdentityService::identity_matches(const http::Request& req, const ManagedIdentity& mi) const {
  if (const std::string* c = req.query_param("client_id")) return http::iequals(*c, mi.client_id);
  if (const std::string* o = req.query_param("object_id")) return http::iequals(*o, mi.object_id);
  if (const std::string* o = req.query_param("principal_id")) return http::iequals(*o, mi.object_id);
  if (const std::string* r = req.query_param("msi_res_id")) return http::iequals(*r, mi.resource_id);
  if (const std::string* r = req.query_param("mi_res_id")) return http::iequals(*r, mi.resource_id);
  return true;
}

void ManagedIdentityService::metadata_token(http::Request& req, http::Response& resp) {
  const std::string* metadata = req.header("Metadata");
  if (!metadata || !http::iequals(*metadata, "true"))
    // IMDS's answer (confirmed text "Required metadata header not specified").
    return oauth_error(resp, 400, "invalid_request", "Required metadata header not specified");
  const std::string* version = req.query_param("api-version");
  if (!version || version->empty())
    return oauth_error(resp, 400, "invalid_request", "Required query variable 'api-version' is missing");  // inferred
  if (*version == "2019-11-01") return arc_token(req, resp);
  issue(req, resp, false);
}

void ManagedIdentityService::app_service_token(http::Request& req, http::Response& resp) {
  const std::string* header = req.header("X-IDENTITY-HEADER");
  if (!header || options_.app_service_secret.empty() || *header != options_.app_service_secret)
    // Inferred: the sandbox's identity endpoint refuses callers without the secret header.
    return oauth_error(resp, 401, "invalid_request",
                       "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
  const std::string* version = req.query_param("api-version");
  if (!version || version->empty())
    return oauth_error(resp, 400, "invalid_request", "Required query variable 'api-version' is missing");  // inferred
  issue(req, resp, true);
}

void ManagedIdentityService::arc_token(http::Request& req, http::Response& resp) {
  const std::string* auth = req.header("Authorization");
  if (auth && auth->size() > 6 && http::iequals(auth->substr(0, 6), "Basic ")) {
    std::string secret = auth->substr(6);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
    bool known = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      known = arc_secrets_.count(secret) > 0;
    }
    if (known) return issue(req, resp, false);
  }
  // The challenge: a fresh key file under the key directory.
  std::error_code ec;
  std::filesystem::create_directories(options_.arc_key_dir, ec);
  std::filesystem::path file = options_.arc_key_dir / (http::new_guid_lower() + ".key");
  std::string secret = random_hex(32);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << secret;
  }
  ::chmod(file.c_str(), 0600);
  {
    std::lock_guard<std::mutex> l(mu_);
    arc_secrets_.insert(secret);
  }
  resp.json(401, Value(Object{{"error", Value("unauthorized_client")},
                              {"error_description", Value("Basic authentication with the key file's contents is required")}}));
  resp.set_header("WWW-Authenticate", "Basic realm=" + file.string());
}

void ManagedIdentityService::issue(http::Request& req, http::Response& resp, bool app_service_shape) {
  const std::string* resource = req.query_param("resource");
  if (!resource || resource->empty())
    // IMDS's answer when the resource is missing (wording as IMDS prints it).
    return oauth_error(resp, 400, "invalid_request", "Required audience parameter not specified");
  ManagedIdentity mi = directory_.managed_identity();
  if (!identity_matches(req, mi)) return oauth_error(resp, 400, "invalid_request", "Identity not found");
  if (!known_resource(*resource)) {
    EntraError e = unknown_resource_error(*resource, directory_.default_tenant());
    return oauth_error(resp, 400, e.error, "AADSTS" + std::to_string(e.code) + ": " + e.description);
  }
  std::int64_t now = http::unix_now();
  TokenClaims c;
  c.tenant_id = directory_.default_tenant();
  c.audience = *resource;
  c.app_id = mi.client_id;
  c.object_id = mi.object_id;
  c.appidacr = "2";
  c.issued_at = now;
  c.expires_at = now + options_.token_lifetime;
  c.resource_id = mi.resource_id;
  std::string token = tokens_.mint(c);
  std::string life = std::to_string(options_.token_lifetime);
  if (app_service_shape) {
    resp.json(200, Value(Object{{"access_token", Value(token)},
                                {"expires_on", Value(std::to_string(now + options_.token_lifetime))},
                                {"resource", Value(*resource)},
                                {"token_type", Value("Bearer")},
                                {"client_id", Value(mi.client_id)}}));
  } else {
    resp.json(200, Value(Object{{"access_token", Value(token)},
                                {"client_id", Value(mi.client_id)},
                                {"expires_in", Value(life)},
                                {"expires_on", Value(std::to_string(now + options_.token_lifetime))},
                                {"ext_expires_in", Value(life)},
                                {"not_before", Value(std::to_string(now))},
                                {"resource", Value(*resource)},
                                {"token_type", Value("Bearer")}}));
  }
}

}  // namespace milink::emulator::identity
