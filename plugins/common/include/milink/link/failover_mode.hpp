//===- milink/link/failover_mode.hpp - One-way or two-way ---------*- C++ -*-===//
///
/// \file
/// Whether a link can be two-way (failoverMode Manual: the database can
/// fail back to SQL Server) depends on SQL Server's version and the managed
/// instance's update policy (its `databaseFormat`). arm-link's
/// `failover_mode: auto` and preflight's report use this one rule.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace milink::link {

/// Which failover mode applies, and why, in one sentence.
struct FailoverModeChoice {
  std::string mode;  ///< "Manual" (two-way) or "None" (one-way)
  std::string why;   ///< e.g. "SQL Server 16.0.4135.4 and the instance's update policy SQLServer2022 match (...)"
  bool format_known = true;  ///< false when \p database_format was empty (Manual is then a guess to check)
};

/// The `auto` rule: Manual when SQL Server (\p product_version, e.g.
/// "16.0.4135.4") is 2022 (16) or 2025 (17) and the instance's update policy
/// (\p database_format, e.g. "SQLServer2022"; "" when it could not be read)
/// matches that version; None otherwise (older SQL Server links only one
/// way; "AlwaysUpToDate" or another version's format cannot fail back).
FailoverModeChoice choose_failover_mode(const std::string& product_version, const std::string& database_format);

}  // namespace milink::link
