#include "arm/token_http.hpp"

#include "http/url.hpp"
#include "run/audit_log.hpp"

#include <optional>
#include <thread>

namespace milink::arm {

using std::chrono::milliseconds;

namespace {
thread_local std::string t_gave_up;  // per thread: providers run on the caller's thread
}

TokenHttpClient::TokenHttpClient(milink::http::Client& http, const ArmClientOptions& options, Notice notice)
    : http_(http), options_(options), notice_(std::move(notice)),
      rng_(options.seed != 0 ? options.seed : std::random_device{}()) {}

void TokenHttpClient::wait(milliseconds d) const {
  auto real = milliseconds(static_cast<long long>(static_cast<double>(d.count()) * options_.time_scale));
  if (options_.sleep)
    options_.sleep(real);
  else
    std::this_thread::sleep_for(real);
}

std::string TokenHttpClient::gave_up() const { return t_gave_up; }

bool TokenHttpClient::send(const milink::sdk::HttpRequest& request, milink::sdk::HttpResponse& response,
                           std::string& error) noexcept {
  t_gave_up.clear();
  try {
    std::unique_lock<std::mutex> lock(mu_);
    milink::retry::Backoff backoff(options_.retry_policy(), rng_);
    lock.unlock();
    milink::http::Url u;
    std::string perr;
    const std::string where = milink::http::parse_url(request.url, u, perr) ? u.origin() : std::string("(bad URL)");
    for (;;) {
      milink::http::Failure failure = milink::http::Failure::None;
      std::string herr;
      response = milink::sdk::HttpResponse{};
      const bool exchanged = http_.exchange(request, response, failure, herr);
      std::string what;
      std::optional<milliseconds> server_wait;
      if (!exchanged) {
        if (!milink::http::transient(failure)) {
          error = herr;
          return false;
        }
        what = herr;
      } else if (milink::retry::retryable_status(response.status)) {
        what = "HTTP " + std::to_string(response.status);
        server_wait = milink::retry::retry_after(response, std::chrono::system_clock::now());
      } else {
        return true;
      }
      lock.lock();
      auto d = backoff.next(server_wait);
      lock.unlock();
      if (!d) {
        if (backoff.retries() > 0)
          t_gave_up = "the token endpoint " + where + " is unavailable (" + what + "; " + backoff.gave_up() + ")";
        if (!exchanged) error = herr;
        return exchanged;
      }
      std::string line = "token request to " + where + ": " + what + "; " + backoff.retrying(*d, server_wait.has_value());
      milink::audit::record("HTTP", "token", request.method + " " + where, line);
      if (notice_) notice_(line);
      wait(*d);
    }
  } catch (const std::exception& e) {
    error = std::string("internal error sending the token request: ") + e.what();
    return false;
  }
}

}  // namespace milink::arm
