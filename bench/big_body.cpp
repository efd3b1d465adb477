//===- bench/big_body.cpp - SQL latency while huge ARM bodies arrive ------===//
///
/// \file
/// Does a huge ARM request body hold up the SQL side? Starts the emulator
/// in-process, then runs N sequential catalog queries on SQL Server (through
/// milink's SQL service: POCO -> unixODBC -> FreeTDS -> TDS) twice: alone,
/// and while another thread keeps PUTting a serverTrustCertificate whose
/// body is just under the ARM listener's 4 MiB limit (a publicBlob of hex
/// that is not a certificate, so every PUT is parsed, validated, decoded
/// and refused with 400 InvalidPublicBlob). Both sides share the emulator's
/// world lock; the body is parsed before the lock is taken. Prints each
/// pass's query latency (median, 99th percentile, max) and the PUTs' time.
/// The loaded pass runs at least N queries and lasts at least 40 PUTs.
/// Usage: bench_big_body [N=2000]
///
//===----------------------------------------------------------------------===//
#include "bench_arm.hpp"
#include "sql/sql_service.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Latencies {
  double median_ms = 0, p99_ms = 0, max_ms = 0;
};

Latencies summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Latencies l;
  l.median_ms = ms[ms.size() / 2];
  l.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  l.max_ms = ms.back();
  return l;
}

/// Runs the query \p n times, and on while \p more() says so.
template <typename More>
std::vector<double> run_queries(milink::sdk::SqlSession& s, int n, More more) {
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n || more(); ++i) {
    auto t0 = Clock::now();
    milink::sdk::SqlResult r;
    milink::sdk::SqlError e;
    if (!s.execute("SELECT name, state_desc FROM sys.databases", {}, true, r, e)) {
      std::fprintf(stderr, "query failed: %d %s\n", e.number, e.message.c_str());
      std::exit(1);
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: bench_big_body [N=2000]\n");
    return 2;
  }
  testsupport::TempDir dir;
  milink::emulator::Emulator emu;
  emu.start();
  emu.write_config(dir / "milink.json");
  auto cfg = milink::workflow::load_config((dir / "milink.json").string());

  milink::sql::SqlService sql(cfg.root, (dir / "milink.json").string());  // its ca_file is relative to it
  std::string error;
  auto session = sql.open("sqlserver", true, {}, error);
  if (!session) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }

  milink::bench::BenchArm arm(emu, cfg);
  auto client = arm.open();
  const std::string path = client->coordinates().instance_path() + "/serverTrustCertificates/big";
  // 4,000,000 hex digits: with the JSON around it, just under 4 MiB.
  const milink::sdk::Value body(milink::sdk::Object{
      {"properties", milink::sdk::Value(milink::sdk::Object{{"publicBlob", milink::sdk::Value("0x" + std::string(4000000, 'A'))}})}});

  auto no_more = [] { return false; };
  run_queries(*session, 50, no_more);  // warm up: the session, the view cache
  const auto alone_ms = run_queries(*session, n, no_more);
  const Latencies alone = summarize(alone_ms);

  constexpr int kPuts = 40;  // the loaded pass lasts at least this many PUTs
  std::atomic<bool> done{false};
  std::atomic<int> puts{0}, refused{0};
  double put_seconds = 0;
  std::thread putter([&] {
    auto t0 = Clock::now();
    while (!done) {
      milink::sdk::ArmResponse out;
      milink::sdk::ArmError err;
      if (!client->call("PUT", path, "2025-01-01", body, false, out, err) && err.status == 400) ++refused;
      ++puts;
    }
    put_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  });
  while (puts == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the first body is on its way
  const auto loaded_ms = run_queries(*session, n, [&] { return puts < kPuts; });
  const Latencies loaded = summarize(loaded_ms);
  done = true;
  putter.join();

  std::printf("sequential catalog queries on SQL Server (sys.databases), ms per query:\n");
  std::printf("  alone (%zu queries):                      median %.2f  p99 %.2f  max %.2f\n", alone_ms.size(), alone.median_ms, alone.p99_ms,
              alone.max_ms);
  std::printf("  with 4 MB ARM PUTs running (%zu queries): median %.2f  p99 %.2f  max %.2f\n", loaded_ms.size(),
              loaded.median_ms, loaded.p99_ms,
              loaded.max_ms);
  std::printf("  %d PUTs of %zu bytes meanwhile (%d refused with 400 as expected), %.1f ms each\n", puts.load(),
              body.to_json().size(), refused.load(), put_seconds * 1000 / std::max(1, puts.load()));
  return refused == puts ? 0 : 1;
}
