//===- status/assess.hpp - From both sides' figures to a verdict -*- C++ -*-===//
///
/// \file
/// Matches SQL Server's DAGs and Azure's links by name (case-insensitive),
/// one LinkRow each, and judges every row, certificate and the endpoint:
/// ok, warning or critical, with the cause and remedy (the link plugins'
/// diagnosis table, milink/link/diagnosis.hpp).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "status/arm_side.hpp"
#include "status/report.hpp"
#include "status/sql_side.hpp"

#include <optional>
#include <string>
#include <vector>

namespace milink::status {

struct Thresholds {
  long long certificate_warning_days = 30;  ///< a certificate expiring within this many days: warning
  long long lag_warning_seconds = 300;      ///< a secondary further behind than this: warning
};

/// The report. \p sql / \p arm: nullopt when that side could not be read
/// (its error is in \p errors). \p databases: only links of these databases
/// (case-insensitive); a name with no link on either side gets a critical
/// row of its own. Empty: every link.
Report assess(const std::optional<SqlSide>& sql, const std::optional<ArmSide>& arm, std::vector<std::string> errors,
              const Thresholds& thresholds, const std::vector<std::string>& databases);

}  // namespace milink::status
