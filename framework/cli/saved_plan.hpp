//===- cli/saved_plan.hpp - milink run --plan DIR ---------------*- C++ -*-===//
///
/// \file
/// A saved plan is applied only while it is still what milink would do:
/// before the first change, `milink run --plan DIR` makes the plan again
/// (read-only) and compares it with DIR/plan.json step by step (the steps,
/// whether each would change, and every action: the exact T-SQL, method,
/// URL and body). A difference, an offline plan, another workflow or an
/// unreadable file refuses the run, naming the first difference, and
/// nothing changes. Reasons (free text, e.g. lag figures) are not compared.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "cli/session.hpp"
#include "run/runner.hpp"

#include <string>

namespace milink::cli {

/// kExitSuccess when \p plan_dir/plan.json still matches what the session's
/// workflow would do (the plan made again is left in \p fresh: the run's
/// look-ahead); otherwise prints why (stderr, and an error event with
/// \p json) and returns kExitInvalidInput (unreadable, offline, another
/// workflow) or kExitPlanChanged.
int check_saved_plan(Session& session, const std::string& plan_dir, bool skip_preflight, bool json,
                     milink::run::RunResult& fresh);

}  // namespace milink::cli
