//===- sql/odbc_results.hpp - Reading a result set ---------------*- C++ -*-===//
///
/// \file
/// Reads the current result set of a statement with SQLDescribeColW,
/// SQLFetch and SQLGetData (in chunks, so varbinary(max) and nvarchar(max)
/// need no fixed buffer size). Column types map to SqlType:
///
///   tinyint, smallint, int                  -> Int
///   bigint                                  -> BigInt
///   bit                                     -> Bit
///   float, real                             -> Float
///   char/varchar/nchar/nvarchar/text/ntext  -> NVarChar (UTF-8)
///   binary/varbinary/image                  -> VarBinary
///   date, datetime, smalldatetime, datetime2 -> DateTime2 (100 ns kept)
///   anything else (decimal, numeric, money, uniqueidentifier, time,
///   datetimeoffset, xml, sql_variant)       -> NVarChar, as the driver
///                                              renders it as text
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/odbc_diag.hpp"

#include <milink/sdk/sql.hpp>

#include <cstddef>
#include <vector>

namespace milink::sql {

/// The SqlType milink reads an ODBC column type (SQL_INTEGER, ...) as.
milink::sdk::SqlType sql_type_for_odbc(SQLSMALLINT odbc_type);

/// Reads all rows of \p stmt's current result set into \p out, which must
/// have \p columns > 0. Informational records met on the way go to
/// \p messages. Returns false with \p diag on an error, or when a value is
/// larger than \p max_field_bytes.
bool read_result_set(SQLHSTMT stmt, SQLSMALLINT columns, std::size_t max_field_bytes,
                     milink::sdk::SqlResultSet& out, std::vector<milink::sdk::SqlMessage>& messages,
                     std::vector<DiagRecord>& diag);

}  // namespace milink::sql
