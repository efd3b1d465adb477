//===- plugins/preflight/report.hpp - Collects and logs check results -*- C++ -*-===//
///
/// \file
/// A Report logs every check as one line the moment it is decided:
///   PASS <check>: <detail>                 (ctx.info)
///   WARN <check>: <detail>; <remedy>       (ctx.warn)
///   FAIL <check>: <what is wrong>; <remedy> (ctx.warn)
/// and keeps them for the step's outputs and, when something failed, the
/// StepError message that lists every failure with its remedy.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "verdict.hpp"

#include <milink/sdk/context.hpp>
#include <milink/sdk/value.hpp>

#include <functional>
#include <string>
#include <vector>

namespace milink::preflight {

struct CheckResult {
  std::string check;
  Finding finding;
};

class Report {
public:
  explicit Report(milink::sdk::Context& ctx) : ctx_(ctx) {}

  void add(const std::string& check, Finding f);
  void pass(const std::string& check, std::string detail) { add(check, Finding{Verdict::Pass, std::move(detail), {}}); }
  void warn(const std::string& check, std::string detail, std::string remedy) {
    add(check, Finding{Verdict::Warn, std::move(detail), std::move(remedy)});
  }
  void fail(const std::string& check, std::string detail, std::string remedy) {
    add(check, Finding{Verdict::Fail, std::move(detail), std::move(remedy)});
  }

  /// Runs \p body; an exception it throws (a failed query, an unreachable
  /// target, an unreadable value) becomes a FAIL of \p check with \p remedy
  /// -- or, for a query whose connection kept breaking, with the remedy of
  /// an unavailable server.
  void guarded(const std::string& check, const std::string& remedy, const std::function<void()>& body);

  int count(Verdict v) const;
  const std::vector<CheckResult>& results() const { return results_; }

  /// "2 of 11 preflight checks failed: hadr: ...; ... | version: ...; ..."
  std::string failure_message() const;
  /// [{"check", "status", "detail"}] for the `checks` output.
  milink::sdk::Value to_value() const;

  milink::sdk::Context& ctx() { return ctx_; }

private:
  milink::sdk::Context& ctx_;
  std::vector<CheckResult> results_;
};

/// "<detail>; <remedy>" (just the detail when there is no remedy).
std::string with_remedy(const Finding& f);

}  // namespace milink::preflight
