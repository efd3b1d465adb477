//===- bench/link_scaling.cpp - A statement's cost with N links -----------===//
///
/// \file
/// The emulator in-process (SqlEngine, LinkSimulator, fast profile) with N
/// seeded, healthy links (one database, AG and DAG each, built with the
/// documented T-SQL), then the time per statement of a query (`SELECT 1`)
/// and of a statement that changes the world (`ALTER DATABASE ... SET
/// RECOVERY FULL`), each run many times. Before the link simulation was
/// lazy, every statement advanced every link, so both grew with N.
/// Usage: bench_link_scaling [N ...]   (default 1 100 500)
///
//===----------------------------------------------------------------------===//
#include "emulated_links.hpp"
#include "engine/engine.hpp"
#include "link/link_simulator.hpp"
#include "sql/sql_engine.hpp"
#include "state/scenario.hpp"
#include "state/world.hpp"

#include <milink/sdk/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace {

using namespace milink::emulator;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

Response run(SqlEngine& e, Session& s, const std::string& batch) {
  Response r = e.execute(s, batch, {});
  if (r.has_error()) throw std::runtime_error("failed: " + batch);
  return r;
}

void bench(int n) {
  EmulatorWorld world(parse_scenario(benchlinks::scenario_text(n), "bench"));
  LinkSimulator sim(world, TimingProfile::fast());
  benchlinks::build_links(world, sim, n);
  SqlEngine sql(world, Personality::SqlServer);
  Session s;
  s.spid = 51;
  s.login = "sa";
  s.database = "master";

  auto per_statement = [&](const std::string& batch, int rounds) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) run(sql, s, batch);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / rounds;
  };
  per_statement("SELECT 1", 200);  // warm up
  double query = per_statement("SELECT 1", 3000);
  double change = per_statement("ALTER DATABASE [" + benchlinks::db_name(1) + "] SET RECOVERY FULL", 300);
  std::printf("| %3d | %8.1f us | %8.1f us |\n", n, query, change);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1, 100, 500};
  std::printf("| links | `SELECT 1` | `ALTER DATABASE ... SET RECOVERY FULL` |\n|---|---|---|\n");
  for (int n : sizes) bench(n);
  return 0;
}
