//===- retry/policy.hpp - When and how long to wait before retrying -*- C++ -*-===//
///
/// \file
/// milink's one retry policy for transient failures, used by every client
/// that talks to a service: ARM requests, Entra ID and managed-identity
/// token requests, and SQL statements that are safe to repeat (reads and
/// guarded batches) with their reconnects. A failure is retried after a
/// wait: the server's Retry-After when it sent one (capped), else
/// exponential backoff with full jitter; at most max_attempts attempts and
/// max_total of waiting in all. Every retry is logged by the caller with
/// Backoff::retrying(); a failure that outlasts the policy says so with
/// Backoff::gave_up(), which is how "the service is unavailable" reads
/// differently from "your credentials are wrong" (never retried).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/http.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace milink::retry {

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

/// The bounds of the retries of one operation.
struct Policy {
  int max_attempts = 6;                                   ///< the first one included
  std::chrono::milliseconds base{1000};                   ///< first backoff ceiling; doubles per attempt
  std::chrono::milliseconds cap{30000};                   ///< largest backoff ceiling
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(5)};  ///< largest Retry-After honoured
  std::chrono::milliseconds max_total{std::chrono::minutes(10)};      ///< waits of one operation, in all
};

/// The retries of one operation under a Policy. Not thread-safe; one per
/// operation.
class Backoff {
public:
  /// \p rng draws the jitter; it must outlive the Backoff.
  Backoff(const Policy& policy, std::mt19937_64& rng) noexcept : policy_(policy), rng_(rng) {}

  /// Called after the current attempt failed transiently: the wait before
  /// the next attempt (\p server_wait, the server's Retry-After, capped at
  /// max_retry_after; else full jitter), or nullopt when the attempts or
  /// the total wait are spent. Counts the next attempt.
  std::optional<std::chrono::milliseconds> next(std::optional<std::chrono::milliseconds> server_wait = std::nullopt);

  /// Attempts made so far, the current one included (1 before any retry).
  int attempt() const noexcept { return attempt_; }
  /// Retries made so far.
  int retries() const noexcept { return attempt_ - 1; }
  std::chrono::milliseconds waited() const noexcept { return waited_; }
  const Policy& policy() const noexcept { return policy_; }

  /// "retrying in 1.2 s (attempt 2 of 6)", after next() returned \p wait;
  /// "(Retry-After)" follows the wait when the server asked for it.
  std::string retrying(std::chrono::milliseconds wait, bool server_asked = false) const;
  /// "retried 5 times over 31 s": for the message of a failure that
  /// outlasted the retries (empty before any retry).
  std::string gave_up() const;

private:
  Policy policy_;
  std::mt19937_64& rng_;
  int attempt_ = 1;
  std::chrono::milliseconds waited_{0};
};

}  // namespace milink::retry
