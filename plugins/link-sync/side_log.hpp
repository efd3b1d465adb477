//===- plugins/link-sync/side_log.hpp - One side's log, one look ----*- C++ -*-===//
///
/// \file
/// What one server (SQL Server or the managed instance: the same T-SQL)
/// says about a linked database's log: its DAG row in
/// sys.dm_hadr_database_replica_states (last_hardened_lsn, role,
/// synchronization state) and, on the primary, the secondary's row
/// (log_send_queue_size, secondary_lag_seconds). The docs' catch-up check
/// compares last_hardened_lsn on both sides.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <cstdint>
#include <string>

namespace milink::link {

struct SideLog {
  bool found = false;               ///< the DAG has a local row for the database here
  bool primary = false;             ///< is_primary_replica of that row
  std::string lsn;                  ///< its last_hardened_lsn in decimal ("" when NULL)
  std::string synchronization_state;
  bool has_remote = false;          ///< the primary's row for the secondary was there
  std::int64_t log_send_queue_kb = 0;
  std::int64_t lag_seconds = 0;
};

/// One look at \p database in DAG \p dag on the server behind \p sql.
SideLog read_side_log(milink::sdk::Sql& sql, const std::string& dag, const std::string& database);

/// \p a - \p b for two decimal LSNs, as a (possibly rounded) number for
/// progress; LSNs are compared for equality as text.
long double lsn_gap(const std::string& a, const std::string& b);

}  // namespace milink::link
