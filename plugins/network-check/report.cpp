#include "report.hpp"

namespace milink::netcheck {

using milink::sdk::Value;

void Report::add(Finding f) {
  std::string line = f.status + " " + f.direction + " " + f.target + ": " + f.detail;
  if (f.status == "PASS") ctx_.info(line);
  else ctx_.warn(line);
  findings_.push_back(std::move(f));
}

int Report::count(const std::string& status) const {
  int n = 0;
  for (const auto& f : findings_) n += f.status == status;
  return n;
}

std::string Report::failure_message() const {
  std::string out = "network check failed (" + std::to_string(count("FAIL")) + " of " +
                    std::to_string(findings_.size()) + " tests); nothing was changed:";
  bool first = true;
  for (const auto& f : findings_) {
    if (f.status != "FAIL") continue;
    out += std::string(first ? " " : " | ") + f.direction + " " + f.target + ": " + f.detail;
    first = false;
  }
  return out;
}

Value Report::to_value() const {
  milink::sdk::Array a;
  for (const auto& f : findings_)
    a.push_back(Value(milink::sdk::Object{{"direction", Value(f.direction)},
                                          {"target", Value(f.target)},
                                          {"port", Value(static_cast<std::int64_t>(f.port))},
                                          {"status", Value(f.status)},
                                          {"detail", Value(f.detail)}}));
  return Value(std::move(a));
}

}  // namespace milink::netcheck
