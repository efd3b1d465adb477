#include "run/events.hpp"

#include <milink/sdk/value.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::string str(const Object& e, const char* key) {
  const Value* v = e.find(key);
  if (v == nullptr || v->is_null()) return {};
  return v->to_display();
}

std::string seconds(double ms) {
  char buf[32];
  if (ms < 60000)
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(ms / 60000), static_cast<int>(ms / 1000) % 60);
  return buf;
}

/// A long binary literal (a certificate blob, 0x3082...) shortened for
/// people: its first bytes and its length. Plans and JSON keep it whole.
std::string shorten_binary(const std::string& text) {
  static const std::regex hex("0x([0-9A-Fa-f]{16})([0-9A-Fa-f]{48,})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), hex);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const std::size_t bytes = (m.length(0) - 2) / 2;
    out += text.substr(last, m.position(0) - last) + "0x" + m.str(1) + "... (" + std::to_string(bytes) + " bytes)";
    last = m.position(0) + m.length(0);
  }
  return out + text.substr(last);
}

const char* mark(const std::string& status) {
  if (status == "ok") return "ok     ";
  if (status == "changed") return "changed";
  if (status == "skipped") return "skipped";
  if (status == "failed") return "FAILED ";
  return "       ";
}

/// Status word of a step_end or summary entry; a dry run's step that
/// would change says so.
std::string mark_of(const Object& e) {
  if (str(e, "would_change") == "true") return "would change";
  return mark(str(e, "status"));
}

/// Text for people. Without a terminal it prints one line per event worth
/// reading; on a terminal it also keeps a status line at the bottom that
/// shows each running step with its elapsed time and latest progress.
class TextSink final : public EventSink {
public:
  TextSink(std::FILE* out, bool live) : out_(out), live_(live) {
    if (live_) ticker_ = std::thread([this] { tick(); });
  }
  ~TextSink() override { finish(); }

  void on_event(const Object& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string ev = str(e, "event");
    std::string step = str(e, "step");
    clear_status();
    if (ev == "run_start") {
      std::string mode = str(e, "mode");
      line("milink: " + std::string(mode == "apply" ? "running" : mode == "dry_run" ? "dry run of" : "planning") + " " +
           str(e, "workflow") +
           (str(e, "run_id").empty() ? "" : (str(e, "resumed") == "true" ? " (resuming " : " (run ") + str(e, "run_id") + ")"));
    } else if (ev == "step_start") {
      running_[step] = {std::chrono::steady_clock::now(), ""};
      last_progress_[step] = std::chrono::steady_clock::now();
      if (!live_) line("  start    " + step);
    } else if (ev == "step_progress") {
      auto it = running_.find(step);
      if (it != running_.end()) {
        it->second.progress = str(e, "message");
        const Value* f = e.find("fraction");
        if (f && f->is_number() && f->as_double() >= 0) {
          char buf[16];
          std::snprintf(buf, sizeof buf, " %3.0f%%", f->as_double() * 100);
          it->second.progress += buf;
        }
      }
      if (!live_) {
        // Without a terminal, progress lines are throttled so CI logs stay readable.
        auto now = std::chrono::steady_clock::now();
        auto& last = last_progress_[step];
        if (now - last >= std::chrono::seconds(5)) {
          last = now;
          line("  ...     " + step + ": " + str(e, "message"));
        }
      }
    } else if (ev == "slot_wait" || ev == "slot_acquired") {
      // concurrency: a step waiting for a slot says so, on the status line too.
      bool waiting = ev == "slot_wait";
      auto it = running_.find(step);
      if (it != running_.end()) it->second.progress = waiting ? "waiting for " + str(e, "group") : "";
      if (waiting) line("  waiting  " + step + ": " + str(e, "message"));
    } else if (ev == "warning") {
      std::fflush(out_);
      std::fprintf(stderr, "milink: warning: %s\n", str(e, "message").c_str());
      std::fflush(stderr);
    } else if (ev == "step_log") {
      std::string level = str(e, "level");
      line("  " + std::string(level == "warning" ? "warning" : level == "error" ? "error  " : "info   ") + "  " + step +
           ": " + shorten_binary(str(e, "message")));
    } else if (ev == "step_end") {
      running_.erase(step);
      last_progress_.erase(step);
      std::string status = str(e, "status");
      const Value* ms = e.find("elapsed_ms");
      std::string t = ms && ms->is_number() ? seconds(ms->as_double()) : "";
      std::string reason = str(e, "reason");
      line("  " + mark_of(e) + "  " + step + "  (" + t + ")" + (reason.empty() ? "" : "  " + shorten_binary(reason)));
      const Value* actions = e.find("actions");
      if (actions && actions->is_array())
        for (const auto& a : actions->as_array())
          line(std::string(str(a.as_object(), "destructive") == "true" ? "             would DESTROY: "
                                                                        : "             would: ") +
               shorten_binary(str(a.as_object(), "description")));
    } else if (ev == "run_end") {
      const Value* counts = e.find("counts");
      std::string c;
      if (counts && counts->is_object())
        for (const auto& [k, v] : counts->as_object()) {
          std::string word = k;  // "would_change" reads "would change"
          std::replace(word.begin(), word.end(), '_', ' ');
          c += (c.empty() ? "" : ", ") + v.to_display() + " " + word;
        }
      const Value* ms = e.find("elapsed_ms");
      line("milink: " + str(e, "result") + " in " + (ms && ms->is_number() ? seconds(ms->as_double()) : "?") +
           (c.empty() ? "" : " (" + c + ")"));
      const Value* summary = e.find("summary");
      if (summary && summary->is_array() && !summary->as_array().empty()) {
        line("summary:");
        for (const auto& s : summary->as_array())
          line("  " + mark_of(s.as_object()) + "  " + str(s.as_object(), "step") +
               (str(s.as_object(), "status") == "failed" ? "  " + str(s.as_object(), "reason") : ""));
      }
    }
    draw_status();
    std::fflush(out_);
  }

  void finish() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      clear_status();
    }
    cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

private:
  struct Running {
    std::chrono::steady_clock::time_point start;
    std::string progress;
  };

  void line(const std::string& s) { std::fprintf(out_, "%s\n", s.c_str()); }

  void clear_status() {
    if (live_ && status_shown_) {
      std::fputs("\r\x1b[K", out_);
      status_shown_ = false;
    }
  }

  void draw_status() {
    if (!live_ || running_.empty() || stopped_) return;
    auto now = std::chrono::steady_clock::now();
    std::string s = "  running:";
    int shown = 0;
    for (const auto& [key, r] : running_) {
      if (shown++ == 4) {
        s += " +" + std::to_string(running_.size() - 4) + " more";
        break;
      }
      double ms = std::chrono::duration<double, std::milli>(now - r.start).count();
      s += " " + key + " " + seconds(ms) + (r.progress.empty() ? "" : " [" + r.progress + "]") + ";";
    }
    // One line only: a wrapped status line could not be erased with \r.
    std::size_t width = terminal_width();
    if (s.size() >= width) s = s.substr(0, width - 4) + "...";
    std::fputs(s.c_str(), out_);
    status_shown_ = true;
  }

  std::size_t terminal_width() const {
    struct winsize ws {};
    if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
  }

  void tick() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      cv_.wait_for(lock, std::chrono::milliseconds(250));
      if (stopped_) break;
      clear_status();
      draw_status();
      std::fflush(out_);
    }
  }

  std::FILE* out_;
  bool live_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Running> running_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_progress_;
  bool status_shown_ = false;
  bool stopped_ = false;
  std::thread ticker_;
};

}  // namespace

std::unique_ptr<EventSink> make_text_sink(std::FILE* out, bool live) { return std::make_unique<TextSink>(out, live); }

}  // namespace milink::run
