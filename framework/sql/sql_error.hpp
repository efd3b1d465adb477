//===- sql/sql_error.hpp - ODBC diagnostics -> SqlError ----------*- C++ -*-===//
///
/// \file
/// Turns ODBC diagnostic records (read with SQLGetDiagRec, or parsed from a
/// POCO exception's text) into the SqlError plugins see: the SQL Server error
/// number, the SQLSTATE, the message without driver prefixes such as
/// "[FreeTDS][SQL Server]", and whether it was a timeout or a lost
/// connection.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <string>
#include <vector>

namespace milink::sql {

/// One ODBC diagnostic record.
struct DiagRecord {
  std::string sqlstate;
  long native = 0;
  std::string message;  ///< as the driver gave it, prefixes included
};

/// \p message without leading driver/driver-manager tags: "[FreeTDS][SQL
/// Server]", "[unixODBC][Driver Manager]", "[Microsoft][ODBC Driver 18 for
/// SQL Server][SQL Server]". Trailing whitespace is dropped.
std::string strip_driver_prefix(const std::string& message);

/// The records in the text of a POCO ODBC exception (HandleException,
/// ConnectionFailedException): "SQLSTATE = X\nNative Error Code = N\n<msg>".
/// Empty when the text has none.
std::vector<DiagRecord> parse_poco_diagnostics(const std::string& text);

/// True for informational records (SQLSTATE class 01: PRINT, RAISERROR with
/// severity <= 10, "Changed database context").
bool is_informational(const DiagRecord& r);

/// True when \p sqlstate / \p message say the connection is gone (08S01,
/// 08001, 08003, 08004, 08007, or FreeTDS's "Adaptive Server connection
/// failed", "Write to the server failed", "Read from the server failed", ...).
bool indicates_connection_lost(const std::string& sqlstate, const std::string& message);

/// The SqlError for \p records: number, SQLSTATE and message of the first
/// error record (other server errors are appended to the message), with
/// timed_out (HYT00/HYT01) and connection_lost set. FreeTDS's client-side
/// message numbers (20000-20999, e.g. 20009 "Unable to connect") give
/// number 0. Informational records are ignored. With no error record at all,
/// \p fallback becomes the message.
milink::sdk::SqlError make_error(const std::vector<DiagRecord>& records, const std::string& fallback);

/// True when retrying may succeed where this attempt failed: SQL Server's
/// and Azure SQL's transient errors (1205 deadlock victim; 40613, 40197,
/// 40501, 49918-49920, 10928, 10929, 4221: the database or service is
/// briefly unavailable or throttling; 233, 64, 10053, 10054, 10060: the
/// network) or a lost connection. Not a statement timeout (it ran too long;
/// repeating multiplies the wait), a login failure (18456), a permission
/// or a syntax error.
bool is_transient(const milink::sdk::SqlError& error);

/// What a transient error is, for the retry's log line: "deadlock victim
/// (1205)", "database unavailable (40613)", "connection lost", "timeout".
std::string transient_kind(const milink::sdk::SqlError& error);

/// The informational records as SqlMessages (prefixes stripped).
std::vector<milink::sdk::SqlMessage> informational_messages(const std::vector<DiagRecord>& records);

}  // namespace milink::sql
