//===- milink/sdk/result.hpp - Outcomes that cross the boundary --*- C++ -*-===//
///
/// \file
/// No exception crosses the plugin boundary. Every call milink makes into a
/// plugin returns a \c Status instead; the SDK adapters (adapter.hpp),
/// compiled into the plugin, catch everything and fill it in.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <string>
#include <vector>

namespace milink::sdk {

struct Status {
  bool ok = true;
  std::string message;  ///< what went wrong, for a person
  std::string field;    ///< the parameter at fault, when there is one

  static Status success() { return {}; }
  static Status failure(std::string message, std::string field = {}) {
    return Status{false, std::move(message), std::move(field)};
  }
};

/// What observe() found.
struct Observation {
  enum class State { Satisfied, NeedsChange };
  State state = State::NeedsChange;
  std::string reason;  ///< why, in one line: "certificate exists, expires 2027-01-01"

  static Observation satisfied(std::string reason) { return {State::Satisfied, std::move(reason)}; }
  static Observation needs_change(std::string reason) { return {State::NeedsChange, std::move(reason)}; }
};

/// One action a step would take, for a person to review.
struct Action {
  enum class Kind { Sql, Http, Note };
  Kind kind = Kind::Note;
  /// Where it goes: "sqlserver", "managed_instance", "arm", or any target
  /// name the step chooses. Actions are grouped by target in plans.
  std::string target;
  std::string description;  ///< one line
  std::string sql;          ///< Kind::Sql: the exact T-SQL batch
  std::string method;       ///< Kind::Http
  std::string url;          ///< Kind::Http
  Value body;               ///< Kind::Http: JSON body, or null
  /// The action deletes, drops or fails over something. Its description
  /// must then say exactly what, in one line, e.g. "DELETE link DAG_sales on
  /// instance mi1 (the instance's database stays)". Plans mark such actions
  /// (`-- DESTRUCTIVE:` in .sql, `### DESTRUCTIVE:` in .http, "destructive":
  /// true in plan.json), and `milink run` lists them and asks before the
  /// first change of a run that would take one (see StepSpec::destructive).
  bool destructive = false;

  static Action sql_batch(std::string target, std::string description, std::string sql);
  static Action http(std::string method, std::string url, Value body, std::string description,
                     std::string target = "arm");
  static Action note(std::string target, std::string description);
  /// This action with destructive = true (see above), for chaining:
  /// `Action::sql_batch(...).marked_destructive()`.
  Action marked_destructive() &&;
};

struct Plan {
  std::vector<Action> actions;
};

}  // namespace milink::sdk
