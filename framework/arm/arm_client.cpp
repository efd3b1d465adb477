#include "arm/arm_client.hpp"

#include "run/audit_log.hpp"

#include "retry/policy.hpp"

#include <milink/sdk/json.hpp>

#include <algorithm>
#include <cctype>
#include <thread>

namespace milink::arm {

using milink::sdk::ArmError;
using milink::sdk::ArmResponse;
using milink::sdk::HttpHeader;
using milink::sdk::HttpRequest;
using milink::sdk::HttpResponse;
using milink::sdk::LogLevel;
using milink::sdk::Value;
using std::chrono::milliseconds;
using milink::retry::Backoff;
using milink::retry::describe_duration;
using milink::retry::retry_after;
using milink::retry::retryable_status;

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool iequals(const std::string& a, const char* b) {
  std::size_t n = std::char_traits<char>::length(b);
  if (a.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool idempotent(const std::string& m) { return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS"; }

bool is_absolute(const std::string& path) {
  return path.compare(0, 8, "https://") == 0 || path.compare(0, 7, "http://") == 0;
}

std::string header(const HttpResponse& r, const char* name) {
  const std::string* v = r.header(name);
  return v != nullptr ? *v : std::string();
}

/// The first \p n characters of \p body on one line.
std::string summarize(const std::string& body, std::size_t n = 200) {
  std::string out;
  bool space = false;
  for (unsigned char c : body) {
    if (c < 0x20 || c == 0x7F) c = ' ';
    if (c == ' ') {
      if (space || out.empty()) continue;
      space = true;
    } else {
      space = false;
    }
    out += static_cast<char>(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > n) {
    // do not cut a UTF-8 sequence in half
    std::size_t cut = n;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

bool parse_body(const std::string& text, Value& out) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    out = Value();
    return true;
  }
  try {
    out = milink::sdk::parse_json(text, "ARM response");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string string_member(const Value* v, const char* key) {
  const Value* m = v != nullptr ? v->get(key) : nullptr;
  return m != nullptr && m->is_string() ? m->as_string() : std::string();
}

std::string provisioning_state(const Value& body) { return string_member(body.get("properties"), "provisioningState"); }

bool terminal(const std::string& s) {
  return iequals(s, "Succeeded") || iequals(s, "Failed") || iequals(s, "Canceled") || iequals(s, "Cancelled");
}
bool failed_state(const std::string& s) { return iequals(s, "Failed") || iequals(s, "Canceled") || iequals(s, "Cancelled"); }

/// The path part of \p url, for messages.
std::string path_of(const std::string& url) {
  milink::http::Url u;
  std::string e;
  if (!milink::http::parse_url(url, u, e)) return url;
  return u.path_and_query.substr(0, u.path_and_query.find('?'));
}

}  // namespace

/// Not sent by any server: send() adds it to a retryable answer it gave up on.
constexpr const char* kGaveUpHeader = "x-milink-retries-exhausted";

ArmError error_from_response(const HttpResponse& r) {
  ArmError e;
  e.status = r.status;
  e.request_id = header(r, "x-ms-request-id");
  Value body;
  if (parse_body(r.body, body) && body.is_object()) {
    const Value* err = body.get("error");
    const Value* src = err != nullptr && err->is_object() ? err : &body;
    e.code = string_member(src, "code");
    e.message = string_member(src, "message");
  }
  if (e.code.empty() && e.message.empty()) {
    std::string s = summarize(r.body);
    e.message = !s.empty() ? s : (!r.reason.empty() ? r.reason : "HTTP " + std::to_string(r.status)) + " (empty body)";
  }
  // send() marks an answer that outlasted the retry policy.
  if (std::string gave_up = header(r, kGaveUpHeader); !gave_up.empty())
    e.message += " (Azure Resource Manager unavailable: " + gave_up + ")";
  return e;
}

bool parse_arm_endpoint(const std::string& text, std::string& trimmed, milink::http::Url& origin, std::string& error) {
  std::string t = text;
  while (!t.empty() && t.back() == '/') t.pop_back();
  milink::http::Url u;
  std::string perr;
  if (!milink::http::parse_url(t, u, perr)) {
    error = "azure.arm_endpoint \"" + text + "\": " + perr;
    return false;
  }
  if (u.scheme == "http" && !milink::http::is_loopback_host(u.host)) {
    error = "azure.arm_endpoint \"" + text + "\" must be https:// (http:// only for a local emulator on loopback)";
    return false;
  }
  if (u.path_and_query.find('?') != std::string::npos) {
    error = "azure.arm_endpoint \"" + text + "\" must not have a query";
    return false;
  }
  trimmed = t;
  origin = u;
  return true;
}

ArmClientImpl::ArmClientImpl(ArmTarget target, milink::http::Client& http, TokenCache* tokens, ArmReporter reporter,
                             ArmClientOptions options, bool read_only)
    : target_(std::move(target)),
      http_(http),
      tokens_(tokens),
      reporter_(std::move(reporter)),
      options_(std::move(options)),
      read_only_(read_only),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()) {
  std::string trimmed;
  if (parse_arm_endpoint(target_.coordinates.arm_endpoint, trimmed, origin_, origin_error_))
    target_.coordinates.arm_endpoint = trimmed;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

std::string build_arm_url(const ArmTarget& target, const std::string& path, const std::string& api_version) {
  try {
    std::string api = api_version.empty() ? target.default_api_version : api_version;
    std::string base = is_absolute(path) ? path : target.coordinates.arm_endpoint + path;
    auto q = base.find('?');
    if (api.empty() || (q != std::string::npos && base.find("api-version=", q) != std::string::npos)) return base;
    return base + (q == std::string::npos ? "?" : "&") + "api-version=" + milink::sdk::url_encode(api);
  } catch (...) {
    return path;
  }
}

std::string ArmClientImpl::url(const std::string& path, const std::string& api_version) const {
  return build_arm_url(target_, path, api_version);
}

bool ArmClientImpl::call(const std::string& method, const std::string& path, const std::string& api_version,
                         const Value& body, bool wait, ArmResponse& out, ArmError& error) noexcept {
  bool ok = false;
  try {
    ok = call_impl(method, path, api_version, body, wait, out, error);
  } catch (const std::exception& e) {
    error = ArmError{};
    error.message = std::string("internal error: ") + e.what();
  } catch (...) {
    error = ArmError{};
    error.message = "internal error";
  }
  if (!ok && tokens_ != nullptr) {
    try {
      error.code = tokens_->scrub(error.code);
      error.message = tokens_->scrub(error.message);
    } catch (...) {
    }
  }
  return ok;
}

bool ArmClientImpl::call_impl(const std::string& method_in, const std::string& path, const std::string& api_version,
                              const Value& body, bool wait, ArmResponse& out, ArmError& error) {
  out = ArmResponse{};
  error = ArmError{};
  const std::string method = upper(method_in);
  if (!origin_error_.empty()) {
    error.message = origin_error_;
    return false;
  }
  if (read_only_ && method != "GET" && method != "HEAD") {
    error.code = "ReadOnly";
    error.message = "read-only run (--dry-run): milink sends only GET requests to Azure Resource Manager, so this " +
                    method + " was not sent";
    return false;
  }
  if (path.empty() || (path.front() != '/' && !is_absolute(path))) {
    error.message = "an ARM path must start with \"/subscriptions/...\" (got \"" + path + "\")";
    return false;
  }
  std::string api = api_version.empty() ? target_.default_api_version : api_version;
  if (api.empty() && path.find("api-version=") == std::string::npos) {
    error.message = "no api-version for " + method + " " + path + ": pass one, or set azure.api_version in the config";
    return false;
  }
  const std::string full = url(path, api);
  const std::string body_text = body.is_null() ? std::string() : body.to_json();

  HttpResponse first;
  if (!send(method, full, body_text, first, error)) return false;
  out.request_id = header(first, "x-ms-request-id");
  if (first.status < 200 || first.status >= 300) {
    error = error_from_response(first);
    return false;
  }
  bool lro = false;
  if (wait) {
    Value parsed;
    std::string state = parse_body(first.body, parsed) ? provisioning_state(parsed) : std::string();
    bool has_poll = first.header("Azure-AsyncOperation") != nullptr || first.header("Location") != nullptr;
    if (first.status == 202) lro = true;
    else if (first.status == 201) lro = has_poll || (!state.empty() && !terminal(state));
    else if (first.status == 200 && (method == "PUT" || method == "PATCH")) lro = !state.empty() && !terminal(state);
  }
  if (!lro) {
    std::string rid = out.request_id;
    bool ok = fill(first, out, error);
    out.request_id = rid;
    return ok;
  }
  std::string rid = out.request_id;
  bool ok = poll(method, path, full, first, out, error);
  out.request_id = rid;
  if (!ok && error.request_id.empty()) error.request_id = rid;
  return ok;
}

bool ArmClientImpl::fill(const HttpResponse& r, ArmResponse& out, ArmError& error) {
  Value body;
  if (!parse_body(r.body, body)) {
    error = ArmError{};
    error.status = r.status;
    error.code = "InvalidResponse";
    error.request_id = header(r, "x-ms-request-id");
    error.message = "Azure Resource Manager answered " + std::to_string(r.status) +
                    " with a body that is not JSON: " + summarize(r.body);
    return false;
  }
  out.status = r.status;
  out.body = std::move(body);
  out.headers = r.headers;
  if (out.request_id.empty()) out.request_id = header(r, "x-ms-request-id");
  return true;
}

bool ArmClientImpl::fetch(const std::string& url, ArmResponse& out, ArmError& error) {
  HttpResponse r;
  if (!send("GET", url, "", r, error)) return false;
  if (r.status < 200 || r.status >= 300) {
    error = error_from_response(r);
    return false;
  }
  return fill(r, out, error);
}

milink::retry::Policy ArmClientOptions::retry_policy() const {
  milink::retry::Policy p;
  p.max_attempts = max_attempts;
  p.base = backoff_base;
  p.cap = backoff_cap;
  p.max_retry_after = max_retry_after;
  p.max_total = max_total_wait;
  return p;
}

bool ArmClientImpl::send(const std::string& method, const std::string& url, const std::string& body,
                         HttpResponse& response, ArmError& error) {
  milink::http::Url u;
  std::string perr;
  if (!milink::http::parse_url(url, u, perr)) {
    error = ArmError{};
    error.message = perr;
    return false;
  }
  const std::string what = "ARM " + method + " " + path_of(url);
  const bool authorize = tokens_ != nullptr && u.same_origin(origin_);
  const std::string client_request_id = new_request_id();  // the same on every attempt, for Azure support
  const milink::retry::Policy policy = options_.retry_policy();
  Backoff backoff(policy, rng_);
  bool refreshed = false;
  for (;;) {
    if (cancelled()) {
      error = ArmError{};
      error.code = "Interrupted";
      error.message = "interrupted before the request was sent";
      return false;
    }
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.timeout_seconds = options_.request_timeout_seconds;
    req.headers.push_back(HttpHeader{"Accept", "application/json"});
    if (!body.empty()) req.headers.push_back(HttpHeader{"Content-Type", "application/json"});
    req.headers.push_back(HttpHeader{"x-ms-client-request-id", client_request_id});
    std::string token;
    if (authorize) {
      milink::sdk::AccessToken t;
      std::string terr;
      if (!tokens_->get(t, terr)) {
        error = ArmError{};
        error.message = terr;
        return false;
      }
      token = t.token;
      req.headers.push_back(HttpHeader{"Authorization", "Bearer " + token});
    }
    milink::http::Failure failure = milink::http::Failure::None;
    std::string herr;
    const bool exchanged = http_.exchange(req, response, failure, herr);
    milink::audit::record("ARM", "arm", method + " " + url,
                          exchanged ? std::to_string(response.status) : "not answered: " + herr);
    if (!exchanged) {
      // A refused connection sent nothing, so even a POST may be repeated.
      bool retry = failure == milink::http::Failure::Refused ||
                   (idempotent(method) && milink::http::transient(failure));
      auto d = retry ? backoff.next() : std::nullopt;
      if (!d) {
        error = ArmError{};
        error.message = herr;
        if (backoff.retries() > 0)
          error.message += " (Azure Resource Manager unavailable: " + backoff.gave_up() + ")";
        return false;
      }
      log(LogLevel::Info, what + ": " + herr + "; " + backoff.retrying(*d));
      wait(*d);
      continue;
    }
    if (response.status == 401 && !token.empty() && !refreshed && backoff.attempt() < policy.max_attempts) {
      refreshed = true;
      tokens_->invalidate(token);
      log(LogLevel::Info, what + ": 401 (token refused); getting a new token and retrying");
      continue;
    }
    if (retryable_status(response.status)) {
      auto ra = retry_after(response, std::chrono::system_clock::now());
      bool retry = idempotent(method) || ((response.status == 429 || response.status == 503) && ra.has_value());
      if (retry) {
        if (auto d = backoff.next(ra)) {
          ArmError e = error_from_response(response);
          log(LogLevel::Info, what + ": " + std::to_string(response.status) + (e.code.empty() ? "" : " " + e.code) +
                                  "; " + backoff.retrying(*d, ra.has_value()));
          wait(*d);
          continue;
        }
        if (backoff.retries() > 0) response.headers.push_back(HttpHeader{kGaveUpHeader, backoff.gave_up()});
      }
    }
    return true;
  }
}

bool ArmClientImpl::poll(const std::string& method, const std::string& path, const std::string& url,
                         const HttpResponse& first, ArmResponse& out, ArmError& error) {
  auto resolve = [&](const std::string& u) {
    if (u.empty() || is_absolute(u)) return u;
    return target_.coordinates.arm_endpoint + (u.front() == '/' ? "" : "/") + u;
  };
  const std::string async_url = resolve(header(first, "Azure-AsyncOperation"));
  const std::string location = resolve(header(first, "Location"));
  const bool resource_result = method == "PUT" || method == "PATCH";
  const char* how = !async_url.empty() ? "Azure-AsyncOperation" : !location.empty() ? "Location" : "the resource";
  if (async_url.empty() && location.empty() && !resource_result) {
    // Accepted, with nothing to poll: the caller gets the 202.
    return fill(first, out, error);
  }
  const auto start = now();
  const auto deadline = start + options_.lro_timeout;
  const std::string what = method + " " + path;
  std::string status = "Accepted";
  auto next_wait = [&](const HttpResponse& r) {
    using milink::retry::retry_after;
    auto ra = retry_after(r, std::chrono::system_clock::now());
    return ra ? std::min(*ra, options_.max_retry_after) : options_.poll_interval;
  };
  milliseconds w = next_wait(first);
  log(LogLevel::Debug, "ARM " + what + ": long-running operation (" + std::to_string(first.status) + "), polling " + how);
  progress("ARM " + what + ": " + status + ", polling " + how, -1);
  for (;;) {
    if (cancelled()) {
      error = ArmError{};
      error.code = "Interrupted";
      error.message = "interrupted while waiting for the long-running operation (last status: " + status +
                      "); it may still be running in Azure";
      return false;
    }
    auto n = now();
    if (n >= deadline) {
      error = ArmError{};
      error.code = "OperationTimedOut";
      error.message = "the long-running operation did not finish within " +
                      describe_duration(std::chrono::duration_cast<milliseconds>(options_.lro_timeout)) +
                      " (last status: " + status + "); it may still be running in Azure: check the resource, then run "
                      "the step again";
      error.request_id = header(first, "x-ms-request-id");
      return false;
    }
    auto real = milliseconds(static_cast<long long>(static_cast<double>(w.count()) * options_.time_scale));
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - n);
    sleep_for_real(std::min(real, remaining));
    if (cancelled()) continue;

    HttpResponse r;
    double fraction = -1;
    if (!async_url.empty()) {
      if (!send("GET", async_url, "", r, error)) return false;
      if (r.status < 200 || r.status >= 300) {
        error = error_from_response(r);
        return false;
      }
      Value op;
      if (!parse_body(r.body, op)) op = Value();
      std::string s = string_member(&op, "status");
      if (s.empty()) {
        if (r.status != 202) {
          error = ArmError{};
          error.status = r.status;
          error.code = "InvalidResponse";
          error.request_id = header(r, "x-ms-request-id");
          error.message = "the operation status from " + path_of(async_url) + " has no \"status\": " + summarize(r.body);
          return false;
        }
        s = "InProgress";
      }
      status = s;
      if (const Value* pc = op.get("percentComplete"); pc != nullptr && pc->is_number())
        fraction = std::clamp(pc->as_double() / 100.0, 0.0, 1.0);
      if (iequals(s, "Succeeded")) {
        progress("ARM " + what + ": Succeeded", 1.0);
        if (resource_result) return fetch(url, out, error);
        if (method == "POST" && !location.empty()) return fetch(location, out, error);
        return fill(r, out, error);
      }
      if (failed_state(s)) {
        const Value* e = op.get("error");
        error = ArmError{};
        error.status = r.status;
        error.request_id = header(r, "x-ms-request-id");
        error.code = string_member(e, "code");
        error.message = string_member(e, "message");
        if (error.code.empty() && error.message.empty()) {
          error.code = s;
          error.message = "the long-running operation ended " + s + " without an error object";
        }
        return false;
      }
    } else if (!location.empty()) {
      if (!send("GET", location, "", r, error)) return false;
      if (r.status == 202) {
        status = "InProgress";
      } else if (r.status >= 200 && r.status < 300) {
        progress("ARM " + what + ": Succeeded", 1.0);
        if (resource_result) return fetch(url, out, error);
        return fill(r, out, error);
      } else {
        error = error_from_response(r);
        return false;
      }
    } else {
      if (!send("GET", url, "", r, error)) return false;
      if (r.status < 200 || r.status >= 300) {
        error = error_from_response(r);
        return false;
      }
      Value res;
      std::string state = parse_body(r.body, res) ? provisioning_state(res) : std::string();
      if (state.empty() || iequals(state, "Succeeded")) {
        progress("ARM " + what + ": Succeeded", 1.0);
        return fill(r, out, error);
      }
      if (failed_state(state)) {
        error = ArmError{};
        error.status = r.status;
        error.request_id = header(r, "x-ms-request-id");
        error.code = "Provisioning" + state;
        error.message = "the resource's provisioningState became " + state;
        return false;
      }
      status = state;
    }
    auto elapsed = std::chrono::duration_cast<milliseconds>(now() - start);
    progress("ARM " + what + ": " + status + " (" + describe_duration(elapsed) + " elapsed)", fraction);
    w = next_wait(r);
  }
}

std::string ArmClientImpl::new_request_id() {
  static const char* hex = "0123456789abcdef";
  std::uniform_int_distribution<int> nibble(0, 15);
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    int v = nibble(rng_);
    if (i == 12) v = 4;                 // version 4
    if (i == 16) v = 8 | (v & 3);       // RFC 4122 variant
    id += hex[v];
  }
  return id;
}

void ArmClientImpl::wait(milliseconds d) {
  sleep_for_real(milliseconds(static_cast<long long>(static_cast<double>(d.count()) * options_.time_scale)));
}

void ArmClientImpl::sleep_for_real(milliseconds d) {
  if (d.count() <= 0) return;
  if (options_.sleep) {
    options_.sleep(d);
    return;
  }
  auto until = std::chrono::steady_clock::now() + d;
  while (!cancelled()) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, milliseconds(50)));
  }
}

std::chrono::steady_clock::time_point ArmClientImpl::now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

bool ArmClientImpl::cancelled() const {
  try {
    return reporter_.cancelled && reporter_.cancelled();
  } catch (...) {
    return true;
  }
}

void ArmClientImpl::log(LogLevel level, const std::string& message) const {
  try {
    if (reporter_.log) reporter_.log(level, tokens_ != nullptr ? tokens_->scrub(message) : message);
  } catch (...) {
  }
}

void ArmClientImpl::progress(const std::string& message, double fraction) const {
  try {
    if (reporter_.progress) reporter_.progress(message, fraction);
  } catch (...) {
  }
}

}  // namespace milink::arm
