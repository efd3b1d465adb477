// Catalog views: real column names and types, how they are named
// (sys.x, [sys].[x], master.sys.x, <db>.sys.x), SELECT features, and the
// name-resolution errors 208 / 207 / 209 / 4104.
#include "engine_fixture.hpp"

#include "sql/catalog.hpp"

using namespace enginetest;
using milink::emulator::sql::catalog_views;

TEST_CASE("every catalog view returns its documented columns with their types", "[catalog]") {
  Fixture fx;
  fx.build_link();
  for (const auto& v : catalog_views()) {
    std::string name = (v.home_database.empty() ? "" : v.home_database + ".") + v.schema + "." + v.name;
    INFO(name);
    Response r = fx.ok("SELECT * FROM " + name);
    const ResultSet& rs = only_set(r);
    REQUIRE(rs.columns.size() == v.columns.size());
    for (std::size_t i = 0; i < v.columns.size(); ++i) {
      CHECK(rs.columns[i].name == v.columns[i].name);
      Column want = v.columns[i].type.to_column(v.columns[i].name);
      CHECK(rs.columns[i].type == want.type);
      CHECK(rs.columns[i].size == want.size);
    }
    for (const auto& row : rs.rows) {
      REQUIRE(row.size() == rs.columns.size());
      for (std::size_t i = 0; i < row.size(); ++i)
        if (!row[i].is_null()) CHECK(row[i].type() == rs.columns[i].type);
    }
  }
}

TEST_CASE("column types as the docs declare them", "[catalog]") {
  Fixture fx;
  auto type_of = [&](const std::string& view, const std::string& col) {
    const ResultSet& rs = only_set(fx.ok("SELECT " + col + " FROM " + view));
    return rs.columns.at(0);
  };
  Column thumb = type_of("sys.certificates", "thumbprint");
  CHECK(thumb.type == SqlType::VarBinary);
  CHECK(thumb.size == 32);
  Column name = type_of("sys.certificates", "name");
  CHECK(name.type == SqlType::NVarChar);
  CHECK(name.size == 128);  // sysname
  CHECK(type_of("sys.certificates", "expiry_date").type == SqlType::DateTime2);
  CHECK(type_of("sys.certificates", "pvt_key_encryption_type").size == 2);
  CHECK(type_of("sys.certificates", "subject").size == 4000);
  CHECK(type_of("sys.databases", "database_id").type == SqlType::Int);
  CHECK(type_of("sys.databases", "is_read_only").type == SqlType::Bit);
  CHECK(type_of("sys.availability_groups", "group_id").size == 36);  // uniqueidentifier as text
  CHECK(type_of("sys.dm_hadr_availability_replica_states", "last_connect_error_description").size == 1024);
  CHECK(type_of("msdb.dbo.backupset", "backup_size").type == SqlType::BigInt);  // numeric(20,0)
  CHECK(type_of("sys.availability_groups", "sequence_number").type == SqlType::BigInt);
  const auto* certs = milink::emulator::sql::find_catalog_view("sys", "certificates", true);
  REQUIRE(certs);
  CHECK(certs->columns.at(static_cast<std::size_t>(certs->column_index("pvt_key_encryption_type", true))).declared == "char(2)");
}

TEST_CASE("catalog views by any name: master.sys.x, [sys].[x], <db>.sys.x for database-scoped views", "[catalog]") {
  Fixture fx;
  fx.ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'; CREATE CERTIFICATE c WITH SUBJECT = 's'");
  for (const char* name : {"sys.databases", "[sys].[databases]", "master.sys.databases", "[master].[sys].[databases]",
                           "sales.sys.databases", "SYS.DATABASES"}) {
    INFO(name);
    CHECK(row_count(fx.ok(std::string("SELECT name FROM ") + name)) == 6);
  }
  CHECK(row_count(fx.ok("SELECT * FROM master.sys.certificates")) == 1);
  CHECK(row_count(fx.ok("SELECT * FROM sales.sys.certificates")) == 0);
  CHECK(row_count(fx.ok("USE sales; SELECT * FROM sys.certificates")) == 0);
  CHECK(row_count(fx.ok("SELECT * FROM master.sys.certificates")) == 1);
}

TEST_CASE("208 for an unknown object ends the batch, 207, 209 and 4104 stop it before it runs", "[catalog]") {
  Fixture fx;
  Response r = fx.run("SELECT 1 AS first\nSELECT * FROM sys.nosuch\nSELECT 2 AS never");
  const Message& m = single_error(r);
  CHECK(m.number == 208);
  CHECK(m.severity == 16);
  CHECK(m.line == 2);
  CHECK(m.text == "Invalid object name 'sys.nosuch'.");
  CHECK(result_sets(r).size() == 1);  // the first SELECT ran, the third did not
  CHECK(single_error(fx.run("SELECT * FROM nosuchdb.sys.databases")).text == "Invalid object name 'nosuchdb.sys.databases'.");
  CHECK(single_error(fx.run("SELECT * FROM [dbo].[certificates]")).text == "Invalid object name 'dbo.certificates'.");

  Response c = fx.run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'\nSELECT nosuch FROM sys.databases");
  const Message& col = single_error(c);
  CHECK(col.number == 207);
  CHECK(col.severity == 16);
  CHECK(col.line == 2);
  CHECK(col.text == "Invalid column name 'nosuch'.");
  CHECK_FALSE(fx.world.sql_server.master().master_key.has_value());  // compile error: nothing ran
  CHECK(single_error(fx.run("SELECT name FROM sys.databases d JOIN sys.availability_replicas r ON d.replica_id = r.replica_id "
                            "JOIN sys.availability_groups g ON r.group_id = g.group_id"))
            .number == 209);
  const Message& mp = single_error(fx.run("SELECT x.name FROM sys.databases d"));
  CHECK(mp.number == 4104);
  CHECK(mp.text == "The multi-part identifier \"x.name\" could not be bound.");
  CHECK(single_error(fx.run("SELECT d.nosuch FROM sys.databases d")).text == "Invalid column name 'nosuch'.");
  CHECK(single_error(fx.run("SELECT nosuch")).number == 207);
  CHECK(single_error(fx.run("SELECT COUNT(*), name FROM sys.databases")).number == 8120);
}

TEST_CASE("SELECT: WHERE, LIKE, IN, ORDER BY, TOP, DISTINCT, aliases, LEFT JOIN, COUNT, subqueries", "[catalog]") {
  Fixture fx;
  const ResultSet& a = only_set(fx.ok("SELECT TOP 2 name AS db, database_id FROM sys.databases WHERE database_id > 1 ORDER BY database_id DESC"));
  REQUIRE(a.rows.size() == 2);
  CHECK(a.columns.at(0).name == "db");
  CHECK(cell(a, 0, "db").as_string() == "hr");
  CHECK(cell(a, 1, "db").as_string() == "sales");
  const ResultSet& b = only_set(fx.ok("SELECT n = name FROM sys.databases WHERE name LIKE 'm%' AND name NOT IN ('msdb') ORDER BY 1"));
  REQUIRE(b.rows.size() == 2);
  CHECK(b.columns.at(0).name == "n");
  CHECK(cell(b, 0, "n").as_string() == "master");
  CHECK(cell(b, 1, "n").as_string() == "model");
  CHECK(scalar(fx.ok("SELECT COUNT(*) FROM sys.databases WHERE recovery_model_desc = 'full'")).as_int64() == 2);  // model, sales
  CHECK(scalar(fx.ok("SELECT COUNT(*) FROM sys.availability_groups")).as_int64() == 0);
  CHECK(row_count(fx.ok("SELECT DISTINCT recovery_model_desc FROM sys.databases")) == 2);
  CHECK(only_set(fx.ok("SELECT NAME FROM sys.databases")).columns.at(0).name == "NAME");
  const ResultSet& left = only_set(fx.ok(
      "SELECT d.name, r.replica_server_name FROM sys.databases d LEFT JOIN sys.availability_replicas r ON d.replica_id = r.replica_id "
      "WHERE d.database_id > 4 ORDER BY d.name"));
  REQUIRE(left.rows.size() == 2);
  CHECK(cell(left, 0, "replica_server_name").is_null());
  CHECK(scalar(fx.ok("SELECT (SELECT name FROM sys.databases WHERE database_id = 5)")).as_string() == "sales");
  CHECK(single_error(fx.run("SELECT (SELECT name FROM sys.databases)")).number == 512);
  CHECK(scalar(fx.ok("SELECT MAX(database_id) FROM sys.databases")).as_int64() == 6);
  const ResultSet& e = only_set(fx.ok("SELECT * FROM sys.databases WHERE 1 = 0"));
  CHECK(e.rows.empty());
  CHECK(e.columns.size() == 40);
  const ResultSet& star = only_set(fx.ok("SELECT d.*, 1 AS one FROM sys.databases AS d WHERE d.name = N'hr'"));
  CHECK(star.columns.back().name == "one");
  CHECK(scalar(fx.ok("SELECT COUNT(*) FROM sys.databases WHERE name BETWEEN 'a' AND 'm'")).as_int64() == 1);
  CHECK(scalar(fx.ok("SELECT CASE WHEN EXISTS (SELECT 1 FROM sys.databases WHERE name = 'sales') THEN 'yes' ELSE 'no' END")).as_string() == "yes");
}

TEST_CASE("SELECT: conditions on one source of a join filter it first, with the same rows as without", "[catalog]") {
  Fixture fx;
  // Each side's own condition, and the join condition.
  const ResultSet& inner = only_set(fx.ok(
      "SELECT a.name AS a, b.name AS b FROM sys.databases a JOIN sys.databases b ON a.database_id = b.database_id "
      "WHERE a.name LIKE 'm%' AND b.database_id > 2 ORDER BY a.name"));
  REQUIRE(inner.rows.size() == 2);
  CHECK(cell(inner, 0, "a").as_string() == "model");
  CHECK(cell(inner, 1, "b").as_string() == "msdb");
  // A condition on the right side of a LEFT JOIN must see its NULL-extended
  // rows: only hr has no database with the next id.
  const ResultSet& left = only_set(fx.ok(
      "SELECT a.name FROM sys.databases a LEFT JOIN sys.databases b ON b.database_id = a.database_id + 1 "
      "WHERE b.name IS NULL"));
  REQUIRE(left.rows.size() == 1);
  CHECK(cell(left, 0, "name").as_string() == "hr");
  // A condition across both sources (OR) is not split.
  CHECK(row_count(fx.ok("SELECT a.name FROM sys.databases a CROSS JOIN sys.databases b "
                        "WHERE a.database_id = 1 OR b.database_id = 1")) == 11);
  // A subquery's condition that reads the outer row.
  CHECK(row_count(fx.ok("SELECT a.name FROM sys.databases a WHERE a.database_id - 1 = (SELECT MAX(b.database_id) "
                        "FROM sys.databases b WHERE b.database_id < a.database_id AND b.name <> a.name)")) == 5);
  // An equality join looks rows up by value: each database but the last has
  // a successor, and the rest of ON still applies.
  CHECK(row_count(fx.ok("SELECT a.name FROM sys.databases a JOIN sys.databases b ON b.database_id = a.database_id + 1")) ==
        5);
  CHECK(row_count(fx.ok("SELECT a.name FROM sys.databases a JOIN sys.databases b "
                        "ON a.database_id + 1 = b.database_id AND b.name LIKE 'm%'")) == 2);  // tempdb -> model, model -> msdb
  // Values of another type are still compared (and refused) as SQL Server does.
  CHECK(single_error(fx.run("SELECT a.name FROM sys.databases a JOIN sys.databases b ON b.database_id = a.name")).number ==
        245);
  // A column that does not bind is still reported.
  CHECK(single_error(fx.run("SELECT a.name FROM sys.databases a JOIN sys.databases b ON a.database_id = b.database_id "
                            "WHERE a.nosuch = 1"))
            .text == "Invalid column name 'nosuch'.");
}
