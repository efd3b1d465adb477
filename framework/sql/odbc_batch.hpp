//===- sql/odbc_batch.hpp - One batch through raw ODBC -----------*- C++ -*-===//
///
/// \file
/// Runs one batch on an open connection (POCO's SQLHDBC) and collects every
/// result set, the row count and the informational messages.
///
/// Why raw ODBC and not Poco::Data::Statement (POCO 1.11): a Statement can
/// read several result sets only into into() bindings declared in advance
/// with known types, and RecordSet sees only the first set (POCO issue
/// #1711), while a step's batch returns sets of shapes milink does not know;
/// POCO drops SQL_SUCCESS_WITH_INFO records, so PRINT/INFO messages would be
/// lost; Poco::DateTime keeps microseconds, not datetime2's 100 ns; a
/// std::string parameter is limited to the 8000 characters SQLGetTypeInfo
/// reports for char (tds-findings §3.5); and NULLs read into plain types come
/// back as defaults. The connection itself (connect, login timeout,
/// autocommit, disconnect) stays with Poco::Data::Session.
///
/// On the wire (FreeTDS): a batch without parameters is a SQL_BATCH; with
/// parameters, sp_executesql with a typed declaration (see odbc_params.hpp).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/odbc_diag.hpp"

#include <milink/sdk/sql.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace milink::sql {

struct BatchOptions {
  int query_timeout_seconds = 120;        ///< SQL_ATTR_QUERY_TIMEOUT; 0 = none
  std::size_t max_field_bytes = 16u << 20;  ///< largest value read
};

/// Runs \p sql with \p params bound to its '?' markers. On success returns
/// true with \p out filled. On failure returns false with the diagnostic
/// records in \p diag (\p out keeps what was read before the error).
bool run_batch(SQLHDBC dbc, const std::string& sql, const std::vector<milink::sdk::SqlValue>& params,
               const BatchOptions& options, milink::sdk::SqlResult& out, std::vector<DiagRecord>& diag);

/// True when the driver says \p dbc is dead (SQL_ATTR_CONNECTION_DEAD).
bool connection_dead(SQLHDBC dbc);

}  // namespace milink::sql
