#include "run/events.hpp"

#include <mutex>

namespace milink::run {

EventSink::~EventSink() = default;

namespace {
class JsonSink final : public EventSink {
public:
  explicit JsonSink(std::FILE* out) : out_(out) {}
  void on_event(const milink::sdk::Object& event) override {
    std::string line = milink::sdk::Value(event).to_json() + "\n";
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
