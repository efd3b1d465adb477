// client-secret, client-certificate and workload-identity: the exact token
// request, the client assertion JWT, and Entra ID's errors.
#include "cred_support.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace credtest;
using Catch::Contains;
using Catch::StartsWith;

namespace {

const std::string kSecret = "Xy7~Q.s3cr3t_value-DoNotLeak";
const std::string kEndpoint = std::string("https://login.microsoftonline.com/") + kTenant + "/oauth2/v2.0/token";

Object secret_params() { return Object{{"client_id", Value(kClient)}, {"client_secret", Value(kSecret)}}; }

void check_post_headers(const HttpRequest& r) {
  CHECK(r.method == "POST");
  CHECK(header(r, "Content-Type") == std::optional<std::string>("application/x-www-form-urlencoded"));
}

}  // namespace

// ---- client-secret ------------------------------------------------------

TEST_CASE("client-secret posts the client-credentials form and parses the token", "[credentials][client-secret]") {
  Cred c = make("client-secret", secret_params());
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("eyJ0eXAi.token.value", 3599));

  const std::int64_t before = now();
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "eyJ0eXAi.token.value");
  CHECK(g.token.expires_on >= before + 3599);
  CHECK(g.token.expires_on <= now() + 3599);

  REQUIRE(http.count() == 1);
  HttpRequest r = http.last();
  check_post_headers(r);
  CHECK(r.url == kEndpoint);
  CHECK(parse_form(r.body) == std::vector<std::pair<std::string, std::string>>{
                                  {"client_id", kClient},
                                  {"scope", "https://management.azure.com/.default"},
                                  {"client_secret", kSecret},
                                  {"grant_type", "client_credentials"}});
  // Encoded, not raw: '~' stays, '.' stays, nothing else special in this secret.
  CHECK_THAT(r.body, Contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"));
}

TEST_CASE("client-secret parameters override the request's tenant and authority", "[credentials][client-secret]") {
  Object p = secret_params();
  p.set("tenant_id", Value("contoso.onmicrosoft.com"));
  p.set("authority_host", Value("https://login.microsoftonline.us/"));
  Cred c = make("client-secret", p);
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, R"({"token_type":"Bearer","expires_in":"600","access_token":"tok"})");
  TokenRequest req = default_request();
  req.scope = "https://management.usgovcloudapi.net/.default";
  Got g = get(*c, http, req);
  REQUIRE(g.ok);
  CHECK(g.token.expires_on >= now() + 599);  // expires_in as a string is accepted
  CHECK(http.last().url == "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(form_map(http.last().body)["scope"] == "https://management.usgovcloudapi.net/.default");
}

TEST_CASE("client-secret reports Entra's refusal with the AADSTS line and never the secret",
          "[credentials][client-secret]") {
  Cred c = make("client-secret", secret_params());
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(401, entra_error_body("invalid_client",
                                     "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                                     "the request is the client secret value, not the client secret ID, for a secret "
                                     "added to app '" + std::string(kClient) + "'."));
  Got g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK_THAT(g.error, StartsWith("Entra ID refused the client secret for client " + std::string(kClient) +
                                 ": AADSTS7000215: Invalid client secret provided."));
  CHECK_THAT(g.error, Contains("HTTP 401"));
  CHECK_THAT(g.error, Contains("invalid_client"));
  CHECK_THAT(g.error, Contains("trace ID 0a1b2c3d-0000-1111-2222-333344445555"));
  CHECK_THAT(g.error, Contains("use the secret's Value (not its Secret ID)"));
  CHECK_THAT(g.error, !Contains("Trace ID:"));  // only the first line of error_description
  CHECK_THAT(g.error, !Contains(kSecret));

  SECTION("a secret echoed back by the server is redacted") {
    http.respond(400, entra_error_body("invalid_request", "AADSTS90000: bad value " + kSecret));
    Got g2 = get(*c, http);
    REQUIRE_FALSE(g2.ok);
    CHECK_THAT(g2.error, Contains("AADSTS90000: bad value ***"));
    CHECK_THAT(g2.error, !Contains(kSecret));
  }
}

TEST_CASE("client-secret explains unknown tenants, proxies and unreachable endpoints", "[credentials][client-secret]") {
  Cred c = make("client-secret", secret_params());
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(400, entra_error_body("invalid_request", "AADSTS90002: Tenant '" + std::string(kTenant) +
                                                            "' not found."));
  http.respond(502, "<html>Bad Gateway</html>");
  http.fail("connection refused");
  http.respond(200, R"({"token_type":"Bearer","access_token":"tok"})");

  Got g = get(*c, http);
  CHECK_THAT(g.error, Contains("AADSTS90002: Tenant"));
  CHECK_THAT(g.error, Contains("check tenant_id"));
  g = get(*c, http);
  CHECK(g.error == "Entra ID token endpoint " + kEndpoint +
                       " answered HTTP 502 without an OAuth error; check authority_host and any proxy between milink "
                       "and Entra ID");
  g = get(*c, http);
  CHECK(g.error == "could not reach the Entra ID token endpoint at https://login.microsoftonline.com: connection "
                   "refused; check authority_host and network access (proxy, firewall)");
  g = get(*c, http);
  CHECK_THAT(g.error, Contains("without a usable expires_in or expires_on"));
  for (const auto& r : http.requests()) CHECK(r.url == kEndpoint);
}

TEST_CASE("client-secret needs a tenant from its parameters or the request", "[credentials][client-secret]") {
  Cred c = make("client-secret", secret_params());
  REQUIRE(c.status.ok);
  FakeHttp http;
  TokenRequest req;  // no tenant
  Got g = get(*c, http, req);
  REQUIRE_FALSE(g.ok);
  CHECK(g.error == "no tenant: set tenant_id (or the config's azure.tenant_id) to the Entra tenant ID");
  CHECK(http.count() == 0);
}

// ---- client-certificate -------------------------------------------------

namespace {

struct CertFiles {
  testsupport::TempDir dir;
  std::filesystem::path plain, encrypted, chained, pfx_file, cert_only;
  CertFiles() {
    plain = dir / "client.pem";
    testsupport::write_file(plain, leaf_cert().cert_pem + leaf_cert().key_pem);
    encrypted = dir / "encrypted.pem";
    testsupport::write_file(encrypted, leaf_cert().cert_pem + encrypted_key_pem(leaf_cert(), "pfx-pa55word"));
    // The CA first: the provider must pick the certificate that matches the key.
    chained = dir / "chained.pem";
    testsupport::write_file(chained, ca_cert().cert_pem + signed_leaf_cert().cert_pem + signed_leaf_cert().key_pem);
    pfx_file = dir / "client.pfx";
    testsupport::write_file(pfx_file, pfx(leaf_cert(), "pfx-pa55word"));
    cert_only = dir / "cert-only.pem";
    testsupport::write_file(cert_only, leaf_cert().cert_pem);
  }
};

Object cert_params(const std::filesystem::path& file) {
  return Object{{"client_id", Value(kClient)}, {"certificate_path", Value(file.string())}};
}

/// Checks the assertion request and returns the decoded JWT.
Jwt check_assertion_request(const HttpRequest& r, const std::string& endpoint, const TestCert& cert) {
  check_post_headers(r);
  CHECK(r.url == endpoint);
  auto form = parse_form(r.body);
  REQUIRE(form.size() == 5);
  CHECK(form[0] == std::make_pair(std::string("client_id"), std::string(kClient)));
  CHECK(form[1] == std::make_pair(std::string("scope"), std::string("https://management.azure.com/.default")));
  CHECK(form[2] == std::make_pair(std::string("client_assertion_type"),
                                  std::string("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")));
  CHECK(form[3].first == "client_assertion");
  CHECK(form[4] == std::make_pair(std::string("grant_type"), std::string("client_credentials")));

  Jwt j = decode_jwt(form[3].second);
  CHECK(j.header.find("alg")->as_string() == "RS256");
  CHECK(j.header.find("typ")->as_string() == "JWT");
  CHECK(j.header.find("x5t")->as_string() == b64url(sha1(cert.der)));
  CHECK(j.header.find("x5t#S256")->as_string() == b64url(sha256(cert.der)));
  CHECK(j.claims.find("aud")->as_string() == endpoint);
  CHECK(j.claims.find("iss")->as_string() == kClient);
  CHECK(j.claims.find("sub")->as_string() == kClient);
  const std::string jti = j.claims.find("jti")->as_string();
  CHECK(jti.size() == 36);
  CHECK(jti[14] == '4');
  const std::int64_t nbf = j.claims.find("nbf")->as_int();
  CHECK(nbf >= now() - 5);
  CHECK(nbf <= now());
  CHECK(j.claims.find("exp")->as_int() == nbf + 600);
  CHECK(j.signature.size() == 256);  // RSA-2048
  CHECK(verify_rs256(cert.der, j.token));
  CHECK_FALSE(verify_rs256(ca_cert().der, j.token));
  return j;
}

}  // namespace

TEST_CASE("client-certificate signs an RS256 client assertion that verifies with the certificate",
          "[credentials][client-certificate]") {
  CertFiles files;
  Cred c = make("client-certificate", cert_params(files.plain));
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.always(200, entra_token_body("cert-token", 3600));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "cert-token");
  CHECK(g.token.expires_on >= now() + 3590);

  Jwt j = check_assertion_request(http.last(), kEndpoint, leaf_cert());
  CHECK(j.header.find("x5c") == nullptr);
  CHECK_THAT(http.last().body, !Contains("client_secret"));

  // Every assertion is fresh: a new jti each time.
  REQUIRE(get(*c, http).ok);
  Jwt j2 = decode_jwt(form_map(http.last().body)["client_assertion"]);
  CHECK(j2.claims.find("jti")->as_string() != j.claims.find("jti")->as_string());
}

TEST_CASE("client-certificate sends the chain (x5c) leaf first when asked", "[credentials][client-certificate]") {
  CertFiles files;
  Object p = cert_params(files.chained);
  p.set("send_certificate_chain", Value(true));
  p.set("tenant_id", Value("contoso.onmicrosoft.com"));
  p.set("authority_host", Value("https://login.partner.microsoftonline.cn"));
  Cred c = make("client-certificate", p);
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("t"));
  REQUIRE(get(*c, http).ok);
  const std::string endpoint = "https://login.partner.microsoftonline.cn/contoso.onmicrosoft.com/oauth2/v2.0/token";
  Jwt j = check_assertion_request(http.last(), endpoint, signed_leaf_cert());
  const Value* x5c = j.header.find("x5c");
  REQUIRE(x5c != nullptr);
  REQUIRE(x5c->as_array().size() == 2);
  CHECK(x5c->as_array()[0].as_string() == b64(signed_leaf_cert().der));
  CHECK(x5c->as_array()[1].as_string() == b64(ca_cert().der));
}

TEST_CASE("client-certificate opens encrypted keys and PFX files with certificate_password",
          "[credentials][client-certificate]") {
  CertFiles files;
  FakeHttp http;
  http.always(200, entra_token_body("t"));

  SECTION("encrypted PEM key with the right password") {
    Object p = cert_params(files.encrypted);
    p.set("certificate_password", Value("pfx-pa55word"));
    Cred c = make("client-certificate", p);
    REQUIRE(c.status.ok);
    REQUIRE(get(*c, http).ok);
    check_assertion_request(http.last(), kEndpoint, leaf_cert());
  }
  SECTION("PKCS#12 with the right password") {
    Object p = cert_params(files.pfx_file);
    p.set("certificate_password", Value("pfx-pa55word"));
    Cred c = make("client-certificate", p);
    REQUIRE(c.status.ok);
    REQUIRE(get(*c, http).ok);
    check_assertion_request(http.last(), kEndpoint, leaf_cert());
  }
  SECTION("encrypted key without a password") {
    Cred c = make("client-certificate", cert_params(files.encrypted));
    CHECK_FALSE(c.status.ok);
    CHECK(c.status.message == "the private key in " + files.encrypted.string() +
                                  " is encrypted; set certificate_password");
  }
  SECTION("wrong passwords are reported without the password") {
    Object p = cert_params(files.encrypted);
    p.set("certificate_password", Value("WrongPassword-42"));
    Cred c = make("client-certificate", p);
    CHECK_FALSE(c.status.ok);
    CHECK_THAT(c.status.message, Contains("could not be decrypted; check certificate_password"));
    CHECK_THAT(c.status.message, !Contains("WrongPassword-42"));
    Object q = cert_params(files.pfx_file);
    q.set("certificate_password", Value("WrongPassword-42"));
    Cred d = make("client-certificate", q);
    CHECK_FALSE(d.status.ok);
    CHECK_THAT(d.status.message, Contains("check certificate_password"));
    CHECK_THAT(d.status.message, !Contains("WrongPassword-42"));
  }
  SECTION("a file without a key, or no file at all") {
    Cred c = make("client-certificate", cert_params(files.cert_only));
    CHECK_FALSE(c.status.ok);
    CHECK_THAT(c.status.message, Contains("holds no private key"));
    Cred d = make("client-certificate", cert_params(files.dir / "missing.pem"));
    CHECK_FALSE(d.status.ok);
    CHECK_THAT(d.status.message, StartsWith("the certificate file " + (files.dir / "missing.pem").string() + " cannot be opened: No such file"));
  }
  SECTION("a key that matches no certificate in the file") {
    auto mismatched = files.dir / "mismatch.pem";
    testsupport::write_file(mismatched, leaf_cert().cert_pem + ca_cert().key_pem);
    Cred c = make("client-certificate", cert_params(mismatched));
    CHECK_FALSE(c.status.ok);
    CHECK_THAT(c.status.message, Contains("matches its private key"));
  }
}

TEST_CASE("client-certificate reports Entra's refusal without the assertion", "[credentials][client-certificate]") {
  CertFiles files;
  Cred c = make("client-certificate", cert_params(files.plain));
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(401, entra_error_body("invalid_client",
                                     "AADSTS700027: The certificate with identifier used to sign the client assertion "
                                     "is not registered on application."));
  Got g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK_THAT(g.error, StartsWith("Entra ID refused the client certificate for client " + std::string(kClient) +
                                 ": AADSTS700027: The certificate with identifier"));
  CHECK_THAT(g.error, Contains("uploaded to the app registration"));
  const std::string assertion = form_map(http.last().body)["client_assertion"];
  CHECK_THAT(g.error, !Contains(assertion.substr(assertion.rfind('.') + 1)));
}

TEST_CASE("client-certificate re-reads a renewed certificate file", "[credentials][client-certificate]") {
  CertFiles files;
  Cred c = make("client-certificate", cert_params(files.plain));
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.always(200, entra_token_body("t"));
  REQUIRE(get(*c, http).ok);
  check_assertion_request(http.last(), kEndpoint, leaf_cert());
  testsupport::write_file(files.plain, signed_leaf_cert().cert_pem + signed_leaf_cert().key_pem);
  REQUIRE(get(*c, http).ok);
  check_assertion_request(http.last(), kEndpoint, signed_leaf_cert());
}

TEST_CASE("client-certificate serves several threads at once", "[credentials][client-certificate]") {
  CertFiles files;
  Cred c = make("client-certificate", cert_params(files.plain));
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.always(200, entra_token_body("shared-token"));
  constexpr int kThreads = 8, kEach = 4;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AccessToken tok;
        std::string err;
        if (c->get_token(default_request(), http, tok, err) && tok.token == "shared-token") ++ok[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(ok[t] == kEach);
  std::set<std::string> jtis;
  for (const auto& r : http.requests()) {
    Jwt j = decode_jwt(form_map(r.body)["client_assertion"]);
    CHECK(verify_rs256(leaf_cert().der, j.token));
    jtis.insert(j.claims.find("jti")->as_string());
  }
  CHECK(jtis.size() == static_cast<std::size_t>(kThreads * kEach));
}

// ---- workload-identity --------------------------------------------------

TEST_CASE("workload-identity sends the federated token file as the assertion and re-reads it",
          "[credentials][workload-identity]") {
  testsupport::TempDir dir;
  const auto token_file = dir / "azure-identity-token";
  testsupport::write_file(token_file, "federated.jwt.one\n");
  EnvGuard env;
  env.set("AZURE_CLIENT_ID", kClient)
      .set("AZURE_TENANT_ID", "contoso.onmicrosoft.com")
      .set("AZURE_FEDERATED_TOKEN_FILE", token_file.string())
      .set("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/");
  Cred c = make("workload-identity");
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.always(200, entra_token_body("wi-token", 3000));

  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "wi-token");
  HttpRequest r = http.last();
  check_post_headers(r);
  CHECK(r.url == "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(parse_form(r.body) == std::vector<std::pair<std::string, std::string>>{
                                  {"client_id", kClient},
                                  {"scope", "https://management.azure.com/.default"},
                                  {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                                  {"client_assertion", "federated.jwt.one"},
                                  {"grant_type", "client_credentials"}});

  // The kubelet rotates the file; the next request must carry the new token.
  testsupport::write_file(token_file, "federated.jwt.two");
  REQUIRE(get(*c, http).ok);
  CHECK(form_map(http.last().body)["client_assertion"] == "federated.jwt.two");
}

TEST_CASE("workload-identity parameters override the environment", "[credentials][workload-identity]") {
  testsupport::TempDir dir;
  testsupport::write_file(dir / "env-token", "from-env");
  testsupport::write_file(dir / "param-token", "from-param");
  EnvGuard env;
  env.set("AZURE_CLIENT_ID", "env-client")
      .set("AZURE_TENANT_ID", "env-tenant")
      .set("AZURE_FEDERATED_TOKEN_FILE", (dir / "env-token").string());
  Cred c = make("workload-identity", Object{{"client_id", Value(kClient)},
                                            {"tenant_id", Value(kTenant)},
                                            {"token_file", Value((dir / "param-token").string())},
                                            {"authority_host", Value("https://127.0.0.1:8443")}});
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("t"));
  REQUIRE(get(*c, http).ok);
  CHECK(http.last().url == std::string("https://127.0.0.1:8443/") + kTenant + "/oauth2/v2.0/token");
  auto form = form_map(http.last().body);
  CHECK(form["client_id"] == kClient);
  CHECK(form["client_assertion"] == "from-param");
}

TEST_CASE("workload-identity explains what is missing and what Entra refused", "[credentials][workload-identity]") {
  testsupport::TempDir dir;
  EnvGuard env;
  env.set("AZURE_CLIENT_ID", kClient).set("AZURE_TENANT_ID", kTenant);
  Cred none = make("workload-identity");
  CHECK_FALSE(none.status.ok);
  CHECK_THAT(none.status.message, Contains("set token_file or AZURE_FEDERATED_TOKEN_FILE"));

  env.set("AZURE_FEDERATED_TOKEN_FILE", (dir / "token").string());
  Cred c = make("workload-identity");
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE_FALSE(g.ok);  // the file does not exist yet
  CHECK_THAT(g.error, StartsWith("the federated token file " + (dir / "token").string() + " cannot be opened: No such file"));
  CHECK(http.count() == 0);

  testsupport::write_file(dir / "token", "eyJhbGciOi.federated-secret.sig");
  http.respond(400, entra_error_body("invalid_client",
                                     "AADSTS70021: No matching federated identity record found for presented assertion."));
  g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK_THAT(g.error, StartsWith("Entra ID refused the federated token for client " + std::string(kClient) +
                                 ": AADSTS70021: No matching federated identity record found"));
  CHECK_THAT(g.error, Contains("issuer, subject and audience"));
  CHECK_THAT(g.error, !Contains("federated-secret"));
}
