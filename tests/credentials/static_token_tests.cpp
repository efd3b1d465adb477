// static-token: a token from a variable or a file, its expiry from a JWT's exp.
#include "cred_support.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace credtest;
using Catch::Contains;
using Catch::StartsWith;

TEST_CASE("static-token from an environment variable takes its expiry from the JWT's exp", "[credentials][static-token]") {
  const std::int64_t exp = now() + 1234;
  const std::string jwt = make_unsigned_jwt(Object{{"aud", Value("https://management.azure.com/")}, {"exp", Value(exp)}});
  EnvGuard env;
  env.set("MILINK_TEST_STATIC_TOKEN", jwt + "\n");
  Cred c = make("static-token", Object{{"env", Value("MILINK_TEST_STATIC_TOKEN")}});
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == jwt);
  CHECK(g.token.expires_on == exp);
  CHECK(http.count() == 0);

  env.unset("MILINK_TEST_UNSET_TOKEN");
  Cred missing = make("static-token", Object{{"env", Value("MILINK_TEST_UNSET_TOKEN")}});
  CHECK_FALSE(missing.status.ok);
  CHECK(missing.status.message == "static-token: environment variable MILINK_TEST_UNSET_TOKEN is not set or empty");
}

TEST_CASE("static-token from a file: JWT exp, expires_in_seconds otherwise, re-read each time",
          "[credentials][static-token]") {
  testsupport::TempDir dir;
  const auto file = dir / "token";
  const std::int64_t exp = now() + 777;
  const std::string jwt = make_unsigned_jwt(Object{{"exp", Value(exp)}});
  testsupport::write_file(file, jwt);
  Cred c = make("static-token", Object{{"file", Value(file.string())}, {"expires_in_seconds", Value(120)}});
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == jwt);
  CHECK(g.token.expires_on == exp);

  testsupport::write_file(file, "  opaque-token-not-a-jwt\n");
  const std::int64_t before = now();
  g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "opaque-token-not-a-jwt");
  CHECK(g.token.expires_on >= before + 120);
  CHECK(g.token.expires_on <= now() + 120);
}

TEST_CASE("static-token refuses expired JWTs and bad parameters without showing the token",
          "[credentials][static-token]") {
  testsupport::TempDir dir;
  const std::string expired = make_unsigned_jwt(Object{{"exp", Value(std::int64_t(1700000000))}});
  testsupport::write_file(dir / "token", expired);
  Cred c = make("static-token", Object{{"file", Value((dir / "token").string())}});
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK(g.error == "static-token: the token in " + (dir / "token").string() +
                       " expired at 2023-11-14T22:13:20Z; hand over a fresh token");
  CHECK_THAT(g.error, !Contains(expired.substr(0, 20)));

  testsupport::write_file(dir / "token", "\n");
  CHECK(get(*c, http).error == "static-token: the token file " + (dir / "token").string() + " is empty");

  Cred both = make("static-token", Object{{"env", Value("X")}, {"file", Value("/tmp/x")}});
  CHECK_FALSE(both.status.ok);
  CHECK(both.status.message == "static-token needs exactly one of env (a variable name) and file (a path)");
  Cred neither = make("static-token");
  CHECK_FALSE(neither.status.ok);
  CHECK(neither.status.field == "env");
}
