//===- src/job_matcher.hpp - Does a job step back up a database's log? -*- C++ -*-===//
///
/// \file
/// Reads the command of an Agent job step (T-SQL, or a CmdExec step running
/// sqlcmd) and says whether it backs up the transaction log of a database.
/// It recognises the two forms teams use:
///
///  * `BACKUP LOG <name> ...`, the name bare, [bracketed] (`]]` for `]`) or
///    "quoted" (a @variable cannot be read, so it does not count);
///  * Ola Hallengren's `dbo.DatabaseBackup ... @BackupType = 'LOG'` whose
///    `@Databases` list names the database (with `%` wildcards), or says
///    USER_DATABASES, ALL_DATABASES or AVAILABILITY_GROUP_DATABASES, and does
///    not exclude it (`-name`).
///
/// Maintenance plans (SSIS steps) are not read. Names compare
/// case-insensitively, as on a server with a case-insensitive collation.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string_view>

namespace acme {

bool backs_up_log_of(std::string_view command, std::string_view database);

}  // namespace acme
