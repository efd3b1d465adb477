//===- sql/odbc_params.hpp - Binding SqlValues to '?' markers ----*- C++ -*-===//
///
/// \file
/// Binds each SqlValue to its '?' marker with SQLBindParameter. The SQL
/// types the server sees (FreeTDS sends them in sp_executesql's declaration):
///
///   Int       -> int             (SQL_C_SLONG / SQL_INTEGER)
///   BigInt    -> bigint          (SQL_C_SBIGINT / SQL_BIGINT)
///   Bit       -> bit             (SQL_C_BIT / SQL_BIT)
///   Float     -> float           (SQL_C_DOUBLE / SQL_DOUBLE)
///   NVarChar  -> nvarchar(4000), nvarchar(max) above 4000 UTF-16 units
///                (SQL_C_WCHAR / SQL_WVARCHAR, SQL_WLONGVARCHAR): UTF-8 is
///                converted to UTF-16 here, so no driver charset is involved
///                and POCO's 8000-character limit for std::string does not apply
///   VarBinary -> varbinary(8000), varbinary(max) above 8000 bytes
///   DateTime2 -> datetime2(7)    (SQL_C_TYPE_TIMESTAMP / SQL_TYPE_TIMESTAMP, 27, 7)
///   NULL      -> a NULL of the value's type; untyped NULL as nvarchar(4000)
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/odbc_diag.hpp"

#include <milink/sdk/sql.hpp>

#include <memory>
#include <string>
#include <vector>

namespace milink::sql {

/// The buffers SQLBindParameter points into; must outlive the execution.
class BoundParameters {
public:
  /// Binds \p params to \p stmt. Returns false with \p diag on failure.
  bool bind(SQLHSTMT stmt, const std::vector<milink::sdk::SqlValue>& params, std::vector<DiagRecord>& diag);

private:
  struct Slot {
    SQLLEN indicator = 0;
    SQLINTEGER i32 = 0;
    SQLBIGINT i64 = 0;
    unsigned char bit = 0;
    double f64 = 0;
    SQL_TIMESTAMP_STRUCT ts{};
    std::u16string text;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace milink::sql
