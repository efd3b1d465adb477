//===- run/redactor.hpp - Secrets never leave the process -------*- C++ -*-===//
///
/// \file
/// Every byte milink writes (console, JSON events, journal, plans, error
/// messages) passes through one Redactor, which replaces each known secret
/// value with "***". Secrets are registered as they become known: config
/// secret references at load, secret inputs, secret step parameters once
/// resolved, and values plugins mark with add_secret(). Short secrets are
/// masked only as whole words, and very short ones not at all, so that they
/// cannot mangle unrelated words (see add()). Thread-safe.
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

  /// Secrets shorter than this are not masked (see too_short()).
  static constexpr std::size_t kMinimumLength = 4;
  /// Secrets shorter than this are masked only as whole words.
  static constexpr std::size_t kWholeWordBelow = 8;

  /// Registers \p secret (and its JSON-escaped and T-SQL-literal forms). Empty strings are
  /// ignored; one shorter than kMinimumLength is only counted by too_short().
  void add(const std::string& secret);
  /// Number of distinct secrets too short to mask safely (kMinimumLength):
  /// they are not masked, and the command warns about them.
  std::size_t too_short() const;
  std::string redact(std::string text) const;
  /// Redacts every string inside \p v (keys too).
  milink::sdk::Value redact(const milink::sdk::Value& v) const;
  bool empty() const;

private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  ///< longest first, so overlapping secrets mask fully
  std::vector<std::string> too_short_;
};

}  // namespace milink::run
