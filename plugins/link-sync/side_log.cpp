#include "side_log.hpp"

#include <milink/link/results.hpp>

#include <cstdlib>

namespace milink::link {

using milink::sdk::SqlValue;

SideLog read_side_log(milink::sdk::Sql& sql, const std::string& dag, const std::string& database) {
  auto rs = sql.query(
      "SELECT drs.is_local, drs.is_primary_replica, drs.last_hardened_lsn, drs.log_send_queue_size, "
      "drs.secondary_lag_seconds, drs.synchronization_state_desc "
      "FROM sys.dm_hadr_database_replica_states AS drs "
      "JOIN sys.availability_groups AS ag ON ag.group_id = drs.group_id "
      "JOIN sys.databases AS d ON d.database_id = drs.database_id "
      "WHERE ag.name = ? AND d.name = ?",
      {SqlValue::nvarchar(dag), SqlValue::nvarchar(database)});
  SideLog s;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    if (integer(rs, i, "is_local") != 0) {
      s.found = true;
      s.primary = integer(rs, i, "is_primary_replica") != 0;
      s.lsn = text(rs, i, "last_hardened_lsn");
      s.synchronization_state = text(rs, i, "synchronization_state_desc");
    } else {
      s.has_remote = true;
      s.log_send_queue_kb = integer(rs, i, "log_send_queue_size");
      s.lag_seconds = integer(rs, i, "secondary_lag_seconds");
    }
  }
  return s;
}

long double lsn_gap(const std::string& a, const std::string& b) {
  return std::strtold(a.c_str(), nullptr) - std::strtold(b.c_str(), nullptr);
}

}  // namespace milink::link
