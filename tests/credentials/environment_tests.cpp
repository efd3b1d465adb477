// environment: which credential the AZURE_* variables select, in
// EnvironmentCredential's order, and the error when none is set.
#include "cred_support.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace credtest;
using Catch::Contains;
using Catch::StartsWith;

namespace {
const std::string kEnvSecret = "env-secret-value-0123456789";
}

TEST_CASE("environment: AZURE_CLIENT_SECRET selects the client secret", "[credentials][environment]") {
  EnvGuard env;
  env.set("AZURE_TENANT_ID", kTenant)
      .set("AZURE_CLIENT_ID", kClient)
      .set("AZURE_CLIENT_SECRET", kEnvSecret)
      .set("AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent/ignored-because-the-secret-wins.pem")
      .set("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us");
  Cred c = make("environment");
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("env-token"));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "env-token");
  HttpRequest r = http.last();
  CHECK(r.method == "POST");
  CHECK(r.url == std::string("https://login.microsoftonline.us/") + kTenant + "/oauth2/v2.0/token");
  CHECK(parse_form(r.body) == std::vector<std::pair<std::string, std::string>>{
                                  {"client_id", kClient},
                                  {"scope", "https://management.azure.com/.default"},
                                  {"client_secret", kEnvSecret},
                                  {"grant_type", "client_credentials"}});

  http.respond(401, entra_error_body("invalid_client", "AADSTS7000222: The provided client secret keys are expired."));
  g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK_THAT(g.error, StartsWith("environment credential (client secret from AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                                 "AZURE_CLIENT_SECRET): Entra ID refused the client secret for client " +
                                 std::string(kClient) + ": AADSTS7000222"));
  CHECK_THAT(g.error, !Contains(kEnvSecret));
}

TEST_CASE("environment: AZURE_CLIENT_CERTIFICATE_PATH selects the client certificate", "[credentials][environment]") {
  testsupport::TempDir dir;
  const auto pem = dir / "client.pem";
  testsupport::write_file(pem, leaf_cert().cert_pem + encrypted_key_pem(leaf_cert(), "env-cert-password"));
  EnvGuard env;
  env.set("AZURE_TENANT_ID", kTenant)
      .set("AZURE_CLIENT_ID", kClient)
      .set("AZURE_CLIENT_CERTIFICATE_PATH", pem.string())
      .set("AZURE_CLIENT_CERTIFICATE_PASSWORD", "env-cert-password")
      .set("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "true");
  Cred c = make("environment");
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("cert-env-token"));
  REQUIRE(get(*c, http).ok);
  HttpRequest r = http.last();
  CHECK(r.url == std::string("https://login.microsoftonline.com/") + kTenant + "/oauth2/v2.0/token");
  auto form = form_map(r.body);
  CHECK(form.count("client_secret") == 0);
  CHECK(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  Jwt j = decode_jwt(form["client_assertion"]);
  CHECK(j.header.find("x5t")->as_string() == b64url(sha1(leaf_cert().der)));
  REQUIRE(j.header.find("x5c") != nullptr);
  CHECK(j.header.find("x5c")->as_array().size() == 1);
  CHECK(verify_rs256(leaf_cert().der, j.token));

  env.set("AZURE_CLIENT_CERTIFICATE_PASSWORD", "not-the-password");
  Cred wrong = make("environment");
  CHECK_FALSE(wrong.status.ok);
  CHECK_THAT(wrong.status.message, Contains("could not be decrypted; check certificate_password"));
  CHECK_THAT(wrong.status.message, !Contains("not-the-password"));
}

TEST_CASE("environment: AZURE_FEDERATED_TOKEN_FILE selects workload identity", "[credentials][environment]") {
  testsupport::TempDir dir;
  testsupport::write_file(dir / "token", "projected.sa.token");
  EnvGuard env;
  env.set("AZURE_TENANT_ID", kTenant)
      .set("AZURE_CLIENT_ID", kClient)
      .set("AZURE_FEDERATED_TOKEN_FILE", (dir / "token").string());
  Cred c = make("environment");
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, entra_token_body("wi"));
  REQUIRE(get(*c, http).ok);
  auto form = form_map(http.last().body);
  CHECK(form["client_assertion"] == "projected.sa.token");
  CHECK(form["client_id"] == kClient);
}

TEST_CASE("environment: IDENTITY_ENDPOINT selects managed identity, with AZURE_CLIENT_ID as the user-assigned one",
          "[credentials][environment]") {
  EnvGuard env;
  env.set("IDENTITY_ENDPOINT", "http://localhost:42356/msi/token")
      .set("IDENTITY_HEADER", "hdr-secret-123")
      .set("AZURE_CLIENT_ID", kClient);
  Cred c = make("environment");
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(200, R"({"access_token":"mi","expires_on":"1999999999","token_type":"Bearer"})");
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.expires_on == 1999999999);
  CHECK(http.last().url == "http://localhost:42356/msi/token?api-version=2019-08-01&resource="
                           "https%3A%2F%2Fmanagement.azure.com%2F&client_id=" + std::string(kClient));
  CHECK(header(http.last(), "X-IDENTITY-HEADER") == std::optional<std::string>("hdr-secret-123"));
}

TEST_CASE("environment: nothing set is an error naming the variables, and IMDS is never probed",
          "[credentials][environment]") {
  EnvGuard env;
  Cred c = make("environment");
  REQUIRE_FALSE(c.status.ok);
  CHECK(c.status.message ==
        "no credential is configured in the environment: looked for AZURE_TENANT_ID and AZURE_CLIENT_ID with "
        "AZURE_CLIENT_SECRET (client secret), AZURE_CLIENT_CERTIFICATE_PATH [AZURE_CLIENT_CERTIFICATE_PASSWORD, "
        "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN] (client certificate) or AZURE_FEDERATED_TOKEN_FILE (workload "
        "identity), then IDENTITY_ENDPOINT (managed identity); none of them is set. Set them, or choose another "
        "credential provider (azure-cli, managed-identity)");

  env.set("AZURE_CLIENT_ID", kClient).set("AZURE_CLIENT_SECRET", kEnvSecret);
  Cred partial = make("environment");
  REQUIRE_FALSE(partial.status.ok);
  CHECK_THAT(partial.status.message, Contains("only AZURE_CLIENT_ID, AZURE_CLIENT_SECRET are set; AZURE_TENANT_ID is missing"));
  CHECK_THAT(partial.status.message, !Contains(kEnvSecret));

  // IDENTITY_ENDPOINT alone names neither App Service nor Arc: IMDS is not probed instead.
  EnvGuard only_endpoint;
  only_endpoint.set("IDENTITY_ENDPOINT", "http://localhost:42356/msi/token");
  Cred ep = make("environment");
  REQUIRE_FALSE(ep.status.ok);
  CHECK_THAT(ep.status.message, StartsWith("IDENTITY_ENDPOINT is set, but neither IDENTITY_HEADER"));
  CHECK_THAT(ep.status.message, Contains("does not probe IMDS"));
}
