//===- emulator/engine/engine.hpp - TDS front end <-> SQL engine -*- C++ -*-===//
///
/// \file
/// The seam between the emulator's protocol layer (emulator/tds: packets,
/// PRELOGIN, TLS, LOGIN7, SQL_BATCH, RPC, tokens) and a server personality's
/// SQL engine (emulator/sql + emulator/state: T-SQL parsing and execution
/// over the server's state). The TDS layer turns every request into calls on
/// an Engine and the Response it gets back into tokens:
///   SQL_BATCH                 -> execute(sql, {})
///   RPC sp_executesql         -> execute(stmt, params named by the declaration)
///   RPC sp_prepare            -> describe(stmt, params) for COLMETADATA, handle kept by TDS
///   RPC sp_execute/sp_prepexec-> execute(prepared stmt, params)
///   RPC sp_unprepare          -> handled by TDS
///   RPC <any other name>      -> execute_procedure(name, params)
///   TRANSACTION_MANAGER       -> transaction(...)
/// An Engine is shared by every connection of one server and must be
/// thread-safe; each connection has its own Session.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace milink::emulator {

using milink::sdk::SqlDateTime;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

/// A result-set column as the TDS layer describes it in COLMETADATA.
struct Column {
  std::string name;
  SqlType type = SqlType::NVarChar;
  /// For NVarChar: max length in characters (1..4000), or -1 for nvarchar(max).
  /// For VarBinary: max length in bytes (1..8000), or -1 for varbinary(max).
  /// Ignored for fixed-size types. Int is 4 bytes, BigInt 8, Bit 1,
  /// DateTime2 is datetime2(7), Float is float(53).
  int size = 256;
  bool nullable = true;
  /// sql_variant (SERVERPROPERTY, DATABASEPROPERTYEX): each value is sent
  /// with its own base type; \c type only types NULLs.
  bool variant = false;
};

/// A result set. Its statement's DONE is the RowCount (or, under SET NOCOUNT
/// ON, the StatementDone) item that follows it, as SQL Server sends one DONE
/// per statement; when neither follows, the TDS layer ends the result set
/// with its own DONE carrying the row count (DONE_COUNT, CurCmd SELECT).
struct ResultSet {
  std::vector<Column> columns;
  std::vector<std::vector<SqlValue>> rows;  ///< each row has columns.size() values
};

/// An ERROR (severity > 10) or INFO (severity <= 10) token.
struct Message {
  int number = 0;
  int state = 1;
  int severity = 16;  ///< "class" in MS-TDS
  std::string text;
  std::string procedure;  ///< empty outside procedures
  int line = 1;
  bool is_error() const noexcept { return severity > 10; }
};

/// "n rows affected" for a statement (DONE with DONE_COUNT). \c command is
/// the DONE CurCmd value: 0xC1 SELECT, 0xC3 INSERT, 0xC4 DELETE, 0xC5 UPDATE,
/// 0x00 for others.
struct RowCount {
  std::int64_t count = 0;
  std::uint16_t command = 0xC1;
};

/// The statement switched database (USE): ENVCHANGE type 1.
struct DatabaseChange {
  std::string old_name;
  std::string new_name;
};

/// A procedure's return status (RETURNSTATUS token).
struct ReturnStatus {
  std::int32_t value = 0;
};

/// An output parameter's value (RETURNVALUE token).
struct ReturnValue {
  std::string name;  ///< with '@'
  SqlValue value;
};

/// One statement's outcome, in order. A statement that only does DDL
/// produces a "done" with no count: represent it as StatementDone.
struct StatementDone {
  std::uint16_t command = 0;
};

using ResponseItem =
    std::variant<ResultSet, RowCount, Message, DatabaseChange, ReturnStatus, ReturnValue, StatementDone>;

struct Response {
  std::vector<ResponseItem> items;
  /// True when an error ended the batch (the DONE carries DONE_ERROR).
  bool failed = false;

  void add_error(int number, int severity, int state, std::string text, int line = 1);
  void add_info(int number, std::string text);
  bool has_error() const;
  /// The first error message, if any (tests).
  const Message* first_error() const;
};

struct Param {
  std::string name;  ///< "@P1", "@endpoint_type"; empty for unnamed
  SqlValue value;
  bool output = false;
};

/// Per-connection state, owned by the TDS layer. The engine may keep its
/// own per-session data behind \c engine_data.
struct Session {
  int spid = 51;
  std::string login;
  std::string database = "master";
  std::string application;  ///< LOGIN7 AppName
  std::uint64_t transaction = 0;  ///< active transaction descriptor, 0 when none
  std::shared_ptr<void> engine_data;
  /// Set by the TDS layer: polled by statements that wait (WAITFOR DELAY);
  /// true once the client has sent ATTENTION (cancel) for the running
  /// request, which then ends. Empty: nothing can cancel.
  std::function<bool()> attention;
};

struct LoginRequest {
  std::string user;
  std::string password;
  std::string database;  ///< empty: the login's default
  std::string application;
  std::string hostname;
};

struct LoginResult {
  bool ok = false;
  Message error;          ///< 18456 when the credentials are wrong, 4060 for a bad database
  std::string database;   ///< the database the session starts in
};

/// What the server reports about itself in LOGINACK and ENVCHANGE.
struct ServerIdentity {
  std::string name;     ///< @@SERVERNAME, shown in ERROR tokens
  std::uint8_t major = 15, minor = 0;
  std::uint16_t build = 4198;
  /// Collation for ENVCHANGE 7: LCID and flags. Default Latin1_General_CI_AS
  /// (LCID 0x0409, flags 0xD0, sort id 0x34) per tds-findings §3.3.
  std::uint32_t lcid = 0x0409;
  std::uint8_t collation_flags = 0xD0;
  std::uint8_t sort_id = 0x34;
};

enum class TransactionRequest { Begin, Commit, Rollback };

class Engine {
public:
  virtual ~Engine();

  virtual ServerIdentity identity() const = 0;

  /// Checks SQL authentication. Thread-safe.
  virtual LoginResult login(const LoginRequest& request) = 0;

  /// Runs a T-SQL batch with optional parameters (from sp_executesql or a
  /// prepared statement). Thread-safe; a statement it does not support, or a
  /// malformed one, yields SQL Server's syntax error (102, 156, ...), never
  /// silent success.
  virtual Response execute(Session& session, const std::string& sql, const std::vector<Param>& params) = 0;

  /// Calls a stored procedure by name (RPC by name), e.g.
  /// sp_get_endpoint_certificate with @endpoint_type = 4.
  virtual Response execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) = 0;

  /// The columns \p sql would return, without running it (sp_prepare).
  /// nullopt when it returns none or cannot be known.
  virtual std::optional<std::vector<Column>> describe(Session& session, const std::string& sql,
                                                      const std::vector<Param>& params) = 0;

  /// BEGIN / COMMIT / ROLLBACK from a TRANSACTION_MANAGER request. The
  /// engine counts nesting: it sets session.transaction to 0 when the
  /// outermost transaction ends (a COMMIT of a nested one leaves it open).
  /// Transaction names and savepoints are handled by the TDS layer.
  virtual Response transaction(Session& session, TransactionRequest request) = 0;

  /// sp_reset_connection (the RESETCONNECTION / RESETCONNECTION_SKIPTRAN
  /// flag on a request's first packet), before the request runs: the
  /// session's SET options back to their login values and, unless
  /// \p keep_transaction, an open transaction rolled back (session.transaction
  /// 0). The TDS layer restores the login's database itself.
  virtual void reset(Session& session, bool keep_transaction) {}

  /// Called when a connection closes (free per-session state, roll back).
  virtual void disconnect(Session& session) {}
};

}  // namespace milink::emulator
