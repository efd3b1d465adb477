//===- tests/support/capturing_sink.hpp - Keeps every run event ---*- C++ -*-===//
#pragma once

#include "run/events.hpp"

#include <milink/sdk/value.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace testsupport {

/// An EventSink for in-process runs: every event, and all of them as JSON
/// lines (for "appears nowhere" checks). Thread-safe like any sink.
class CapturingSink final : public milink::run::EventSink {
public:
  void on_event(const milink::sdk::Object& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    events.push_back(event);
    all += milink::sdk::Value(event).to_json() + "\n";
  }
  std::vector<milink::sdk::Object> events;
  std::string all;

private:
  std::mutex mu_;
};

}  // namespace testsupport
