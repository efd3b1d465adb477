//===- arm/retry.hpp - When and how long to wait before retrying -*- C++ -*-===//
#pragma once

#include <milink/sdk/http.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace milink::arm {

/// 429, 500, 502, 503 and 504: worth repeating an idempotent request.
bool retryable_status(int status) noexcept;

/// A Retry-After value: delta-seconds ("5") or an HTTP-date, relative to
/// \p now. A date in the past gives zero. nullopt when unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

/// The wait a response asks for, from `retry-after-ms`, `x-ms-retry-after-ms`
/// (milliseconds, as Azure sends them) or `Retry-After`; nullopt when none.
std::optional<std::chrono::milliseconds> retry_after(const milink::sdk::HttpResponse& response,
                                                     std::chrono::system_clock::time_point now);

/// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))],
/// \p attempt counting from 1 (the attempt that just failed).
std::chrono::milliseconds full_jitter(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                      std::mt19937_64& rng);

/// "1.5 s", "250 ms", "2 min 5 s".
std::string describe_duration(std::chrono::milliseconds d);

}  // namespace milink::arm
