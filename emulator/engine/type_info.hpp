//===- emulator/engine/type_info.hpp - sp_datatype_info_100 ------*- C++ -*-===//
///
/// \file
/// The result of `sp_datatype_info_100 0,3`, which the FreeTDS ODBC driver
/// runs for SQLGetTypeInfo(SQL_ALL_TYPES) and POCO Data calls on every
/// session open: without a real table, POCO refuses every std::string
/// parameter (tds-findings §0.3 and Appendix A).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"

namespace milink::emulator {

/// The 20 columns of SQL Server's sp_datatype_info_100 (TYPE_NAME,
/// DATA_TYPE, PRECISION, ... USERTYPE) and one row per type, as SQL Server
/// answers for ODBC 3. SqlType has no smallint: the smallint columns are Int
/// (FreeTDS converts them to the SQLSMALLINT that ODBC asks for).
ResultSet datatype_info_result();

}  // namespace milink::emulator
