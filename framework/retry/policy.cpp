#include "retry/policy.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>

namespace milink::retry {

using std::chrono::milliseconds;

bool retryable_status(int status) noexcept {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

namespace {
std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// Caps absurd values (a year) well above anything a caller honours.
constexpr long long kMaxMs = 24LL * 3600 * 1000;
}  // namespace

std::optional<milliseconds> parse_retry_after(const std::string& value, std::chrono::system_clock::time_point now) {
  std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  if (all_digits(v)) {
    if (v.size() > 8) return milliseconds(kMaxMs);
    return milliseconds(std::min(kMaxMs, std::stoll(v) * 1000));
  }
  // An HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT" and its obsolete forms)
  // has a time of day; POCO's parser alone would accept nearly anything.
  if (v.size() < 20 || v.find(':') == std::string::npos) return std::nullopt;
  Poco::DateTime dt;
  int tzd = 0;
  const std::string formats[] = {Poco::DateTimeFormat::HTTP_FORMAT, Poco::DateTimeFormat::RFC850_FORMAT,
                                 Poco::DateTimeFormat::ASCTIME_FORMAT};
  bool parsed = false;
  for (const auto& f : formats) {
    if (Poco::DateTimeParser::tryParse(f, v, dt, tzd)) {
      parsed = true;
      break;
    }
  }
  if (!parsed) return std::nullopt;
  dt.makeUTC(tzd);
  auto when = std::chrono::system_clock::from_time_t(dt.timestamp().epochTime());
  auto delta = std::chrono::duration_cast<milliseconds>(when - now);
  if (delta.count() < 0) return milliseconds(0);
  return milliseconds(std::min<long long>(kMaxMs, delta.count()));
}

std::optional<milliseconds> retry_after(const milink::sdk::HttpResponse& response,
                                        std::chrono::system_clock::time_point now) {
  for (const char* name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (const std::string* v = response.header(name)) {
      std::string t = trim(*v);
      if (all_digits(t) && t.size() <= 9) return milliseconds(std::min(kMaxMs, std::stoll(t)));
    }
  }
  if (const std::string* v = response.header("Retry-After")) return parse_retry_after(*v, now);
  return std::nullopt;
}

milliseconds full_jitter(int attempt, milliseconds base, milliseconds cap, std::mt19937_64& rng) {
  if (attempt < 1) attempt = 1;
  double ceiling = static_cast<double>(base.count());
  for (int i = 1; i < attempt && ceiling < static_cast<double>(cap.count()); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(cap.count()));
  if (ceiling <= 0) return milliseconds(0);
  std::uniform_real_distribution<double> dist(0.0, ceiling);
  return milliseconds(static_cast<long long>(dist(rng)));
}

std::string describe_duration(milliseconds d) {
  long long ms = d.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms < 60000) {
    long long tenths = (ms + 50) / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
  }
  long long s = (ms + 500) / 1000;
  std::string out = std::to_string(s / 60) + " min";
  if (s % 60) out += " " + std::to_string(s % 60) + " s";
  return out;
}

std::optional<milliseconds> Backoff::next(std::optional<milliseconds> server_wait) {
  if (attempt_ >= policy_.max_attempts) return std::nullopt;
  milliseconds d = server_wait ? std::min(*server_wait, policy_.max_retry_after)
                               : full_jitter(attempt_, policy_.base, policy_.cap, rng_);
  if (waited_ + d > policy_.max_total) return std::nullopt;
  waited_ += d;
  ++attempt_;
  return d;
}

std::string Backoff::retrying(milliseconds wait, bool server_asked) const {
  return "retrying in " + describe_duration(wait) + (server_asked ? " (Retry-After)" : "") + " (attempt " +
         std::to_string(attempt_) + " of " + std::to_string(policy_.max_attempts) + ")";
}

std::string Backoff::gave_up() const {
  if (attempt_ <= 1) return {};
  return "retried " + std::to_string(retries()) + (retries() == 1 ? " time" : " times") + " over " +
         describe_duration(waited_);
}

}  // namespace milink::retry
