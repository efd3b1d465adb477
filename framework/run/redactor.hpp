//===- run/redactor.hpp - Secrets never leave the process -------*- C++ -*-===//
///
/// \file
/// Every byte milink writes (console, JSON events, journal, plans, error
/// messages) passes through one Redactor, which replaces each known secret
/// value with "***". Secrets are registered as they become known: config
/// secret references at load, secret inputs, secret step parameters once
/// resolved, and values plugins mark with add_secret(). Thread-safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace milink::run {

class Redactor {
public:
  static constexpr const char* kMask = "***";

  /// Registers \p secret (and its JSON-escaped and T-SQL-literal forms). Empty strings are
  /// ignored.
  void add(const std::string& secret);
  std::string redact(std::string text) const;
  /// Redacts every string inside \p v (keys too).
  milink::sdk::Value redact(const milink::sdk::Value& v) const;
  bool empty() const;

private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  ///< longest first, so overlapping secrets mask fully
};

}  // namespace milink::run
