//===- milink/link/polling.hpp - Waiting between two looks --------*- C++ -*-===//
///
/// \file
/// The steps that wait (verify, catch-up, wait-first-backup) look, then
/// pause, then look again; the pause must honour Ctrl-C promptly.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/context.hpp>
#include <milink/sdk/params.hpp>

#include <string>

namespace milink::link {

/// Sleeps \p ms milliseconds in slices of at most 50 ms. Throws
/// milink::sdk::StepError("interrupted while <what>") as soon as the run is
/// cancelled (Ctrl-C).
void pause(milink::sdk::Context& ctx, long long ms, const std::string& what);

/// The `poll_interval_ms` parameter of a waiting step: throws
/// milink::sdk::ConfigError("poll_interval_ms") unless it is 10 to 600000.
long long read_poll_interval(const milink::sdk::Params& p);

}  // namespace milink::link
