//===- bench/arm_requests.cpp - Sequential ARM GETs, connections kept or not ===//
///
/// \file
/// Starts the emulator in-process and sends N sequential GETs of the managed
/// instance through milink's ARM client and HTTP client (real TLS, verified
/// against the emulator's CA), as a no-op re-run's reads do, and reports
/// the wall time. With --no-keep-alive the HTTP client keeps no idle
/// connections (max_idle_per_origin 0): a TCP connection and a TLS
/// handshake per request, as before connections were kept.
/// Usage: bench_arm_requests [N=500] [--no-keep-alive]
///
//===----------------------------------------------------------------------===//
#include "bench_arm.hpp"
#include "test_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char** argv) {
  int n = 500;
  bool keep_alive = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-keep-alive") == 0) keep_alive = false;
    else n = std::atoi(argv[i]);
  }
  if (n <= 0) {
    std::fprintf(stderr, "usage: bench_arm_requests [N=500] [--no-keep-alive]\n");
    return 2;
  }
  testsupport::TempDir dir;
  milink::emulator::Emulator emu;
  emu.start();
  emu.write_config(dir / "milink.json");
  auto cfg = milink::workflow::load_config((dir / "milink.json").string());
  milink::bench::BenchArm arm(emu, cfg, [&](milink::http::ClientOptions& o) {
    if (!keep_alive) o.max_idle_per_origin = 0;
  });
  auto client = arm.open();
  const std::string path = client->coordinates().instance_path();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    milink::sdk::ArmResponse out;
    milink::sdk::ArmError err;
    if (!client->call("GET", path, "2025-01-01", milink::sdk::Value(), false, out, err)) {
      std::fprintf(stderr, "%s\n", err.describe("GET", path).c_str());
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d sequential ARM GETs, connections %s: %.3f s (%.2f ms each)\n", n,
              keep_alive ? "kept alive" : "one per request", secs, secs * 1000 / n);
  return 0;
}
