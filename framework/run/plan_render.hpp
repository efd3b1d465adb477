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
#include <vector>

namespace milink::run {

/// How a plan was made, for its headers and plan.json.
struct PlanInfo {
  /// `milink plan --offline`: nothing was read, so what steps would read
  /// (and what earlier changes make) are placeholders. Otherwise the plan
  /// observed the servers read-only and only values that earlier changes
  /// of the plan make (a new certificate's public key) are placeholders.
  bool offline = false;
  std::string made_at;  ///< UTC, ISO 8601
};

/// The placeholders ("<steps.cert.outputs.public_key>", "<instance endpoint
/// certificate>") in \p text, each once, in order.
std::vector<std::string> placeholders_in(const std::string& text);

/// File name -> content, e.g. "sqlserver.sql", "arm.http", "plan.json".
/// Each script's header says how the plan was made and, when it holds
/// placeholders, names them and says it does not run as it is.
std::map<std::string, std::string> render_plan(const std::string& workflow_name, const RunResult& result,
                                               const Redactor& redactor, const PlanInfo& info);

/// The same as one text, for the console (a dry run's "What would change",
/// `milink plan` without --out), scripts whole so they can be copied.
std::string render_plan_text(const RunResult& result, const Redactor& redactor);

/// plan.json's content as a value (redacted), as render_plan writes it;
/// `milink run --plan` compares a fresh one with the saved one.
milink::sdk::Value plan_document(const std::string& workflow_name, const RunResult& result, const Redactor& redactor,
                                 const PlanInfo& info);

}  // namespace milink::run
