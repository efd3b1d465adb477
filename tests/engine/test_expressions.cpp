// Variables, expressions, functions, control flow, procedures and
// statement- versus batch-level errors.
#include "engine_fixture.hpp"

#include "engine/type_info.hpp"

using namespace enginetest;

TEST_CASE("DECLARE / SET / SELECT @v: types, defaults, truncation", "[expr]") {
  Fixture fx;
  const ResultSet& rs = only_set(fx.ok(
      "DECLARE @a nvarchar(3) = N'abcdef', @b varchar = 'xyz', @c int, @d bigint = 9000000000, @e bit = 'true', "
      "@f varbinary(max) = 0x0102, @g datetime2 = '2025-03-30 10:20:30.1234567', @h sysname\n"
      "SET @c = 40\nSET @c += 2\nSELECT @h = name FROM sys.databases WHERE database_id = 5\n"
      "SELECT @a AS a, @b AS b, @c AS c, @d AS d, @e AS e, @f AS f, @g AS g, @h AS h"));
  CHECK(cell(rs, 0, "a").as_string() == "abc");
  CHECK(cell(rs, 0, "b").as_string() == "x");  // DECLARE @b varchar is varchar(1)
  CHECK(cell(rs, 0, "c").as_int64() == 42);
  CHECK(cell(rs, 0, "d").as_int64() == 9000000000);
  CHECK(cell(rs, 0, "e").as_bool());
  CHECK(cell(rs, 0, "f").as_bytes() == std::vector<std::uint8_t>{1, 2});
  CHECK(cell(rs, 0, "g").as_datetime().nanosecond == 123456700);
  CHECK(cell(rs, 0, "h").as_string() == "sales");
  CHECK(rs.columns.at(0).type == SqlType::NVarChar);
  CHECK(rs.columns.at(0).size == 3);
  CHECK(rs.columns.at(3).type == SqlType::BigInt);
  CHECK(rs.columns.at(5).size == -1);
  // CAST without a length is 30 characters
  CHECK(scalar(fx.ok("SELECT CAST('abcdefghijklmnopqrstuvwxyz0123456789' AS varchar)")).as_string().size() == 30);
  // variables do not outlive their batch
  CHECK(single_error(fx.run("SELECT @a")).number == 137);
  // accumulate through SELECT @v = @v + ...
  CHECK(scalar(fx.ok("DECLARE @s nvarchar(max) = N''\nSELECT @s = @s + name + N';' FROM sys.databases WHERE database_id > 4 "
                     "ORDER BY name\nSELECT @s")).as_string() == "hr;sales;");
}

TEST_CASE("operators and conversions: + concatenates or adds, 245 ends the batch", "[expr]") {
  Fixture fx;
  CHECK(scalar(fx.ok("SELECT N'Cert_' + @@servername + N'_endpoint'")).as_string() == "Cert_sqlbox1_endpoint");
  CHECK(scalar(fx.ok("SELECT '1' + 2")).as_int64() == 3);
  CHECK(scalar(fx.ok("SELECT 0x01 + 0x02")).as_bytes() == std::vector<std::uint8_t>{1, 2});
  CHECK(scalar(fx.ok("SELECT 7 / 2 * 2 + 7 % 2")).as_int64() == 7);
  CHECK(scalar(fx.ok("SELECT NULL + N'x'")).is_null());
  Response r = fx.run("SELECT 'abc' + 1\nSELECT 2 AS never");
  const Message& m = single_error(r);
  CHECK(m.number == 245);
  CHECK(m.severity == 16);
  CHECK(m.text == "Conversion failed when converting the varchar value 'abc' to data type int.");
  CHECK(result_sets(r).empty());
  CHECK(single_error(fx.run("SELECT CAST(N'soon' AS datetime2)")).number == 241);
  CHECK(single_error(fx.run("SELECT 2147483647 + 1")).number == 8115);
  CHECK(single_error(fx.run("SELECT 1 / 0")).number == 8134);
  CHECK(single_error(fx.run("SELECT CAST('99999999999' AS int)")).number == 248);
  CHECK(scalar(fx.ok("SELECT CONVERT(nvarchar(max), 0xABCD, 1)")).as_string() == "0xABCD");
  CHECK(scalar(fx.ok("SELECT CONVERT(varchar(10), 0x4142, 2)")).as_string() == "4142");
  CHECK(scalar(fx.ok("SELECT CONVERT(varbinary(max), '0x0A0B', 1)")).as_bytes() == std::vector<std::uint8_t>{10, 11});
  CHECK(scalar(fx.ok("SELECT CAST('2025-03-30' AS datetime2)")).as_datetime().day == 30);
  CHECK(scalar(fx.ok("SELECT CONVERT(datetime2, '03/30/2025 13:45')")).as_datetime().hour == 13);
  CHECK(scalar(fx.ok("SELECT TRY_CAST('x' AS int)")).is_null());
  CHECK(scalar(fx.ok("SELECT CAST(1 AS bit) & 1 | 4")).as_int64() == 5);
}

TEST_CASE("built-in functions: SERVERPROPERTY, @@ globals, DB_NAME, DB_ID, CERT_ID, ISNULL, LEN, UPPER, LOWER", "[expr]") {
  Fixture fx;
  const ResultSet& p = only_set(fx.ok(
      "SELECT SERVERPROPERTY('ProductVersion') AS v, SERVERPROPERTY('ProductLevel') AS l, SERVERPROPERTY('Edition') AS e, "
      "SERVERPROPERTY('EngineEdition') AS ee, SERVERPROPERTY('IsHadrEnabled') AS hadr, SERVERPROPERTY('Collation') AS c, "
      "SERVERPROPERTY('ServerName') AS sn, SERVERPROPERTY('MachineName') AS mn, SERVERPROPERTY('ProductMajorVersion') AS mv, "
      "SERVERPROPERTY('ProductUpdateLevel') AS ul, SERVERPROPERTY('NoSuchProperty') AS nope"));
  CHECK(cell(p, 0, "v").as_string() == "15.0.4312.2");
  CHECK(cell(p, 0, "l").as_string() == "RTM");
  CHECK(cell(p, 0, "e").as_string() == "Developer Edition (64-bit)");
  CHECK(cell(p, 0, "ee").as_int64() == 3);
  CHECK(cell(p, 0, "hadr").as_int64() == 1);
  CHECK(cell(p, 0, "c").as_string() == "SQL_Latin1_General_CP1_CI_AS");
  CHECK(cell(p, 0, "sn").as_string() == "sqlbox1");
  CHECK(cell(p, 0, "mn").as_string() == "sqlbox1");
  CHECK(cell(p, 0, "mv").as_string() == "15");
  CHECK(cell(p, 0, "ul").as_string() == "CU20");
  CHECK(cell(p, 0, "nope").is_null());
  CHECK(scalar(fx.ok("SELECT CASE WHEN SERVERPROPERTY('IsHadrEnabled') = 1 THEN 'on' ELSE 'off' END")).as_string() == "on");
  CHECK(scalar(fx.ok("SELECT CAST(SERVERPROPERTY('EngineEdition') AS int)")).as_int64() == 3);
  CHECK(scalar(fx.ok_mi("SELECT SERVERPROPERTY('EngineEdition')")).as_int64() == 8);
  // On a managed instance @@SERVERNAME is the full DNS name.
  CHECK(scalar(fx.ok_mi("SELECT @@SERVERNAME")).as_string() == "mi1.abc123def456.database.windows.net");
  std::string version = scalar(fx.ok("SELECT @@VERSION")).as_string();
  CHECK(version.rfind("Microsoft SQL Server 2019 (RTM-CU20) (KB5024276) - 15.0.4312.2 (X64)", 0) == 0);
  CHECK(version.find("Developer Edition (64-bit) on Windows") != std::string::npos);
  CHECK(scalar(fx.ok("SELECT @@SPID")).as_int64() == 51);
  CHECK(scalar(fx.ok("USE sales; SELECT DB_NAME()")).as_string() == "sales");
  CHECK(scalar(fx.ok("SELECT DB_ID('hr')")).as_int64() == 6);
  CHECK(scalar(fx.ok("SELECT DB_NAME(1)")).as_string() == "master");
  CHECK(scalar(fx.ok("SELECT DB_ID('nosuch')")).is_null());
  CHECK(scalar(fx.ok("SELECT CERT_ID('nosuch')")).is_null());
  CHECK(scalar(fx.ok("SELECT CERTENCODED(CERT_ID('nosuch'))")).is_null());
  CHECK(scalar(fx.ok("SELECT ISNULL(CERT_ID('nosuch'), -1)")).as_int64() == -1);
  CHECK(scalar(fx.ok("SELECT LEN(N'abc   ')")).as_int64() == 3);
  CHECK(scalar(fx.ok("SELECT LEN(N'証明書')")).as_int64() == 3);
  CHECK(scalar(fx.ok("SELECT UPPER(N'mi1.Ä')")).as_string() == "MI1.Ä");
  CHECK(scalar(fx.ok("SELECT LOWER(N'SALES_Ä')")).as_string() == "sales_ä");
  CHECK(scalar(fx.ok("SELECT QUOTENAME(N'db]; DROP DATABASE x; --')")).as_string() == "[db]]; DROP DATABASE x; --]");
  CHECK(scalar(fx.ok("SELECT QUOTENAME(N'O''Brien', '''')")).as_string() == "'O''Brien'");
  CHECK(scalar(fx.ok("SELECT REPLACE(N'Cert_X_endpoint', N'x', N'sqlbox1')")).as_string() == "Cert_sqlbox1_endpoint");
  CHECK(scalar(fx.ok("SELECT SUBSTRING(N'abcdef', 2, 3) + LEFT('xyz', 1) + RIGHT('xyz', 1)")).as_string() == "bcdxz");
  CHECK(scalar(fx.ok("SELECT IS_SRVROLEMEMBER('sysadmin')")).as_int64() == 1);
  CHECK(scalar(fx.ok("SELECT SUSER_SNAME()")).as_string() == "sa");
  CHECK(scalar(fx.ok("SELECT COALESCE(NULL, NULL, 3)")).as_int64() == 3);
  CHECK(scalar(fx.ok("SELECT IIF(1 < 2, 'a', 'b')")).as_string() == "a");
  CHECK(scalar(fx.ok("SELECT CONCAT('a', NULL, 1)")).as_string() == "a1");
}

TEST_CASE("IF [NOT] EXISTS, ELSE, BEGIN...END, PRINT", "[expr]") {
  Fixture fx;
  const char* idempotent =
      "IF NOT EXISTS (SELECT * FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##')\n"
      "BEGIN\n  CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'\n  PRINT 'created'\nEND\n"
      "ELSE\n  PRINT 'already there'";
  Response first = fx.ok(idempotent);
  REQUIRE(infos(first).size() == 1);
  CHECK(infos(first)[0].text == "created");
  CHECK(infos(first)[0].number == 0);
  Response second = fx.ok(idempotent);
  CHECK(infos(second).at(0).text == "already there");
  // only the statements that ran are logged
  auto log = fx.world.statement_log(Personality::SqlServer);
  REQUIRE(log.size() == 3);
  CHECK(log[0].text == "CREATE MASTER KEY ENCRYPTION BY PASSWORD = '******'");
  CHECK(log[1].text == "PRINT 'created'");
  CHECK(log[2].text == "PRINT 'already there'");
  CHECK(infos(fx.ok("IF 1 = 1 PRINT 'a'; ELSE PRINT 'b'")).at(0).text == "a");
  CHECK(infos(fx.ok("IF NULL = NULL PRINT 'a' ELSE PRINT 'unknown is not true'")).at(0).text == "unknown is not true");
  const Message& nonbool = single_error(fx.run("IF 1 PRINT 'x'"));
  CHECK(nonbool.number == 4145);
  CHECK(nonbool.text == "An expression of non-boolean type specified in a context where a condition is expected, near 'PRINT'.");
  // conditions are not values: a compile error, so nothing before it runs either
  Response cond = fx.run("PRINT 'before'\nSELECT 1 = 1");
  CHECK(single_error(cond).number == 102);
  CHECK(single_error(cond).text == "Incorrect syntax near '='.");
  CHECK(infos(cond).empty());
  CHECK(single_error(fx.run("DECLARE @b bit = 1 AND 0")).text == "Incorrect syntax near the keyword 'AND'.");
  CHECK(single_error(fx.run("SELECT name FROM sys.databases WHERE database_id")).number == 4145);
  CHECK(single_error(fx.run("SELECT *")).number == 263);
  CHECK(scalar(fx.ok("SELECT CASE WHEN 1 = 1 AND NOT 2 = 3 THEN IIF(1 IN (1, 2), 'y', 'n') END")).as_string() == "y");
}

TEST_CASE("sp_executesql: named and positional, parameters, OUTPUT, 214, 8178, USE inside", "[expr]") {
  Fixture fx;
  CHECK(scalar(fx.ok("EXEC sp_executesql N'SELECT @p + 1', N'@p int', @p = 41")).as_int64() == 42);
  CHECK(scalar(fx.ok("EXEC sp_executesql N'SELECT @a + @b', N'@a int, @b int', 1, 2")).as_int64() == 3);
  CHECK(scalar(fx.ok("DECLARE @cmd nvarchar(max) = N'SELECT DB_NAME()'\nEXECUTE sp_executesql @stmt = @cmd")).as_string() == "master");
  CHECK(scalar(fx.ok("DECLARE @out int\nEXEC sp_executesql N'SET @o = 7', N'@o int OUTPUT', @o = @out OUTPUT\nSELECT @out")).as_int64() == 7);
  const Message& varchar = single_error(fx.run("DECLARE @cmd varchar(100) = 'SELECT 1'\nEXEC sp_executesql @cmd"));
  CHECK(varchar.number == 214);
  CHECK(varchar.text == "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'.");
  CHECK(single_error(fx.run("EXEC sp_executesql 'SELECT 1'")).number == 214);
  const Message& missing = single_error(fx.run("EXEC sp_executesql N'SELECT @p', N'@p int'"));
  CHECK(missing.number == 8178);
  CHECK(missing.text == "The parameterized query '(@p int)SELECT @p' expects the parameter '@p', which was not supplied.");
  // errors inside the dynamic batch carry its own line numbers; the outer batch goes on
  Response inner = fx.run("EXEC sp_executesql N'SELECT 1\nSELECT FROM'\nSELECT 3 AS after_it");
  const Message& syntax = single_error(inner);
  CHECK(syntax.number == 156);
  CHECK(syntax.line == 2);
  CHECK(result_sets(inner).size() == 1);
  // USE inside sp_executesql lasts until it returns
  Response use = fx.ok("EXEC sp_executesql N'USE sales; SELECT DB_NAME()'; SELECT DB_NAME()");
  REQUIRE(result_sets(use).size() == 2);
  CHECK(result_sets(use)[0]->rows[0][0].as_string() == "sales");
  CHECK(result_sets(use)[1]->rows[0][0].as_string() == "master");
  CHECK(fx.sql_session.database == "master");
  // EXEC (string) too
  CHECK(scalar(fx.ok("DECLARE @n sysname = N'sales'\nEXEC (N'SELECT DB_ID(''' + @n + N''')')")).as_int64() == 5);
}

TEST_CASE("procedures: EXEC by name, first statement without EXEC, 2812 ends only the statement", "[expr]") {
  Fixture fx;
  Response info = fx.ok("sp_datatype_info_100 0,3");
  ResultSet expected = milink::emulator::datatype_info_result();
  const ResultSet& rs = only_set(info);
  REQUIRE(rs.columns.size() == expected.columns.size());
  CHECK(rs.rows.size() == expected.rows.size());
  CHECK(rs.columns.at(0).name == "TYPE_NAME");
  Response nvarchar = fx.ok("EXEC sp_datatype_info_100 -9, 3");
  REQUIRE(only_set(nvarchar).rows.size() == 1);
  CHECK(only_set(nvarchar).rows[0][0].as_string() == "nvarchar");
  Response missing = fx.run("EXEC dbo.nosuch_proc @a = 1\nSELECT 1 AS still_runs");
  const Message& m = single_error(missing);
  CHECK(m.number == 2812);
  CHECK(m.text == "Could not find stored procedure 'dbo.nosuch_proc'.");
  CHECK(result_sets(missing).size() == 1);
  CHECK(single_error(fx.run("nosuch_proc 1, 2")).text == "Could not find stored procedure 'nosuch_proc'.");
  // only the first statement may omit EXEC
  CHECK(single_error(fx.run("SELECT 1\nsp_datatype_info_100 0, 3")).number == 102);
  CHECK(single_error(fx.run("EXEC sp_datatype_info_100 @nosuch = 1")).number == 8145);
  CHECK(single_error(fx.run("EXEC sp_datatype_info_100 1, 2, 3")).number == 8144);
  CHECK(single_error(fx.run("EXEC sp_datatype_info_100 @data_type = 1, 3")).number == 119);
  Response rc = fx.ok("DECLARE @rc int\nEXEC @rc = sp_datatype_info_100 4\nSELECT @rc");
  REQUIRE(result_sets(rc).size() == 2);
  CHECK(result_sets(rc)[1]->rows.at(0).at(0).as_int64() == 0);
}

TEST_CASE("@@ERROR and @@ROWCOUNT follow the previous statement, USE of a missing database (911) ends the batch", "[expr]") {
  Fixture fx;
  Response r = fx.run("DROP CERTIFICATE nosuch\nSELECT @@ERROR AS e");
  CHECK(single_error(r).number == 15151);
  CHECK(cell(only_set(r), 0, "e").as_int64() == 15151);
  Response rows = fx.ok("SELECT name FROM sys.databases WHERE database_id < 3\nSELECT @@ROWCOUNT AS n");
  CHECK(result_sets(rows).at(1)->rows[0][0].as_int64() == 2);
  Response use = fx.run("USE [nosuch]\nSELECT 1 AS never");
  const Message& m = single_error(use);
  CHECK(m.number == 911);
  CHECK(m.text == "Database 'nosuch' does not exist. Make sure that the name is entered correctly.");
  CHECK(result_sets(use).empty());
  Response ok = fx.ok("USE sales");
  bool changed = false;
  for (const auto& i : ok.items)
    if (const auto* d = std::get_if<DatabaseChange>(&i)) changed = d->old_name == "master" && d->new_name == "sales";
  CHECK(changed);
  CHECK(infos(ok).at(0).number == 5701);
  CHECK(infos(ok).at(0).text == "Changed database context to 'sales'.");
  CHECK(fx.sql_session.database == "sales");
}

TEST_CASE("DBCC TRACESTATUS / TRACEON / TRACEOFF", "[expr]") {
  Fixture fx;
  Response all = fx.ok("DBCC TRACESTATUS(-1)");
  const ResultSet& rs = only_set(all);
  std::vector<std::string> names;
  for (const auto& c : rs.columns) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"TraceFlag", "Status", "Global", "Session"});
  REQUIRE(rs.rows.size() == 2);
  CHECK(cell(rs, 0, "TraceFlag").as_int64() == 1800);
  CHECK(cell(rs, 1, "TraceFlag").as_int64() == 9567);
  CHECK(cell(rs, 0, "Global").as_int64() == 1);
  CHECK(cell(rs, 0, "Session").as_int64() == 0);
  CHECK(infos(all).at(0).number == 2528);
  const ResultSet& some = only_set(fx.ok("DBCC TRACESTATUS (1800, 12381) WITH NO_INFOMSGS"));
  REQUIRE(some.rows.size() == 2);
  CHECK(cell(some, 1, "Status").as_int64() == 0);
  CHECK(infos(fx.ok("DBCC TRACESTATUS (1800) WITH NO_INFOMSGS")).empty());
  fx.ok("DBCC TRACEON (12381, -1)");
  CHECK(cell(only_set(fx.ok("DBCC TRACESTATUS (12381)")), 0, "Global").as_int64() == 1);
  fx.ok("DBCC TRACEOFF (1800, 9567, 12381, -1)");
  Response none = fx.ok("DBCC TRACESTATUS");
  CHECK(result_sets(none).empty());  // nothing enabled: no result set, only the message
  CHECK(infos(none).at(0).number == 2528);
  const Message& bad = single_error(fx.run("DBCC NOSUCH"));
  CHECK(bad.number == 2526);
  CHECK(bad.text == "Incorrect DBCC statement. Check the documentation for the correct DBCC syntax and options.");
}

TEST_CASE("parameters from sp_executesql / prepared statements are variables", "[expr]") {
  Fixture fx;
  std::vector<Param> params = {{"@P1", SqlValue::nvarchar("sales"), false}, {"@P2", SqlValue::integer(5), false}};
  CHECK(scalar(fx.ok("SELECT name FROM sys.databases WHERE name = @P1 AND database_id = @P2", params)).as_string() == "sales");
  std::vector<Param> unnamed = {{"", SqlValue::integer(6), false}};
  CHECK(scalar(fx.ok("SELECT DB_NAME(@P1)", unnamed)).as_string() == "hr");
  std::vector<Param> out = {{"@r", SqlValue::null(SqlType::Int), true}};
  Response r = fx.ok("SET @r = 99", out);
  bool returned = false;
  for (const auto& i : r.items)
    if (const auto* v = std::get_if<ReturnValue>(&i)) returned = v->name == "@r" && v->value.as_int64() == 99;
  CHECK(returned);
}
