//===- emulator/state/time_util.hpp - Dates for the emulated servers -*- C++ -*-===//
///
/// \file
/// UTC clock, calendar arithmetic and the date strings T-SQL accepts under
/// us_english (SET DATEFORMAT mdy), for CREATE CERTIFICATE dates, CAST and
/// the catalog views.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace milink::emulator {

using milink::sdk::SqlDateTime;

/// The emulated servers' current UTC time, to 100 ns: the real clock plus
/// the emulated clock's lead (clock_offset_seconds()).
SqlDateTime now_utc();

/// How far the emulated clock runs ahead of the real one, in seconds (0
/// unless a scenario's `clock.offset_days` or EmulatorWorld::advance_clock
/// moved it). One clock per process: every EmulatorWorld sets it when it is
/// built. Everything the servers show or decide by date reads it through
/// now_utc() (GETDATE(), SYSUTCDATETIME(), certificate dates, the link's
/// times, Agent history); the HTTPS and TDS certificates and Entra ID's
/// tokens keep the real clock, which the clients check them against.
std::int64_t clock_offset_seconds();
void set_clock_offset_seconds(std::int64_t seconds);

/// Seconds since 1970-01-01T00:00:00 (sub-second part ignored), and back.
std::int64_t to_unix_seconds(const SqlDateTime& t);
SqlDateTime from_unix_seconds(std::int64_t seconds);

SqlDateTime add_seconds(const SqlDateTime& t, std::int64_t seconds);
SqlDateTime add_days(const SqlDateTime& t, int days);
/// Same month/day \p years later (Feb 29 becomes Feb 28).
SqlDateTime add_years(const SqlDateTime& t, int years);

bool valid_date(int year, int month, int day);

/// Parses the character forms SQL Server converts to datetime/datetime2
/// under us_english: 'MM/DD/YYYY', 'M/D/YY' (two-digit years: 00-49 ->
/// 20xx, 50-99 -> 19xx), 'YYYY-MM-DD', 'YYYYMMDD', each optionally followed
/// by ' hh:mm[:ss[.fffffff]]' (also with 'T' after ISO dates) and AM/PM.
/// Surrounding blanks are ignored. nullopt when it is not a valid date.
std::optional<SqlDateTime> parse_tsql_datetime(std::string_view text);

/// "2025-03-30 00:00:00.0000000" (CONVERT style 121 for datetime2(7)).
std::string format_datetime2(const SqlDateTime& t);
/// "2025-03-30 00:00:00.000" (datetime, style 121).
std::string format_datetime(const SqlDateTime& t);
/// datetime rounded to SQL Server datetime precision (1/300 s): what a
/// datetime column holds.
SqlDateTime round_to_datetime(const SqlDateTime& t);

}  // namespace milink::emulator
