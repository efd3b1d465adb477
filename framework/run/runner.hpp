//===- run/runner.hpp - Executes a validated workflow -----------*- C++ -*-===//
///
/// \file
/// Steps run in order. A step with for_each runs its branches concurrently,
/// at most --parallel at a time (workflow/parallelism.hpp: max_parallel is
/// the default, or with a reason a ceiling). A step or group with
/// `concurrency` holds a slot of its group while it applies
/// (run/concurrency.hpp). Each leaf step is:
///   if -> resolve parameters -> create (typed config) -> observe -> apply
/// so a second run of a finished workflow only observes, and reports every
/// step ok. In apply mode every start and end goes into the journal;
/// --resume skips the steps an earlier attempt completed.
///
/// With RunOptions::skip_preflight, a leaf step whose plugin declares
/// itself a preflight check (StepSpec::preflight) is skipped before its `if`
/// is evaluated, and a "warning" event says its prerequisites were not checked.
///
/// A destructive step (StepSpec::destructive) is applied only when it was
/// confirmed (RunOptions::confirmed_destructive, assume_yes).
///
/// Modes: Apply changes things; DryRun observes (read-only) and plans what
/// would change; Plan connects nowhere and renders every action, with
/// values known only at run time as placeholders.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "run/events.hpp"
#include "run/redactor.hpp"
#include "workflow/validator.hpp"

#include <milink/sdk/result.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::run {

enum class Mode { Apply, DryRun, Plan };
const char* mode_name(Mode m) noexcept;

struct RunOptions {
  Mode mode = Mode::Apply;
  /// --parallel: for_each branches at once, per for_each step. nullopt: the
  /// step's max_parallel, else 4 (workflow/parallelism.hpp); a max_parallel
  /// with a reason is a ceiling on it.
  std::optional<int> parallel;
  std::filesystem::path state_dir = ".milink";
  bool resume = false;
  std::string resume_run;  ///< a run directory; empty = newest unfinished run of this workflow
  /// --skip-preflight: leaf steps whose spec says preflight are not run
  /// (status skipped, reason "skipped: --skip-preflight", a warning event
  /// each). Not journaled, so a resumed run decides again.
  bool skip_preflight = false;
  /// Apply mode: a leaf step whose spec says destructive is applied only
  /// when its key is in confirmed_destructive (the steps whose destructive
  /// actions the user confirmed, see cli/confirm_destructive.hpp) or
  /// assume_yes (--yes). Otherwise it fails, unjournaled, before apply().
  std::set<std::string> confirmed_destructive;
  bool assume_yes = false;
  /// --log-file: where every SQL batch and ARM request is logged (redacted);
  /// empty = log.txt in the run directory (none for a dry run).
  std::filesystem::path log_file;
};

/// What happened to one step (one for_each item).
struct StepOutcome {
  std::string key;     ///< "cert", "per_db[db1].ag"
  std::string id;
  std::string uses;
  std::string status;  ///< ok, changed, skipped, failed
  std::string reason;
  double elapsed_ms = 0;
  bool would_change = false;  ///< dry run: observe said a change is needed
  milink::sdk::Object outputs;  ///< in memory only; events carry a redacted copy
  std::vector<milink::sdk::Action> actions;  ///< plan and dry-run
  std::string position;  ///< sort key: workflow position, then for_each item index
};

struct RunResult {
  std::string result;  ///< succeeded, failed, interrupted
  int exit_code = 0;
  std::string run_dir;  ///< empty unless the mode journals
  std::vector<StepOutcome> steps;  ///< in workflow order, for_each branches in item order
};

/// A --resume that cannot proceed: nothing to resume, or the workflow,
/// config or inputs changed since.
class ResumeError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Runner {
public:
  /// \p validated, \p registry, \p redactor and \p sink must outlive the runner.
  Runner(const milink::workflow::ValidatedWorkflow& validated, const milink::host::Registry& registry,
         Redactor& redactor, EventSink& sink, RunOptions options);
  ~Runner();

  /// Runs to the end, to a stopping failure, or to an interrupt.
  /// Throws ResumeError, or std::runtime_error when the journal cannot be written.
  RunResult run();

private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace milink::run
