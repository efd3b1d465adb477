// A link's life after seeding: roles on both sides, the write workload and
// LSNs, replication mode, planned and forced failover, split brain and its
// resolution, setRole, removal, and the instance's first full backup.
#include "link_fixture.hpp"

#include <string>

using namespace linktest;

namespace {

constexpr double kMiB = 1024.0 * 1024;

const std::string kRoles =
    "SELECT rs.is_local, rs.role_desc FROM sys.dm_hadr_availability_replica_states rs "
    "JOIN sys.availability_groups ag ON ag.group_id = rs.group_id WHERE ag.name = N'DAG_sales'";
const std::string kDbStates =
    "SELECT drs.is_local, drs.is_primary_replica, drs.last_hardened_lsn, drs.log_send_queue_size, "
    "drs.secondary_lag_seconds, drs.synchronization_state_desc, drs.synchronization_health_desc "
    "FROM sys.dm_hadr_database_replica_states drs JOIN sys.availability_groups ag ON ag.group_id = drs.group_id "
    "WHERE ag.name = N'DAG_sales'";
const std::string kUpdateability =
    "SELECT CAST(DATABASEPROPERTYEX(N'sales', 'Updateability') AS nvarchar(20)) AS u, is_read_only, state_desc "
    "FROM sys.databases WHERE name = N'sales'";
const std::string kFullBackups =
    "SELECT backup_set_id, type, is_copy_only FROM msdb.dbo.backupset WHERE database_name = N'sales' AND type = 'D'";
const std::string kToSync =
    "ALTER AVAILABILITY GROUP [DAG_sales] MODIFY AVAILABILITY GROUP ON N'AG_sales' WITH (AVAILABILITY_MODE = "
    "SYNCHRONOUS_COMMIT), N'mi1' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)";

std::int64_t lsn_of(const SqlValue& v) { return std::stoll(v.to_display()); }

/// The local DAG replica's role_desc on a server's answer to kRoles.
std::string local_role(const ResultSet& rs, bool local = true) {
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    if (cell(rs, i, "is_local").as_bool() == local) return cell(rs, i, "role_desc").as_string();
  FAIL("no such replica row");
  return {};
}

/// The row of kDbStates for the local (or the remote) replica; REQUIREs it.
std::size_t row_of(const ResultSet& rs, bool local) {
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    if (cell(rs, i, "is_local").as_bool() == local) return i;
  FAIL("no such database replica row");
  return 0;
}

/// A seeded, healthy link (80 s into the test profile: seeded at 69 s, HEALTHY at 74 s) on SQL Server 2022 CU14.
struct Healthy : Fixture {
  Healthy() {
    build_sql_side();
    {
      auto lock = world.lock();
      world.sql_server.version = "16.0.4135.4";
    }
    trust_sql_certificate();
    create_link();
    advance(seconds(80));
    REQUIRE(link().databases[0].synchronization_health == "HEALTHY");
  }
  void workload(Personality p, double rate) {
    auto lock = world.lock();
    REQUIRE(sim.set_workload(p, "sales", rate));
  }
  /// Both sides SYNCHRONOUS_COMMIT: SQL Server's DAG by T-SQL, ARM's replicationMode as a PATCH sets it.
  void to_sync() {
    ok(kToSync);
    auto lock = world.lock();
    link().replication_mode = "Sync";
    sim.replication_mode_changed("DAG_sales");
  }
  std::int64_t lsn(bool on_sql) {
    ResultSet rs = only_set(on_sql ? ok(kDbStates) : ok_mi(kDbStates));
    return lsn_of(cell(rs, row_of(rs, true), "last_hardened_lsn"));
  }
};

}  // namespace

TEST_CASE("link life: the log under a workload, async lag, sync, catching up", "[link][life]") {
  Healthy fx;
  // Roles at the start: SQL Server primary, the managed instance secondary.
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
  CHECK(local_role(only_set(fx.ok(kRoles)), false) == "SECONDARY");
  CHECK(local_role(only_set(fx.ok_mi(kRoles))) == "SECONDARY");
  CHECK(fx.link().instance_link_role == "Secondary");
  CHECK(fx.link().partner_link_role == "Primary");
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_WRITE");
  CHECK(cell(only_set(fx.ok_mi(kUpdateability)), 0, "u").as_string() == "READ_ONLY");
  const std::int64_t start = fx.lsn(true);
  CHECK(fx.lsn(false) == start);

  SECTION("asynchronous: the secondary trails; stopping the workload lets it catch up") {
    fx.workload(Personality::SqlServer, kMiB);
    fx.advance(seconds(90));
    ResultSet sql = only_set(fx.ok(kDbStates));
    const std::size_t remote = row_of(sql, false);
    const std::int64_t primary = fx.lsn(true);
    CHECK(primary > start + static_cast<std::int64_t>(9 * kMiB));
    CHECK(lsn_of(cell(sql, remote, "last_hardened_lsn")) < primary);
    CHECK(cell(sql, remote, "log_send_queue_size").as_int64() > 0);
    CHECK(cell(sql, remote, "secondary_lag_seconds").as_int64() >= 1);
    CHECK(cell(sql, remote, "synchronization_state_desc").as_string() == "SYNCHRONIZING");
    CHECK(cell(sql, row_of(sql, true), "is_primary_replica").as_bool());
    CHECK(fx.lsn(false) == lsn_of(cell(sql, remote, "last_hardened_lsn")));  // the MI's own view agrees
    ResultSet mi = only_set(fx.ok_mi(kDbStates));
    REQUIRE(mi.rows.size() == 1);  // a secondary shows its own database only
    CHECK_FALSE(cell(mi, 0, "is_primary_replica").as_bool());
    CHECK(fx.link().databases[0].last_hardened_lsn == std::to_string(fx.lsn(false)));
    CHECK(fx.link().databases[0].instance_redo_lag_seconds.value_or(0) >= 1);

    fx.workload(Personality::SqlServer, 0);
    fx.advance(seconds(91));
    ResultSet after = only_set(fx.ok(kDbStates));
    CHECK(cell(after, row_of(after, false), "log_send_queue_size").as_int64() == 0);
    CHECK(cell(after, row_of(after, false), "secondary_lag_seconds").as_int64() == 0);
    CHECK(fx.lsn(false) == fx.lsn(true));
    fx.advance(seconds(95));  // the LSNs stay equal and stable
    CHECK(fx.lsn(false) == fx.lsn(true));
  }

  SECTION("synchronous on both sides: the secondary keeps up, SYNCHRONIZED") {
    fx.to_sync();
    fx.workload(Personality::SqlServer, kMiB);
    fx.advance(seconds(90));
    ResultSet sql = only_set(fx.ok(kDbStates));
    const std::size_t remote = row_of(sql, false);
    CHECK(cell(sql, remote, "synchronization_state_desc").as_string() == "SYNCHRONIZED");
    CHECK(cell(sql, remote, "log_send_queue_size").as_int64() == 0);
    CHECK(fx.lsn(false) == fx.lsn(true));
    CHECK(fx.lsn(true) > start);
    ResultSet modes = only_set(fx.ok_mi(
        "SELECT r.availability_mode_desc FROM sys.availability_replicas r JOIN sys.availability_groups ag "
        "ON ag.group_id = r.group_id WHERE ag.name = N'DAG_sales'"));
    for (std::size_t i = 0; i < modes.rows.size(); ++i)
      CHECK(cell(modes, i, "availability_mode_desc").as_string() == "SYNCHRONOUS_COMMIT");
  }

  SECTION("SQL Server's side alone SYNCHRONOUS_COMMIT is not a synchronous link") {
    fx.ok(kToSync);
    fx.workload(Personality::SqlServer, kMiB);
    fx.advance(seconds(90));
    ResultSet sql = only_set(fx.ok(kDbStates));
    CHECK(cell(sql, row_of(sql, false), "synchronization_state_desc").as_string() == "SYNCHRONIZING");
    CHECK(cell(sql, row_of(sql, false), "log_send_queue_size").as_int64() > 0);
  }
}

TEST_CASE("link life: planned failover over T-SQL, refused while behind, then roles swap", "[link][life]") {
  Healthy fx;
  const std::string failover = "ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER";
  const std::string refused =
      "The availability replica for availability group 'DAG_sales' on this instance of SQL Server cannot become the "
      "primary replica. One or more databases are not synchronized or have not joined the availability group. If the "
      "availability replica uses the asynchronous-commit mode, consider performing a forced manual failover (with "
      "possible data loss). Otherwise, once all local secondary databases are joined and synchronized, you can "
      "perform a planned manual failover to this secondary replica (without data loss). For more information, see SQL "
      "Server Books Online.";

  fx.workload(Personality::SqlServer, kMiB);
  fx.advance(seconds(85));
  auto e = errors(fx.run(failover));
  REQUIRE(e.size() == 1);
  CHECK(e[0].number == 41142);
  CHECK(e[0].text == refused);
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");  // nothing changed

  fx.to_sync();  // SYNC, but the workload still runs: the LSNs are equal, yet the docs stop it first
  fx.workload(Personality::SqlServer, 0);
  fx.advance(seconds(86));
  REQUIRE(fx.lsn(false) == fx.lsn(true));
  fx.ok(failover);

  // Roles swapped on both sides, in the DMVs and in ARM.
  CHECK(local_role(only_set(fx.ok(kRoles))) == "SECONDARY");
  CHECK(local_role(only_set(fx.ok(kRoles)), false) == "PRIMARY");
  CHECK(local_role(only_set(fx.ok_mi(kRoles))) == "PRIMARY");
  CHECK(fx.link().instance_link_role == "Primary");
  CHECK(fx.link().partner_link_role == "Secondary");
  ResultSet mi_db = only_set(fx.ok_mi(kUpdateability));
  CHECK(cell(mi_db, 0, "u").as_string() == "READ_WRITE");
  CHECK_FALSE(cell(mi_db, 0, "is_read_only").as_bool());
  CHECK(cell(mi_db, 0, "state_desc").as_string() == "ONLINE");
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_ONLY");
  ResultSet mi_states = only_set(fx.ok_mi(kDbStates));
  CHECK(mi_states.rows.size() == 2);  // the primary shows its secondary too
  CHECK(cell(mi_states, row_of(mi_states, true), "is_primary_replica").as_bool());
  CHECK(only_set(fx.ok(kDbStates)).rows.size() == 1);

  // The old primary's workload stopped (read-only); one on the new primary replicates back.
  const std::int64_t before = fx.lsn(false);
  fx.workload(Personality::ManagedInstance, kMiB);
  fx.advance(seconds(95));
  CHECK(fx.lsn(false) > before);
  CHECK(fx.lsn(true) == fx.lsn(false));  // SYNC: SQL Server keeps up

  // The instance's first automatic full backup comes some time (10 s here) after it became primary.
  CHECK(only_set(fx.ok_mi(kFullBackups)).rows.empty());
  fx.advance(seconds(100));
  ResultSet backups = only_set(fx.ok_mi(kFullBackups));
  REQUIRE(backups.rows.size() == 1);
  CHECK_FALSE(cell(backups, 0, "is_copy_only").as_bool());

  // FAILOVER on the secondary side is refused.
  auto again = errors(fx.run(failover));
  REQUIRE(again.size() == 1);
  CHECK(again[0].number == 41142);
}

TEST_CASE("link life: T-SQL FAILOVER needs SQL Server 2022 CU13", "[link][life]") {
  Healthy fx;
  {
    auto lock = fx.world.lock();
    fx.world.sql_server.version = "16.0.4115.5";  // CU12
  }
  fx.to_sync();
  fx.advance(seconds(82));
  auto e = errors(fx.run("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER"));
  REQUIRE(e.size() == 1);
  CHECK(e[0].number == 41142);
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
}

TEST_CASE("link life: forced failover loses unsent log, split brain, SET (ROLE = SECONDARY) resolves it", "[link][life]") {
  Healthy fx;
  fx.workload(Personality::SqlServer, kMiB);
  fx.advance(seconds(90));
  const std::int64_t mi_hardened = fx.lsn(false);
  const std::int64_t sql_at_failover = fx.lsn(true);
  REQUIRE(mi_hardened < sql_at_failover);  // async: log not yet at the instance

  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_failover("DAG_sales", true) == RoleChangeError::None);
  }
  // The new primary keeps only what it had hardened.
  CHECK(fx.lsn(false) == mi_hardened);
  // Split brain: both PRIMARY, on both servers and in ARM; nothing replicates.
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
  CHECK(local_role(only_set(fx.ok_mi(kRoles))) == "PRIMARY");
  CHECK(local_role(only_set(fx.ok_mi(kRoles)), false) == "PRIMARY");
  CHECK(fx.link().instance_link_role == "Primary");
  CHECK(fx.link().partner_link_role == "Primary");
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_WRITE");
  CHECK(cell(only_set(fx.ok_mi(kUpdateability)), 0, "u").as_string() == "READ_WRITE");
  fx.advance(seconds(95));
  CHECK(fx.lsn(true) > sql_at_failover);  // SQL Server's workload goes on, alone
  CHECK(fx.lsn(false) == mi_hardened);
  CHECK(fx.link().databases[0].connected_state == "DISCONNECTED");
  CHECK(fx.link().databases[0].synchronization_health == "NOT_HEALTHY");
  CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "DISCONNECTED");

  // The old primary steps down and resynchronises from the new one.
  fx.ok("ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY)");
  fx.advance(seconds(96));
  CHECK(local_role(only_set(fx.ok(kRoles))) == "SECONDARY");
  CHECK(local_role(only_set(fx.ok_mi(kRoles))) == "PRIMARY");
  CHECK(fx.link().partner_link_role == "Secondary");
  CHECK(fx.lsn(true) == fx.lsn(false));  // SQL Server's log after the fork is gone
  CHECK(fx.lsn(true) == mi_hardened);
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_ONLY");
  CHECK(fx.link().databases[0].connected_state == "CONNECTED");
  CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");
}

TEST_CASE("link life: T-SQL FORCE_FAILOVER_ALLOW_DATA_LOSS on SQL Server, setRole resolves it", "[link][life]") {
  Healthy fx;
  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_set_role("DAG_sales", true, false) == RoleChangeError::Unsupported);
    CHECK(fx.sim.arm_set_role("DAG_sales", false, false) == RoleChangeError::AlreadyInRole);
    CHECK(fx.sim.arm_failover("DAG_sales", false) == RoleChangeError::NotPrimary);
    CHECK(fx.sim.arm_set_role("DAG_sales", true, true) == RoleChangeError::None);  // the instance forced primary
    CHECK(fx.sim.arm_set_role("DAG_sales", true, true) == RoleChangeError::AlreadyInRole);
  }
  // Split brain; the instance gives up its role: SQL Server primary again.
  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_set_role("DAG_sales", false, true) == RoleChangeError::None);
  }
  CHECK(fx.link().instance_link_role == "Secondary");
  CHECK(local_role(only_set(fx.ok_mi(kRoles))) == "SECONDARY");

  // Now SQL Server steps down too: no primary at all; then it forces itself back.
  fx.ok("ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY)");
  CHECK(local_role(only_set(fx.ok(kRoles))) == "SECONDARY");
  CHECK(fx.link().partner_link_role == "Secondary");
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_ONLY");
  fx.ok("ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS");
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
  CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "u").as_string() == "READ_WRITE");
  fx.advance(seconds(82));
  CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");

  // ARM's planned failover from the instance needs it primary, then SYNC and caught up.
  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_set_role("DAG_sales", true, true) == RoleChangeError::None);
  }
  fx.ok("ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY)");
  fx.advance(seconds(83));
  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_failover("DAG_sales", false) == RoleChangeError::NotSynchronizing);  // async
  }
  fx.to_sync();
  fx.advance(seconds(84));
  {
    auto lock = fx.world.lock();
    CHECK(fx.sim.arm_failover("DAG_sales", false) == RoleChangeError::None);
  }
  CHECK(fx.link().instance_link_role == "Secondary");
  CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
}

TEST_CASE("link life: removal, what each side keeps", "[link][life]") {
  SECTION("deleting a seeded link: the instance's database stays, read-write, and gets its first full backup") {
    Healthy fx;
    {
      auto lock = fx.world.lock();
      LinkResource copy = fx.link();
      fx.sim.removed(copy);
      fx.world.azure.links.clear();
    }
    ResultSet mi_db = only_set(fx.ok_mi(kUpdateability));
    REQUIRE(mi_db.rows.size() == 1);
    CHECK(cell(mi_db, 0, "u").as_string() == "READ_WRITE");
    CHECK(only_set(fx.ok_mi("SELECT name FROM sys.availability_groups")).rows.empty());
    // SQL Server keeps its DAG (users drop it), primary, the remote replica DISCONNECTED.
    CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "DISCONNECTED");
    CHECK(local_role(only_set(fx.ok(kRoles))) == "PRIMARY");
    CHECK(only_set(fx.ok_mi(kFullBackups)).rows.empty());
    fx.advance(seconds(100));
    CHECK(only_set(fx.ok_mi(kFullBackups)).rows.size() == 1);
    // Dropping SQL Server's DAG, then its AG, leaves the database read-write there.
    fx.ok("DROP AVAILABILITY GROUP [DAG_sales]");
    fx.ok("DROP AVAILABILITY GROUP [AG_sales]");
    ResultSet sql_db = only_set(fx.ok(kUpdateability));
    CHECK(cell(sql_db, 0, "u").as_string() == "READ_WRITE");
    CHECK(cell(sql_db, 0, "state_desc").as_string() == "ONLINE");
  }

  SECTION("DROP of SQL Server's DAG while it is the link's secondary leaves the database RESTORING") {
    Healthy fx;
    fx.to_sync();
    fx.advance(seconds(82));
    fx.ok("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER");
    fx.ok("DROP AVAILABILITY GROUP [DAG_sales]");
    CHECK(cell(only_set(fx.ok(kUpdateability)), 0, "state_desc").as_string() == "RESTORING");
    fx.advance(seconds(84));
    // The instance, primary, keeps its database read-write; the link lost its DAG on SQL Server.
    CHECK(cell(only_set(fx.ok_mi(kUpdateability)), 0, "u").as_string() == "READ_WRITE");
    CHECK(fx.link().databases[0].most_recent_link_error.rfind("41976: ", 0) == 0);
  }

  SECTION("deleting a link still seeding drops the instance's copy and schedules no backup") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(20));
    REQUIRE(cell(only_set(fx.ok_mi(kUpdateability)), 0, "state_desc").as_string() == "RESTORING");
    {
      auto lock = fx.world.lock();
      LinkResource copy = fx.link();
      fx.sim.removed(copy);
      fx.world.azure.links.clear();
    }
    CHECK(only_set(fx.ok_mi(kUpdateability)).rows.empty());
    fx.advance(seconds(100));
    CHECK(only_set(fx.ok_mi(kFullBackups)).rows.empty());
  }
}

TEST_CASE("link life: the state dump shows roles, modes and LSNs", "[link][life]") {
  Healthy fx;
  fx.to_sync();
  fx.advance(seconds(81));
  milink::sdk::Value dump = fx.world.dump();
  const milink::sdk::Value& link = dump.get("links")->as_array().at(0);
  CHECK(link.get("instance_link_role")->as_string() == "Secondary");
  CHECK(link.get("partner_link_role")->as_string() == "Primary");
  CHECK(link.get("replication_mode")->as_string() == "Sync");
  CHECK(link.get("databases")->as_array().at(0).get("last_hardened_lsn")->as_string() ==
        std::to_string(fx.lsn(false)));
  // ARM's trust certificates too (bench/soak counts them).
  const auto& trust = dump.get("server_trust_certificates")->as_array();
  REQUIRE(trust.size() == 1);
  CHECK(trust.at(0).get("name")->as_string() == "Cert_sqlbox1_endpoint");
  bool found = false;
  for (const auto& db : dump.get("sql_server")->get("databases")->as_array())
    if (db.get("name")->as_string() == "sales") {
      found = true;
      CHECK(db.get("lsn")->as_int() == fx.lsn(true));
    }
  CHECK(found);
}
