#include "database_readiness.hpp"

#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::SqlValue;

DatabaseReadiness DatabaseReadiness::read(milink::sdk::Sql& sql, const std::string& database) {
  DatabaseReadiness r;
  auto db = sql.query("SELECT state_desc, recovery_model_desc FROM master.sys.databases WHERE name = ?",
                      {SqlValue::nvarchar(database)});
  if (db.rows.empty()) return r;
  r.exists = true;
  r.state = text(db, 0, "state_desc");
  r.recovery_model = text(db, 0, "recovery_model_desc");
  auto b = sql.query(
      "SELECT SUM(CASE WHEN type IN ('D', 'I') AND recovery_model <> N'SIMPLE' THEN 1 ELSE 0 END) AS chain_backups, "
      "MAX(CASE WHEN type = 'D' THEN backup_finish_date END) AS last_full "
      "FROM msdb.dbo.backupset WHERE database_name = ? AND is_copy_only = 0",
      {SqlValue::nvarchar(database)});
  if (!b.rows.empty()) {
    r.log_chain = integer(b, 0, "chain_backups") > 0;
    r.differential_base = text(b, 0, "last_full");
  }
  auto ag = sql.query(
      "SELECT ag.name AS ag_name FROM master.sys.availability_databases_cluster AS d "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = d.group_id WHERE d.database_name = ? "
      "AND ag.is_distributed = 0",
      {SqlValue::nvarchar(database)});
  if (!ag.rows.empty()) r.in_group = text(ag, 0, "ag_name");
  return r;
}

}  // namespace milink::link
