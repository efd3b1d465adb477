//===- plugins/preflight/step.hpp - uses: "preflight" ------------*- C++ -*-===//
///
/// \file
/// Checks the documented prerequisites of the Managed Instance link before
/// anything changes, and never changes anything itself. observe() runs every
/// check and logs one line per check (PASS/WARN/FAIL); any FAIL makes it
/// throw a StepError listing every failure with its remedy, so the step fails
/// and the workflow stops before its first change. Otherwise it is satisfied
/// ("N checks passed, M warnings") and apply() is never needed.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"

#include <milink/sdk/context.hpp>
#include <milink/sdk/result.hpp>
#include <milink/sdk/spec.hpp>

namespace milink::preflight {

class PreflightStep {
public:
  using Config = milink::preflight::Config;

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p) { return parse_config(p); }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  /// A note describing the checks; connects nowhere (milink plan).
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  /// Never needed: observe() is satisfied or throws. Throws a StepError saying so.
  void apply(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::preflight
