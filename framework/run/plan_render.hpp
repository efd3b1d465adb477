//===- run/plan_render.hpp - Plans a person can review ----------*- C++ -*-===//
///
/// \file
/// Turns the actions of a plan (or a dry run) into reviewable files, grouped
/// by target: one `<target>.sql` script per server (batches separated by GO,
/// each preceded by a comment naming the step), one `<target>.http` file of
/// REST requests (method, URL, JSON body), and `plan.json` with everything.
/// Destructive actions (Action::destructive) are marked: `-- DESTRUCTIVE:`
/// before the batch, `### DESTRUCTIVE:` before the request, and
/// `"destructive": true` in plan.json. All text goes through the redactor.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "run/redactor.hpp"
#include "run/runner.hpp"

#include <map>
#include <string>

namespace milink::run {

/// File name -> content, e.g. "sqlserver.sql", "arm.http", "plan.json".
std::map<std::string, std::string> render_plan(const std::string& workflow_name, const RunResult& result,
                                               const Redactor& redactor);

/// The same as one text, for the console.
std::string render_plan_text(const std::string& workflow_name, const RunResult& result, const Redactor& redactor);

}  // namespace milink::run
