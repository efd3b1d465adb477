// POST /_emulator/clock: scenario time travel at run time. The emulated
// servers' dates move forward; the route answers loopback clients only,
// moves the clock forward only, and says what it expects otherwise.
#include "armemu_support.hpp"

#include "state/time_util.hpp"

#include <catch2/catch.hpp>

using namespace armemu;

TEST_CASE("POST /_emulator/clock moves the emulated clock forward, and refuses anything else", "[armemu][clock]") {
  Env& e = env();
  const std::int64_t before = milink::emulator::clock_offset_seconds();
  const std::int64_t real = milink::emulator::to_unix_seconds(milink::emulator::now_utc()) - before;

  Reply r = https(e.azure->arm_port(), "POST", "/_emulator/clock", R"({"advance_days": 360})", {}, e.ca_file);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json().get("offset_seconds")->as_int() == before + 360 * 86400);
  CHECK(milink::emulator::clock_offset_seconds() == before + 360 * 86400);
  // The emulated servers' time is now 360 days on (give or take the seconds this test took).
  const std::int64_t ahead = milink::emulator::to_unix_seconds(milink::emulator::now_utc()) - real;
  CHECK(ahead >= before + 360 * 86400);
  CHECK(ahead < before + 360 * 86400 + 600);

  Reply secs = https(e.azure->arm_port(), "POST", "/_emulator/clock", R"({"advance_seconds": 60})", {}, e.ca_file);
  CHECK(secs.status == 200);
  CHECK(secs.json().get("offset_seconds")->as_int() == before + 360 * 86400 + 60);

  const std::string usage = "Expected {\"advance_days\": N} or {\"advance_seconds\": N} (0 to 36500 days ahead in all).";
  for (const char* body : {R"({})", R"({"advance_days": 1, "advance_seconds": 1})", R"({"advance_days": "1"})",
                           R"({"advance_days": 1.5})"}) {
    Reply bad = https(e.azure->arm_port(), "POST", "/_emulator/clock", body, {}, e.ca_file);
    INFO(body << ": " << bad.body);
    CHECK(bad.status == 400);
    CHECK(bad.error_code() == "InvalidClockRequest");
    CHECK(bad.error_message() == usage);
  }
  Reply back = https(e.azure->arm_port(), "POST", "/_emulator/clock", R"({"advance_days": -1})", {}, e.ca_file);
  CHECK(back.status == 400);
  CHECK(back.error_message() == "The clock moves forward only, and at most 36500 days ahead. " + usage);
  Reply far = https(e.azure->arm_port(), "POST", "/_emulator/clock", R"({"advance_days": 36500})", {}, e.ca_file);
  CHECK(far.status == 400);
  CHECK(far.error_code() == "InvalidClockRequest");
  Reply junk = https(e.azure->arm_port(), "POST", "/_emulator/clock", "not json", {}, e.ca_file);
  CHECK(junk.status == 400);
  CHECK(junk.error_code() == "InvalidClockRequest");
  CHECK(milink::emulator::clock_offset_seconds() == before + 360 * 86400 + 60);  // none of these moved it

  milink::emulator::set_clock_offset_seconds(before);
}
