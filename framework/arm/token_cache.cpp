#include "arm/token_cache.hpp"

#include <algorithm>
#include <chrono>

namespace milink::arm {

namespace {
std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
constexpr std::int64_t kMargin = 300;  ///< refresh 5 minutes before expiry
}  // namespace

TokenCache::TokenCache(milink::sdk::CredentialProvider& provider, std::string name, milink::sdk::HttpClient& http,
                       milink::sdk::TokenRequest request, SecretSink on_secret, Clock now)
    : provider_(provider),
      name_(std::move(name)),
      http_(http),
      request_(std::move(request)),
      on_secret_(std::move(on_secret)),
      now_(now ? std::move(now) : Clock(system_now)) {}

bool TokenCache::fresh_locked(std::int64_t now) const {
  if (!have_) return false;
  if (token_.expires_on <= 0) return now < obtained_ + kMargin;  // no expiry given: ask again after 5 min
  std::int64_t lifetime = token_.expires_on - obtained_;
  std::int64_t margin = std::min(kMargin, lifetime / 2);
  return now < token_.expires_on - std::max<std::int64_t>(margin, 0);
}

bool TokenCache::get(milink::sdk::AccessToken& out, std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  std::int64_t now = now_();
  if (fresh_locked(now)) {
    out = token_;
    return true;
  }
  milink::sdk::AccessToken fetched;
  std::string perr;
  ++fetches_;
  bool ok = false;
  try {
    ok = provider_.get_token(request_, http_, fetched, perr);
  } catch (...) {
    perr = "the credential provider threw an exception";
  }
  // Register first, so that nothing below (or in the provider's error text)
  // can show the token.
  if (!fetched.token.empty()) {
    if (on_secret_) on_secret_(fetched.token);
    if (std::find(seen_.begin(), seen_.end(), fetched.token) == seen_.end()) seen_.push_back(fetched.token);
  }
  if (!ok) {
    have_ = false;
    const std::string down = unavailable_ ? unavailable_() : std::string();
    error = "azure.credential \"" + name_ + "\" could not get a token for Azure Resource Manager: " +
            (down.empty() ? std::string()
                          : down + "; this is the service, not your credentials: run again later. The provider "
                                   "said: ") +
            scrub_locked(perr.empty() ? std::string("no reason given") : perr);
    return false;
  }
  if (fetched.token.empty()) {
    have_ = false;
    error = "azure.credential \"" + name_ + "\" returned an empty token";
    return false;
  }
  token_ = fetched;
  obtained_ = now;
  have_ = true;
  out = token_;
  return true;
}

void TokenCache::invalidate(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (have_ && token_.token == token) have_ = false;
}

std::string TokenCache::scrub(std::string text) const {
  std::lock_guard<std::mutex> lock(mu_);
  return scrub_locked(std::move(text));
}

std::string TokenCache::scrub_locked(std::string text) const {
  for (const auto& t : seen_) {
    if (t.empty()) continue;
    for (auto pos = text.find(t); pos != std::string::npos; pos = text.find(t, pos + 3)) text.replace(pos, t.size(), "***");
  }
  return text;
}

int TokenCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace milink::arm
