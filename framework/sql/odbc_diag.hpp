//===- sql/odbc_diag.hpp - Raw ODBC helpers ----------------------*- C++ -*-===//
///
/// \file
/// Diagnostics and handle ownership for the raw ODBC calls the session makes
/// on POCO's connection handle (see odbc_batch.hpp for why).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/sql_error.hpp"

#include <sql.h>
#include <sqlext.h>

#include <vector>

namespace milink::sql {

static_assert(sizeof(SQLWCHAR) == 2, "milink expects unixODBC's 16-bit SQLWCHAR (UTF-16)");

inline bool odbc_ok(SQLRETURN rc) { return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO; }

/// Every diagnostic record of \p handle (messages decoded from UTF-16).
std::vector<DiagRecord> odbc_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle);

/// A statement handle, freed on destruction.
class StatementHandle {
public:
  StatementHandle() = default;
  ~StatementHandle();
  StatementHandle(const StatementHandle&) = delete;
  StatementHandle& operator=(const StatementHandle&) = delete;

  /// Allocates on \p dbc; on failure returns false with the connection's
  /// diagnostics in \p diag.
  bool allocate(SQLHDBC dbc, std::vector<DiagRecord>& diag);
  SQLHSTMT get() const { return stmt_; }

private:
  SQLHSTMT stmt_ = SQL_NULL_HSTMT;
};

}  // namespace milink::sql
