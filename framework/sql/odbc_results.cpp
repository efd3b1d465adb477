#include "sql/odbc_results.hpp"

#include "sql/utf16.hpp"

#include <algorithm>
#include <cstring>

namespace milink::sql {

using milink::sdk::SqlColumn;
using milink::sdk::SqlDateTime;
using milink::sdk::SqlResultSet;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

namespace {

struct ColumnInfo {
  SQLSMALLINT odbc_type = 0;
  SqlType type = SqlType::NVarChar;
};

void add_info(SQLHSTMT stmt, std::vector<milink::sdk::SqlMessage>& messages) {
  std::vector<DiagRecord> recs = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
  // 01004 (string data, right truncated) is ours: chunked SQLGetData.
  std::vector<DiagRecord> infos;
  for (auto& r : recs)
    if (r.sqlstate != "01004") infos.push_back(std::move(r));
  for (auto& m : informational_messages(infos)) messages.push_back(std::move(m));
}

/// Reads a character or binary column in chunks. \p wide: SQL_C_WCHAR.
/// Returns 1 for a value, 0 for NULL, -1 for an error.
int get_chunks(SQLHSTMT stmt, SQLUSMALLINT col, bool wide, std::size_t max_bytes, std::vector<unsigned char>& out,
               std::vector<DiagRecord>& diag) {
  out.clear();
  std::vector<unsigned char> buf(64 * 1024);
  const SQLSMALLINT c_type = wide ? SQL_C_WCHAR : SQL_C_BINARY;
  const std::size_t terminator = wide ? sizeof(SQLWCHAR) : 0;
  bool first = true;
  for (;;) {
    SQLLEN ind = 0;
    SQLRETURN rc = SQLGetData(stmt, col, c_type, buf.data(), static_cast<SQLLEN>(buf.size()), &ind);
    if (rc == SQL_NO_DATA) return first ? 0 : 1;
    if (!odbc_ok(rc)) {
      diag = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
      return -1;
    }
    if (ind == SQL_NULL_DATA) return 0;
    first = false;
    std::size_t got;
    const std::size_t room = buf.size() - terminator;
    if (ind == SQL_NO_TOTAL || static_cast<std::size_t>(ind) > room)
      got = room;
    else
      got = static_cast<std::size_t>(ind);
    if (wide) got -= got % sizeof(SQLWCHAR);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got));
    if (out.size() > max_bytes) {
      diag = {{"22001", 0,
               "a value in column " + std::to_string(col) + " is larger than " + std::to_string(max_bytes >> 20) +
                   " MiB, the most milink reads"}};
      return -1;
    }
    if (rc == SQL_SUCCESS) return 1;
    // SQL_SUCCESS_WITH_INFO: 01004 means more data follows; anything else
    // with a complete value ends it.
    if (ind != SQL_NO_TOTAL && static_cast<std::size_t>(ind) <= room) return 1;
  }
}

}  // namespace

SqlType sql_type_for_odbc(SQLSMALLINT t) {
  switch (t) {
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER: return SqlType::Int;
    case SQL_BIGINT: return SqlType::BigInt;
    case SQL_BIT: return SqlType::Bit;
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE: return SqlType::Float;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY: return SqlType::VarBinary;
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
    case SQL_DATE: return SqlType::DateTime2;
    default: return SqlType::NVarChar;
  }
}

bool read_result_set(SQLHSTMT stmt, SQLSMALLINT columns, std::size_t max_field_bytes, SqlResultSet& out,
                     std::vector<milink::sdk::SqlMessage>& messages, std::vector<DiagRecord>& diag) {
  std::vector<ColumnInfo> info(static_cast<std::size_t>(columns));
  out.columns.clear();
  out.rows.clear();
  for (SQLSMALLINT c = 1; c <= columns; ++c) {
    SQLWCHAR name[512] = {0};
    SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    SQLRETURN rc = SQLDescribeColW(stmt, static_cast<SQLUSMALLINT>(c), name, 512, &name_len, &type, &size, &digits,
                                   &nullable);
    if (!odbc_ok(rc)) {
      diag = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
      return false;
    }
    SqlColumn col;
    std::size_t n = static_cast<std::size_t>(std::min<SQLSMALLINT>(name_len < 0 ? 0 : name_len, 511));
    col.name = utf16_to_utf8(reinterpret_cast<const char16_t*>(name), n);
    col.type = sql_type_for_odbc(type);
    info[static_cast<std::size_t>(c - 1)] = {type, col.type};
    out.columns.push_back(std::move(col));
  }

  std::vector<unsigned char> chunk;
  for (;;) {
    SQLRETURN rc = SQLFetch(stmt);
    if (rc == SQL_NO_DATA) break;
    if (!odbc_ok(rc)) {
      diag = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
      return false;
    }
    if (rc == SQL_SUCCESS_WITH_INFO) add_info(stmt, messages);
    std::vector<SqlValue> row;
    row.reserve(info.size());
    for (std::size_t c = 0; c < info.size(); ++c) {
      const SQLUSMALLINT col = static_cast<SQLUSMALLINT>(c + 1);
      const SqlType type = info[c].type;
      SQLLEN ind = 0;
      SQLRETURN g = SQL_SUCCESS;
      switch (type) {
        case SqlType::Int:
        case SqlType::BigInt: {
          SQLBIGINT v = 0;
          g = SQLGetData(stmt, col, SQL_C_SBIGINT, &v, sizeof v, &ind);
          if (odbc_ok(g))
            row.push_back(ind == SQL_NULL_DATA ? SqlValue::null(type)
                          : type == SqlType::Int ? SqlValue::integer(static_cast<std::int32_t>(v))
                                                 : SqlValue::bigint(v));
          break;
        }
        case SqlType::Bit: {
          unsigned char v = 0;
          g = SQLGetData(stmt, col, SQL_C_BIT, &v, sizeof v, &ind);
          if (odbc_ok(g)) row.push_back(ind == SQL_NULL_DATA ? SqlValue::null(type) : SqlValue::bit(v != 0));
          break;
        }
        case SqlType::Float: {
          double v = 0;
          g = SQLGetData(stmt, col, SQL_C_DOUBLE, &v, sizeof v, &ind);
          if (odbc_ok(g)) row.push_back(ind == SQL_NULL_DATA ? SqlValue::null(type) : SqlValue::floating(v));
          break;
        }
        case SqlType::DateTime2: {
          SQL_TIMESTAMP_STRUCT ts{};
          g = SQLGetData(stmt, col, SQL_C_TYPE_TIMESTAMP, &ts, sizeof ts, &ind);
          if (odbc_ok(g)) {
            if (ind == SQL_NULL_DATA) {
              row.push_back(SqlValue::null(type));
            } else {
              SqlDateTime d;
              d.year = ts.year;
              d.month = ts.month;
              d.day = ts.day;
              d.hour = ts.hour;
              d.minute = ts.minute;
              d.second = ts.second;
              d.nanosecond = static_cast<std::int32_t>(ts.fraction);
              row.push_back(SqlValue::datetime2(d));
            }
          }
          break;
        }
        case SqlType::VarBinary:
        case SqlType::NVarChar:
        case SqlType::Null: {
          const bool wide = type != SqlType::VarBinary;
          int r = get_chunks(stmt, col, wide, max_field_bytes, chunk, diag);
          if (r < 0) return false;
          if (r == 0) {
            row.push_back(SqlValue::null(type));
          } else if (wide) {
            row.push_back(SqlValue::nvarchar(
                utf16_to_utf8(reinterpret_cast<const char16_t*>(chunk.data()), chunk.size() / sizeof(char16_t))));
          } else {
            row.push_back(SqlValue::varbinary(std::vector<std::uint8_t>(chunk.begin(), chunk.end())));
          }
          break;
        }
      }
      if (!odbc_ok(g)) {
        diag = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
        return false;
      }
    }
    out.rows.push_back(std::move(row));
  }
  return true;
}

}  // namespace milink::sql
