//===- plugins/credentials/process.hpp - Running a helper program -*- C++ -*-===//
///
/// \file
/// Runs a program without a shell (posix_spawn), with stdin from /dev/null,
/// stdout and stderr captured through pipes and a deadline after which the
/// whole process group is killed. Safe to call from several threads: the
/// pipes are close-on-exec, so concurrently started children never inherit
/// each other's pipe ends.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace milink::credentials {

struct ProcessResult {
  bool timed_out = false;
  int exit_code = -1;     ///< 128+signal when killed; -1 when unknown
  std::string out;        ///< at most max_output bytes
  std::string err;        ///< at most max_output bytes
};

/// Searches PATH for an executable called \p name; "" when none.
std::string find_on_path(const std::string& name);

/// Runs \p exe with \p args (argv[1..]). Throws CredentialError when the
/// program cannot be started.
ProcessResult run_process(const std::string& exe, const std::vector<std::string>& args, int timeout_seconds,
                          std::size_t max_output = 1 << 20);

}  // namespace milink::credentials
