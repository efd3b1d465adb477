//===- milink/sdk/sql.hpp - T-SQL for steps ---------------------*- C++ -*-===//
///
/// \file
/// How a step talks to SQL Server or the managed instance. milink owns the
/// connections (ODBC through POCO Data, unixODBC and the FreeTDS driver by
/// default); a step asks for a session by target name ("sqlserver",
/// "managed_instance") and runs batches or parameterised queries.
///
/// Build T-SQL with bound parameters (`?` markers) wherever T-SQL accepts
/// them, and with tsql::quote_identifier / quote_literal (quote.hpp) for DDL
/// that cannot take parameters. Never concatenate user input.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::sdk {

/// The SQL types milink reads and binds.
enum class SqlType { Null, Int, BigInt, Bit, NVarChar, VarBinary, DateTime2, Float };
const char* sql_type_name(SqlType t) noexcept;  ///< "int", "bigint", "bit", "nvarchar", ...

/// A date and time without zone, as datetime2(7) holds it.
struct SqlDateTime {
  int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int32_t nanosecond = 0;  ///< multiple of 100 for datetime2(7)
  /// "2026-11-26T06:13:36.1234560" (7 fractional digits)
  std::string to_iso() const;
  /// Parses "YYYY-MM-DD[THH:MM:SS[.fffffff]]" (also with a space for T);
  /// nullopt when malformed.
  static std::optional<SqlDateTime> parse(const std::string& text);
  bool operator==(const SqlDateTime& o) const;
  bool operator<(const SqlDateTime& o) const;
};

/// One SQL value. NULL is a value of type Null (or of any type with is_null()).
class SqlValue {
public:
  SqlValue() = default;  ///< NULL
  static SqlValue null(SqlType type = SqlType::Null);
  static SqlValue integer(std::int32_t v);
  static SqlValue bigint(std::int64_t v);
  static SqlValue bit(bool v);
  static SqlValue nvarchar(std::string utf8);
  static SqlValue varbinary(std::vector<std::uint8_t> bytes);
  static SqlValue datetime2(SqlDateTime v);
  static SqlValue floating(double v);

  SqlType type() const noexcept { return type_; }
  bool is_null() const noexcept { return null_; }

  /// Accessors; each throws std::logic_error naming both types on mismatch
  /// (as_int64 accepts Int, BigInt and Bit).
  std::int64_t as_int64() const;
  bool as_bool() const;
  const std::string& as_string() const;
  const std::vector<std::uint8_t>& as_bytes() const;
  const SqlDateTime& as_datetime() const;
  double as_double() const;

  /// For people and logs: NULL, numbers, text, 0x-hex for binary, ISO dates.
  std::string to_display() const;
  bool operator==(const SqlValue& o) const;
  bool operator!=(const SqlValue& o) const { return !(*this == o); }

private:
  SqlType type_ = SqlType::Null;
  bool null_ = true;
  std::int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<std::uint8_t> b_;
  SqlDateTime dt_;
};

/// "0x" followed by uppercase hex, as SQL Server shows varbinary.
std::string to_hex_literal(const std::vector<std::uint8_t>& bytes);
/// Parses "0x..." or bare hex (either case); nullopt when not hex.
std::optional<std::vector<std::uint8_t>> parse_hex(const std::string& text);

struct SqlColumn {
  std::string name;
  SqlType type = SqlType::NVarChar;
};

struct SqlResultSet {
  std::vector<SqlColumn> columns;
  std::vector<std::vector<SqlValue>> rows;

  /// Index of column \p name (case-insensitive), or -1.
  int column(const std::string& name) const;
  /// The value in \p row of column \p name; throws std::out_of_range naming it.
  const SqlValue& at(std::size_t row, const std::string& name) const;
};

/// An informational message (severity <= 10, PRINT, RAISERROR WITH ... 0-10).
struct SqlMessage {
  int number = 0;
  std::string text;
};

struct SqlResult {
  std::vector<SqlResultSet> sets;
  std::int64_t rows_affected = -1;  ///< of the last statement that counts rows; -1 if none
  std::vector<SqlMessage> messages;
};

/// A failure: a server error (number > 0, e.g. 15151), a client or
/// connection error (number 0; sqlstate says which), or a timeout.
struct SqlError {
  int number = 0;           ///< SQL Server error number; 0 for client-side errors
  std::string sqlstate;     ///< ODBC SQLSTATE, e.g. "42000", "08S01", "HYT00"
  std::string message;      ///< without driver prefixes such as "[FreeTDS][SQL Server]"
  bool timed_out = false;
  bool connection_lost = false;
};

/// A connection to one target, owned by milink. Obtained from
/// Services::sql(); valid for the rest of the step's call into the plugin.
/// Not thread-safe: one step execution uses it from one thread at a time.
///
/// What a step may assume about the session it gets: a session as after
/// login. Its database is the target's configured `database` (else the
/// login's default database), no transaction is open, the SET options,
/// lock timeout, language and security context are those of a new login,
/// and autocommit is on. milink reuses connections across step executions
/// of one run (a new login costs a TLS handshake), so a step must not rely
/// on anything else: not on a fresh connection (@@SPID, session-scoped
/// objects of an earlier step), not on state an earlier step set.
/// What a step may leave behind: milink rolls back a transaction it left
/// open and returns to the login's database after a USE; a session whose
/// SET options, EXECUTE AS context or similar state still differ afterwards
/// is closed, not reused, as is every session of a step execution that
/// failed. What a step must clean up itself: local #temp tables it creates
/// (drop them, or use table variables), since milink cannot see them.
class SqlSession {
public:
  virtual ~SqlSession();

  /// Required. The target name ("sqlserver", "managed_instance").
  virtual const std::string& target() const noexcept = 0;

  /// Required. Runs \p sql, binding \p params to its `?` markers in order.
  /// Collects every result set, the row count and informational messages
  /// into \p out. On failure returns false and fills \p error.
  /// \p idempotent: when true and the connection breaks, milink reconnects
  /// once and runs the statement again; pass true only for statements that
  /// are safe to repeat (reads, and DDL guarded by IF NOT EXISTS).
  /// In read-only modes (--dry-run) milink refuses statements other than
  /// SELECT, EXEC of read-only system procedures, and DBCC TRACESTATUS.
  virtual bool execute(const std::string& sql, const std::vector<SqlValue>& params, bool idempotent,
                       SqlResult& out, SqlError& error) noexcept = 0;
};

}  // namespace milink::sdk
