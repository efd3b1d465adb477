// BACKUP DATABASE / LOG and msdb's history, ALTER DATABASE SET RECOVERY,
// CREATE / DROP DATABASE.
#include "engine_fixture.hpp"

using namespace enginetest;

TEST_CASE("BACKUP DATABASE records a full backup in msdb.dbo.backupset, COPY_ONLY starts no chain", "[backup]") {
  Fixture fx;
  Response r = fx.ok("BACKUP DATABASE [sales] TO DISK = N'C:\\Backup\\sales_1.bak' WITH COMPRESSION, CHECKSUM, STATS = 10");
  auto info = infos(r);
  REQUIRE(info.size() == 3);
  CHECK(info[0].number == 4035);
  CHECK(info[0].text.rfind("Processed ", 0) == 0);
  CHECK(info[0].text.find("pages for database 'sales', file 'sales' on file 1.") != std::string::npos);
  CHECK(info[2].number == 3014);
  CHECK(info[2].text.rfind("BACKUP DATABASE successfully processed ", 0) == 0);
  fx.ok("BACKUP DATABASE sales TO DISK = 'C:\\Backup\\copy.bak' WITH COPY_ONLY");
  Response h = fx.ok("SELECT TOP 2 database_name, type, is_copy_only, has_backup_checksums, backup_start_date, backup_finish_date, "
                     "backup_size, first_lsn, last_lsn, recovery_model FROM msdb.dbo.backupset WHERE database_name = N'sales' "
                     "ORDER BY backup_set_id DESC");
  const ResultSet& rs = only_set(h);
  REQUIRE(rs.rows.size() == 2);
  CHECK(cell(rs, 0, "type").as_string() == "D");
  CHECK(cell(rs, 0, "is_copy_only").as_bool());
  CHECK_FALSE(cell(rs, 1, "is_copy_only").as_bool());
  CHECK(cell(rs, 1, "has_backup_checksums").as_bool());
  CHECK(cell(rs, 0, "recovery_model").as_string() == "FULL");
  CHECK(cell(rs, 0, "first_lsn").as_int64() < cell(rs, 0, "last_lsn").as_int64());
  CHECK(cell(rs, 1, "last_lsn").as_int64() <= cell(rs, 0, "first_lsn").as_int64());
  CHECK(cell(rs, 0, "backup_size").as_int64() > 0);
  CHECK(rs.columns.at(static_cast<std::size_t>(column(rs, "first_lsn"))).type == SqlType::BigInt);
  // the scenario's history: one full backup of sales before these two
  CHECK(row_count(fx.ok("SELECT backup_set_id FROM msdb..backupset WHERE database_name = 'sales'")) == 3);
  Response msdb = fx.ok("USE msdb; SELECT * FROM backupset; SELECT * FROM dbo.backupmediafamily");
  REQUIRE(result_sets(msdb).size() == 2);
  CHECK(result_sets(msdb)[0]->rows.size() == 3);
  CHECK(result_sets(msdb)[1]->rows.size() == 3);
  Response joined = fx.ok("SELECT b.database_name, m.physical_device_name FROM msdb.dbo.backupset b "
                          "JOIN msdb.dbo.backupmediafamily m ON b.media_set_id = m.media_set_id ORDER BY b.backup_set_id");
  CHECK(cell(only_set(joined), 1, "physical_device_name").as_string() == "C:\\Backup\\sales_1.bak");
  // backupset is an msdb table, not a master one
  fx.ok("USE master");
  const Message& m = single_error(fx.run("SELECT * FROM backupset"));
  CHECK(m.number == 208);
  CHECK(m.text == "Invalid object name 'backupset'.");
}

TEST_CASE("BACKUP LOG needs FULL recovery (4208) and a full backup (4214), errors end with 3013", "[backup]") {
  Fixture fx;
  auto simple = errors(fx.run("BACKUP LOG hr TO DISK = 'hr.trn'"));
  REQUIRE(simple.size() == 2);
  CHECK(simple[0].number == 4208);
  CHECK(simple[0].text ==
        "The statement BACKUP LOG is not allowed while the recovery model is SIMPLE. Use BACKUP DATABASE or change the "
        "recovery model using ALTER DATABASE.");
  CHECK(simple[1].number == 3013);
  CHECK(simple[1].text == "BACKUP LOG is terminating abnormally.");
  fx.ok("ALTER DATABASE hr SET RECOVERY FULL WITH NO_WAIT");
  auto nofull = errors(fx.run("BACKUP LOG hr TO DISK = 'hr.trn'"));
  REQUIRE(nofull.size() == 2);
  CHECK(nofull[0].number == 4214);
  CHECK(nofull[0].text == "BACKUP LOG cannot be performed because there is no current database backup.");
  fx.ok("BACKUP DATABASE hr TO DISK = 'hr.bak'");
  fx.ok("BACKUP LOG hr TO DISK = 'hr.trn'");
  CHECK(cell(only_set(fx.ok("SELECT type FROM msdb.dbo.backupset WHERE database_name = 'hr' ORDER BY backup_set_id DESC")), 0, "type")
            .as_string() == "L");
  // switching to SIMPLE and back breaks the chain again
  fx.ok("ALTER DATABASE hr SET RECOVERY SIMPLE");
  fx.ok("ALTER DATABASE hr SET RECOVERY FULL");
  CHECK(errors(fx.run("BACKUP LOG hr TO DISK = 'hr.trn'")).at(0).number == 4214);
}

TEST_CASE("BACKUP errors: missing database (911), tempdb (3147), in a transaction (3021), differential (3035)", "[backup]") {
  Fixture fx;
  auto missing = errors(fx.run("BACKUP DATABASE [db]]; DROP DATABASE x; --] TO DISK = 'x.bak'"));
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].number == 911);
  CHECK(missing[0].text == "Database 'db]; DROP DATABASE x; --' does not exist. Make sure that the name is entered correctly.");
  CHECK(missing[1].text == "BACKUP DATABASE is terminating abnormally.");
  CHECK(errors(fx.run("BACKUP DATABASE tempdb TO DISK = 't.bak'")).at(0).number == 3147);
  auto tx = errors(fx.run("BEGIN TRAN; BACKUP DATABASE sales TO DISK = 's.bak'; ROLLBACK"));
  REQUIRE(tx.size() == 2);
  CHECK(tx[0].number == 3021);
  fx.ok("CREATE DATABASE fresh");
  CHECK(errors(fx.run("BACKUP DATABASE fresh TO DISK = 'f.bak' WITH DIFFERENTIAL")).at(0).number == 3035);
  // the statement failed but the batch went on
  Response after = fx.run("BACKUP DATABASE nosuch TO DISK = 'x.bak'; SELECT 1 AS after_it");
  CHECK(errors(after).size() == 2);
  CHECK(result_sets(after).size() == 1);
  // a variable names the database
  fx.ok("DECLARE @db sysname = N'sales'; BACKUP DATABASE @db TO DISK = 'v.bak'");
}

TEST_CASE("ALTER DATABASE SET RECOVERY and its errors (5011, 5058, 226)", "[backup]") {
  Fixture fx;
  fx.ok("ALTER DATABASE [hr] SET RECOVERY FULL");
  Response r = fx.ok("SELECT recovery_model, recovery_model_desc FROM sys.databases WHERE name = 'hr'");
  CHECK(cell(only_set(r), 0, "recovery_model").as_int64() == 1);
  CHECK(cell(only_set(r), 0, "recovery_model_desc").as_string() == "FULL");
  fx.ok("USE hr; ALTER DATABASE CURRENT SET RECOVERY BULK_LOGGED");
  CHECK(fx.world.sql_server.find_database("hr")->recovery == RecoveryModel::BulkLogged);
  auto missing = errors(fx.run("ALTER DATABASE [O'Brien] SET RECOVERY FULL"));
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].number == 5011);
  CHECK(missing[0].severity == 14);
  CHECK(missing[0].text ==
        "User does not have permission to alter database 'O'Brien', the database does not exist, or the database is "
        "not in a state that allows access checks.");
  CHECK(missing[1].number == 5069);
  CHECK(missing[1].text == "ALTER DATABASE statement failed.");
  CHECK(errors(fx.run("ALTER DATABASE tempdb SET RECOVERY FULL")).at(0).number == 5058);
  CHECK(single_error(fx.run("BEGIN TRANSACTION; ALTER DATABASE hr SET RECOVERY SIMPLE; COMMIT")).number == 226);
  CHECK(single_error(fx.run("ALTER DATABASE hr SET RECOVERY NONE")).number == 102);
}

TEST_CASE("CREATE / DROP DATABASE with hostile and unicode names", "[backup]") {
  Fixture fx;
  fx.ok("CREATE DATABASE [db]]; DROP DATABASE x; --]");
  fx.ok("CREATE DATABASE [Datenbank_Ä_数据库]");
  CHECK(fx.world.sql_server.find_database("db]; DROP DATABASE x; --") != nullptr);
  const Message& dup = single_error(fx.run("CREATE DATABASE [DATENBANK_ä_数据库]"));
  CHECK(dup.number == 1801);
  CHECK(dup.text == "Database 'DATENBANK_ä_数据库' already exists. Choose a different database name.");
  Response r = fx.ok("SELECT recovery_model_desc FROM sys.databases WHERE name = N'db]; DROP DATABASE x; --'");
  CHECK(cell(only_set(r), 0, "recovery_model_desc").as_string() == "FULL");  // as model (Developer edition)
  fx.ok("DROP DATABASE [db]]; DROP DATABASE x; --]");
  const Message& gone = single_error(fx.run("DROP DATABASE [db]]; DROP DATABASE x; --]"));
  CHECK(gone.number == 3701);
  CHECK(gone.severity == 11);
  CHECK(gone.text == "Cannot drop the database 'db]; DROP DATABASE x; --', because it does not exist or you do not have permission.");
  fx.ok("DROP DATABASE IF EXISTS [db]]; DROP DATABASE x; --]");
  CHECK(single_error(fx.run("DROP DATABASE master")).number == 3708);
  CHECK(single_error(fx.run("USE [Datenbank_Ä_数据库]; DROP DATABASE [Datenbank_Ä_数据库]")).number == 3702);
  CHECK(fx.world.sql_server.databases.size() == 7);
}
