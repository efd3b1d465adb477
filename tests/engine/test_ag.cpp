// CREATE / ALTER / DROP AVAILABILITY GROUP (local and distributed), the AG
// catalog views and DMVs, and the link hooks that drive them.
#include "engine_fixture.hpp"

#include "state/time_util.hpp"

using namespace enginetest;

namespace {

std::string ag_sql(const std::string& ag, const std::string& db, const std::string& replica = "sqlbox1",
                   const std::string& url = "TCP://10.0.0.4:5022", const std::string& cluster = "NONE",
                   const std::string& extra = "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC") {
  return "CREATE AVAILABILITY GROUP [" + ag + "] WITH (CLUSTER_TYPE = " + cluster + ") FOR DATABASE " + db +
         " REPLICA ON N'" + replica + "' WITH (ENDPOINT_URL = '" + url + "', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, " +
         extra + ")";
}

std::string dag_sql(const std::string& dag, const std::string& ag, const std::string& mi_url,
                    const std::string& local_url = "TCP://10.0.0.4:5022", const std::string& with = "DISTRIBUTED") {
  return "CREATE AVAILABILITY GROUP [" + dag + "] WITH (" + with + ") AVAILABILITY GROUP ON '" + ag +
         "' WITH (LISTENER_URL = '" + local_url +
         "', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC), 'mi1' WITH "
         "(LISTENER_URL = '" + mi_url + "', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)";
}

const std::string kMiUrl = "tcp://mi1.abc123def456.database.windows.net:5022;Server=[mi1]";

}  // namespace

TEST_CASE("CREATE AVAILABILITY GROUP prerequisites: HADR (35221), master (35208), WSFC (35220)", "[ag]") {
  Scenario s = default_scenario();
  s.sql_server.hadr_enabled = false;
  Fixture off(s);
  const Message& hadr = single_error(off.run(ag_sql("AG_sales", "sales")));
  CHECK(hadr.number == 35221);
  CHECK(hadr.severity == 16);
  CHECK(hadr.text.rfind("Could not process the operation. Always On Availability Groups replica manager is disabled", 0) == 0);

  Fixture fx;
  const Message& master = single_error(fx.run("USE sales\n" + ag_sql("AG_sales", "sales")));
  CHECK(master.number == 35208);
  CHECK(master.line == 2);
  CHECK(master.text.rfind("Availability-group DDL operations are permitted only when you are using the master database.", 0) == 0);
  fx.ok("USE master");
  const Message& wsfc = single_error(fx.run(
      "CREATE AVAILABILITY GROUP ag FOR DATABASE sales REPLICA ON 'sqlbox1' WITH (ENDPOINT_URL = 'TCP://h:5022', "
      "AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL)"));
  CHECK(wsfc.number == 35220);
  CHECK(fx.world.sql_server.availability_groups.empty());
}

TEST_CASE("SQL Server 2016 has no CLUSTER_TYPE (102), without it the group is a WSFC group on a cluster node", "[ag]") {
  Scenario s = default_scenario();
  s.sql_server.version = "13.0.7000.253";
  s.sql_server.wsfc_node = true;
  Fixture fx(s);
  const Message& m = single_error(fx.run(ag_sql("AG_sales", "sales")));
  CHECK(m.number == 102);
  CHECK(m.text == "Incorrect syntax near 'CLUSTER_TYPE'.");
  CHECK(fx.world.sql_server.availability_groups.empty());
  CHECK(row_count(fx.ok("SELECT cluster_name FROM sys.dm_hadr_cluster")) == 1);
  fx.ok("CREATE AVAILABILITY GROUP [AG_sales] FOR DATABASE sales REPLICA ON N'sqlbox1' WITH (ENDPOINT_URL = "
        "'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = "
        "AUTOMATIC)");
  CHECK(scalar(fx.ok("SELECT cluster_type_desc FROM sys.availability_groups WHERE name = N'AG_sales'")).as_string() ==
        "WSFC");
  // Off a cluster: no row.
  Fixture off;
  CHECK(row_count(off.ok("SELECT cluster_name FROM sys.dm_hadr_cluster")) == 0);
}

TEST_CASE("CREATE AVAILABILITY GROUP database checks: 35238, 35249, 1465, 1475, 35244, 35234", "[ag]") {
  Fixture fx;
  const Message& missing = single_error(fx.run(ag_sql("AG_x", "[nosuch]")));
  CHECK(missing.number == 35238);
  CHECK(missing.text ==
        "Database 'nosuch' cannot be added to availability group 'AG_x'.  The database does not exist on this SQL "
        "Server instance.  Verify that the database name is correct, then retry the operation.");
  CHECK(single_error(fx.run(ag_sql("AG_x", "msdb"))).number == 35249);
  const Message& simple = single_error(fx.run(ag_sql("AG_hr", "hr")));
  CHECK(simple.number == 1465);
  CHECK(simple.text.rfind("Database \"hr\" database is not in full recovery mode", 0) == 0);
  fx.ok("ALTER DATABASE hr SET RECOVERY FULL");
  const Message& nobackup = single_error(fx.run(ag_sql("AG_hr", "hr")));
  CHECK(nobackup.number == 1475);
  CHECK(nobackup.text.rfind("Database \"hr\" might contain bulk logged changes that have not been backed up.", 0) == 0);
  fx.ok("BACKUP DATABASE hr TO DISK = 'C:\\Backup\\hr.bak' WITH COPY_ONLY");
  CHECK(single_error(fx.run(ag_sql("AG_hr", "hr"))).number == 1475);  // COPY_ONLY starts no chain
  fx.ok("BACKUP DATABASE hr TO DISK = 'C:\\Backup\\hr.bak'");
  fx.ok(ag_sql("AG_hr", "hr"));
  const Message& other = single_error(fx.run(ag_sql("AG_hr2", "hr")));
  CHECK(other.number == 35244);
  CHECK(other.text.find("The database is currently joined to another availability group.") != std::string::npos);
  CHECK(single_error(fx.run(ag_sql("AG_hr3", "sales, [SALES]"))).number == 35234);
  CHECK(fx.world.sql_server.availability_groups.size() == 1);
}

TEST_CASE("CREATE AVAILABILITY GROUP replica checks: 35237, 35232, 35236, 35211, 35235, 41042", "[ag]") {
  Fixture fx;
  const Message& notlocal = single_error(fx.run(ag_sql("AG_sales", "sales", "otherbox")));
  CHECK(notlocal.number == 35237);
  CHECK(notlocal.text.rfind("None of the specified replicas for availability group AG_sales maps to the instance", 0) == 0);
  for (const char* url : {"http://10.0.0.4:5022", "TCP://:5022", "TCP://host", "TCP://host:99999", "TCP://host:5022/x"}) {
    const Message& m = single_error(fx.run(ag_sql("AG_sales", "sales", "sqlbox1", url)));
    INFO(url);
    CHECK(m.number == 35232);
    CHECK(m.text.rfind(std::string("The specified endpoint URL '") + url + "' is invalid.", 0) == 0);
  }
  const Message& nourl = single_error(fx.run(
      "CREATE AVAILABILITY GROUP a WITH (CLUSTER_TYPE = NONE) FOR DATABASE sales REPLICA ON 'sqlbox1' WITH "
      "(AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL)"));
  CHECK(nourl.number == 35236);
  CHECK(nourl.severity == 15);
  const Message& async_auto = single_error(fx.run(
      "CREATE AVAILABILITY GROUP a WITH (CLUSTER_TYPE = NONE) FOR DATABASE sales REPLICA ON 'sqlbox1' WITH "
      "(ENDPOINT_URL = 'TCP://h:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = AUTOMATIC)"));
  CHECK(async_auto.number == 35211);
  CHECK(single_error(fx.run(
                         "CREATE AVAILABILITY GROUP a WITH (CLUSTER_TYPE = NONE) FOR DATABASE sales REPLICA ON 'sqlbox1' "
                         "WITH (ENDPOINT_URL = 'TCP://h:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT), 'SQLBOX1' WITH "
                         "(ENDPOINT_URL = 'TCP://h:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)"))
            .number == 35235);
  CHECK(single_error(fx.run(ag_sql("AG_sales", "sales", "sqlbox1", "TCP://h:5022", "NONE", "AVAILABILITY_MODE = FAST"))).number == 102);
  // the replica name compares per the server collation: case-insensitive here
  fx.ok(ag_sql("AG_sales", "sales", "SQLBOX1"));
  const Message& exists = single_error(fx.run(ag_sql("ag_SALES", "hr")));
  CHECK(exists.number == 41042);
  CHECK(exists.text.rfind("The availability group 'ag_SALES' already exists.", 0) == 0);

  Scenario cs = default_scenario();
  cs.sql_server.collation = "SQL_Latin1_General_CP1_CS_AS";
  Fixture sensitive(cs);
  CHECK(single_error(sensitive.run(ag_sql("AG_sales", "sales", "SQLBOX1"))).number == 35237);
  sensitive.ok(ag_sql("AG_sales", "sales", "sqlbox1"));
}

TEST_CASE("an AG shows in the catalog views and DMVs, the database joins it", "[ag]") {
  Fixture fx;
  fx.ok(ag_sql("AG_sales", "sales"));
  Response ag = fx.ok("SELECT name, cluster_type, cluster_type_desc, is_distributed, failure_condition_level, "
                      "automated_backup_preference_desc FROM sys.availability_groups");
  CHECK(cell(only_set(ag), 0, "cluster_type").as_int64() == 2);
  CHECK(cell(only_set(ag), 0, "automated_backup_preference_desc").as_string() == "SECONDARY");
  Response rep = fx.ok("SELECT replica_server_name, endpoint_url, availability_mode_desc, failover_mode_desc, seeding_mode_desc "
                       "FROM sys.availability_replicas");
  const ResultSet& r = only_set(rep);
  CHECK(cell(r, 0, "replica_server_name").as_string() == "sqlbox1");
  CHECK(cell(r, 0, "endpoint_url").as_string() == "TCP://10.0.0.4:5022");
  CHECK(cell(r, 0, "availability_mode_desc").as_string() == "SYNCHRONOUS_COMMIT");
  CHECK(cell(r, 0, "failover_mode_desc").as_string() == "MANUAL");
  CHECK(cell(r, 0, "seeding_mode_desc").as_string() == "AUTOMATIC");
  Response state = fx.ok("SELECT role_desc, operational_state_desc, connected_state_desc, synchronization_health_desc, is_local "
                         "FROM sys.dm_hadr_availability_replica_states");
  CHECK(cell(only_set(state), 0, "role_desc").as_string() == "PRIMARY");
  CHECK(cell(only_set(state), 0, "operational_state_desc").as_string() == "ONLINE");
  CHECK(cell(only_set(state), 0, "connected_state_desc").as_string() == "CONNECTED");
  CHECK(cell(only_set(state), 0, "synchronization_health_desc").as_string() == "HEALTHY");
  Response drs = fx.ok("SELECT DB_NAME(database_id) AS db, synchronization_state_desc, is_primary_replica "
                       "FROM sys.dm_hadr_database_replica_states");
  CHECK(cell(only_set(drs), 0, "db").as_string() == "sales");
  CHECK(cell(only_set(drs), 0, "synchronization_state_desc").as_string() == "SYNCHRONIZED");
  Response db = fx.ok("SELECT d.name, d.replica_id, r.replica_server_name FROM sys.databases d "
                      "JOIN sys.availability_replicas r ON d.replica_id = r.replica_id");
  CHECK(cell(only_set(db), 0, "name").as_string() == "sales");
  // a database in an AG keeps FULL recovery (1468) and cannot be dropped (3752)
  auto e = errors(fx.run("ALTER DATABASE sales SET RECOVERY SIMPLE"));
  REQUIRE(e.size() == 2);
  CHECK(e[0].number == 1468);
  CHECK(e[1].number == 5069);
  CHECK(single_error(fx.run("DROP DATABASE sales")).number == 3752);
  // an AG without databases (managed instance as initial primary) and GRANT CREATE ANY DATABASE
  fx.ok("CREATE AVAILABILITY GROUP [AG_empty] WITH (CLUSTER_TYPE = NONE) FOR REPLICA ON N'sqlbox1' WITH "
        "(ENDPOINT_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)");
  fx.ok("ALTER AVAILABILITY GROUP [AG_empty] GRANT CREATE ANY DATABASE");
  CHECK(fx.world.sql_server.find_availability_group("AG_empty")->create_any_database);
  const Message& nosuch = single_error(fx.run("ALTER AVAILABILITY GROUP [nosuch] GRANT CREATE ANY DATABASE"));
  CHECK(nosuch.number == 15151);
  CHECK(nosuch.text == "Cannot alter the availability group 'nosuch', because it does not exist or you do not have permission.");
}

TEST_CASE("distributed AG checks: 19501, 19509, 19499, 47502, 19497, 19498", "[ag]") {
  Fixture fx;
  CHECK(single_error(fx.run(dag_sql("DAG_x", "AG_nosuch", kMiUrl))).number == 19501);
  fx.ok(ag_sql("AG_sales", "sales"));
  const Message& clash = single_error(fx.run(dag_sql("AG_sales", "AG_sales", kMiUrl)));
  CHECK(clash.number == 19509);
  CHECK(clash.text == "Cannot create a distributed availability group 'AG_sales'. An availability group with the same name already exists.");
  for (const char* url : {"tcp://mi1.abc123def456.database.windows.net", "tcp://x:5022;Server=mi1", "tcp://x:5022;Bogus=[a]",
                          "https://x:5022"}) {
    const Message& m = single_error(fx.run(dag_sql("DAG_sales", "AG_sales", url)));
    INFO(url);
    CHECK(m.number == 19499);
    CHECK(m.text.rfind(std::string("The specified listener URL '") + url + "' is invalid.", 0) == 0);
  }
  CHECK(single_error(fx.run(dag_sql("DAG_sales", "AG_sales", kMiUrl, "TCP://10.0.0.4:5022", "DISTRIBUTED, CLUSTER_TYPE = NONE"))).number == 19497);
  CHECK(single_error(fx.run(dag_sql("DAG_sales", "AG_sales", kMiUrl, "TCP://10.0.0.4:5022", "CLUSTER_TYPE = NONE"))).number == 19498);

  // a local AG with two databases cannot be linked to a managed instance
  fx.ok("BACKUP DATABASE hr TO DISK = 'hr.bak'");
  fx.ok("ALTER DATABASE hr SET RECOVERY FULL; BACKUP DATABASE hr TO DISK = 'hr.bak'");
  fx.ok("CREATE DATABASE sales2; BACKUP DATABASE sales2 TO DISK = 's2.bak'");
  fx.ok(ag_sql("AG_two", "hr, sales2"));
  const Message& two = single_error(fx.run(dag_sql("DAG_two", "AG_two", kMiUrl)));
  CHECK(two.number == 47502);
  CHECK(two.text == "Cannot create distributed availability group 'DAG_two' when local AG 'AG_two' contains more than one "
                    "database in cases when secondary participant is Azure SQL Managed Instance.");
  // with another SQL Server as the far side it is allowed
  fx.ok(dag_sql("DAG_two", "AG_two", "tcp://otherbox:5022"));
  fx.ok(dag_sql("DAG_sales", "AG_sales", kMiUrl));
  CHECK(fx.world.sql_server.availability_groups.size() == 4);
}

TEST_CASE("sys.sp_multidb_milink 1 lets a DAG to the instance carry an AG of several databases (2022+, 2812 before)",
          "[ag][multidb]") {
  Scenario s2019 = default_scenario();
  s2019.sql_server.version = "15.0.4312.2";
  Fixture old(s2019);
  const Message& missing = single_error(old.run("EXEC sys.sp_multidb_milink 1"));
  CHECK(missing.number == 2812);
  CHECK(missing.text == "Could not find stored procedure 'sys.sp_multidb_milink'.");

  Scenario s = default_scenario();
  s.sql_server.version = "16.0.4175.1";
  Fixture fx(s);
  fx.ok("ALTER DATABASE hr SET RECOVERY FULL; BACKUP DATABASE hr TO DISK = 'hr.bak'");
  fx.ok(ag_sql("AG_two", "sales, hr"));
  CHECK(single_error(fx.run(dag_sql("link-two", "AG_two", kMiUrl))).number == 47502);
  fx.ok("EXEC sys.sp_multidb_milink 1");
  CHECK(fx.world.sql_server.multidb_milink_enabled);
  fx.ok(dag_sql("link-two", "AG_two", kMiUrl));
  // A database joins and leaves the AG under the DAG.
  fx.ok("CREATE DATABASE third; BACKUP DATABASE third TO DISK = 't.bak'");
  fx.ok("ALTER AVAILABILITY GROUP [AG_two] ADD DATABASE [third]");
  fx.ok("ALTER AVAILABILITY GROUP [AG_two] REMOVE DATABASE [hr]");
  const AvailabilityGroup* ag = nullptr;
  for (const auto& g : fx.world.sql_server.availability_groups)
    if (g.name == "AG_two") ag = &g;
  REQUIRE(ag != nullptr);
  CHECK(ag->databases == std::vector<std::string>{"sales", "third"});
  // Listed among the system procedures of the builds that have it.
  Response r = fx.ok("SELECT name FROM sys.all_objects WHERE name = 'sp_multidb_milink'");
  CHECK(row_count(r) == 1);
}

TEST_CASE("LISTENER_URL ,Server=[...] needs a build with the link (19499 on 2019 before CU15)", "[ag]") {
  Scenario s = default_scenario();
  s.sql_server.version = "15.0.4153.1";
  Fixture fx(s);
  fx.ok(ag_sql("AG_sales", "sales"));
  CHECK(single_error(fx.run(dag_sql("DAG_sales", "AG_sales", kMiUrl))).number == 19499);
  fx.ok(dag_sql("DAG_sales", "AG_sales", "tcp://mi1.abc123def456.database.windows.net:5022"));
}

TEST_CASE("DROP AVAILABILITY GROUP: 15151, and the database leaves the AG", "[ag]") {
  Fixture fx;
  const Message& m = single_error(fx.run("DROP AVAILABILITY GROUP [nosuch]"));
  CHECK(m.number == 15151);
  CHECK(m.text == "Cannot drop the availability group 'nosuch', because it does not exist or you do not have permission.");
  fx.ok(ag_sql("AG_sales", "sales"));
  fx.ok(dag_sql("DAG_sales", "AG_sales", kMiUrl));
  fx.ok("DROP AVAILABILITY GROUP [DAG_sales]");
  fx.ok("DROP AVAILABILITY GROUP [AG_sales]");
  Response db = fx.ok("SELECT replica_id, group_database_id FROM sys.databases WHERE name = 'sales'");
  CHECK(cell(only_set(db), 0, "replica_id").is_null());
  CHECK(fx.world.sql_server.availability_groups.empty());
  fx.ok(ag_sql("AG_sales", "sales"));  // the database can join again
}

TEST_CASE("the link hooks drive the DMVs the link's verification query reads", "[ag]") {
  Fixture fx;
  fx.build_link();
  const char* query =
      "SELECT r.replica_server_name, rs.connected_state_desc, rs.last_connect_error_number, rs.last_connect_error_description, "
      "rs.last_connect_error_timestamp FROM sys.dm_hadr_availability_replica_states rs JOIN sys.availability_replicas r "
      "ON rs.replica_id = r.replica_id WHERE r.replica_server_name = 'mi1'";
  CHECK(cell(only_set(fx.ok(query)), 0, "connected_state_desc").as_string() == "DISCONNECTED");
  {
    auto lock = fx.world.lock();
    REQUIRE(fx.world.sql_server.set_replica_connect_error("DAG_sales", "mi1", 41974,
                                                          "The remote certificate was not imported.", now_utc()));
  }
  const ResultSet& failing = only_set(fx.ok(query));
  CHECK(cell(failing, 0, "last_connect_error_number").as_int64() == 41974);
  CHECK(cell(failing, 0, "last_connect_error_description").as_string() == "The remote certificate was not imported.");
  CHECK_FALSE(cell(failing, 0, "last_connect_error_timestamp").is_null());
  {
    auto lock = fx.world.lock();
    REQUIRE(fx.world.sql_server.set_replica_connected("dag_SALES", "MI1", true));
    SeedingStats st;
    st.local_physical_seeding_id = new_guid();
    st.local_database_id = fx.world.sql_server.find_database("sales")->database_id;
    st.local_database_name = "sales";
    st.remote_machine_name = fx.world.managed_instance.fqdn;
    st.transferred_size_bytes = 1024;
    st.database_size_bytes = 4096;
    st.start_time_utc = now_utc();
    fx.world.sql_server.add_seeding_stats(st);
  }
  const ResultSet& ok = only_set(fx.ok(query));
  CHECK(cell(ok, 0, "connected_state_desc").as_string() == "CONNECTED");
  CHECK(cell(ok, 0, "last_connect_error_number").is_null());
  Response seeding = fx.ok("SELECT local_database_name, role_desc, transferred_size_bytes, database_size_bytes "
                           "FROM sys.dm_hadr_physical_seeding_stats");
  CHECK(cell(only_set(seeding), 0, "transferred_size_bytes").as_int64() == 1024);
  CHECK(cell(only_set(seeding), 0, "role_desc").as_string() == "Source");
  Response health = fx.ok(
      "SELECT ag.name, rs.role_desc FROM sys.dm_hadr_availability_replica_states rs JOIN sys.availability_groups ag "
      "ON rs.group_id = ag.group_id WHERE ag.is_distributed = 1 AND rs.is_local = 0 AND rs.role = 2");
  CHECK(cell(only_set(health), 0, "name").as_string() == "DAG_sales");
  CHECK_FALSE(fx.world.sql_server.set_replica_connected("DAG_sales", "nosuch", true));
}

TEST_CASE("AG options are checked when the batch is parsed, hostile names stay names", "[ag]") {
  Fixture fx;
  Response typo = fx.run("PRINT 'before'\nCREATE AVAILABILITY GROUP a WITH (CLUSTER_TYPO = NONE) FOR DATABASE sales REPLICA ON "
                         "'sqlbox1' WITH (ENDPOINT_URL = 'TCP://h:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)");
  CHECK(single_error(typo).number == 102);
  CHECK(single_error(typo).text == "Incorrect syntax near 'CLUSTER_TYPO'.");
  CHECK(infos(typo).empty());  // nothing ran
  CHECK(single_error(fx.run(ag_sql("a", "sales", "sqlbox1", "TCP://h:5022", "MAYBE"))).text == "Incorrect syntax near 'MAYBE'.");
  CHECK(single_error(fx.run(ag_sql("a", "sales", "sqlbox1", "TCP://h:5022", "NONE", "SESSION_TIMEOUT = 'ten'"))).number == 102);
  CHECK(single_error(fx.run(ag_sql("a", "sales", "sqlbox1", "TCP://h:5022", "NONE", "READ_ONLY_ROUTING_URL = 'x'"))).number == 102);

  const Message& notlocal = single_error(fx.run(ag_sql("O'Brien", "sales", "O''Brien")));
  CHECK(notlocal.number == 35237);
  CHECK(notlocal.text.rfind("None of the specified replicas for availability group O'Brien maps", 0) == 0);
  fx.ok(ag_sql("db]]; DROP DATABASE x; --", "sales"));
  CHECK(fx.world.sql_server.availability_groups.at(0).name == "db]; DROP DATABASE x; --");
  const Message& drop = single_error(fx.run("DROP AVAILABILITY GROUP [Gruppe_Ä_组]"));
  CHECK(drop.text == "Cannot drop the availability group 'Gruppe_Ä_组', because it does not exist or you do not have permission.");
  fx.ok("DROP AVAILABILITY GROUP [db]]; DROP DATABASE x; --]");
  CHECK(fx.world.sql_server.databases.size() == 6);
}
