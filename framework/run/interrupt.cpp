#include "run/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace milink::run {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int sig) {
  g_interrupted.store(true);
  // Why: a second Ctrl-C must be able to end a run that is stuck in a
  // plugin call; the default action does that.
  std::signal(sig, SIG_DFL);
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking waits return early with EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() noexcept { return g_interrupted.load(); }
void request_interrupt() noexcept { g_interrupted.store(true); }
void reset_interrupt() noexcept { g_interrupted.store(false); }

}  // namespace milink::run
