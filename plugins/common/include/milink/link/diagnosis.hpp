//===- milink/link/diagnosis.hpp - From a link error to a remedy ---*- C++ -*-===//
///
/// \file
/// What a DBA should do about the errors a link reports: the
/// last_connect_error_number of sys.dm_hadr_availability_replica_states and
/// the "<number>: <text>" of ARM's mostRecentLinkError / LinkInitError /
/// LinkCreationError (the MI link troubleshooting guide, 2026-06).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace milink::link {

struct Diagnosis {
  std::string cause;   ///< "the managed instance does not trust SQL Server's certificate"
  std::string remedy;  ///< what to do, naming the step or the setting
};

/// The diagnosis for a SQL Server or link error number; a generic one
/// (network: ports 5022 and 11000-11999) for numbers it does not know.
Diagnosis diagnose(int error_number);

/// The number at the start of "41973: text" (ARM's mostRecentLinkError) or
/// of an ARM error message; 0 when there is none.
int leading_error_number(const std::string& text);

/// "cause. Remedy: remedy" for \p error_number, for one-line messages.
std::string explain(int error_number);

}  // namespace milink::link
