//===- plugins/preflight/sql_values.hpp - Reading query results -*- C++ -*-===//
///
/// \file
/// Lenient readers for the values the checks query: drivers return
/// SERVERPROPERTY and DBCC columns with varying types (int, smallint,
/// nvarchar, sql_variant), so every reader accepts what it can convert.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace milink::preflight {

/// Text of \p v; "" for NULL.
std::string text_of(const milink::sdk::SqlValue& v);
/// An integer, from an integer, bit, float or numeric text; nullopt for NULL or other text.
std::optional<std::int64_t> int_of(const milink::sdk::SqlValue& v);
/// A date and time, from a datetime value or ISO text; nullopt otherwise.
std::optional<milink::sdk::SqlDateTime> datetime_of(const milink::sdk::SqlValue& v);

/// Seconds since 1970-01-01 of \p t, read as UTC.
std::int64_t epoch_seconds(const milink::sdk::SqlDateTime& t);

}  // namespace milink::preflight
