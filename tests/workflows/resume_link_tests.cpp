// Kill -9 at every step boundary of workflows/replicate-database.json, then
// --resume: the resumed run finishes with exactly the objects of a clean
// run, and the emulator's statement log shows nothing was created twice.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>

using linkrig::Rig;
using milink::sdk::Value;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kSteps{"preflight", "network", "cert", "trust", "endpoint", "ag", "dag", "link", "verify"};


struct Objects {
  std::vector<std::string> creations;  ///< successful CREATE ... statements on SQL Server
  int trust_puts = 0, link_puts = 0;
  std::size_t links = 0, trust_certificates = 0;
  std::vector<std::string> ags;
  bool operator==(const Objects& o) const {
    return creations == o.creations && trust_puts == o.trust_puts && link_puts == o.link_puts && links == o.links &&
           trust_certificates == o.trust_certificates && ags == o.ags;
  }
};

Objects objects(Rig& rig) {
  Objects o;
  for (const char* p : {"CREATE MASTER KEY", "CREATE CERTIFICATE", "CREATE ENDPOINT", "CREATE AVAILABILITY GROUP"})
    for (auto& s : rig.statements(p)) o.creations.push_back(s.substr(0, s.find('\n')));
  std::sort(o.creations.begin(), o.creations.end());
  o.trust_puts = rig.arm_requests("PUT", "/serverTrustCertificates/");
  o.link_puts = rig.arm_requests("PUT", "/distributedAvailabilityGroups/");
  o.ags = rig.availability_groups();
  std::sort(o.ags.begin(), o.ags.end());
  auto lock = rig.emulator.world().lock();
  o.links = rig.emulator.world().azure.links.size();
  o.trust_certificates = rig.emulator.world().azure.server_trust_certificates.size();
  return o;
}

Objects clean_run() {
  Rig rig;
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  return objects(rig);
}

/// Runs the workflow slowly (every SQL batch and ARM request delayed),
/// kills it with SIGKILL as soon as \p boundary steps have ended, then
/// resumes it at full speed.
void kill_after_and_resume(int boundary) {
  static const Objects clean = clean_run();
  REQUIRE(clean.links == 1);
  Rig rig("{}", "sql:latency=60,arm:latency=60");
  pid_t pid = rig.spawn("replicate-database.json", {}, "first");
  REQUIRE(pid > 0);
  bool reached = testsupport::eventually([&] { return rig.finished_steps() >= boundary; }, 60000);
  ::kill(pid, SIGKILL);
  int code = testsupport::wait_for(pid);
  REQUIRE(reached);
  INFO("killed after " << boundary << " steps; exit " << code);
  rig.emulator.faults().set("");

  auto r = rig.run("replicate-database.json", {"--resume"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["verify"] != "failed");
  CHECK(objects(rig) == clean);
  // Nothing created twice: each CREATE appears once in the statement log.
  auto o = objects(rig);
  for (std::size_t i = 1; i < o.creations.size(); ++i) CHECK(o.creations[i] != o.creations[i - 1]);
  // And a run after that is a no-op.
  auto again = rig.run("replicate-database.json");
  REQUIRE(again.exit_code == 0);
  for (const auto& s : kSteps) CHECK(Rig::statuses(again.out)[s] == "ok");
}

}  // namespace

TEST_CASE("kill -9 after preflight then resume", "[workflows][resume]") { kill_after_and_resume(1); }
TEST_CASE("kill -9 after the network check then resume", "[workflows][resume]") { kill_after_and_resume(2); }
TEST_CASE("kill -9 after the certificate then resume", "[workflows][resume]") { kill_after_and_resume(3); }
TEST_CASE("kill -9 after the trust step then resume", "[workflows][resume]") { kill_after_and_resume(4); }
TEST_CASE("kill -9 after the endpoint then resume", "[workflows][resume]") { kill_after_and_resume(5); }
TEST_CASE("kill -9 after the AG then resume", "[workflows][resume]") { kill_after_and_resume(6); }
TEST_CASE("kill -9 after the DAG then resume", "[workflows][resume]") { kill_after_and_resume(7); }
TEST_CASE("kill -9 after the link then resume", "[workflows][resume]") { kill_after_and_resume(8); }

TEST_CASE("Ctrl-C while verify waits for seeding stops the run and resume finishes the link", "[workflows][resume]") {
  // The demo profile seeds the 64 MB sales database in about 7 s.
  Rig rig("{}", "", "demo");
  pid_t pid = rig.spawn("replicate-database.json", {}, "first");
  REQUIRE(pid > 0);
  bool seeding = testsupport::eventually(
      [&] { return testsupport::read_file(rig.dir / "first.stdout").find("MB of 64.0 MB") != std::string::npos; },
      60000);
  ::kill(pid, SIGINT);
  int code = testsupport::wait_for(pid);
  REQUIRE(seeding);
  CHECK(code == 130);
  std::string out = testsupport::read_file(rig.dir / "first.stdout");
  INFO(out.substr(out.size() > 3000 ? out.size() - 3000 : 0));
  CHECK(out.find("\"status\":\"failed\",\"reason\":\"interrupted: ") != std::string::npos);
  CHECK(out.find("\"result\":\"interrupted\"") != std::string::npos);

  auto r = rig.run("replicate-database.json", {"--resume"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK((st["verify"] == "changed" || st["verify"] == "ok"));
  CHECK(rig.instance_databases()["sales"] == "ONLINE");
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
}
