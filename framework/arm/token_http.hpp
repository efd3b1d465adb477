//===- arm/token_http.hpp - Token requests under the retry policy -*- C++ -*-===//
///
/// \file
/// The HttpClient credential providers get for their token requests (Entra
/// ID, managed identity, workload identity): milink's HTTP client under the
/// one retry policy (retry/policy.hpp). A token request changes nothing, so
/// it is repeated on 429, 500, 502, 503, 504 (after Retry-After when sent)
/// and on refused, reset or timed-out connections. Each retry is written to
/// the audit log and reported through the notice callback. A request that
/// outlasts the policy leaves its last answer (or failure) to the provider,
/// and gave_up() says so, so the token error can say "unavailable, retried N
/// times" rather than blame the credentials.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/arm_client.hpp"
#include "http/http_client.hpp"
#include "retry/policy.hpp"

#include <functional>
#include <mutex>
#include <random>
#include <string>

namespace milink::arm {

class TokenHttpClient final : public milink::sdk::HttpClient {
public:
  using Notice = std::function<void(const std::string&)>;
  /// Waits like \p options (time_scale, sleep); \p http must outlive this.
  TokenHttpClient(milink::http::Client& http, const ArmClientOptions& options, Notice notice);

  bool send(const milink::sdk::HttpRequest& request, milink::sdk::HttpResponse& response,
            std::string& error) noexcept override;

  /// After a send() on this thread whose retries ran out: "the token
  /// endpoint 127.0.0.1:8443 is unavailable (HTTP 503; retried 5 times over
  /// 6.1 s)"; empty when the last send() needed no retry or succeeded.
  std::string gave_up() const;

private:
  void wait(std::chrono::milliseconds d) const;

  milink::http::Client& http_;
  ArmClientOptions options_;
  Notice notice_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace milink::arm
