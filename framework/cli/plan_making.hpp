//===- cli/plan_making.hpp - Makes a plan of a loaded workflow --*- C++ -*-===//
///
/// \file
/// What `milink plan` and `milink run --plan` share: the plan of a session's
/// workflow, made by observing read-only (the default) or offline.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "cli/session.hpp"
#include "run/plan_render.hpp"
#include "run/runner.hpp"

namespace milink::cli {

struct MadePlan {
  milink::run::RunResult result;
  milink::run::PlanInfo info;
};

/// Runs the workflow as a plan: connected and read-only (a dry run) unless
/// \p offline, where nothing is read and every run-time value is a
/// placeholder. Of the run's events only warnings reach the user (stderr).
MadePlan make_plan(Session& session, bool offline, bool skip_preflight);

}  // namespace milink::cli
