// BACKUP DATABASE / LOG, ALTER DATABASE ... SET, CREATE / DROP DATABASE.
#include "sql/executor.hpp"

#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <algorithm>

namespace milink::emulator::sql {

void Executor::do_backup(Frame& f, const BackupStmt& s) {
  const std::string statement = s.log ? "BACKUP LOG" : "BACKUP DATABASE";
  auto fail = [&](ErrorMessage first) {
    throw SqlError(std::vector<ErrorMessage>{std::move(first), err::backup_terminating(statement)});
  };
  if (data_.trancount > 0) fail(err::backup_in_transaction());
  std::string db_name = s.database;
  if (s.database_is_variable) {
    Variable* v = find_variable(f, s.database);
    db_name = v && !v->value.is_null() ? convert(v->value, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string() : "";
  }
  Database* d = server_.find_database(db_name);
  if (!d) fail(err::database_not_found(db_name));
  if (d->database_id == 2) fail(err::backup_tempdb());
  if (d->state == DatabaseState::Restoring) fail(err::backup_database_not_online(d->name));
  if (server_.personality == Personality::ManagedInstance && !s.to_url)
    fail(err::not_supported_on_managed_instance("BACKUP TO DISK"));
  if (s.to_url && server_.personality == Personality::SqlServer) {
    // No credential store is emulated: BACKUP TO URL cannot open the device (inferred).
    ErrorMessage m;
    m.number = 3201;
    m.severity = 16;
    m.text = "Cannot open backup device '" + s.disks.front() + "'. Operating system error 50(The request is not supported.).";
    fail(m);
  }
  bool copy_only = s.has_option("COPY_ONLY");
  bool differential = s.has_option("DIFFERENTIAL");
  char type = s.log ? 'L' : differential ? 'I' : 'D';
  if (s.log) {
    if (d->recovery == RecoveryModel::Simple) fail(err::backup_log_simple());
    if (!d->log_chain_started) fail(err::backup_log_no_full());
  }
  if (differential && !s.log) {
    bool has_full = std::any_of(server_.backups.begin(), server_.backups.end(), [&](const BackupRecord& b) {
      return server_.names_equal(b.database_name, d->name) && b.type == 'D' && !b.is_copy_only;
    });
    if (!has_full) {
      ErrorMessage m;
      m.number = 3035;
      m.severity = 16;
      m.text = "Cannot perform a differential backup for database \"" + d->name +
               "\", because a current database backup does not exist. Perform a full database backup by reissuing "
               "BACKUP DATABASE, omitting the WITH DIFFERENTIAL option.";
      fail(m);
    }
  }
  std::string device = s.disks.empty() ? "" : s.disks.front();
  BackupRecord& b = server_.record_backup(*d, type, copy_only, device, s.has_option("CHECKSUM"), session_.login);
  for (const auto& [name, v] : s.options)
    if (name == "NAME" && v.kind == OptionValue::Kind::String) b.name = v.text;
  std::int64_t pages = b.backup_size / 8192;
  if (s.log) {
    emit_info(err::backup_pages(pages, d->name, d->name + "_log", 1));
  } else {
    emit_info(err::backup_pages(pages - 2, d->name, d->name, 1));
    emit_info(err::backup_pages(2, d->name, d->name + "_log", 1));
  }
  emit_info(err::backup_done(statement, pages, 0.042));
  emit_done();
}

void Executor::do_alter_database(Frame& f, const AlterDatabaseStmt& s) {
  auto fail = [&](ErrorMessage first) {
    throw SqlError(std::vector<ErrorMessage>{std::move(first), err::alter_database_failed()});
  };
  if (data_.trancount > 0) throw SqlError(err::not_in_transaction("ALTER DATABASE"));
  Database* d = s.current ? &current_database(f) : server_.find_database(s.database);
  if (!d) fail(err::alter_database_no_permission(s.database));
  if (s.option == "RECOVERY") {
    if (d->database_id == 2) fail(err::option_not_settable("RECOVERY", d->name));
    if (server_.personality == Personality::ManagedInstance) {
      // A managed instance keeps every database in FULL recovery (inferred message).
      ErrorMessage m;
      m.number = 5008;
      m.severity = 16;
      m.text = "This ALTER DATABASE statement is not supported.";
      fail(m);
    }
    RecoveryModel to = s.value == "FULL" ? RecoveryModel::Full
                       : s.value == "SIMPLE" ? RecoveryModel::Simple
                                             : RecoveryModel::BulkLogged;
    if (!d->availability_group.empty() && to != RecoveryModel::Full) fail(err::database_in_ag(d->name));
    RecoveryModel from = d->recovery;
    d->recovery = to;
    // Entering or leaving SIMPLE breaks the log chain: a full backup starts a new one.
    if ((from == RecoveryModel::Simple) != (to == RecoveryModel::Simple)) d->log_chain_started = false;
  } else if (s.option == "READ_ONLY" || s.option == "READ_WRITE") {
    if (d->is_system) fail(err::option_not_settable(s.option, d->name));
    if (!d->availability_group.empty()) fail(err::database_in_ag(d->name));
    d->read_only = s.option == "READ_ONLY";
  }
  emit_done();
}

void Executor::do_create_database(Frame& f, const CreateDatabaseStmt& s) {
  (void)f;
  if (data_.trancount > 0) throw SqlError(err::not_in_transaction("CREATE DATABASE"));
  if (server_.find_database(s.name)) throw SqlError(err::database_exists(s.name));
  const Database* model = server_.find_database(3);
  RecoveryModel r = server_.personality == Personality::ManagedInstance ? RecoveryModel::Full
                    : model ? model->recovery
                            : RecoveryModel::Full;
  server_.add_database(s.name, r);
  emit_done();
}

void Executor::do_drop_database(Frame& f, const DropDatabaseStmt& s) {
  if (data_.trancount > 0) throw SqlError(err::not_in_transaction("DROP DATABASE"));
  for (const auto& name : s.names) {
    Database* d = server_.find_database(name);
    if (!d) {
      if (s.if_exists) continue;
      throw SqlError(err::cannot_drop_database(name));
    }
    if (d->is_system) {
      ErrorMessage m;
      m.number = 3708;
      m.severity = 16;
      m.text = "Cannot drop the database '" + d->name + "' because it is a system database.";
      throw SqlError(m);
    }
    if (!d->availability_group.empty()) throw SqlError(err::database_in_ag_drop(d->name));
    if (server_.names_equal(d->name, f.database)) {
      ErrorMessage m;
      m.number = 3702;
      m.severity = 16;
      m.state = 4;
      m.text = "Cannot drop database \"" + d->name + "\" because it is currently in use.";
      throw SqlError(m);
    }
    server_.remove_database(d->name);
  }
  emit_done();
}

}  // namespace milink::emulator::sql
