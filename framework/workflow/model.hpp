//===- workflow/model.hpp - A parsed workflow definition --------*- C++ -*-===//
///
/// \file
/// The in-memory form of a workflow file, after the structural checks of
/// workflow_parser. Values under `with`, `if` and `for_each` are kept as
/// written (templates are evaluated by the runner), together with the JSON
/// pointer they came from, so every later error can point at the file.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/json.hpp>
#include <milink/sdk/spec.hpp>
#include <milink/sdk/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::workflow {

/// What a failure in a step (or in one for_each branch) does to the rest.
enum class OnError {
  Stop,      ///< default: let running branches finish, then stop the workflow
  Continue,  ///< keep going; later steps still run (and can read .status)
  FailFast,  ///< cancel the branches of this step not yet started, then stop
};
const char* on_error_name(OnError e) noexcept;

struct InputDef {
  std::string name;
  milink::sdk::ValueType type = milink::sdk::ValueType::String;
  bool required = false;
  milink::sdk::Value fallback;  ///< null = none
  std::string doc;
  bool secret = false;
  std::string pointer;
};

/// A step's `concurrency`: every execution of the step (each for_each
/// branch) holds one slot of the group named by \p group while it applies.
struct ConcurrencyDef {
  std::string group;         ///< as written; a template evaluated per execution
  milink::sdk::Value limit;  ///< an integer, or a string holding one ${{ }} expression
  std::string pointer;       ///< "/steps/3/concurrency"
};

struct StepDef {
  std::string id;
  std::string name;  ///< display name; defaults to id
  std::string uses;  ///< empty for a group (a step with `steps`)
  milink::sdk::Object with;
  std::optional<std::string> if_expr;
  std::optional<milink::sdk::Value> for_each;  ///< a template string or a literal array
  std::string as = "item";
  /// for_each branches at once when --parallel is not given; with a reason,
  /// also a ceiling --parallel cannot raise (see workflow/parallelism.hpp).
  std::optional<int> max_parallel;
  std::string max_parallel_reason;  ///< non-empty: max_parallel is a stated ceiling
  std::optional<ConcurrencyDef> concurrency;
  OnError on_error = OnError::Stop;
  std::vector<StepDef> steps;  ///< group body, run in order per item
  std::string pointer;         ///< "/steps/3" or "/steps/3/steps/0"

  bool is_group() const noexcept { return uses.empty(); }
};

struct Workflow {
  std::string file;  ///< as given on the command line
  std::string name;
  std::string description;
  std::vector<InputDef> inputs;
  std::vector<StepDef> steps;
  milink::sdk::SourceMap map;
  std::string sha256;  ///< of the file's bytes; resume refuses a changed workflow

  const InputDef* input(const std::string& name) const;
};

}  // namespace milink::workflow
