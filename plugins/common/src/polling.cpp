#include <milink/link/polling.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace milink::link {

void pause(milink::sdk::Context& ctx, long long ms, const std::string& what) {
  using clock = std::chrono::steady_clock;
  const auto wake = clock::now() + std::chrono::milliseconds(ms);
  while (clock::now() < wake) {
    if (ctx.cancelled()) throw milink::sdk::StepError("interrupted while " + what);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(50, ms)));
  }
}

long long read_poll_interval(const milink::sdk::Params& p) {
  long long ms = p.integer("poll_interval_ms");
  if (ms < 10 || ms > 600000)
    throw milink::sdk::ConfigError("poll_interval_ms", "poll_interval_ms must be between 10 and 600000");
  return ms;
}

}  // namespace milink::link
