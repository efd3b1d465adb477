#include "run/events.hpp"
#include "run/journal.hpp"

#include <mutex>

namespace milink::run {

EventSink::~EventSink() = default;

namespace {
class JsonSink final : public EventSink {
public:
  explicit JsonSink(std::FILE* out) : out_(out) {}
  void on_event(const milink::sdk::Object& event) override {
    // Every event carries when it happened, in UTC, for the audit trail.
    milink::sdk::Object stamped = event;
    if (stamped.find("time") == nullptr) stamped.set("time", milink::sdk::Value(now_iso8601()));
    std::string line = milink::sdk::Value(std::move(stamped)).to_json() + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    std::fputs(line.c_str(), out_);
    std::fflush(out_);
  }

private:
  std::FILE* out_;
  std::mutex mu_;
};
}  // namespace

std::unique_ptr<EventSink> make_json_sink(std::FILE* out) { return std::make_unique<JsonSink>(out); }

}  // namespace milink::run
