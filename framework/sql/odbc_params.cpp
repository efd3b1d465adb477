#include "sql/odbc_params.hpp"

#include "sql/utf16.hpp"

namespace milink::sql {

using milink::sdk::SqlType;
using milink::sdk::SqlValue;

namespace {

constexpr SQLULEN kMaxNVarChar = 4000;
constexpr SQLULEN kMaxVarBinary = 8000;

}  // namespace

bool BoundParameters::bind(SQLHSTMT stmt, const std::vector<SqlValue>& params, std::vector<DiagRecord>& diag) {
  slots_.clear();
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SqlValue& v = params[i];
    auto slot = std::make_unique<Slot>();
    Slot& s = *slot;
    SQLSMALLINT c_type = SQL_C_WCHAR;
    SQLSMALLINT sql_type = SQL_WVARCHAR;
    SQLULEN column_size = kMaxNVarChar;
    SQLSMALLINT digits = 0;
    SQLPOINTER data = nullptr;
    SQLLEN buffer_length = 0;
    const bool null = v.is_null();
    switch (v.type()) {
      case SqlType::Int:
        c_type = SQL_C_SLONG;
        sql_type = SQL_INTEGER;
        column_size = 10;
        if (!null) s.i32 = static_cast<SQLINTEGER>(v.as_int64());
        data = &s.i32;
        break;
      case SqlType::BigInt:
        c_type = SQL_C_SBIGINT;
        sql_type = SQL_BIGINT;
        column_size = 19;
        if (!null) s.i64 = static_cast<SQLBIGINT>(v.as_int64());
        data = &s.i64;
        break;
      case SqlType::Bit:
        c_type = SQL_C_BIT;
        sql_type = SQL_BIT;
        column_size = 1;
        if (!null) s.bit = v.as_bool() ? 1 : 0;
        data = &s.bit;
        break;
      case SqlType::Float:
        c_type = SQL_C_DOUBLE;
        sql_type = SQL_DOUBLE;
        column_size = 15;
        if (!null) s.f64 = v.as_double();
        data = &s.f64;
        break;
      case SqlType::DateTime2: {
        c_type = SQL_C_TYPE_TIMESTAMP;
        sql_type = SQL_TYPE_TIMESTAMP;
        column_size = 27;
        digits = 7;
        if (!null) {
          const auto& d = v.as_datetime();
          s.ts.year = static_cast<SQLSMALLINT>(d.year);
          s.ts.month = static_cast<SQLUSMALLINT>(d.month);
          s.ts.day = static_cast<SQLUSMALLINT>(d.day);
          s.ts.hour = static_cast<SQLUSMALLINT>(d.hour);
          s.ts.minute = static_cast<SQLUSMALLINT>(d.minute);
          s.ts.second = static_cast<SQLUSMALLINT>(d.second);
          s.ts.fraction = static_cast<SQLUINTEGER>(d.nanosecond);
        }
        data = &s.ts;
        buffer_length = sizeof s.ts;
        break;
      }
      case SqlType::VarBinary:
        c_type = SQL_C_BINARY;
        if (!null) s.bytes = v.as_bytes();
        if (s.bytes.size() > kMaxVarBinary) {
          sql_type = SQL_LONGVARBINARY;
          column_size = s.bytes.size();
        } else {
          sql_type = SQL_VARBINARY;
          column_size = kMaxVarBinary;
        }
        // A zero-length buffer still needs a valid pointer.
        if (s.bytes.empty()) s.bytes.reserve(1);
        data = s.bytes.data();
        buffer_length = static_cast<SQLLEN>(s.bytes.size());
        s.indicator = buffer_length;
        break;
      case SqlType::NVarChar:
      case SqlType::Null:
        c_type = SQL_C_WCHAR;
        if (!null) s.text = utf8_to_utf16(v.as_string());
        if (s.text.size() > kMaxNVarChar) {
          sql_type = SQL_WLONGVARCHAR;
          column_size = s.text.size();
        } else {
          sql_type = SQL_WVARCHAR;
          column_size = kMaxNVarChar;
        }
        data = const_cast<char16_t*>(s.text.c_str());
        buffer_length = static_cast<SQLLEN>(s.text.size() * sizeof(char16_t));
        s.indicator = buffer_length;
        break;
    }
    if (null) s.indicator = SQL_NULL_DATA;
    SQLRETURN rc = SQLBindParameter(stmt, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type, sql_type,
                                    column_size, digits, data, buffer_length, &s.indicator);
    if (!odbc_ok(rc)) {
      diag = odbc_diagnostics(SQL_HANDLE_STMT, stmt);
      if (diag.empty())
        diag.push_back({"HY000", 0, "cannot bind parameter " + std::to_string(i + 1) + " (" +
                                        milink::sdk::sql_type_name(v.type()) + ")"});
      return false;
    }
    slots_.push_back(std::move(slot));
  }
  return true;
}

}  // namespace milink::sql
