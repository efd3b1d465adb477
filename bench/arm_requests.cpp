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
#include "app/emulator.hpp"
#include "arm/arm_setup.hpp"
#include "http/http_client.hpp"
#include "minted_token.hpp"
#include "test_support.hpp"
#include "workflow/config.hpp"

#include <milink/sdk/credential.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

using milink::bench::MintedToken;

}  // namespace

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
  auto settings = milink::arm::read_azure_settings(cfg.root, cfg.file);
  milink::http::ClientOptions options = milink::arm::http_options(settings);
  if (!keep_alive) options.max_idle_per_origin = 0;
  milink::http::Client http(options);
  MintedToken token(emu.azure().mint_token());
  milink::arm::ArmService arm(settings, cfg.file, http,
                              [&](const std::string&, const std::string&, std::string&) -> milink::sdk::Provider* {
                                return &token;
                              },
                              [](const std::string&) {});
  std::string error;
  auto client = arm.open({}, false, error);
  if (!client) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
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
