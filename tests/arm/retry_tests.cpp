// Retry-After parsing and the backoff schedule.
#include "retry/policy.hpp"

#include <catch2/catch.hpp>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

using namespace milink::retry;
using std::chrono::milliseconds;

TEST_CASE("Retry-After: delta seconds and HTTP dates") {
  auto now = std::chrono::system_clock::now();
  CHECK(parse_retry_after("7", now) == milliseconds(7000));
  CHECK(parse_retry_after(" 0 ", now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("", now).has_value());
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("-3", now).has_value());

  Poco::Timestamp in30 = Poco::Timestamp::fromEpochTime(std::chrono::system_clock::to_time_t(now) + 30);
  std::string date = Poco::DateTimeFormatter::format(in30, Poco::DateTimeFormat::HTTP_FORMAT);
  auto d = parse_retry_after(date, now);
  REQUIRE(d.has_value());
  CHECK(*d > milliseconds(28000));
  CHECK(*d <= milliseconds(30000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == milliseconds(0));  // in the past
}

TEST_CASE("retry-after-ms and x-ms-retry-after-ms win over Retry-After") {
  milink::sdk::HttpResponse r;
  r.headers = {{"Retry-After", "5"}};
  CHECK(retry_after(r, std::chrono::system_clock::now()) == milliseconds(5000));
  r.headers.push_back({"x-ms-retry-after-ms", "250"});
  CHECK(retry_after(r, std::chrono::system_clock::now()) == milliseconds(250));
  milink::sdk::HttpResponse none;
  CHECK_FALSE(retry_after(none, std::chrono::system_clock::now()).has_value());
}

TEST_CASE("full jitter stays within the exponential ceiling and the cap") {
  std::mt19937_64 rng(7);
  const milliseconds base(1000), cap(30000);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    long long ceiling = std::min<long long>(30000, 1000LL << (attempt - 1));
    long long max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      auto d = full_jitter(attempt, base, cap, rng);
      CHECK(d.count() >= 0);
      CHECK(d.count() <= ceiling);
      max_seen = std::max<long long>(max_seen, d.count());
    }
    CHECK(max_seen > ceiling / 2);  // it does use the range
  }
  CHECK(retryable_status(429));
  CHECK(retryable_status(503));
  CHECK_FALSE(retryable_status(501));
  CHECK_FALSE(retryable_status(409));
  CHECK(describe_duration(milliseconds(1500)) == "1.5 s");
  CHECK(describe_duration(milliseconds(250)) == "250 ms");
  CHECK(describe_duration(milliseconds(125000)) == "2 min 5 s");
}

TEST_CASE("Backoff: bounded in attempts, with Retry-After capped, and says how it retried") {
  std::mt19937_64 rng(42);
  Policy p;
  p.max_attempts = 4;
  p.base = milliseconds(100);
  p.cap = milliseconds(1000);
  p.max_retry_after = milliseconds(2000);
  Backoff b(p, rng);
  CHECK(b.attempt() == 1);
  CHECK(b.gave_up().empty());
  auto d1 = b.next();
  REQUIRE(d1);
  CHECK(*d1 <= milliseconds(100));
  CHECK(b.attempt() == 2);
  CHECK(b.retrying(milliseconds(1500)) == "retrying in 1.5 s (attempt 2 of 4)");
  auto d2 = b.next(milliseconds(60000));  // Retry-After: a minute, capped
  REQUIRE(d2);
  CHECK(*d2 == milliseconds(2000));
  CHECK(b.retrying(*d2, true) == "retrying in 2 s (Retry-After) (attempt 3 of 4)");
  auto d3 = b.next(milliseconds(0));
  REQUIRE(d3);
  CHECK(*d3 == milliseconds(0));
  CHECK_FALSE(b.next());  // 4 attempts made
  CHECK(b.attempt() == 4);
  CHECK(b.retries() == 3);
  CHECK(b.gave_up() == "retried 3 times over " + describe_duration(*d1 + *d2));
}

TEST_CASE("Backoff: bounded in total waiting time") {
  std::mt19937_64 rng(1);
  Policy p;
  p.max_attempts = 100;
  p.max_total = milliseconds(2500);
  Backoff b(p, rng);
  REQUIRE(b.next(milliseconds(1000)));
  REQUIRE(b.next(milliseconds(1000)));
  CHECK_FALSE(b.next(milliseconds(1000)));  // would wait 3 s in all
  CHECK(b.waited() == milliseconds(2000));
  CHECK(b.gave_up() == "retried 2 times over 2 s");
  Backoff once(p, rng);
  REQUIRE(once.next(milliseconds(250)));
  CHECK(once.gave_up() == "retried 1 time over 250 ms");
}
