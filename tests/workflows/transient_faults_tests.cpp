// The bundled workflow under transient faults on every service (ARM, Entra ID, SQL Server, the
// managed instance): at 10 % per service every run of a series of fault seeds succeeds; a service
// that stays down fails the run with a message naming it and how long milink retried, and a re-run
// once it is back converges.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <string>

using linkrig::Rig;

namespace {

bool contains(const std::string& s, const std::string& x) { return s.find(x) != std::string::npos; }

std::string faults_at(const std::string& p, int seed) {
  return "seed=" + std::to_string(seed) + ",arm:503~" + p + ",entra:503~" + p + ",sql:1205~" + p + ",mi:40613~" + p;
}

void check_all_done(const std::string& out) {
  auto st = Rig::statuses(out);
  CHECK(st.size() == 9);
  for (const auto& [step, status] : st) {
    INFO(step);
    CHECK((status == "ok" || status == "changed"));
  }
}

}  // namespace

TEST_CASE("with 10% transient faults on every service, every run of the workflow succeeds", "[workflows][faults]") {
  for (int seed : {1, 2, 3}) {
    INFO("fault seed " << seed);
    Rig rig("{}", faults_at("0.1", seed));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    check_all_done(r.out);
    // Faults did fire and were retried, visibly.
    using milink::emulator::Service;
    auto& f = rig.emulator.faults();
    CHECK(f.requests(Service::Sql) > 10);
    CHECK(f.requests(Service::Arm) > 3);
    CHECK(contains(r.out, "retrying in "));
  }
}

TEST_CASE("with 30% transient faults, a run either succeeds or names the failed service; a re-run converges",
          "[workflows][faults]") {
  for (int seed : {4, 5}) {
    INFO("fault seed " << seed);
    Rig rig("{}", faults_at("0.3", seed));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    if (r.exit_code != 0) {
      const std::string all = r.out + r.err;
      CHECK((contains(all, "sqlserver unavailable: retried ") || contains(all, "managed_instance unavailable: retried ") ||
             contains(all, "Azure Resource Manager unavailable: retried ") ||
             contains(all, "is unavailable (HTTP 503; retried ")));
      rig.emulator.faults().set("");
      auto again = rig.run("replicate-database.json", {"--resume"});
      INFO(again.out << again.err);
      REQUIRE(again.exit_code == 0);
    }
    auto check = rig.run("replicate-database.json");
    REQUIRE(check.exit_code == 0);
    check_all_done(check.out);
  }
}

TEST_CASE("a managed instance that stays unavailable fails the run naming it; a re-run converges",
          "[workflows][faults]") {
  Rig rig("{}", "mi:40613");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "is not currently available."));
  CHECK(contains(r.out, "(managed_instance unavailable: retried 5 times over "));
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  check_all_done(again.out);
}

TEST_CASE("SQL Server deadlocks that do not clear fail the run naming SQL Server", "[workflows][faults]") {
  Rig rig("{}", "sql:1205");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "chosen as the deadlock victim"));
  CHECK(contains(r.out, "(sqlserver unavailable: retried 5 times over "));
  CHECK(contains(r.out, "sqlserver: deadlock victim (1205), a transient error; retrying in "));
}

TEST_CASE("an Entra ID that stays unavailable is not blamed on the credentials", "[workflows][faults]") {
  Rig rig("{}", "entra:503");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "is unavailable (HTTP 503; retried 5 times over "));
  CHECK(contains(r.out, "this is the service, not your credentials: run again later"));
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
}

TEST_CASE("an ARM that stays unavailable fails the run naming Azure Resource Manager", "[workflows][faults]") {
  Rig rig("{}", "arm:503");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "(Azure Resource Manager unavailable: retried 5 times over "));
  CHECK(contains(r.out, "(attempt 6 of 6)"));
}
