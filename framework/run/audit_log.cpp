#include "run/audit_log.hpp"

#include "run/journal.hpp"

#include <mutex>

namespace milink::audit {

namespace {

std::mutex& mu() {
  static std::mutex m;
  return m;
}

Sink& current() {
  static Sink s;
  return s;
}

}  // namespace

void set_sink(Sink sink) {
  std::lock_guard<std::mutex> lock(mu());
  current() = std::move(sink);
}

void record(const std::string& kind, const std::string& target, const std::string& what,
            const std::string& outcome) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mu());
    if (!current()) return;
    // Continuation lines of a multi-line batch are indented under the entry.
    std::string text;
    for (char c : what) text += c == '\n' ? std::string("\n    ") : std::string(1, c);
    current()(milink::run::now_iso8601() + " " + kind + " " + target + " -> " + outcome + "\n    " + text + "\n");
  } catch (...) {
  }
}

}  // namespace milink::audit
