// verify waits for a link that keeps making progress, however long the
// whole seeding takes: timeout_seconds bounds a stall, not the total. Its
// message says where the link ended; a link already healthy is ok.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

/// The reason of step \p step's step_end event in a --output json run.
std::string reason_of(const std::string& json_lines, const std::string& step) {
  std::istringstream in(json_lines);
  std::string line, reason;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() != '{') continue;
    Value e = milink::sdk::parse_json(line);
    if (e.get("event") && e.get("event")->as_string() == "step_end" && e.get("step")->as_string() == step)
      reason = e.get("reason")->as_string();
  }
  return reason;
}

}  // namespace

TEST_CASE("verify waits for a slow seeding that keeps moving longer than timeout_seconds", "[workflows][verify]") {
  // demo profile: the instance connects after ~3 s, the 64 MB sales
  // database seeds in ~7 s, catch-up ~1 s: ~11 s in all, with no pause of
  // 5 s in between. The old meaning (a limit on the total) failed here.
  Rig rig("{}", "", "demo");
  rig.set_input("verify_timeout_seconds", Value(5));
  rig.set_input("poll_interval_ms", Value(200));
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  REQUIRE(st["verify"] == "changed");
  // The end state, not what verify saw first ("waiting for the managed instance to connect").
  std::string reason = reason_of(r.out, "verify");
  CHECK(reason.rfind("the link [DAG_sales] is connected; seeding complete", 0) == 0);
  CHECK(reason.find(", after waiting ") != std::string::npos);
  CHECK(reason.find("waiting for the managed instance") == std::string::npos);

  SECTION("a link already healthy is ok, with its state as the message") {
    auto again = rig.run("replicate-database.json");
    REQUIRE(again.exit_code == 0);
    CHECK(Rig::statuses(again.out)["verify"] == "ok");
    CHECK(reason_of(again.out, "verify").rfind("the link [DAG_sales] is connected; seeding complete", 0) == 0);
  }
}
