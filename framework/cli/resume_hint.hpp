//===- cli/resume_hint.hpp - The command that continues a run ----*- C++ -*-===//
#pragma once

#include "cli/session.hpp"

#include <string>

namespace milink::cli {

/// The exact command that resumes run \p run_dir of this invocation: the
/// workflow, -c, every --set and --plugin-path, --state-dir when not the
/// default, and --resume=<run id>, each argument shell-quoted when needed.
std::string resume_command(const CommonOptions& opts, const std::string& state_dir, const std::string& run_dir);

}  // namespace milink::cli
