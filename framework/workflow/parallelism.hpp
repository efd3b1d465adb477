//===- workflow/parallelism.hpp - How many for_each branches run at once -*- C++ -*-===//
///
/// \file
/// The user's --parallel is the bound. A step's integer max_parallel is the
/// default when the user gives none; without either, kDefaultParallel. A
/// max_parallel written as {"limit", "reason"} is a ceiling as well: it
/// lowers a higher --parallel, and the run (and validate) warn, naming the
/// step, both numbers and the reason.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "workflow/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace milink::workflow {

/// Branches at once when neither --parallel nor max_parallel says.
constexpr int kDefaultParallel = 4;

/// How many branches of for_each step \p s run at once, given the user's
/// --parallel (\p user; nullopt when not given).
int branch_bound(const StepDef& s, std::optional<int> user);

struct CeilingWarning {
  std::string step;     ///< the step's id
  std::string message;  ///< names the step, its pointer, both values and the reason
};

/// One warning per step of \p wf (groups included, at any depth) whose
/// stated ceiling is below \p user. None when \p user is nullopt.
std::vector<CeilingWarning> ceiling_warnings(const Workflow& wf, std::optional<int> user);

}  // namespace milink::workflow
