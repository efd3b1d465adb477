#include "sql/odbc_diag.hpp"

#include "sql/utf16.hpp"

#include <algorithm>

namespace milink::sql {

std::vector<DiagRecord> odbc_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle) {
  std::vector<DiagRecord> out;
  if (handle == SQL_NULL_HANDLE) return out;
  for (SQLSMALLINT i = 1; i < 64; ++i) {
    SQLWCHAR state[6] = {0};
    SQLINTEGER native = 0;
    std::vector<SQLWCHAR> text(1024);
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetDiagRecW(handle_type, handle, i, state, &native, text.data(),
                                  static_cast<SQLSMALLINT>(text.size()), &len);
    if (rc == SQL_SUCCESS_WITH_INFO && len >= static_cast<SQLSMALLINT>(text.size())) {
      text.resize(static_cast<std::size_t>(len) + 1);
      rc = SQLGetDiagRecW(handle_type, handle, i, state, &native, text.data(), static_cast<SQLSMALLINT>(text.size()),
                          &len);
    }
    if (!odbc_ok(rc)) break;
    DiagRecord r;
    r.sqlstate = utf16_to_utf8(reinterpret_cast<const char16_t*>(state), 5);
    while (!r.sqlstate.empty() && r.sqlstate.back() == '\0') r.sqlstate.pop_back();
    r.native = native;
    std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(len < 0 ? 0 : len), text.size());
    r.message = utf16_to_utf8(reinterpret_cast<const char16_t*>(text.data()), n);
    out.push_back(std::move(r));
  }
  return out;
}

StatementHandle::~StatementHandle() {
  if (stmt_ != SQL_NULL_HSTMT) SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
}

bool StatementHandle::allocate(SQLHDBC dbc, std::vector<DiagRecord>& diag) {
  SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt_);
  if (!odbc_ok(rc)) {
    stmt_ = SQL_NULL_HSTMT;
    diag = odbc_diagnostics(SQL_HANDLE_DBC, dbc);
    if (diag.empty()) diag.push_back({"08003", 0, "cannot allocate a statement: the connection is not open"});
    return false;
  }
  return true;
}

}  // namespace milink::sql
