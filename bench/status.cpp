//===- bench/status.cpp - milink status over N links ----------------------===//
///
/// \file
/// An in-process emulator (fast profile) with N seeded, healthy links
/// (bench/emulated_links.hpp), then `milink status -c CONFIG --output json`
/// run by the real binary R times: the wall time of each (median and
/// slowest), the time the emulator alone takes to answer the status batch
/// (in-process), and the SQL statements and ARM requests one status costs.
/// Usage: bench_status [N ...]   (default 1 200)
///
//===----------------------------------------------------------------------===//
#include "app/emulator.hpp"
#include "emulated_links.hpp"
#include "sql/sql_engine.hpp"
#include "state/scenario.hpp"
#include "status/sql_side.hpp"
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::size_t count(const milink::sdk::Value& dump, const char* what, const char* server = nullptr) {
  const milink::sdk::Value* v = dump.get(what);
  if (server != nullptr) v = v->get(server);
  return v->as_array().size();
}

void bench(int n, int rounds) {
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::parse_scenario(benchlinks::scenario_text(n), "bench");
  o.profile = "fast";
  milink::emulator::Emulator emulator(o);
  emulator.start();
  benchlinks::build_links(emulator.world(), emulator.links(), n);
  // The emulator's share: the status batch run in-process, no TDS, no milink.
  double engine_seconds = 0;
  {
    milink::emulator::SqlEngine engine(emulator.world(), milink::emulator::Personality::SqlServer);
    milink::emulator::Session s;
    s.login = "sa";
    auto start = std::chrono::steady_clock::now();
    auto resp = engine.execute(s, milink::status::sql_side_batch(), {});
    engine_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (resp.has_error()) std::fprintf(stderr, "the status batch failed in the emulator\n");
  }
  testsupport::TempDir dir;
  emulator.write_config(dir / "config.json");
  std::vector<std::string> args{testsupport::milink_binary().string(), "status", "-c", "config.json", "--output",
                                "json"};
  std::vector<double> seconds;
  std::size_t sql = 0, arm = 0;
  int exit_code = -1;
  for (int i = 0; i < rounds; ++i) {
    auto before = emulator.dump();
    auto start = std::chrono::steady_clock::now();
    auto r = testsupport::run(args, dir.path());
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    auto after = emulator.dump();
    exit_code = r.exit_code;
    auto links = milink::sdk::parse_json(r.out).get("links")->as_array().size();
    if (links != static_cast<std::size_t>(n)) std::fprintf(stderr, "status showed %zu links, not %d\n", links, n);
    sql = count(after, "statement_log", "sql_server") - count(before, "statement_log", "sql_server");
    arm = count(after, "azure_requests") - count(before, "azure_requests");
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("| %3d | %d | %6.3f s | %6.3f s | %6.3f s | %zu | %zu | %d |\n", n, rounds, seconds[seconds.size() / 2],
              seconds.back(), engine_seconds, sql, arm, exit_code);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1, 200};
  std::printf("| links | runs | median | slowest | the batch in the emulator | SQL statements | ARM requests (incl. token) | exit code |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (int n : sizes) bench(n, 5);
  return 0;
}
