// The link when every condition holds: created, CONNECTED after the connect
// delay, seeding with progress on both servers, the managed instance's
// database RESTORING then ONLINE and read-only, HEALTHY after the catch-up.
#include "link_fixture.hpp"

#include "state/time_util.hpp"

using namespace linktest;

namespace {

const std::string kSeedingQuery =
    "SELECT local_database_name, role_desc, internal_state_desc, transferred_size_bytes, database_size_bytes, "
    "transfer_rate_bytes_per_second, end_time_utc, failure_code FROM sys.dm_hadr_physical_seeding_stats";

const std::string kMiDatabase = "SELECT state_desc, is_read_only FROM sys.databases WHERE name = N'sales'";

// The MI-link doc's health query, on the primary.
const std::string kLinkHealth =
    "DECLARE @link_name varchar(max) = 'DAG_sales'\n"
    "SELECT rs.synchronization_health_desc [Link sync health] FROM sys.availability_groups ag "
    "join sys.dm_hadr_availability_replica_states rs on ag.group_id = rs.group_id "
    "WHERE rs.is_local = 0 AND rs.role = 2 AND ag.is_distributed = 1 AND ag.name = @link_name";

// The LSN comparison of the doc, on either side.
const std::string kLsn =
    "SELECT drs.synchronization_state_desc, drs.synchronization_health_desc, drs.last_hardened_lsn, drs.is_local "
    "FROM sys.dm_hadr_database_replica_states drs inner join sys.databases db on db.database_id = drs.database_id "
    "inner join sys.availability_groups ag on drs.group_id = ag.group_id "
    "WHERE ag.is_distributed = 1 and db.name = 'sales'";

constexpr std::int64_t kSize = 64LL * 1024 * 1024;

}  // namespace

TEST_CASE("a link whose conditions all hold connects, seeds and becomes healthy", "[link]") {
  Fixture fx;
  fx.build_sql_side();
  fx.trust_sql_certificate();
  LinkResource& created = fx.create_link();
  CHECK(created.provisioning_state == "Creating");
  CHECK(created.databases[0].replica_state == "CreatingLink");
  CHECK(created.databases[0].connected_state == "DISCONNECTED");
  CHECK_FALSE(created.databases[0].instance_replica_id.empty());
  CHECK_FALSE(fx.outcome());

  // The managed instance shows the link's AG and DAG at once.
  {
    ResultSet ags = only_set(fx.ok_mi("SELECT name, is_distributed FROM sys.availability_groups ORDER BY name"));
    REQUIRE(ags.rows.size() == 2);
    CHECK(cell(ags, 0, "name").as_string() == "DAG_sales");
    CHECK(cell(ags, 0, "is_distributed").as_bool());
    CHECK(cell(ags, 1, "name").as_string() == "mi1");
    CHECK_FALSE(cell(ags, 1, "is_distributed").as_bool());
    ResultSet reps = only_set(fx.ok_mi(
        "SELECT r.replica_server_name, r.endpoint_url FROM sys.availability_replicas r JOIN sys.availability_groups ag "
        "ON ag.group_id = r.group_id WHERE ag.name = 'DAG_sales' ORDER BY r.replica_server_name"));
    REQUIRE(reps.rows.size() == 2);
    CHECK(cell(reps, 0, "replica_server_name").as_string() == "AG_sales");
    CHECK(cell(reps, 0, "endpoint_url").as_string() == "TCP://10.0.0.4:5022");
    CHECK(cell(reps, 1, "replica_server_name").as_string() == "mi1");
  }

  // Before the connect delay: DISCONNECTED, no error, nothing on the MI.
  fx.advance(seconds(2));
  {
    ResultSet rs = fx.remote_replica_state();
    CHECK(cell(rs, 0, "Connected state").as_string() == "DISCONNECTED");
    CHECK(cell(rs, 0, "Last connection error No").is_null());
    CHECK(only_set(fx.ok_mi(kMiDatabase)).rows.empty());
  }

  // 15 s in: connected at 5 s, 10 s of seeding at 1 MiB/s.
  fx.advance(seconds(15));
  {
    ResultSet rs = fx.remote_replica_state();
    CHECK(cell(rs, 0, "Replica").as_string() == "mi1");
    CHECK(cell(rs, 0, "Connected state").as_string() == "CONNECTED");
    CHECK(cell(rs, 0, "Last connection error No").is_null());
    CHECK(cell(rs, 0, "Last connection error").is_null());
    CHECK(cell(rs, 0, "Health").as_string() == "NOT_HEALTHY");
    CHECK(cell(rs, 0, "Role").as_string() == "SECONDARY");

    ResultSet db = only_set(fx.ok_mi(kMiDatabase));
    REQUIRE(db.rows.size() == 1);
    CHECK(cell(db, 0, "state_desc").as_string() == "RESTORING");

    const std::int64_t sent = 10LL * 1024 * 1024;
    ResultSet src = only_set(fx.ok(kSeedingQuery));
    REQUIRE(src.rows.size() == 1);
    CHECK(cell(src, 0, "local_database_name").as_string() == "sales");
    CHECK(cell(src, 0, "role_desc").as_string() == "Source");
    CHECK(cell(src, 0, "internal_state_desc").as_string() == "ReadingAndSendingData");
    CHECK(cell(src, 0, "transferred_size_bytes").as_int64() == sent);
    CHECK(cell(src, 0, "database_size_bytes").as_int64() == kSize);
    CHECK(cell(src, 0, "transfer_rate_bytes_per_second").as_int64() == 1024 * 1024);
    CHECK(cell(src, 0, "end_time_utc").is_null());
    ResultSet dst = only_set(fx.ok_mi(kSeedingQuery));
    REQUIRE(dst.rows.size() == 1);
    CHECK(cell(dst, 0, "role_desc").as_string() == "Destination");
    CHECK(cell(dst, 0, "transferred_size_bytes").as_int64() == sent);

    // The doc's seeding query joins sys.dm_hadr_automatic_seeding.
    ResultSet joined = only_set(fx.ok(
        "SELECT ag.local_database_name, ar.current_state, ar.is_source FROM sys.dm_hadr_physical_seeding_stats AS ag "
        "INNER JOIN sys.dm_hadr_automatic_seeding AS ar ON local_physical_seeding_id = operation_id"));
    REQUIRE(joined.rows.size() == 1);
    CHECK(cell(joined, 0, "current_state").as_string() == "SEEDING");
    CHECK(cell(joined, 0, "is_source").as_bool());

    const LinkResource& l = fx.link();
    CHECK(l.databases[0].replica_state == "CreatingLink");
    CHECK(l.databases[0].connected_state == "CONNECTED");
    CHECK(l.databases[0].seeding_progress == 15);
    CHECK(l.link_state == "Seeding");
    CHECK(l.provisioning_state == "Creating");
    REQUIRE(l.connected_at);
    CHECK(*l.connected_at == fx.t0 + seconds(5));
    CHECK_FALSE(fx.outcome());
  }

  // 71 s: seeded at 69 s, catching up (HEALTHY at 74 s).
  fx.advance(seconds(71));
  {
    ResultSet db = only_set(fx.ok_mi(kMiDatabase));
    CHECK(cell(db, 0, "state_desc").as_string() == "ONLINE");
    CHECK(cell(db, 0, "is_read_only").as_bool());
    ResultSet src = only_set(fx.ok(kSeedingQuery));
    CHECK(cell(src, 0, "transferred_size_bytes").as_int64() == kSize);
    CHECK_FALSE(cell(src, 0, "end_time_utc").is_null());
    CHECK(cell(src, 0, "internal_state_desc").as_string() == "Success");
    ResultSet health = only_set(fx.ok(kLinkHealth));
    REQUIRE(health.rows.size() == 1);
    CHECK(cell(health, 0, "Link sync health").as_string() == "NOT_HEALTHY");
    ResultSet lsn = only_set(fx.ok(kLsn));
    bool remote_seen = false;
    for (std::size_t i = 0; i < lsn.rows.size(); ++i)
      if (!cell(lsn, i, "is_local").as_bool()) {
        remote_seen = true;
        CHECK(cell(lsn, i, "synchronization_state_desc").as_string() == "SYNCHRONIZING");
        CHECK(cell(lsn, i, "synchronization_health_desc").as_string() == "NOT_HEALTHY");
      }
    CHECK(remote_seen);
    const LinkResource& l = fx.link();
    CHECK(l.databases[0].replica_state == "LinkSynchronizing");
    CHECK(l.databases[0].synchronization_health == "NOT_HEALTHY");
    CHECK(l.link_state == "Catchup");
    CHECK(l.provisioning_state == "Succeeded");
    auto o = fx.outcome();
    REQUIRE(o);
    CHECK(o->ok);
  }

  // 75 s: HEALTHY, the hardened LSNs equal on both sides.
  fx.advance(seconds(75));
  {
    ResultSet health = only_set(fx.ok(kLinkHealth));
    CHECK(cell(health, 0, "Link sync health").as_string() == "HEALTHY");
    CHECK(only_set(fx.ok_mi(kLinkHealth)).rows.empty());  // "no result: executed on the secondary"

    ResultSet sql_lsn = only_set(fx.ok(kLsn));
    std::string remote_lsn;
    for (std::size_t i = 0; i < sql_lsn.rows.size(); ++i)
      if (!cell(sql_lsn, i, "is_local").as_bool()) {
        CHECK(cell(sql_lsn, i, "synchronization_state_desc").as_string() == "SYNCHRONIZING");
        CHECK(cell(sql_lsn, i, "synchronization_health_desc").as_string() == "HEALTHY");
        remote_lsn = cell(sql_lsn, i, "last_hardened_lsn").to_display();
      }
    ResultSet mi_lsn = only_set(fx.ok_mi(kLsn));
    REQUIRE(mi_lsn.rows.size() == 1);
    CHECK(cell(mi_lsn, 0, "is_local").as_bool());
    CHECK(cell(mi_lsn, 0, "synchronization_health_desc").as_string() == "HEALTHY");
    CHECK_FALSE(remote_lsn.empty());
    CHECK(cell(mi_lsn, 0, "last_hardened_lsn").to_display() == remote_lsn);

    const LinkResource& l = fx.link();
    CHECK(l.databases[0].synchronization_health == "HEALTHY");
    CHECK(l.databases[0].last_hardened_lsn == remote_lsn);
    CHECK(l.databases[0].most_recent_link_error.empty());
    CHECK_FALSE(l.databases[0].seeding_progress);
  }

  // A log backup after seeding is what the docs ask for: the LSNs move on together.
  fx.ok("BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales_1.trn'");
  fx.advance(seconds(76));
  {
    ResultSet sql_lsn = only_set(fx.ok(kLsn));
    std::string remote_lsn;
    for (std::size_t i = 0; i < sql_lsn.rows.size(); ++i)
      if (!cell(sql_lsn, i, "is_local").as_bool()) remote_lsn = cell(sql_lsn, i, "last_hardened_lsn").to_display();
    ResultSet mi_lsn = only_set(fx.ok_mi(kLsn));
    CHECK(cell(mi_lsn, 0, "last_hardened_lsn").to_display() == remote_lsn);
    CHECK(fx.link().databases[0].last_hardened_lsn == remote_lsn);
    CHECK(fx.link().databases[0].replica_state == "LinkSynchronizing");
  }
}

TEST_CASE("timing profiles: fast, demo, realistic, by name", "[link]") {
  TimingProfile f = TimingProfile::fast();
  CHECK(f.name == "fast");
  CHECK(f.connect_delay == milliseconds(100));
  CHECK(f.arm_operation == milliseconds(50));
  CHECK(f.seeding_bytes_per_second == 512.0 * 1024 * 1024);
  CHECK(f.catch_up == milliseconds(100));
  CHECK(f.connect_timeout == milliseconds(1000));
  TimingProfile r = TimingProfile::realistic();
  CHECK(r.name == "realistic");
  CHECK(r.connect_delay == seconds(30));
  CHECK(r.seeding_bytes_per_second == 50.0 * 1024 * 1024);
  CHECK(r.connect_timeout == std::chrono::minutes(5));
  CHECK(r.arm_operation >= seconds(1));
  TimingProfile d = TimingProfile::demo();
  CHECK(d.name == "demo");
  CHECK(d.arm_operation == seconds(1));
  CHECK(d.connect_delay == seconds(3));
  CHECK(d.catch_up == seconds(1));
  CHECK(d.connect_timeout == seconds(60));
  // The sample scenario's sales database (64 MB) seeds in 6-8 s.
  double sales_seconds = 64.0 * 1024 * 1024 / d.seeding_bytes_per_second;
  CHECK(sales_seconds >= 6.0);
  CHECK(sales_seconds <= 8.0);
  CHECK(TimingProfile::named("fast").name == "fast");
  CHECK(TimingProfile::named("demo").connect_delay == seconds(3));
  CHECK(TimingProfile::named("realistic").connect_delay == seconds(30));
  try {
    TimingProfile::named("slow");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "unknown timing profile \"slow\"; expected fast, demo or realistic");
  }
}

TEST_CASE("link: modes, profiles and the advance hook", "[link]") {
  SECTION("a synchronous DAG reports SYNCHRONIZED once healthy") {
    Fixture fx;
    SqlSide side;
    side.dag_mode = "SYNCHRONOUS_COMMIT";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link().replication_mode = "Sync";
    fx.advance(seconds(80));
    ResultSet rs =
        only_set(fx.ok("SELECT drs.synchronization_state_desc, drs.synchronization_health_desc FROM "
                       "sys.dm_hadr_database_replica_states "
                       "drs JOIN sys.availability_groups ag ON ag.group_id = drs.group_id WHERE ag.is_distributed = 1 "
                       "AND drs.is_local "
                       "= 0"));
    REQUIRE(rs.rows.size() == 1);
    CHECK(cell(rs, 0, "synchronization_state_desc").as_string() == "SYNCHRONIZED");
    CHECK(cell(rs, 0, "synchronization_health_desc").as_string() == "HEALTHY");
  }

  SECTION("the engines bring the link up to date on every batch through world.advance") {
    Fixture fx(TimingProfile::fast());
    fx.build_sql_side();
    fx.trust_sql_certificate();
    {
      auto lock = fx.world.lock();
      REQUIRE(fx.world.advance);
    }
    // Created 10 s ago (real time): the next batch on either server finds it
    // connected, seeded (64 MB at 512 MB/s) and healthy.
    fx.t0 = Clock::now() - seconds(10);
    fx.create_link();
    ResultSet db = only_set(fx.ok_mi(kMiDatabase));
    REQUIRE(db.rows.size() == 1);
    CHECK(cell(db, 0, "state_desc").as_string() == "ONLINE");
    CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "CONNECTED");
    CHECK(cell(only_set(fx.ok(kLinkHealth)), 0, "Link sync health").as_string() == "HEALTHY");
    CHECK(fx.link().databases[0].replica_state == "LinkSynchronizing");
  }

  SECTION("the simulator installs world.advance and clears it when it goes") {
    auto fx = std::make_unique<Fixture>();
    EmulatorWorld& world = fx->world;
    {
      auto lock = world.lock();
      CHECK(world.advance);
    }
    fx.reset();
    auto lock = world.lock();
    CHECK_FALSE(world.advance);
  }

  SECTION("the realistic profile scales seeding to the database size") {
    Fixture fx(TimingProfile::realistic());
    fx.build_sql_side();
    {
      auto lock = fx.world.lock();
      fx.world.sql_server.find_database("sales")->size_mb = 1000;  // 1000 MB at 50 MB/s: 20 s
    }
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(29));
    CHECK(fx.link().databases[0].connected_state == "DISCONNECTED");
    fx.advance(seconds(40));  // connected at 30 s, 10 s of 20
    CHECK(fx.link().databases[0].connected_state == "CONNECTED");
    CHECK(fx.link().databases[0].seeding_progress == 50);
    CHECK(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "RESTORING");
    fx.advance(seconds(51));
    CHECK(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "ONLINE");
    CHECK(fx.link().databases[0].synchronization_health == "NOT_HEALTHY");  // catch-up: 10 s
    fx.advance(seconds(61));
    CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");
  }
}
