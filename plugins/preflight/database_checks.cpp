// Per database: it exists, is a user database, uses the FULL recovery
// model, has a full backup that starts the log chain (else CREATE
// AVAILABILITY GROUP fails with error 1475), is not in an availability
// group yet (the link needs one database per AG), and is ONLINE and
// read-write.
#include "checks.hpp"
#include "sql_values.hpp"

#include <milink/link/dates.hpp>

#include <milink/link/names.hpp>
#include <milink/link/results.hpp>
#include <milink/sdk/quote.hpp>

#include <algorithm>
#include <cctype>

namespace milink::preflight {

namespace {

using milink::sdk::SqlValue;

const char* kDatabaseSql =
    "SELECT name, database_id, state_desc, recovery_model_desc, CAST(is_read_only AS int) AS is_read_only\n"
    "FROM sys.databases WHERE name = ?";

// The database's full backups in msdb's history, split by what they did
// for the log chain: only a non-copy-only full backup taken in the FULL (or
// BULK_LOGGED) recovery model starts it. (Not limited to backups after
// sys.databases.create_date: RESTORE records the restored backup here with
// its original, earlier date, and a restored database needs no new one.)
const char* kBackupSql =
    "SELECT SUM(CASE WHEN is_copy_only = 0 AND recovery_model <> N'SIMPLE' THEN 1 ELSE 0 END) AS chain_backups,\n"
    "       SUM(CASE WHEN is_copy_only = 1 THEN 1 ELSE 0 END) AS copy_only_backups,\n"
    "       SUM(CASE WHEN is_copy_only = 0 AND recovery_model = N'SIMPLE' THEN 1 ELSE 0 END) AS simple_backups,\n"
    "       MAX(CASE WHEN is_copy_only = 0 AND recovery_model <> N'SIMPLE' THEN backup_finish_date END) AS last_backup\n"
    "FROM msdb.dbo.backupset WHERE database_name = ? AND type = 'D'";

const char* kAvailabilityGroupSql =
    "SELECT ag.name FROM sys.availability_databases_cluster AS adc\n"
    "JOIN sys.availability_groups AS ag ON ag.group_id = adc.group_id\n"
    "WHERE adc.database_name = ?";

const char* kPermissionRemedy = "milink needs a sysadmin login on SQL Server for the link";

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_system_database(const std::string& name) {
  const std::string n = lower(name);
  return n == "master" || n == "msdb" || n == "model" || n == "tempdb";
}

/// FAIL, or WARN when allow_prepare_database says a later step fixes it.
void preparable(Report& report, const Config& cfg, const std::string& check, const std::string& detail,
                const std::string& remedy, const std::string& prepared) {
  if (cfg.allow_prepare_database)
    report.warn(check, detail, prepared);
  else
    report.fail(check, detail, remedy);
}

struct DatabaseRow {
  std::string name;
  std::string state;
  std::string recovery;
  bool read_only = false;
};

void check_recovery(Report& report, const Config& cfg, const DatabaseRow& db, const std::string& q) {
  const std::string check = "recovery_model " + q;
  if (db.recovery == "FULL") {
    report.pass(check, "FULL");
    return;
  }
  preparable(report, cfg, check, q + " uses the " + db.recovery + " recovery model, not FULL",
             "run ALTER DATABASE " + q +
                 " SET RECOVERY FULL, then take a full backup without COPY_ONLY (else error 1475)",
             "the ag step will set FULL recovery and take a full backup (allow_prepare_database)");
}

void check_backup(Report& report, const Config& cfg, milink::sdk::Sql& sql, const DatabaseRow& db,
                  const std::string& q) {
  const std::string check = "full_backup " + q;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kBackupSql, {SqlValue::nvarchar(db.name)});
    std::int64_t chain = 0, copy_only = 0, simple = 0;
    std::optional<milink::sdk::SqlDateTime> last;
    if (!set.rows.empty()) {
      chain = int_of(set.at(0, "chain_backups")).value_or(0);
      copy_only = int_of(set.at(0, "copy_only_backups")).value_or(0);
      simple = int_of(set.at(0, "simple_backups")).value_or(0);
      last = datetime_of(set.at(0, "last_backup"));
    }
    if (chain > 0) {
      report.pass(check, "last full backup " + (last ? milink::link::Date::of(*last).iso() : std::string("recorded")) + " (" +
                             std::to_string(chain) + " in msdb.dbo.backupset)");
      return;
    }
    std::string found;
    if (copy_only > 0 && simple > 0)
      found = "only COPY_ONLY full backups and full backups taken in the SIMPLE recovery model";
    else if (copy_only > 0)
      found = "only COPY_ONLY full backups (" + std::to_string(copy_only) + "), which do not start a backup chain";
    else if (simple > 0)
      found = "only full backups taken in the SIMPLE recovery model, which do not start the log chain";
    else
      found = "no full backup";
    if (simple > 0) {  // a differential base exists: a differential backup starts the log chain and keeps it
      preparable(report, cfg, check, q + " has " + found,
                 "start the log chain in the FULL recovery model with a differential backup, which keeps your "
                 "differential base (BACKUP DATABASE " + q + " TO DISK = N'<file>' WITH DIFFERENTIAL), or a full backup "
                 "without COPY_ONLY (error 1475 otherwise)",
                 "the ag step will take a differential backup, which starts the log chain and keeps your differential "
                 "base (allow_prepare_database)");
      return;
    }
    preparable(report, cfg, check, q + " has " + found,
               "take a full backup without COPY_ONLY (error 1475) in the FULL recovery model, e.g. BACKUP DATABASE " +
                   q + " TO DISK = N'<file>'",
               "the ag step will take a full backup (allow_prepare_database)");
  });
}

void check_availability_group(Report& report, const Config& cfg, milink::sdk::Sql& sql, const DatabaseRow& db,
                              const std::string& q) {
  const std::string check = "availability_group " + q;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kAvailabilityGroupSql, {SqlValue::nvarchar(db.name)});
    if (set.rows.empty()) {
      report.pass(check, q + " is not in an availability group");
      return;
    }
    const std::string ag = text_of(set.rows.front().front());
    const std::string expected = milink::link::expand_name(cfg.ag_name_pattern, {{"db", db.name}}, "ag_name_pattern");
    if (milink::link::iequals(ag, expected)) {
      report.pass(check, q + " is already in " + milink::sdk::tsql::quote_identifier(ag) +
                             (cfg.existing_ag ? ", the existing availability group the link is built on"
                                              : ", the availability group the workflow creates for it (a re-run)"));
      return;
    }
    const std::string ag_q = ag.empty() ? std::string("an availability group") : milink::sdk::tsql::quote_identifier(ag);
    if (cfg.existing_ag) {
      const std::string exp_q = milink::sdk::tsql::quote_identifier(expected);
      report.fail(check,
                  q + " is in availability group " + ag_q + ", not in " + exp_q +
                      ", the existing availability group the link is built on (every database of the link must be in it)",
                  "move it (ALTER AVAILABILITY GROUP " + ag_q + " REMOVE DATABASE " + q + ", then ALTER AVAILABILITY "
                      "GROUP " + exp_q + " ADD DATABASE " + q + ") or leave it out of the config's databases");
      return;
    }
    report.fail(check,
                q + " is already in availability group " + ag_q +
                    "; the link needs one database per availability group",
                "remove it (ALTER AVAILABILITY GROUP " + ag_q + " REMOVE DATABASE " + q +
                    ") or link another database; an existing link for it needs no new one");
  });
}

void check_state(Report& report, const DatabaseRow& db, const std::string& q) {
  const std::string check = "state " + q;
  if (db.state != "ONLINE") {
    report.fail(check, q + " is " + (db.state.empty() ? std::string("not ONLINE") : db.state),
                "bring it online (ALTER DATABASE " + q + " SET ONLINE) and make sure recovery has finished");
    return;
  }
  if (db.read_only) {
    report.fail(check, q + " is READ_ONLY; an availability group needs a read-write database",
                "run ALTER DATABASE " + q + " SET READ_WRITE");
    return;
  }
  report.pass(check, "ONLINE, read-write");
}

void check_database(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& name,
                    const InstanceFacts& instance) {
  const std::string q = milink::sdk::tsql::quote_identifier(name);
  const std::string check = "database " + q;
  if (is_system_database(name)) {
    report.fail(check, q + " is a system database; system databases cannot be replicated by the link",
                "link user databases only; script instance-level objects (logins, jobs) and run the scripts on the "
                "managed instance");
    return;
  }
  DatabaseRow db;
  bool found = false;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kDatabaseSql, {SqlValue::nvarchar(name)});
    if (set.rows.empty()) {
      report.fail(check, q + " does not exist on SQL Server",
                  "check the database name (databases / config.databases); names must match sys.databases");
      return;
    }
    db.name = text_of(set.at(0, "name"));
    db.state = text_of(set.at(0, "state_desc"));
    db.recovery = text_of(set.at(0, "recovery_model_desc"));
    db.read_only = int_of(set.at(0, "is_read_only")).value_or(0) != 0;
    if (int_of(set.at(0, "database_id")).value_or(0) <= 4) {
      report.fail(check, q + " is a system database; system databases cannot be replicated by the link",
                  "link user databases only");
      return;
    }
    report.pass(check, q + " exists (user database)");
    found = true;
  });
  if (!found) return;
  check_recovery(report, cfg, db, q);
  check_backup(report, cfg, sql, db, q);
  check_availability_group(report, cfg, sql, db, q);
  check_state(report, db, q);
  if (db.state != "ONLINE") return;  // its catalog cannot be read
  check_database_features(report, cfg, sql, db.name, q, instance);
  check_log_backup_jobs(report, sql, db.name, q);
}

}  // namespace

void check_databases(Report& report, const Config& cfg, milink::sdk::Sql& sql, const InstanceFacts& instance) {
  for (const auto& name : cfg.databases) {
    if (report.ctx().cancelled()) throw milink::sdk::StepError("interrupted");
    check_database(report, cfg, sql, name, instance);
  }
}

}  // namespace milink::preflight
