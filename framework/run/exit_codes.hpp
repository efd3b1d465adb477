//===- run/exit_codes.hpp - What milink's exit status means -----*- C++ -*-===//
#pragma once

namespace milink {

/// Documented in README.md ("Exit codes"); scripts rely on them.
enum ExitCode : int {
  kExitSuccess = 0,       ///< everything ok, changed or skipped
  kExitStepFailed = 1,    ///< at least one step (or for_each branch) failed
  kExitInvalidInput = 2,  ///< bad command line, workflow, config or plugin; nothing ran
  kExitNotConfirmed = 3,  ///< the run would delete or drop things and was not confirmed; nothing changed
  kExitPlanChanged = 4,   ///< run --plan: the saved plan no longer matches what milink observes; nothing changed
  kExitInterrupted = 130, ///< Ctrl-C / SIGTERM; the journal is consistent, --resume continues
};

}  // namespace milink
