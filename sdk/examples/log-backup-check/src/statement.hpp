//===- src/statement.hpp - A T-SQL statement with bound parameters -*- C++ -*-===//
///
/// \file
/// Every statement the step runs is T-SQL text with `?` markers plus the
/// values bound to them: user input never becomes part of the text. For
/// review (`milink plan`, `--dry-run`) render() shows the statement with each
/// marker replaced by the literal it stands for.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <string>
#include <vector>

namespace acme {

struct Statement {
  std::string what;  ///< one line for plans and progress: "create job [x]"
  std::string sql;   ///< T-SQL with ? markers
  std::vector<milink::sdk::SqlValue> params;
  /// Safe to run again after a broken connection (guarded by IF NOT EXISTS,
  /// or naturally repeatable); milink then retries it once.
  bool idempotent = false;
};

/// \p s.sql with every `?` (outside string literals and comments) replaced by
/// the T-SQL literal of its parameter: N'text' with ' doubled, numbers, NULL.
/// Throws std::logic_error when markers and parameters do not pair up.
std::string render(const Statement& s);

}  // namespace acme
