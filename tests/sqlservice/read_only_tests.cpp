// The dry-run classifier: what a read-only session sends and refuses.
#include "sql/read_only.hpp"

#include <catch2/catch.hpp>

using milink::sql::check_read_only;

namespace {
bool allowed(const std::string& sql) { return check_read_only(sql).allowed; }
}  // namespace

TEST_CASE("reads are allowed") {
  CHECK(allowed("SELECT 1"));
  CHECK(allowed("  select name FROM sys.databases WHERE state_desc = 'ONLINE';"));
  CHECK(allowed("-- find the cert\n/* block */ SELECT name, create_date, modify_date FROM sys.certificates"));
  CHECK(allowed("WITH x AS (SELECT 1 AS a) SELECT a FROM x"));
  CHECK(allowed(";WITH x AS (SELECT 1 AS a) SELECT a FROM x"));
  CHECK(allowed("DECLARE @n int = 1; SELECT @n"));
  CHECK(allowed("SET NOCOUNT ON; SELECT 1"));
  CHECK(allowed("IF EXISTS (SELECT 1 FROM sys.endpoints) SELECT 1 ELSE SELECT 0"));
  CHECK(allowed("DBCC TRACESTATUS(-1)"));
  CHECK(allowed("dbcc tracestatus (9567) WITH NO_INFOMSGS"));
  CHECK(allowed("EXEC sp_get_endpoint_certificate @endpoint_type = 4"));
  CHECK(allowed("EXEC sys.sp_get_endpoint_certificate 4"));
  CHECK(allowed("EXECUTE [master].[sys].[sp_helpdb]"));
  CHECK(allowed("EXEC master..sp_who2"));
  CHECK(allowed("DECLARE @rc int; EXEC @rc = sys.sp_helpserver; SELECT @rc"));
  CHECK(allowed("SELECT * FROM t ORDER BY a OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY"));
  // Forbidden words inside literals, comments, quoted identifiers or names are harmless.
  CHECK(allowed("SELECT 'DROP TABLE x; DELETE' AS [delete], \"update\" FROM t -- INSERT\n"));
  CHECK(allowed("SELECT N'it''s an INSERT' /* CREATE /* nested ALTER */ DROP */"));
  CHECK(allowed("SELECT @update, #insert_count FROM t"));
  CHECK(allowed("SELECT user_updates, last_user_update FROM sys.dm_db_index_usage_stats"));
  CHECK(allowed("USE [master]; SELECT 1"));
}

TEST_CASE("changes are refused with the reason") {
  auto v = check_read_only("INSERT INTO t VALUES (1)");
  CHECK_FALSE(v.allowed);
  CHECK(v.reason.find("INSERT") != std::string::npos);
  CHECK_FALSE(allowed("SELECT 1; DROP TABLE t"));
  CHECK_FALSE(allowed("SELECT 1\nCREATE CERTIFICATE c WITH SUBJECT = 'x'"));
  CHECK_FALSE(allowed("SELECT * INTO #copy FROM t"));
  CHECK_FALSE(allowed("WITH x AS (SELECT 1 AS a) DELETE FROM x"));
  CHECK_FALSE(allowed("update t set a = 1"));
  CHECK_FALSE(allowed("ALTER AVAILABILITY GROUP [ag] ADD DATABASE [db]"));
  CHECK_FALSE(allowed("BACKUP DATABASE db TO DISK = 'x'"));
  CHECK_FALSE(allowed("SELECT NEXT VALUE FOR dbo.seq"));
  CHECK_FALSE(allowed("BEGIN TRAN; SELECT 1; COMMIT"));
  CHECK_FALSE(allowed("SELECT * FROM OPENROWSET(BULK 'x', SINGLE_BLOB) AS b"));
  CHECK_FALSE(allowed("MERGE t USING s ON 1=1 WHEN MATCHED THEN DELETE;"));
  CHECK_FALSE(allowed("GRANT CONNECT ON ENDPOINT::e TO [l]"));
}

TEST_CASE("only listed procedures may be executed") {
  auto v = check_read_only("EXEC sp_configure 'show advanced options', 1");
  CHECK_FALSE(v.allowed);
  CHECK(v.reason.find("sp_configure") != std::string::npos);
  CHECK_FALSE(allowed("EXEC ('DROP TABLE t')"));
  CHECK_FALSE(allowed("EXEC @proc"));
  CHECK_FALSE(allowed("EXECUTE AS LOGIN = 'sa'; SELECT 1"));
  CHECK_FALSE(allowed("SELECT 1; EXEC xp_cmdshell 'dir'"));
  CHECK_FALSE(allowed("sp_who"));  // a bare call: the first word is not an allowed start
  CHECK_FALSE(allowed("EXEC sp_executesql N'SELECT 1'"));
}

TEST_CASE("DBCC other than TRACESTATUS is refused") {
  auto v = check_read_only("DBCC TRACEON(1222, -1)");
  CHECK_FALSE(v.allowed);
  CHECK(v.reason.find("TRACEON") != std::string::npos);
  CHECK_FALSE(allowed("SELECT 1; DBCC SHRINKFILE(2)"));
}

TEST_CASE("empty batches and unknown starts are refused") {
  CHECK_FALSE(allowed(""));
  CHECK_FALSE(allowed("   -- nothing\n"));
  CHECK_FALSE(allowed("RAISERROR('x', 10, 1) WITH LOG"));
  CHECK_FALSE(allowed("[dbo].[proc]"));
}
