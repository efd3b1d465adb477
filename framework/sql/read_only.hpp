//===- sql/read_only.hpp - Which batches a dry run may send ------*- C++ -*-===//
///
/// \file
/// In read-only modes (`milink run --dry-run`) a session refuses any batch
/// that could change the server. The rule is a conservative allow-list over
/// the batch's words; comments, string literals ('...', N'...') and quoted
/// identifiers ([...], "...") are skipped, and so are @variables and #temp
/// names. A batch is allowed only when all of these hold:
///
///  1. Its first word is SELECT, WITH, DECLARE, SET, IF, WHILE, BEGIN, PRINT,
///     USE, EXEC/EXECUTE or DBCC. (A bare procedure call is refused.)
///  2. No word is INSERT, UPDATE, DELETE, MERGE, CREATE, ALTER, DROP,
///     TRUNCATE, GRANT, REVOKE, DENY, BACKUP, RESTORE, INTO (SELECT INTO),
///     BULK, OPENROWSET, OPENQUERY, OPENDATASOURCE, UPDATETEXT, WRITETEXT,
///     KILL, SHUTDOWN, RECONFIGURE, CHECKPOINT, ENABLE, DISABLE, ADD, SEND,
///     RECEIVE, MOVE, CONVERSATION, DIALOG, SETUSER, COMMIT, ROLLBACK, SAVE,
///     TRAN, TRANSACTION, DISTRIBUTED; and no NEXT VALUE FOR (sequences).
///  3. Every EXEC/EXECUTE names (optionally "@rc =", optionally schema- or
///     database-qualified) a procedure from read_only_procedures(); dynamic
///     SQL (EXEC (...), EXEC @name, EXECUTE AS) is refused.
///  4. Every DBCC is DBCC TRACESTATUS.
///
/// Some harmless batches are refused too (INSERT INTO @table_variable, SET
/// TRANSACTION ISOLATION LEVEL); that is the price of a rule simple enough
/// to trust.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace milink::sql {

struct ReadOnlyVerdict {
  bool allowed = false;
  std::string reason;  ///< why it was refused, e.g. "it contains INSERT"
};

ReadOnlyVerdict check_read_only(const std::string& sql);

/// Procedures a read-only batch may EXEC (lower case, without schema).
const std::vector<std::string>& read_only_procedures();

}  // namespace milink::sql
