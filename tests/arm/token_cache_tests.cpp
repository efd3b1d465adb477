// The token cache: reuse until shortly before expiry, one refresh at a
// time, every token registered as a secret at once.
#include "arm/token_cache.hpp"

#include "arm_fixture.hpp"

#include <catch2/catch.hpp>

using namespace armtest;
using milink::arm::TokenCache;
using milink::sdk::AccessToken;

namespace {
struct Clocked {
  std::atomic<std::int64_t> now{1'800'000'000};
  FakeCredential cred{[this] { return now.load(); }};
  milink::http::RefusingClient http{"no network in this test"};
  std::vector<std::string> secrets;
  TokenCache cache{cred, "fake", http, milink::sdk::TokenRequest{},
                   [this](const std::string& s) { secrets.push_back(s); }, [this] { return now.load(); }};
};
}  // namespace

TEST_CASE("a token is reused until 5 minutes before it expires, then refreshed") {
  Clocked c;
  AccessToken t;
  std::string err;
  REQUIRE(c.cache.get(t, err));
  CHECK(t.token == FakeCredential::token_for(1));
  CHECK(c.cred.calls == 1);
  c.now += 3600 - 301;  // 5 min + 1 s before expiry
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 1);
  CHECK(t.token == FakeCredential::token_for(1));
  c.now += 2;  // inside the last 5 minutes
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 2);
  CHECK(t.token == FakeCredential::token_for(2));
  CHECK(c.cache.fetches() == 2);
  // Each token was registered as a secret as soon as it arrived.
  CHECK(c.secrets == std::vector<std::string>{FakeCredential::token_for(1), FakeCredential::token_for(2)});
}

TEST_CASE("a short-lived token is refreshed after half its lifetime") {
  Clocked c;
  c.cred.lifetime = 240;  // 4 minutes: half is 2 minutes, less than the 5-minute margin
  AccessToken t;
  std::string err;
  REQUIRE(c.cache.get(t, err));
  c.now += 119;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 1);
  c.now += 2;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 2);
}

TEST_CASE("a token without an expiry is asked for again after 5 minutes") {
  Clocked c;
  c.cred.lifetime = 0;
  AccessToken t;
  std::string err;
  REQUIRE(c.cache.get(t, err));
  c.now += 299;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 1);
  c.now += 2;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 2);
}

TEST_CASE("concurrent callers share one refresh") {
  Clocked c;
  c.cred.delay_ms = 100;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      AccessToken t;
      std::string err;
      if (c.cache.get(t, err) && t.token == FakeCredential::token_for(1)) ++ok;
    });
  for (auto& th : threads) th.join();
  CHECK(ok == 8);
  CHECK(c.cred.calls == 1);
}

TEST_CASE("invalidate() forgets the refused token only") {
  Clocked c;
  AccessToken t;
  std::string err;
  REQUIRE(c.cache.get(t, err));
  c.cache.invalidate("some other token");
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 1);
  c.cache.invalidate(t.token);
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 2);
  CHECK(t.token == FakeCredential::token_for(2));
}

TEST_CASE("a provider failure names the credential and is not cached") {
  Clocked c;
  c.cred.fail = true;
  AccessToken t;
  std::string err;
  REQUIRE_FALSE(c.cache.get(t, err));
  CHECK(err == "azure.credential \"fake\" could not get a token for Azure Resource Manager: sign-in failed: check "
               "the client secret");
  c.cred.fail = false;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cred.calls == 2);
}

TEST_CASE("scrub() masks every token the cache handed out") {
  Clocked c;
  AccessToken t;
  std::string err;
  REQUIRE(c.cache.get(t, err));
  CHECK(c.cache.scrub("Bearer " + t.token + " and " + t.token) == "Bearer *** and ***");
  CHECK(c.cache.scrub("nothing secret") == "nothing secret");
}
