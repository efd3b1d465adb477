#include "faults/fault_plan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace milink::emulator {

const char* service_name(Service s) noexcept {
  switch (s) {
    case Service::Arm: return "arm";
    case Service::Entra: return "entra";
    case Service::Imds: return "imds";
    case Service::Sql: return "sql";
    case Service::Mi: return "mi";
  }
  return "?";
}

namespace {

constexpr const char* kRuleForm = "SERVICE:KIND[@N|@N+|~P]";
constexpr long long kMaxLatencyMs = 600000;  // ten minutes

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

/// A whole number in [min, max], or nullopt.
std::optional<long long> whole(const std::string& s, long long min, long long max) {
  if (!all_digits(s) || s.size() > 18) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

[[noreturn]] void fail(const std::string& rule, const std::string& problem) {
  throw FaultSpecError("fault rule \"" + rule + "\": " + problem);
}

bool is_http_service(Service s) { return s == Service::Arm || s == Service::Entra || s == Service::Imds; }

/// splitmix64: the probability draws are a pure function of (service,
/// request number, rule), so a rerun injects the same faults whatever the
/// interleaving of requests to different services.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

void FaultPlan::set(const std::string& spec) {
  std::vector<Rule> rules;
  std::vector<std::string> pieces;
  if (!trim(spec).empty()) {
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = spec.find(',', start);
      std::string rule = trim(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      pieces.push_back(rule);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::uint64_t seed = 0;
  bool seeded = false;
  for (const std::string& text : pieces) {
    if (text.empty()) fail(text, std::string("empty rule; expected ") + kRuleForm);
    if (lower(text).rfind("seed=", 0) == 0) {
      auto v = whole(trim(text.substr(5)), 0, std::numeric_limits<std::int64_t>::max());
      if (!v) fail(text, "bad seed \"" + trim(text.substr(5)) + "\"; expected seed=N with N a whole number from 0");
      if (seeded) fail(text, "a second seed; give seed=N once");
      seed = static_cast<std::uint64_t>(*v);
      seeded = true;
      continue;
    }
    std::size_t colon = text.find(':');
    if (colon == std::string::npos) fail(text, std::string("expected ") + kRuleForm + " (e.g. \"arm:429@1\")");
    Rule r;
    const std::string svc = lower(trim(text.substr(0, colon)));
    if (svc == "arm")
      r.service = Service::Arm;
    else if (svc == "entra")
      r.service = Service::Entra;
    else if (svc == "imds")
      r.service = Service::Imds;
    else if (svc == "sql")
      r.service = Service::Sql;
    else if (svc == "mi")
      r.service = Service::Mi;
    else
      fail(text, "unknown service \"" + trim(text.substr(0, colon)) + "\"; expected arm, entra, imds, sql or mi");

    std::string rest = text.substr(colon + 1);
    std::size_t mark = rest.find_first_of("@~");
    std::string kind = trim(rest.substr(0, mark));
    std::string suffix = mark == std::string::npos ? std::string() : trim(rest.substr(mark));

    // KIND
    const std::string k = lower(kind);
    if (k == "drop") {
      r.fault = {Fault::Kind::Drop, 0};
    } else if (k == "reset") {
      if (is_http_service(r.service))
        fail(text, std::string("\"reset\" applies to sql and mi only; ") + service_name(r.service) +
                       " takes 429, 500, 503, drop or latency=MS");
      r.fault = {Fault::Kind::Reset, 0};
    } else if (k.rfind("latency=", 0) == 0) {
      auto ms = whole(trim(kind.substr(8)), 0, kMaxLatencyMs);
      if (!ms)
        fail(text, "bad latency \"" + kind + "\"; expected latency=MS, MS a whole number of milliseconds from 0 to " +
                       std::to_string(kMaxLatencyMs));
      r.fault = {Fault::Kind::Latency, static_cast<int>(*ms)};
    } else if (is_http_service(r.service) && (k == "429" || k == "500" || k == "503")) {
      r.fault = {Fault::Kind::HttpStatus, std::stoi(k)};
    } else if (!is_http_service(r.service) && all_digits(k)) {
      // On the TDS services every number is an SQL error number (sql:503 is error 503).
      auto n = whole(k, 1, std::numeric_limits<std::int32_t>::max());
      if (!n) fail(text, "bad SQL error number \"" + kind + "\"; expected a number from 1 to 2147483647");
      r.fault = {Fault::Kind::SqlError, static_cast<int>(*n)};
    } else {
      fail(text,
           "unknown kind \"" + kind + "\"; expected 429, 500, 503, drop, latency=MS, reset or a SQL error number");
    }

    // [@N|@N+|~P]
    if (!suffix.empty()) {
      if (suffix.find_first_of("@~", 1) != std::string::npos)
        fail(text, "expected at most one of @N, @N+ or ~P after the kind");
      if (suffix[0] == '@') {
        std::string n = suffix.substr(1);
        bool plus = !n.empty() && n.back() == '+';
        if (plus) n.pop_back();
        auto v = whole(n, 1, std::numeric_limits<std::int64_t>::max() / 2);
        if (!v) fail(text, "bad position \"" + suffix + "\"; expected @N or @N+ with N a whole number from 1");
        r.nth = static_cast<std::uint64_t>(*v);
        r.from_nth = plus;
      } else {
        std::string p = suffix.substr(1);
        double v = -1;
        const char* b = p.data();
        const char* e = p.data() + p.size();
        auto [ptr, ec] = std::from_chars(b, e, v);
        bool plain = !p.empty() &&
                     std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c) != 0 || c == '.'; });
        if (!plain || ec != std::errc() || ptr != e || !std::isfinite(v) || v < 0.0 || v > 1.0)
          fail(text, "bad probability \"" + suffix + "\"; expected ~P with P from 0 to 1 (e.g. ~0.25)");
        r.probability = v;
      }
    }
    rules.push_back(r);
  }

  std::string normalized;
  for (std::size_t i = 0; i < pieces.size(); ++i) normalized += (i ? "," : "") + pieces[i];
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  spec_ = std::move(normalized);
  counts_.clear();
  seed_ = seed;
}

std::string FaultPlan::spec() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spec_;
}

std::vector<Fault> FaultPlan::next(Service service) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t n = ++counts_[service];
  std::vector<Fault> latency;
  std::optional<Fault> other;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    if (r.service != service) continue;
    bool fire;
    if (r.nth != 0) {
      fire = r.from_nth ? n >= r.nth : n == r.nth;
    } else if (r.probability < 1.0) {
      std::uint64_t h =
          mix(0x6d696c696e6bULL ^ mix(seed_) ^ (static_cast<std::uint64_t>(service) << 56) ^
              mix(n * 0x9E3779B97F4A7C15ULL + i + 1));
      double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
      fire = u < r.probability;
    } else {
      fire = true;
    }
    if (!fire) continue;
    if (r.fault.kind == Fault::Kind::Latency)
      latency.push_back(r.fault);
    else if (!other)
      other = r.fault;  // the first matching rule wins
  }
  if (other) latency.push_back(*other);
  return latency;
}

std::uint64_t FaultPlan::requests(Service service) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(service);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace milink::emulator
