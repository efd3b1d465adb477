//===- arm/arm_client.hpp - milink's Azure Resource Manager client -*- C++ -*-===//
///
/// \file
/// sdk::ArmClient for one step execution.
///
/// Requests: arm_endpoint + path + api-version, JSON in and out. The bearer
/// token (from the run's TokenCache) is attached only when a request's
/// scheme, host and port equal the configured ARM endpoint's; follow-up URLs
/// (Azure-AsyncOperation, Location) elsewhere get none.
///
/// Retries, under milink's one policy (retry/policy.hpp): 429, 500, 502,
/// 503, 504 and dropped, refused or timed-out connections, up to
/// max_attempts in all and max_total_wait of waiting; the wait is the server's
/// Retry-After (seconds or HTTP-date; also retry-after-ms), capped at
/// max_retry_after, else exponential backoff with full jitter
/// (uniform in [0, min(cap, base * 2^(n-1))]). GET, HEAD, PUT and DELETE are
/// retried; POST and PATCH only on 429/503 carrying Retry-After, or when the
/// connection was refused (nothing was sent). One 401 from the ARM host
/// drops the cached token and retries with a fresh one.
///
/// Long-running operations (when the caller waits): 202; 201 with a polling
/// header or a non-terminal provisioningState; 200 to PUT/PATCH with a
/// non-terminal provisioningState. Polls Azure-AsyncOperation when present
/// (status InProgress... until Succeeded, Failed or Canceled with `error`),
/// else Location (202 while running, then 200/201/204), else (PUT/PATCH) the
/// resource until its provisioningState is terminal. Waits Retry-After or
/// poll_interval between polls, gives up after lro_timeout, reports progress.
/// The result of a PUT/PATCH is the resource, read after the operation;
/// of a POST the Location result when there is one.
///
/// Dry run (read_only): only GET and HEAD are sent.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/token_cache.hpp"
#include "http/http_client.hpp"
#include "http/url.hpp"
#include "retry/policy.hpp"

#include <milink/sdk/arm.hpp>
#include <milink/sdk/services.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

namespace milink::arm {

struct ArmClientOptions {
  int max_attempts = 6;  ///< per request, the first one included
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{30000};
  std::chrono::milliseconds poll_interval{1000};  ///< between polls without Retry-After
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(5)};
  std::chrono::milliseconds max_total_wait{std::chrono::minutes(10)};  ///< retries' waits per request, in all
  std::chrono::milliseconds lro_timeout{std::chrono::minutes(30)};
  /// Multiplies every wait (backoff, Retry-After, polling); tests use 0.001.
  double time_scale = 1.0;
  int request_timeout_seconds = 60;
  std::uint64_t seed = 0;  ///< jitter seed; 0: random
  /// Sleeps; default: in short slices, returning early when cancelled.
  std::function<void(std::chrono::milliseconds)> sleep;
  /// Clock for the long-running-operation timeout; default steady_clock.
  std::function<std::chrono::steady_clock::time_point()> now;

  /// The retry bounds above as milink's retry policy.
  milink::retry::Policy retry_policy() const;
};

/// Where one step execution's progress and log lines go.
struct ArmReporter {
  std::function<void(const std::string& message, double fraction)> progress;
  std::function<void(milink::sdk::LogLevel level, const std::string& message)> log;
  std::function<bool()> cancelled;
};

/// The ARM endpoint and defaults a client works with.
struct ArmTarget {
  milink::sdk::ArmCoordinates coordinates;  ///< coordinates.arm_endpoint: without trailing '/'
  std::string default_api_version;          ///< azure.api_version; used when a call passes none
};

/// Checks \p text as an ARM endpoint: https:// (http:// for loopback), no
/// query. Fills \p trimmed (no trailing '/') and \p origin.
bool parse_arm_endpoint(const std::string& text, std::string& trimmed, milink::http::Url& origin,
                        std::string& error);

/// \p path (or an absolute URL) under the ARM endpoint with \p api_version
/// (or the target's default) appended, unless the URL already has one.
std::string build_arm_url(const ArmTarget& target, const std::string& path, const std::string& api_version);

/// For `milink plan`, which connects nowhere: knows the coordinates and
/// builds URLs for the plan, and refuses every call.
class ArmPlanClient final : public milink::sdk::ArmClient {
public:
  explicit ArmPlanClient(ArmTarget target) : target_(std::move(target)) {}
  const milink::sdk::ArmCoordinates& coordinates() const noexcept override { return target_.coordinates; }
  std::string url(const std::string& path, const std::string& api_version) const override {
    return build_arm_url(target_, path, api_version);
  }
  bool call(const std::string& method, const std::string& path, const std::string&, const milink::sdk::Value&,
            bool, milink::sdk::ArmResponse&, milink::sdk::ArmError& error) noexcept override {
    error.status = 0;
    error.message = "`milink plan` connects nowhere: " + method + " " + path +
                    " belongs in apply(); plan() should describe it with Action::http(...)";
    return false;
  }

private:
  ArmTarget target_;
};

class ArmClientImpl final : public milink::sdk::ArmClient {
public:
  /// \p tokens may be nullptr (no Authorization header at all). \p read_only:
  /// dry run, GET and HEAD only.
  ArmClientImpl(ArmTarget target, milink::http::Client& http, TokenCache* tokens, ArmReporter reporter,
                ArmClientOptions options, bool read_only);

  const milink::sdk::ArmCoordinates& coordinates() const noexcept override { return target_.coordinates; }
  std::string url(const std::string& path, const std::string& api_version) const override;
  bool call(const std::string& method, const std::string& path, const std::string& api_version,
            const milink::sdk::Value& body, bool wait, milink::sdk::ArmResponse& out,
            milink::sdk::ArmError& error) noexcept override;

private:
  bool call_impl(const std::string& method, const std::string& path, const std::string& api_version,
                 const milink::sdk::Value& body, bool wait, milink::sdk::ArmResponse& out, milink::sdk::ArmError& error);
  /// One request with retries. True when a response arrived (any status).
  bool send(const std::string& method, const std::string& url, const std::string& body,
            milink::sdk::HttpResponse& response, milink::sdk::ArmError& error);
  bool poll(const std::string& method, const std::string& path, const std::string& url,
            const milink::sdk::HttpResponse& first, milink::sdk::ArmResponse& out, milink::sdk::ArmError& error);
  /// GET \p url and fill \p out (an error for >= 400).
  bool fetch(const std::string& url, milink::sdk::ArmResponse& out, milink::sdk::ArmError& error);
  bool fill(const milink::sdk::HttpResponse& r, milink::sdk::ArmResponse& out, milink::sdk::ArmError& error);

  /// Waits \p d times time_scale.
  void wait(std::chrono::milliseconds d);
  void sleep_for_real(std::chrono::milliseconds d);
  std::string new_request_id();
  std::chrono::steady_clock::time_point now() const;
  bool cancelled() const;
  void log(milink::sdk::LogLevel level, const std::string& message) const;
  void progress(const std::string& message, double fraction) const;

  ArmTarget target_;
  milink::http::Url origin_;
  std::string origin_error_;
  milink::http::Client& http_;
  TokenCache* tokens_;
  ArmReporter reporter_;
  ArmClientOptions options_;
  bool read_only_;
  std::mt19937_64 rng_;
};

/// The ArmError for an error response: ARM's {"error": {"code", "message"}}
/// verbatim, else the first 200 characters of the body.
milink::sdk::ArmError error_from_response(const milink::sdk::HttpResponse& response);

}  // namespace milink::arm
