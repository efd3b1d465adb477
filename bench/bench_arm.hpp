//===- bench/bench_arm.hpp - milink's ARM client for benches ----*- C++ -*-===//
///
/// \file
/// milink's ARM client (its HTTP client, real TLS verified against the
/// emulator's CA) for the config an in-process emulator wrote, with a
/// MintedToken so that a bench measures ARM requests and not token
/// requests. What bench_arm_link, bench_arm_requests and bench_big_body
/// send their requests through.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "app/emulator.hpp"
#include "arm/arm_setup.hpp"
#include "http/http_client.hpp"
#include "minted_token.hpp"
#include "workflow/config.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

namespace milink::bench {

class BenchArm {
public:
  /// \p tweak may change the HTTP client's options (e.g. no kept connections).
  BenchArm(milink::emulator::Emulator& emu, const milink::workflow::Config& cfg,
           const std::function<void(milink::http::ClientOptions&)>& tweak = {})
      : settings_(milink::arm::read_azure_settings(cfg.root, cfg.file)),
        http_(options(settings_, tweak)),
        token_(emu.azure().mint_token()),
        arm_(settings_, cfg.file, http_,
             [this](const std::string&, const std::string&, std::string&) -> milink::sdk::Provider* { return &token_; },
             [](const std::string&) {}) {}

  /// A client, or the process exits naming why.
  std::unique_ptr<milink::sdk::ArmClient> open() {
    std::string error;
    auto client = arm_.open({}, false, error);
    if (!client) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::exit(1);
    }
    return client;
  }

private:
  static milink::http::ClientOptions options(const milink::arm::AzureSettings& settings,
                                             const std::function<void(milink::http::ClientOptions&)>& tweak) {
    milink::http::ClientOptions o = milink::arm::http_options(settings);
    if (tweak) tweak(o);
    return o;
  }

  milink::arm::AzureSettings settings_;
  milink::http::Client http_;
  MintedToken token_;
  milink::arm::ArmService arm_;  ///< last: it holds references to the members above
};

}  // namespace milink::bench
