//===- arm/token_cache.hpp - Azure tokens, fetched rarely --------*- C++ -*-===//
///
/// \file
/// Wraps the configured CredentialProvider. A token is reused until 5
/// minutes before it expires, or until half its lifetime has passed when it
/// lives less than 10 minutes (a token without an expiry is reused for 5
/// minutes). One refresh at a time: concurrent callers wait for it and share
/// the result. Every token is handed to \p on_secret (the run's Redactor) as
/// soon as it arrives, before anything could print it. Thread-safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/credential.hpp>
#include <milink/sdk/http.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace milink::arm {

class TokenCache {
public:
  /// Unix time in seconds.
  using Clock = std::function<std::int64_t()>;
  using SecretSink = std::function<void(const std::string&)>;

  /// \p name names the provider instance in errors ("azure.credential \"az\": ...").
  TokenCache(milink::sdk::CredentialProvider& provider, std::string name, milink::sdk::HttpClient& http,
             milink::sdk::TokenRequest request, SecretSink on_secret, Clock now = {});

  /// A valid token, cached or freshly obtained.
  bool get(milink::sdk::AccessToken& out, std::string& error);

  /// Forgets \p token if it is still the cached one (the server refused it).
  void invalidate(const std::string& token);

  /// Replaces every token this cache has handed out by "***" in \p text.
  std::string scrub(std::string text) const;

  /// \p probe says, after a failed fetch, whether the token endpoint was
  /// unavailable after retries (TokenHttpClient::gave_up); a failure it
  /// names is reported as the service's, not the credentials'.
  void set_unavailable(std::function<std::string()> probe) { unavailable_ = std::move(probe); }

  /// How many times the provider was asked (for tests and diagnostics).
  int fetches() const;

  const milink::sdk::TokenRequest& request() const noexcept { return request_; }

private:
  bool fresh_locked(std::int64_t now) const;
  std::string scrub_locked(std::string text) const;

  milink::sdk::CredentialProvider& provider_;
  std::string name_;
  milink::sdk::HttpClient& http_;
  milink::sdk::TokenRequest request_;
  SecretSink on_secret_;
  Clock now_;
  std::function<std::string()> unavailable_;

  mutable std::mutex mu_;  ///< held across a refresh: one at a time
  bool have_ = false;
  milink::sdk::AccessToken token_;
  std::int64_t obtained_ = 0;
  int fetches_ = 0;
  std::vector<std::string> seen_;
};

}  // namespace milink::arm
