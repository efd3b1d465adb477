//===- cli/confirm_destructive.hpp - Ask before a run destroys things -*- C++ -*-===//
///
/// \file
/// Before `milink run` applies a workflow with destructive steps
/// (StepSpec::destructive), it dry-runs the workflow (read-only: observe,
/// then plan), lists every destructive action the plans hold, and asks:
///   - with --yes it goes ahead;
///   - with stdin a terminal it asks to type "yes";
///   - otherwise it refuses (exit 3), and nothing was changed.
/// With --output json a `destructive_actions` event carries the list and
/// the decision: {actions[{step, target, description}], decision:
/// "confirmed" | "yes_option" | "refused" | "no_terminal"}.
/// A workflow without destructive steps is not dry-run first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "cli/session.hpp"
#include "run/runner.hpp"

namespace milink::cli {

/// Fills \p ro.confirmed_destructive (and assume_yes with \p yes) and
/// returns kExitSuccess to go ahead, or kExitNotConfirmed after telling
/// the user why not. Throws what the dry run's Runner throws. \p look_ahead:
/// a dry run of this session's workflow just made (run --plan's check), used
/// instead of making another.
int confirm_destructive(Session& session, milink::run::RunOptions& ro, bool yes, bool json,
                        const milink::run::RunResult* look_ahead = nullptr);

}  // namespace milink::cli
