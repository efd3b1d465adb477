#include "sql/odbc_batch.hpp"

#include "sql/odbc_params.hpp"
#include "sql/odbc_results.hpp"
#include "sql/utf16.hpp"

namespace milink::sql {

using milink::sdk::SqlResult;
using milink::sdk::SqlResultSet;
using milink::sdk::SqlValue;

namespace {

/// Records the informational messages of a SQL_SUCCESS_WITH_INFO; a server
/// error among them (which ODBC drivers should report as SQL_ERROR) is kept
/// in \p deferred so the batch still fails.
void add_info(SQLHSTMT stmt, SqlResult& out, std::vector<DiagRecord>& deferred) {
  std::vector<DiagRecord> recs = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
  for (auto& m : informational_messages(recs)) out.messages.push_back(std::move(m));
  for (auto& r : recs)
    if (!is_informational(r) && r.native > 0 && deferred.empty()) deferred.push_back(std::move(r));
}

}  // namespace

bool run_batch(SQLHDBC dbc, const std::string& sql, const std::vector<SqlValue>& params, const BatchOptions& options,
               SqlResult& out, std::vector<DiagRecord>& diag) {
  out = SqlResult{};
  diag.clear();
  StatementHandle stmt;
  if (!stmt.allocate(dbc, diag)) return false;
  SQLHSTMT h = stmt.get();

  if (options.query_timeout_seconds > 0) {
    // FreeTDS honours this: after the timeout it sends an ATTENTION and the
    // call fails with HYT00.
    SQLSetStmtAttr(h, SQL_ATTR_QUERY_TIMEOUT,
                   reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(options.query_timeout_seconds)), SQL_IS_UINTEGER);
  }

  BoundParameters bound;
  if (!bound.bind(h, params, diag)) return false;

  std::u16string text = utf8_to_utf16(sql);
  std::vector<DiagRecord> deferred;
  SQLRETURN rc = SQLExecDirectW(h, reinterpret_cast<SQLWCHAR*>(text.data()), static_cast<SQLINTEGER>(text.size()));
  for (;;) {
    if (rc == SQL_ERROR || rc == SQL_INVALID_HANDLE) {
      diag = odbc_diagnostics(SQL_HANDLE_STMT, h);
      if (diag.empty()) diag.push_back({"HY000", 0, "the driver reported an error without a message"});
      return false;
    }
    if (rc == SQL_NEED_DATA) {
      diag = {{"HY000", 0, "the driver asked for data at execution, which milink does not use"}};
      return false;
    }
    if (rc == SQL_SUCCESS_WITH_INFO) add_info(h, out, deferred);
    if (rc == SQL_NO_DATA) {
      // ODBC 3: a searched UPDATE/DELETE that touched no row.
      SQLLEN count = -1;
      if (odbc_ok(SQLRowCount(h, &count)) && count >= 0) out.rows_affected = count;
    } else {
      SQLSMALLINT columns = 0;
      if (!odbc_ok(SQLNumResultCols(h, &columns))) {
        diag = odbc_diagnostics(SQL_HANDLE_STMT, h);
        return false;
      }
      if (columns > 0) {
        SqlResultSet set;
        bool ok = read_result_set(h, columns, options.max_field_bytes, set, out.messages, diag);
        out.sets.push_back(std::move(set));
        if (!ok) return false;
      } else {
        SQLLEN count = -1;
        if (odbc_ok(SQLRowCount(h, &count)) && count >= 0) out.rows_affected = count;
      }
    }
    rc = SQLMoreResults(h);
    if (rc == SQL_NO_DATA) break;
  }
  if (!deferred.empty()) {
    diag = std::move(deferred);
    return false;
  }
  return true;
}

bool connection_dead(SQLHDBC dbc) {
  if (dbc == SQL_NULL_HDBC) return true;
  SQLUINTEGER dead = SQL_CD_FALSE;
  SQLRETURN rc = SQLGetConnectAttr(dbc, SQL_ATTR_CONNECTION_DEAD, &dead, SQL_IS_UINTEGER, nullptr);
  return odbc_ok(rc) && dead == SQL_CD_TRUE;
}

}  // namespace milink::sql
