// Retry-After parsing and the backoff schedule.
#include "arm/retry.hpp"

#include <catch2/catch.hpp>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

using namespace milink::arm;
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
