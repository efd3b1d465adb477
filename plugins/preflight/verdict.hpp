//===- plugins/preflight/verdict.hpp - The outcome of one check -*- C++ -*-===//
///
/// \file
/// Every preflight check ends as PASS, WARN or FAIL with a one-line detail
/// and, for WARN and FAIL, a remedy. Plain data: the version and edition
/// rules (version_check.hpp) produce it without touching milink's SDK, so
/// they can be unit-tested directly.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace milink::preflight {

enum class Verdict { Pass, Warn, Fail };

/// "PASS", "WARN", "FAIL".
inline const char* verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::Pass: return "PASS";
    case Verdict::Warn: return "WARN";
    case Verdict::Fail: return "FAIL";
  }
  return "FAIL";
}

/// What a rule decided: the detail says what was found (or what is wrong),
/// the remedy what to do about it (empty for PASS).
struct Finding {
  Verdict verdict = Verdict::Pass;
  std::string detail;
  std::string remedy;
};

}  // namespace milink::preflight
