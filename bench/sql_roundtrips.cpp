//===- bench/sql_roundtrips.cpp - SQL through ODBC to the emulator --------===//
///
/// \file
/// Starts milink-emulator as its own process (so its memory can be read
/// from /proc), then measures through milink's SQL service (POCO ->
/// unixODBC -> FreeTDS -> TDS):
///   1. round trips per second of `SELECT 1` and of a parameterised catalog
///      query on one session, and on 4 sessions in parallel;
///   2. the emulator's resident memory idle and with 100 concurrent
///      connections open (each has run one query).
/// Usage: bench_sql_roundtrips [ROUNDS]   (default 2000)
///
//===----------------------------------------------------------------------===//
#include "sql/sql_service.hpp"
#include "test_support.hpp"
#include "workflow/config.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double run_queries(milink::sdk::SqlSession& s, int n, const std::string& sql,
                   const std::vector<milink::sdk::SqlValue>& params) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    milink::sdk::SqlResult r;
    milink::sdk::SqlError e;
    if (!s.execute(sql, params, true, r, e)) {
      std::fprintf(stderr, "query failed: %d %s\n", e.number, e.message.c_str());
      std::exit(1);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  testsupport::TempDir dir;
  pid_t pid = testsupport::spawn({MILINK_EMULATOR_BINARY, "--write-config", (dir / "milink.json").string()},
                                 dir.path(), {}, "emulator");
  std::regex ready("ready sql_port=([0-9]+)");
  if (!testsupport::eventually(
          [&] { return std::regex_search(testsupport::read_file(dir / "emulator.stdout"), ready); })) {
    std::fprintf(stderr, "emulator did not start\n");
    return 1;
  }
  auto cfg = milink::workflow::load_config((dir / "milink.json").string());
  milink::sql::SqlService service(cfg.root);
  std::string error;

  std::printf("milink SQL service -> unixODBC -> FreeTDS -> milink-emulator (loopback), %d rounds\n", rounds);
  {
    auto s = service.open("sqlserver", false, {}, error);
    if (!s) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    run_queries(*s, 50, "SELECT 1", {});  // warm up
    double t = run_queries(*s, rounds, "SELECT 1", {});
    std::printf("  SELECT 1, one session:                 %8.0f round trips/s (%.3f ms each)\n", rounds / t,
                1000 * t / rounds);
    double tp = run_queries(*s, rounds, "SELECT name, state_desc FROM sys.databases WHERE name = ?",
                            {milink::sdk::SqlValue::nvarchar("sales")});
    std::printf("  parameterised sys.databases, one:      %8.0f round trips/s (%.3f ms each)\n", rounds / tp,
                1000 * tp / rounds);
  }
  {
    const int threads = 4;
    std::vector<std::thread> pool;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < threads; ++i)
      pool.emplace_back([&] {
        std::string err;
        auto s = service.open("sqlserver", false, {}, err);
        if (s) run_queries(*s, rounds, "SELECT 1", {});
      });
    for (auto& t : pool) t.join();
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  SELECT 1, %d sessions in parallel:      %8.0f round trips/s in total\n", threads,
                threads * rounds / t);
  }
  {
    long idle = rss_kib(pid);
    std::vector<std::unique_ptr<milink::sql::OdbcSqlSession>> sessions;
    for (int i = 0; i < 100; ++i) {
      auto s = service.open("sqlserver", false, {}, error);
      if (!s) {
        std::fprintf(stderr, "connection %d: %s\n", i, error.c_str());
        return 1;
      }
      run_queries(*s, 1, "SELECT @@SPID", {});
      sessions.push_back(std::move(s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    long busy = rss_kib(pid);
    std::printf("  emulator RSS idle:                     %8ld KiB\n", idle);
    std::printf("  emulator RSS with 100 connections:     %8ld KiB (%.1f KiB per connection)\n", busy,
                (busy - idle) / 100.0);
  }
  ::kill(pid, SIGINT);
  testsupport::wait_for(pid);
  return 0;
}
