#include "engine/engine.hpp"

namespace milink::emulator {

Engine::~Engine() = default;

void Response::add_error(int number, int severity, int state, std::string text, int line) {
  Message m;
  m.number = number;
  m.severity = severity;
  m.state = state;
  m.text = std::move(text);
  m.line = line;
  items.emplace_back(std::move(m));
  failed = true;
}

void Response::add_info(int number, std::string text) {
  Message m;
  m.number = number;
  m.severity = 0;
  m.text = std::move(text);
  items.emplace_back(std::move(m));
}

const Message* Response::first_error() const {
  for (const auto& item : items)
    if (const auto* m = std::get_if<Message>(&item); m && m->is_error()) return m;
  return nullptr;
}

bool Response::has_error() const { return first_error() != nullptr; }

}  // namespace milink::emulator
