// Entra ID's token endpoints (client secret, certificate assertions,
// workload identity federation) and the managed-identity endpoints (IMDS,
// App Service, Azure Arc), each token then used on ARM.
#include "armemu_support.hpp"

#include "identity/jwt.hpp"

#include <catch2/catch.hpp>

#include <Poco/Base64Decoder.h>


#include <openssl/evp.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <sys/stat.h>

using namespace armemu;

namespace {

const std::string kArmScope = "https://management.azure.com/.default";
const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A token read with the emulator's JWT module (identity/jwt.hpp).
struct Decoded {
  Value header, claims;
  milink::emulator::identity::Jwt jwt;
};

Decoded decode(const std::string& token) {
  auto jwt = milink::emulator::identity::parse_jwt(token);
  REQUIRE(jwt);
  return Decoded{Value(jwt->header), Value(jwt->claims), *jwt};
}

std::string claim(const Decoded& d, const std::string& name) {
  const Value* v = d.claims.get(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

/// Verifies an RS256 JWT with the certificate Entra publishes in its JWKS (x5c).
bool verifies_with_jwks(Env& e, const std::string& jwt) {
  Reply keys = https(e.azure->identity_port(), "GET", "/" + e.azure->tenant_id() + "/discovery/v2.0/keys", {}, {}, e.ca_file);
  REQUIRE(keys.status == 200);
  Value jwks = keys.json();
  Value key = jwks.get("keys")->as_array().at(0);
  Decoded d = decode(jwt);
  REQUIRE(key.get("kid")->as_string() == d.header.get("kid")->as_string());
  std::string b64 = key.get("x5c")->as_array().at(0).as_string();
  std::istringstream in(b64);
  Poco::Base64Decoder dec(in);
  std::string der(std::istreambuf_iterator<char>(dec), {});
  const auto cert_key = milink::emulator::identity::RsaKey::from_certificate_der(
      milink::emulator::http::Bytes(der.begin(), der.end()));
  REQUIRE(cert_key.valid());
  const bool ok = cert_key.verify("RS256", d.jwt.signing_input, d.jwt.signature);
  return ok;
}

void check_entra_error(const Reply& r, int status, const std::string& error, int code, const std::string& text) {
  INFO(r.body);
  CHECK(r.status == status);
  Value v = r.json();
  CHECK(v.get("error")->as_string() == error);
  REQUIRE(v.get("error_codes"));
  CHECK(v.get("error_codes")->as_array().at(0).as_int() == code);
  std::string description = v.get("error_description")->as_string();
  std::string prefix = "AADSTS" + std::to_string(code) + ": " + text;
  CHECK(description.substr(0, prefix.size()) == prefix);
  CHECK(description.find("\r\nTrace ID: " + v.get("trace_id")->as_string()) != std::string::npos);
  CHECK(description.find("\r\nCorrelation ID: " + v.get("correlation_id")->as_string()) != std::string::npos);
  CHECK(description.find("\r\nTimestamp: " + v.get("timestamp")->as_string()) != std::string::npos);
  CHECK(std::regex_match(v.get("timestamp")->as_string(), std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ)")));
  std::string uri = v.get("error_uri")->as_string();
  CHECK(uri.substr(uri.size() - std::to_string(code).size() - 12) == "/error?code=" + std::to_string(code));
}

std::string token_endpoint(Env& e) {
  return "https://127.0.0.1:" + std::to_string(e.azure->identity_port()) + "/" + e.azure->tenant_id() +
         "/oauth2/v2.0/token";
}

Object assertion_claims(Env& e, const std::string& client_id, std::int64_t nbf_offset = -10,
                        std::int64_t exp_offset = 600) {
  return Object{{"aud", Value(token_endpoint(e))},
                {"iss", Value(client_id)},
                {"sub", Value(client_id)},
                {"jti", Value("7f1a0c2e-98c4-4a6b-9b8e-" + std::to_string(now_s()))},
                {"nbf", Value(now_s() + nbf_offset)},
                {"exp", Value(now_s() + exp_offset)}};
}

Reply assert_with(Env& e, const std::string& client_id, const std::string& assertion) {
  return e.entra_token({{"grant_type", "client_credentials"},
                        {"client_id", client_id},
                        {"scope", kArmScope},
                        {"client_assertion_type", kJwtBearer},
                        {"client_assertion", assertion}});
}

}  // namespace

TEST_CASE("a client secret gets RS256 v1.0 access tokens ARM accepts, from the v2 and v1 endpoints", "[armemu][entra]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal({"milink-secret", "", "", true, false});
  REQUIRE(sp.client_secret.size() == 40);
  CHECK(sp.tenant_id == e.azure->tenant_id());

  Reply r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                           {"client_secret", sp.client_secret}, {"scope", kArmScope}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  Value body = r.json();
  CHECK(body.get("token_type")->as_string() == "Bearer");
  CHECK(body.get("expires_in")->as_int() == 3599);
  CHECK(body.get("ext_expires_in")->as_int() == 3599);
  std::string token = body.get("access_token")->as_string();
  Decoded d = decode(token);
  CHECK(d.header.get("alg")->as_string() == "RS256");
  CHECK(d.header.get("typ")->as_string() == "JWT");
  CHECK(d.header.get("x5t")->as_string() == d.header.get("kid")->as_string());
  CHECK(claim(d, "aud") == "https://management.azure.com");
  CHECK(claim(d, "iss") == "https://sts.windows.net/" + e.azure->tenant_id() + "/");
  CHECK(claim(d, "tid") == e.azure->tenant_id());
  CHECK(claim(d, "appid") == sp.client_id);
  CHECK(claim(d, "oid") == sp.object_id);
  CHECK(claim(d, "sub") == sp.object_id);
  CHECK(claim(d, "appidacr") == "1");
  CHECK(claim(d, "ver") == "1.0");
  std::int64_t iat = d.claims.get("iat")->as_int(), exp = d.claims.get("exp")->as_int();
  CHECK(d.claims.get("nbf")->as_int() == iat);
  CHECK(exp - iat == 3599);
  CHECK(std::abs(iat - now_s()) < 10);
  CHECK(verifies_with_jwks(e, token));
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);

  // The v1 endpoint takes a resource and answers with strings.
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"resource", "https://management.azure.com/"}},
                    "", /*v1=*/true);
  REQUIRE(r.status == 200);
  body = r.json();
  CHECK(body.get("expires_in")->as_string() == "3599");
  CHECK(body.get("resource")->as_string() == "https://management.azure.com/");
  CHECK(std::stoll(body.get("expires_on")->as_string()) - now_s() > 3500);
  token = body.get("access_token")->as_string();
  CHECK(claim(decode(token), "aud") == "https://management.azure.com/");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);

  // The Azure CLI's scope form, for the classic management audience.
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"scope", "https://management.core.windows.net//.default"}});
  REQUIRE(r.status == 200);
  token = r.json().get("access_token")->as_string();
  CHECK(claim(decode(token), "aud") == "https://management.core.windows.net/");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);

  // OpenID configuration and instance discovery for MSAL-style clients.
  Reply conf = https(e.azure->identity_port(), "GET", "/" + e.azure->tenant_id() + "/v2.0/.well-known/openid-configuration",
                     {}, {}, e.ca_file);
  REQUIRE(conf.status == 200);
  CHECK(conf.json().get("token_endpoint")->as_string() == token_endpoint(e));

  // Tokens minted directly, for the static-token provider's tests: valid, expired, wrong audience.
  {
  milink::emulator::MintRequest m;
  m.client_id = "c0ffee00-0000-0000-0000-000000000001";
  std::string token = e.azure->mint_token(m);
  Decoded d = decode(token);
  CHECK(claim(d, "appid") == m.client_id);
  CHECK(claim(d, "aud") == "https://management.azure.com/");
  CHECK(verifies_with_jwks(e, token));
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);
  Decoded expired = decode(e.azure->mint_expired_token());
  CHECK(expired.claims.get("exp")->as_int() < now_s() - 3000);
  CHECK(claim(decode(e.azure->mint_wrong_audience_token()), "aud") == "https://graph.microsoft.com");
  }
}

TEST_CASE("the token endpoint's failures are Entra's AADSTS errors", "[armemu][entra]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal();
  std::string tenant = e.azure->tenant_id();

  Reply r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                           {"client_secret", sp.client_secret + "x"}, {"scope", kArmScope}});
  check_entra_error(r, 401, "invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                    "value, not the client secret ID, for a secret added to app '" + sp.client_id + "'.\r\nTrace ID: ");

  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", "0a0a0a0a-0000-0000-0000-000000000001"},
                     {"client_secret", "x"}, {"scope", kArmScope}});
  check_entra_error(r, 400, "unauthorized_client", 700016,
                    "Application with identifier '0a0a0a0a-0000-0000-0000-000000000001' was not found in the directory '" +
                        tenant + "'.");

  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"scope", kArmScope}},
                    "99999999-9999-9999-9999-999999999999");
  check_entra_error(r, 400, "invalid_request", 90002, "Tenant '99999999-9999-9999-9999-999999999999' not found.");

  r = e.entra_token({{"client_id", sp.client_id}, {"client_secret", sp.client_secret}, {"scope", kArmScope}});
  check_entra_error(r, 400, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'grant_type'.");
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id}, {"client_secret", sp.client_secret}});
  check_entra_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"scope", "https://management.azure.com/user_impersonation"}});
  check_entra_error(r, 400, "invalid_scope", 1002012,
                    "The provided value for scope https://management.azure.com/user_impersonation is not valid. Client "
                    "credential flows must have a scope value with /.default suffixed to the resource identifier "
                    "(application ID URI).");
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id}, {"scope", kArmScope}});
  check_entra_error(r, 401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                     {"client_secret", sp.client_secret}, {"scope", "https://example.invalid/.default"}});
  check_entra_error(r, 400, "invalid_resource", 500011,
                    "The resource principal named https://example.invalid was not found in the tenant named " + tenant + ".");

  // The client's correlation id comes back.
  Reply c = https(e.azure->identity_port(), "POST", "/" + tenant + "/oauth2/v2.0/token",
                  form({{"grant_type", "client_credentials"}, {"client_id", sp.client_id}, {"client_secret", "wrong"},
                        {"scope", kArmScope}}),
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"client-request-id", "11111111-2222-3333-4444-555555555555"}},
                  e.ca_file);
  CHECK(c.json().get("correlation_id")->as_string() == "11111111-2222-3333-4444-555555555555");
  CHECK(c.header("client-request-id") == "11111111-2222-3333-4444-555555555555");
  CHECK(c.header("x-ms-request-id") == c.json().get("trace_id")->as_string());
}

TEST_CASE("certificate assertions signed RS256 with x5t and PS256 with x5t#S256 get tokens", "[armemu][entra]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal({"milink-cert", "", "", /*with_secret=*/false, /*with_certificate=*/true});
  REQUIRE(sp.client_secret.empty());
  REQUIRE_FALSE(sp.certificate_pem.empty());
  auto der = pem_certificate_der(sp.certificate_pem);
  CHECK(sp.certificate_thumbprint == hex([&] {
          unsigned char d[20];
          EVP_Digest(der.data(), der.size(), d, nullptr, EVP_sha1(), nullptr);
          return std::vector<unsigned char>(d, d + 20);
        }()));

  std::string rs = sign_jwt(Object{{"alg", Value("RS256")}, {"typ", Value("JWT")}, {"x5t", Value(sha1_b64url(der))}},
                            assertion_claims(e, sp.client_id), sp.private_key_pem, "RS256");
  Reply r = assert_with(e, sp.client_id, rs);
  INFO(r.body);
  REQUIRE(r.status == 200);
  Decoded d = decode(r.json().get("access_token")->as_string());
  CHECK(claim(d, "appid") == sp.client_id);
  CHECK(claim(d, "appidacr") == "2");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, r.json().get("access_token")->as_string()).status == 200);

  std::string ps = sign_jwt(Object{{"alg", Value("PS256")}, {"typ", Value("JWT")}, {"x5t#S256", Value(sha256_b64url(der))}},
                            assertion_claims(e, sp.client_id), sp.private_key_pem, "PS256");
  r = assert_with(e, sp.client_id, ps);
  INFO(r.body);
  CHECK(r.status == 200);

  // Both thumbprint headers at once (what milink's certificate provider sends), and the v1 token endpoint as aud.
  Object claims = assertion_claims(e, sp.client_id);
  claims.set("aud", Value("https://localhost:" + std::to_string(e.azure->identity_port()) + "/" + e.azure->tenant_id() +
                          "/oauth2/token"));
  std::string both = sign_jwt(Object{{"alg", Value("RS256")}, {"typ", Value("JWT")}, {"x5t", Value(sha1_b64url(der))},
                                     {"x5t#S256", Value(sha256_b64url(der))}},
                              claims, sp.private_key_pem, "RS256");
  CHECK(assert_with(e, sp.client_id, both).status == 200);

  // A certificate added later (PEM), e.g. rotated in by a user.
  TestCert extra = make_cert("rotated");
  REQUIRE(e.azure->add_client_certificate(sp.client_id, extra.certificate_pem));
  std::string rotated = sign_jwt(Object{{"alg", Value("RS256")}, {"x5t", Value(sha1_b64url(extra.der))}},
                                 assertion_claims(e, sp.client_id), extra.private_key_pem, "RS256");
  CHECK(assert_with(e, sp.client_id, rotated).status == 200);
  CHECK_FALSE(e.azure->add_client_certificate(sp.client_id, "not a certificate"));
}

TEST_CASE("bad certificate assertions fail with Entra's codes", "[armemu][entra]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal({"milink-cert2", "", "", false, true});
  auto der = pem_certificate_der(sp.certificate_pem);
  TestCert stranger = make_cert("stranger");
  Object rs_header{{"alg", Value("RS256")}, {"typ", Value("JWT")}, {"x5t", Value(sha1_b64url(der))}};
  std::string thumb = sp.certificate_thumbprint;

  // Signed by another key, naming the registered certificate.
  Reply r = assert_with(e, sp.client_id, sign_jwt(rs_header, assertion_claims(e, sp.client_id), stranger.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 700027,
                    "Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to "
                    "verify the signature failed., Thumbprint of key used by client: '" + thumb + "', Found key 'Start=");
  // A PS256 signature claimed as RS256.
  r = assert_with(e, sp.client_id, sign_jwt(rs_header, assertion_claims(e, sp.client_id), sp.private_key_pem, "PS256"));
  check_entra_error(r, 401, "invalid_client", 700027, "Client assertion contains an invalid signature.");
  // A certificate the application does not have.
  Object stranger_header{{"alg", Value("RS256")}, {"x5t", Value(sha1_b64url(stranger.der))}};
  r = assert_with(e, sp.client_id, sign_jwt(stranger_header, assertion_claims(e, sp.client_id), stranger.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 700027,
                    "The certificate with identifier used to sign the client assertion is not registered on application. "
                    "[Reason - The key was not found., Thumbprint of key used by client: '" + hex([&] {
                      unsigned char d[20];
                      EVP_Digest(stranger.der.data(), stranger.der.size(), d, nullptr, EVP_sha1(), nullptr);
                      return std::vector<unsigned char>(d, d + 20);
                    }()) + "', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '" +
                        sp.client_id + "'.");
  // No thumbprint at all.
  r = assert_with(e, sp.client_id, sign_jwt(Object{{"alg", Value("RS256")}}, assertion_claims(e, sp.client_id), sp.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 50027, "Invalid JWT token. No certificate thumbprint specified in token header.");
  // aud is not the token endpoint.
  Object claims = assertion_claims(e, sp.client_id);
  claims.set("aud", Value("https://login.example.invalid/oauth2/token"));
  r = assert_with(e, sp.client_id, sign_jwt(rs_header, claims, sp.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 50012, "Client assertion audience claim does not match Realm issuer.");
  // sub is not the client.
  claims = assertion_claims(e, sp.client_id);
  claims.set("sub", Value("someone-else"));
  r = assert_with(e, sp.client_id, sign_jwt(rs_header, claims, sp.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 700021,
                    "Client assertion application identifier doesn't match 'client_id' parameter.");
  // Expired, not yet valid, and valid for too long.
  for (auto [nbf, exp] : {std::pair<std::int64_t, std::int64_t>{-7200, -3600}, {3600, 4200}, {-10, 2 * 86400}}) {
    r = assert_with(e, sp.client_id, sign_jwt(rs_header, assertion_claims(e, sp.client_id, nbf, exp), sp.private_key_pem, "RS256"));
    check_entra_error(r, 401, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: ");
    CHECK(std::regex_search(r.json().get("error_description")->as_string(),
                            std::regex(R"(Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from .*, )"
                                       R"(expiry time of assertion \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z\.)")));
  }
  // Not a JWT; a wrong assertion type.
  r = assert_with(e, sp.client_id, "not-a-jwt");
  check_entra_error(r, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
  r = e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id}, {"scope", kArmScope},
                     {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"},
                     {"client_assertion", "x.y.z"}});
  check_entra_error(r, 400, "invalid_request", 90014, "The required field 'client_assertion_type' is missing");
}

TEST_CASE("workload identity federation: the emulator's federated tokens get access tokens", "[armemu][entra]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal({"milink-wif", "", "", false, false});
  const std::string subject = "system:serviceaccount:milink:runner";
  REQUIRE(e.azure->add_federated_credential(sp.client_id, subject));
  CHECK_FALSE(e.azure->add_federated_credential("00000000-dead-beef-0000-000000000000", subject));

  std::filesystem::path file = e.dir / "federated-token";
  e.azure->write_federated_token(file, subject);
  struct stat st{};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string assertion = testsupport::read_file(file);
  Decoded fd = decode(assertion);
  CHECK(claim(fd, "iss") == e.azure->federated_issuer());
  CHECK(claim(fd, "sub") == subject);
  CHECK(fd.claims.get("aud")->as_array().at(0).as_string() == "api://AzureADTokenExchange");

  Reply r = assert_with(e, sp.client_id, assertion);
  INFO(r.body);
  REQUIRE(r.status == 200);
  std::string token = r.json().get("access_token")->as_string();
  CHECK(claim(decode(token), "appid") == sp.client_id);
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);

  // Another subject, another audience, another issuer, a forged signature, an expired token.
  r = assert_with(e, sp.client_id, e.azure->mint_federated_token("system:serviceaccount:milink:other"));
  check_entra_error(r, 400, "invalid_client", 700213,
                    "No matching federated identity record found for presented assertion subject "
                    "'system:serviceaccount:milink:other'. Please check your federated identity credential Subject, "
                    "Audience and Issuer against the presented assertion.");
  r = assert_with(e, sp.client_id, e.azure->mint_federated_token(subject, "api://SomethingElse"));
  check_entra_error(r, 400, "invalid_client", 700212,
                    "No matching federated identity record found for presented assertion audience 'api://SomethingElse'.");
  TestCert stranger = make_cert("issuer");
  Object claims{{"iss", Value("https://token.actions.githubusercontent.com")},
                {"sub", Value(subject)},
                {"aud", Value("api://AzureADTokenExchange")},
                {"exp", Value(now_s() + 600)},
                {"nbf", Value(now_s())}};
  r = assert_with(e, sp.client_id, sign_jwt(Object{{"alg", Value("RS256")}}, claims, stranger.private_key_pem, "RS256"));
  check_entra_error(r, 400, "invalid_client", 700211,
                    "No matching federated identity record found for presented assertion issuer "
                    "'https://token.actions.githubusercontent.com'.");
  claims.set("iss", Value(e.azure->federated_issuer()));
  r = assert_with(e, sp.client_id, sign_jwt(Object{{"alg", Value("RS256")}}, claims, stranger.private_key_pem, "RS256"));
  check_entra_error(r, 401, "invalid_client", 700027, "Client assertion contains an invalid signature.");
  r = assert_with(e, sp.client_id,
                  e.azure->mint_federated_token(subject, "api://AzureADTokenExchange", std::chrono::seconds(-3600)));
  check_entra_error(r, 401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
}

TEST_CASE("IMDS: Metadata: true is required, then a managed identity token for the resource", "[armemu][identity]") {
  Env& e = env();
  std::uint16_t port = e.azure->managed_identity_port();
  const std::string target =
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";
  Reply r = http(port, "GET", target);
  CHECK(r.status == 400);
  CHECK(r.body == R"({"error":"invalid_request","error_description":"Required metadata header not specified"})");
  r = http(port, "GET", target, {{"Metadata", "false"}});
  CHECK(r.status == 400);

  r = http(port, "GET", target, {{"Metadata", "true"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  Value v = r.json();
  auto mi = e.azure->managed_identity();
  CHECK(v.get("client_id")->as_string() == mi.client_id);
  CHECK(v.get("expires_in")->as_string() == "86399");
  CHECK(v.get("ext_expires_in")->as_string() == "86399");
  CHECK(std::stoll(v.get("expires_on")->as_string()) - now_s() > 86000);
  CHECK(std::abs(std::stoll(v.get("not_before")->as_string()) - now_s()) < 10);
  CHECK(v.get("resource")->as_string() == "https://management.azure.com/");
  CHECK(v.get("token_type")->as_string() == "Bearer");
  std::string token = v.get("access_token")->as_string();
  Decoded d = decode(token);
  CHECK(claim(d, "aud") == "https://management.azure.com/");
  CHECK(claim(d, "appid") == mi.client_id);
  CHECK(claim(d, "oid") == mi.object_id);
  CHECK(claim(d, "xms_mirid") == mi.resource_id);
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, token).status == 200);

  // A user-assigned identity is picked by client_id / object_id / msi_res_id.
  CHECK(http(port, "GET", target + "&client_id=" + mi.client_id, {{"Metadata", "true"}}).status == 200);
  CHECK(http(port, "GET", target + "&object_id=" + mi.object_id, {{"Metadata", "true"}}).status == 200);
  r = http(port, "GET", target + "&client_id=00000000-0000-0000-0000-00000000abcd", {{"Metadata", "true"}});
  CHECK(r.status == 400);
  CHECK(r.json().get("error_description")->as_string() == "Identity not found");
  r = http(port, "GET", "/metadata/identity/oauth2/token?api-version=2018-02-01", {{"Metadata", "true"}});
  CHECK(r.status == 400);
  CHECK(r.json().get("error_description")->as_string() == "Required audience parameter not specified");
}

TEST_CASE("App Service: X-IDENTITY-HEADER must carry IDENTITY_HEADER", "[armemu][identity]") {
  Env& e = env();
  std::uint16_t port = e.azure->managed_identity_port();
  CHECK(e.azure->app_service_endpoint() == "http://127.0.0.1:" + std::to_string(port) + "/msi/token");
  const std::string target = "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";
  CHECK(http(port, "GET", target).status == 401);
  CHECK(http(port, "GET", target, {{"X-IDENTITY-HEADER", "wrong"}}).status == 401);
  Reply r = http(port, "GET", target, {{"X-IDENTITY-HEADER", e.azure->app_service_secret()}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  Value v = r.json();
  CHECK(v.get("token_type")->as_string() == "Bearer");
  CHECK(v.get("resource")->as_string() == "https://management.azure.com/");
  CHECK(v.get("client_id")->as_string() == e.azure->managed_identity().client_id);
  CHECK(std::stoll(v.get("expires_on")->as_string()) > now_s());
  CHECK_FALSE(v.get("expires_in"));
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, v.get("access_token")->as_string()).status == 200);
}

TEST_CASE("Azure Arc: a 401 Basic challenge names a key file whose contents then get the token", "[armemu][identity]") {
  Env& e = env();
  std::uint16_t port = e.azure->managed_identity_port();
  const std::string target =
      "/metadata/identity/oauth2/token?api-version=2019-11-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";
  CHECK(http(port, "GET", target).status == 400);  // Metadata: true is required here too

  Reply challenge = http(port, "GET", target, {{"Metadata", "true"}});
  REQUIRE(challenge.status == 401);
  std::string www = challenge.header("WWW-Authenticate");
  REQUIRE(www.rfind("Basic realm=", 0) == 0);
  std::filesystem::path key = www.substr(12);
  CHECK(key.parent_path() == e.azure->key_dir());
  CHECK(key.extension() == ".key");
  struct stat st{};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string secret = testsupport::read_file(key);
  CHECK_FALSE(secret.empty());
  CHECK(secret.size() <= 4096);

  Reply r = http(port, "GET", target, {{"Metadata", "true"}, {"Authorization", "Basic " + secret}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json().get("token_type")->as_string() == "Bearer");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, r.json().get("access_token")->as_string()).status == 200);

  // A wrong secret is challenged again, with a new key file.
  Reply again = http(port, "GET", target, {{"Metadata", "true"}, {"Authorization", "Basic not-the-secret"}});
  CHECK(again.status == 401);
  CHECK(again.header("WWW-Authenticate").rfind("Basic realm=", 0) == 0);
  CHECK(again.header("WWW-Authenticate") != www);
}
