#include "workflow/diagnostics.hpp"

namespace milink::workflow {

std::string Diagnostic::format() const {
  std::string out = file;
  if (location.line > 0) out += ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
  out += ": ";
  if (!pointer.empty()) out += pointer + ": ";
  out += message;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

void Diagnostics::error(const std::string& pointer, std::string message, std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.pointer = pointer;
  if (map_ != nullptr) d.location = map_->locate(pointer);
  d.message = std::move(message);
  d.hint = std::move(hint);
  list_.push_back(std::move(d));
}

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += "\n";
    out += d.format();
  }
  return out;
}
}  // namespace

InvalidInput::InvalidInput(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace milink::workflow
