// managed-identity: source selection, the exact requests for IMDS, App
// Service and Azure Arc, the Arc challenge's safety checks, IMDS retries.
#include "cred_support.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <sys/stat.h>
#include <unistd.h>

using namespace credtest;
using Catch::Contains;
using Catch::StartsWith;

namespace {

const std::string kArm = "https%3A%2F%2Fmanagement.azure.com%2F";
const std::string kImdsUrl =
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + kArm;

std::string mi_body(const std::string& token, std::int64_t expires_on) {
  return Value(Object{{"access_token", Value(token)},
                      {"client_id", Value("c0ffee00-0000-0000-0000-000000000000")},
                      {"expires_in", Value("86399")},
                      {"expires_on", Value(std::to_string(expires_on))},
                      {"ext_expires_in", Value("86399")},
                      {"not_before", Value(std::to_string(expires_on - 86399))},
                      {"resource", Value("https://management.azure.com/")},
                      {"token_type", Value("Bearer")}})
      .to_json();
}

Object fast_retries(Object p = {}) {
  p.set("retry_delay_ms", Value(1));
  return p;
}

}  // namespace

TEST_CASE("managed-identity uses IMDS when no App Service or Arc variables are set", "[credentials][managed-identity]") {
  EnvGuard env;
  Cred c = make("managed-identity");
  REQUIRE(c.status.ok);
  FakeHttp http;
  const std::int64_t exp = now() + 86399;
  http.respond(200, mi_body("imds-token", exp));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "imds-token");
  CHECK(g.token.expires_on == exp);
  REQUIRE(http.count() == 1);
  HttpRequest r = http.last();
  CHECK(r.method == "GET");
  CHECK(r.url == kImdsUrl);
  CHECK(r.body.empty());
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].name == "Metadata");
  CHECK(r.headers[0].value == "true");
}

TEST_CASE("managed-identity: endpoint override and user-assigned identities", "[credentials][managed-identity]") {
  EnvGuard env;
  FakeHttp http;
  http.always(200, R"({"access_token":"t","expires_in":"3600","token_type":"Bearer"})");

  Cred c = make("managed-identity", Object{{"endpoint", Value("http://127.0.0.1:50342/metadata/identity/oauth2/token")},
                                           {"client_id", Value(kClient)}});
  REQUIRE(c.status.ok);
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.expires_on >= now() + 3599);  // expires_in alone is enough
  CHECK(http.last().url == "http://127.0.0.1:50342/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" +
                               kArm + "&client_id=" + kClient);

  Cred by_object = make("managed-identity", Object{{"object_id", Value("11111111-2222-3333-4444-555555555555")}});
  REQUIRE(get(*by_object, http).ok);
  CHECK(http.last().url == kImdsUrl + "&object_id=11111111-2222-3333-4444-555555555555");

  const std::string rid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi";
  Cred by_resource = make("managed-identity", Object{{"resource_id", Value(rid)}});
  REQUIRE(get(*by_resource, http).ok);
  CHECK(http.last().url == kImdsUrl + "&msi_res_id=%2Fsubscriptions%2Fs%2FresourceGroups%2Frg%2Fproviders%2F"
                                      "Microsoft.ManagedIdentity%2FuserAssignedIdentities%2Fmi");

  Cred two = make("managed-identity", Object{{"client_id", Value(kClient)}, {"object_id", Value("x")}});
  CHECK_FALSE(two.status.ok);
  CHECK(two.status.message == "set at most one of client_id, object_id and resource_id");
}

TEST_CASE("managed-identity retries IMDS on 429 and 503, then succeeds", "[credentials][managed-identity]") {
  EnvGuard env;
  Cred c = make("managed-identity", fast_retries());
  REQUIRE(c.status.ok);
  FakeHttp http;
  http.respond(429, R"({"error":"too_many_requests"})")
      .respond(503, "Service Unavailable")
      .respond(200, mi_body("after-retries", now() + 600));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "after-retries");
  REQUIRE(http.count() == 3);
  for (const auto& r : http.requests()) CHECK(r.url == kImdsUrl);
}

TEST_CASE("managed-identity gives up after max_retries and explains IMDS errors", "[credentials][managed-identity]") {
  EnvGuard env;
  FakeHttp http;

  SECTION("5xx every time") {
    Cred c = make("managed-identity", fast_retries(Object{{"max_retries", Value(2)}}));
    REQUIRE(c.status.ok);
    http.always(500, R"({"error":"unknown","error_description":"Internal error"})");
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK(http.count() == 3);
    CHECK(g.error == "IMDS managed identity: http://169.254.169.254 answered HTTP 500 after 3 attempts: unknown: "
                     "Internal error; the endpoint had an internal error; retry later");
  }
  SECTION("Retry-After is honoured") {
    Cred c = make("managed-identity", fast_retries());
    http.respond(429, "", {{"Retry-After", "1"}}).respond(200, mi_body("t", now() + 60));
    auto start = std::chrono::steady_clock::now();
    REQUIRE(get(*c, http).ok);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(950));
    CHECK(http.count() == 2);
  }
  SECTION("410 while IMDS is updating") {
    Cred c = make("managed-identity", fast_retries(Object{{"max_retries", Value(1)}}));
    http.always(410, "");
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK(http.count() == 2);
    CHECK_THAT(g.error, Contains("HTTP 410 after 2 attempts"));
    CHECK_THAT(g.error, Contains("IMDS is being updated"));
  }
  SECTION("400 identity not found is not retried") {
    Cred c = make("managed-identity", fast_retries());
    http.respond(400, R"({"error":"invalid_request","error_description":"Identity not found"})");
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK(http.count() == 1);
    CHECK(g.error == "IMDS managed identity: http://169.254.169.254 answered HTTP 400: invalid_request: Identity not "
                     "found; check that this VM has a system-assigned managed identity (or set client_id for a "
                     "user-assigned one)");
  }
  SECTION("no IMDS at all (not an Azure VM)") {
    Cred c = make("managed-identity", fast_retries());
    http.fail("timed out after 30 s");
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK(http.count() == 1);
    CHECK(g.error == "could not reach the IMDS managed identity endpoint at http://169.254.169.254: timed out after "
                     "30 s; IMDS exists only on Azure VMs and scale sets; elsewhere choose another credential provider "
                     "(no App Service or Azure Arc variables are set)");
  }
}

TEST_CASE("managed-identity uses App Service when IDENTITY_ENDPOINT and IDENTITY_HEADER are set",
          "[credentials][managed-identity]") {
  EnvGuard env;
  const std::string header_secret = "8A0B5A0D-APP-SERVICE-HEADER-SECRET";
  env.set("IDENTITY_ENDPOINT", "http://localhost:42356/msi/token").set("IDENTITY_HEADER", header_secret);
  Cred c = make("managed-identity", fast_retries(Object{{"client_id", Value(kClient)}}));
  REQUIRE(c.status.ok);
  FakeHttp http;
  const std::int64_t exp = now() + 3600;
  http.respond(200, mi_body("app-service-token", exp));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "app-service-token");
  CHECK(g.token.expires_on == exp);
  HttpRequest r = http.last();
  CHECK(r.method == "GET");
  CHECK(r.url == "http://localhost:42356/msi/token?api-version=2019-08-01&resource=" + kArm + "&client_id=" + kClient);
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].name == "X-IDENTITY-HEADER");
  CHECK(r.headers[0].value == header_secret);

  http.respond(400, R"({"statusCode":400,"message":"Unable to load the proper Managed Identity. header=)" +
                        header_secret + R"("})");
  g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK_THAT(g.error, StartsWith("App Service managed identity: http://localhost:42356 answered HTTP 400: Unable to "
                                 "load the proper Managed Identity."));
  CHECK_THAT(g.error, !Contains(header_secret));

  env.set("IDENTITY_SERVER_THUMBPRINT", "ABCDEF");
  Cred sf = make("managed-identity");
  CHECK_FALSE(sf.status.ok);
  CHECK_THAT(sf.status.message, Contains("Service Fabric managed identity, which milink does not support"));
}

namespace {

struct ArcSetup {
  testsupport::TempDir dir;
  std::string key_dir;
  EnvGuard env;
  ArcSetup() {
    key_dir = (dir / "tokens").string() + "/";
    std::filesystem::create_directories(key_dir);
    env.set("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/metadata/identity/oauth2/token")
        .set("IMDS_ENDPOINT", "http://127.0.0.1:40342");
  }
  Cred make_cred() { return make("managed-identity", fast_retries(Object{{"arc_key_directory", Value(key_dir)}})); }
  static std::vector<HttpHeader> challenge(const std::string& path) {
    return {{"WWW-Authenticate", "Basic realm=" + path}};
  }
};

const std::string kArcUrl =
    "http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2019-11-01&resource=" + kArm;

}  // namespace

TEST_CASE("managed-identity answers the Azure Arc challenge with the key file", "[credentials][managed-identity]") {
  ArcSetup arc;
  const std::string key = "arc-key-7b0c1d2e3f405162738495a6b7c8d9e0";
  testsupport::write_file(arc.key_dir + "abc123.key", key);
  Cred c = arc.make_cred();
  REQUIRE(c.status.ok);
  FakeHttp http;
  const std::int64_t exp = now() + 3600;
  http.respond(401, "", ArcSetup::challenge(arc.key_dir + "abc123.key")).respond(200, mi_body("arc-token", exp));
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "arc-token");
  CHECK(g.token.expires_on == exp);
  REQUIRE(http.count() == 2);
  auto reqs = http.requests();
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].url == kArcUrl);
  CHECK(header(reqs[0], "Metadata") == std::optional<std::string>("true"));
  CHECK_FALSE(header(reqs[0], "Authorization"));
  CHECK(reqs[1].url == kArcUrl);
  CHECK(header(reqs[1], "Metadata") == std::optional<std::string>("true"));
  CHECK(header(reqs[1], "Authorization") == std::optional<std::string>("Basic " + key));

  SECTION("an error after the challenge does not reveal the key") {
    http.respond(401, "", ArcSetup::challenge(arc.key_dir + "abc123.key"))
        .respond(400, R"({"error":"invalid_request","error_description":"bad key )" + key + R"("})");
    Got e = get(*c, http);
    REQUIRE_FALSE(e.ok);
    CHECK_THAT(e.error, StartsWith("Azure Arc managed identity: http://127.0.0.1:40342 answered HTTP 400"));
    CHECK_THAT(e.error, !Contains(key));
  }
}

TEST_CASE("managed-identity refuses Arc challenges that point outside the token directory",
          "[credentials][managed-identity]") {
  ArcSetup arc;
  testsupport::write_file(arc.key_dir + "ok.key", "k");
  testsupport::write_file(arc.key_dir + "sub/nested.key", "k");
  testsupport::write_file(arc.key_dir + "notakey.txt", "k");
  testsupport::write_file(arc.key_dir + "big.key", std::string(4097, 'x'));
  testsupport::write_file(arc.dir / "outside.key", "k");
  REQUIRE(::symlink((arc.dir / "outside.key").c_str(), (arc.key_dir + "link.key").c_str()) == 0);
  REQUIRE(::mkdir((arc.key_dir + "dir.key").c_str(), 0700) == 0);
  Cred c = arc.make_cred();
  REQUIRE(c.status.ok);

  for (const std::string& realm :
       {std::string("/etc/shadow"), (arc.dir / "outside.key").string(), arc.key_dir + "../outside.key",
        arc.key_dir + "sub/nested.key", arc.key_dir + "notakey.txt", arc.key_dir + ".key", arc.key_dir,
        std::string("relative/ok.key")}) {
    CAPTURE(realm);
    FakeHttp http;
    http.respond(401, "", ArcSetup::challenge(realm));
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK_THAT(g.error, StartsWith("refused the Azure Arc challenge: the key file it names (" + realm +
                                   ") is not a .key file directly inside " + arc.key_dir));
    CHECK(http.count() == 1);  // nothing was sent back
  }
  for (const std::string name : {"link.key", "dir.key"}) {
    FakeHttp http;
    http.respond(401, "", ArcSetup::challenge(arc.key_dir + name));
    Got g = get(*c, http);
    CHECK(g.error == "refused the Azure Arc challenge: " + arc.key_dir + name + " is not a regular file");
    CHECK(http.count() == 1);
  }
  {
    FakeHttp http;
    http.respond(401, "", ArcSetup::challenge(arc.key_dir + "big.key"));
    Got g = get(*c, http);
    CHECK(g.error == "refused the Azure Arc challenge: " + arc.key_dir + "big.key is larger than 4096 bytes");
    CHECK(http.count() == 1);
  }
  {
    FakeHttp http;
    http.respond(401, "", {{"WWW-Authenticate", "Bearer realm=\"x\""}});
    Got g = get(*c, http);
    CHECK(g.error == "the Azure Arc endpoint's challenge is not 'Basic realm=<key file>'; refusing it");
    FakeHttp http2;
    http2.respond(401, "");
    CHECK_THAT(get(*c, http2).error, StartsWith("the Azure Arc endpoint answered 401 without a WWW-Authenticate header"));
  }
  {
    // The happy path still works with the same provider.
    FakeHttp http;
    http.respond(401, "", ArcSetup::challenge(arc.key_dir + "ok.key")).respond(200, mi_body("t", now() + 60));
    CHECK(get(*c, http).ok);
  }
}

TEST_CASE("managed-identity: Arc has only the system-assigned identity, and the source can be forced",
          "[credentials][managed-identity]") {
  {
    ArcSetup arc;
    Cred c = make("managed-identity", Object{{"client_id", Value(kClient)}});
    CHECK_FALSE(c.status.ok);
    CHECK_THAT(c.status.message, StartsWith("Azure Arc supports only the machine's system-assigned identity"));
  }
  {
    // IMDS forced although App Service variables are set.
    EnvGuard env;
    env.set("IDENTITY_ENDPOINT", "http://localhost:1/msi").set("IDENTITY_HEADER", "h");
    Cred c = make("managed-identity", Object{{"source", Value("imds")}});
    REQUIRE(c.status.ok);
    FakeHttp http;
    http.respond(200, mi_body("t", now() + 60));
    REQUIRE(get(*c, http).ok);
    CHECK(http.last().url == kImdsUrl);
  }
  {
    // Arc forced at an emulator's endpoint, without the agent's variables.
    EnvGuard env;
    Cred c = make("managed-identity", Object{{"source", Value("arc")}, {"endpoint", Value("http://127.0.0.1:9/token")}});
    REQUIRE(c.status.ok);
    FakeHttp http;
    http.respond(200, mi_body("t", now() + 60));
    REQUIRE(get(*c, http).ok);
    CHECK(http.last().url == "http://127.0.0.1:9/token?api-version=2019-11-01&resource=" + kArm);
  }
  {
    EnvGuard env;
    Cred c = make("managed-identity", Object{{"source", Value("app-service")}});
    CHECK_FALSE(c.status.ok);
    CHECK_THAT(c.status.message, StartsWith("App Service managed identity needs IDENTITY_ENDPOINT"));
  }
}
