//===- sql/session_reset.hpp - Making a session fit for reuse ----*- C++ -*-===//
///
/// \file
/// What milink sends to give a pooled session (sql_service.hpp) back as it
/// was after login, and how it tells that an idle connection is gone.
///
/// FreeTDS's ODBC driver (1.3.x) cannot ask the server to reset a session:
/// its SQLSetConnectAttr knows no SQL_COPT_SS_RESET_CONNECTION (1246) nor
/// ODBC 3.8's SQL_ATTR_RESET_CONNECTION (116) (only MARS, OLDPWD and BCP;
/// anything else is HY092; tests/sqlservice/session_pool_tests.cpp checks
/// the installed driver), so the RESETCONNECTION bit of TDS, which
/// sp_reset_connection answers, is never sent. milink resets
/// explicitly instead, with one batch (session_reset_batch) when a step
/// execution gives the session back, and checks the state that batch cannot
/// undo against the state read after login (session_state_query).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <sql.h>

#include <string>

namespace milink::sql {

/// The session state a pooled session must have kept to be reused, as one
/// row: the database first, then @@OPTIONS (the SET options that have a
/// bit there: NOCOUNT, XACT_ABORT, ANSI_*, QUOTED_IDENTIFIER, IMPLICIT_
/// TRANSACTIONS, ...), the security context (SUSER_SNAME() and USER_NAME(),
/// which EXECUTE AS changes), @@LOCK_TIMEOUT, @@DATEFIRST, @@TEXTSIZE and
/// @@LANGUAGE.
const std::string& session_state_query();

/// The batch that resets a session for reuse and reads its state again:
/// rolls back an open transaction (the step's uncommitted work; its locks
/// go with it), USEs \p database (tsql::quote_identifier), then
/// session_state_query(). Throws std::invalid_argument for a database name
/// quote_identifier refuses.
std::string session_reset_batch(const std::string& database);

/// True when the server has closed \p dbc's idle connection, or sent
/// something no request asked for: the driver's socket (FreeTDS's
/// SQLGetInfo SQL_INFO_FREETDS_SOCKET) is readable. False when it is not,
/// or the driver does not say which socket it uses.
bool idle_socket_readable(SQLHDBC dbc);

}  // namespace milink::sql
