// A link over time: a missing condition fixed later, a log backup during
// seeding (1412), the link dropping when a condition breaks, removal, and
// what created() refuses.
#include "link_fixture.hpp"

using namespace linktest;

namespace {

const std::string kMiDatabase = "SELECT state_desc, is_read_only FROM sys.databases WHERE name = N'sales'";
const std::string kSeeding =
    "SELECT role_desc, transferred_size_bytes, failure_code, failure_message FROM sys.dm_hadr_physical_seeding_stats";

}  // namespace

TEST_CASE("link: over time (fixed later, 1412, drops, removal, created())", "[link]") {
  SECTION("a trust certificate uploaded later connects the link on the next advance") {
    Fixture fx;
    fx.build_sql_side();
    fx.create_link();
    fx.advance(seconds(25));  // past the connect timeout: the PUT failed
    REQUIRE(fx.outcome());
    CHECK_FALSE(fx.outcome()->ok);
    CHECK(fx.link().databases[0].replica_state == "LinkInitError");
    CHECK(cell(fx.remote_replica_state(), 0, "Last connection error No").as_int64() == 41973);

    fx.trust_sql_certificate();
    fx.advance(seconds(30));
    {
      ResultSet rs = fx.remote_replica_state();
      CHECK(cell(rs, 0, "Connected state").as_string() == "CONNECTED");
      CHECK(cell(rs, 0, "Last connection error No").is_null());
      CHECK(cell(rs, 0, "Last connection error").is_null());
      const LinkDatabase& d = fx.link().databases[0];
      CHECK(d.connected_state == "CONNECTED");
      CHECK(d.replica_state == "CreatingLink");
      CHECK(d.most_recent_link_error.empty());
      CHECK(d.seeding_progress == 0);  // connected just now: seeding starts at 30 s
      CHECK(*fx.link().connected_at == fx.t0 + seconds(30));
      CHECK(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "RESTORING");
    }
    fx.advance(seconds(100));
    CHECK(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "ONLINE");
    CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");
    CHECK(fx.link().provisioning_state == "Succeeded");
    CHECK_FALSE(fx.outcome()->ok);  // what the PUT's client was told stays
  }

  SECTION("the managed instance's certificate created on SQL Server later connects the link") {
    Fixture fx;
    SqlSide side;
    side.import_mi_certificate = false;
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(10));
    CHECK(fx.link().databases[0].most_recent_link_error.rfind("41974: ", 0) == 0);
    // The missing step of the seed, run later (the engine's own advance runs first).
    fx.ok("USE MASTER\nCREATE CERTIFICATE [" + fx.world.managed_instance.fqdn +
          "] FROM BINARY = " + milink::sdk::to_hex_literal(fx.mi_certificate()));
    fx.advance(seconds(12));
    CHECK(fx.link().databases[0].connected_state == "CONNECTED");
    CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "CONNECTED");
    CHECK_FALSE(fx.outcome());  // still within the connect timeout: the PUT goes on
    fx.advance(seconds(100));
    REQUIRE(fx.outcome());
    CHECK(fx.outcome()->ok);
  }

  SECTION("a log backup during seeding breaks the link for good: 1412 LinkCreationError") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(15));  // seeding
    fx.ok("BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales_1.trn'");
    fx.advance(seconds(16));
    const std::string text =
        "The remote copy of database \"sales\" has not been rolled forward to a point in time that is encompassed in "
        "the "
        "local copy of the database log.";
    const LinkDatabase& d = fx.link().databases[0];
    CHECK(d.replica_state == "LinkCreationError");
    CHECK(d.most_recent_link_error == "1412: " + text);
    auto o = fx.outcome();
    REQUIRE(o);
    CHECK_FALSE(o->ok);
    CHECK(o->code == "LinkCreationError");
    CHECK(o->message == "1412: " + text);
    CHECK(fx.link().provisioning_state == "Failed");
    ResultSet src = only_set(fx.ok(kSeeding));
    REQUIRE(src.rows.size() == 1);
    CHECK(cell(src, 0, "failure_code").as_int64() == 1412);
    CHECK(cell(src, 0, "failure_message").as_string() == text);
    ResultSet dst = only_set(fx.ok_mi(kSeeding));
    CHECK(cell(dst, 0, "failure_code").as_int64() == 1412);
    CHECK(cell(only_set(fx.ok("SELECT current_state FROM sys.dm_hadr_automatic_seeding")), 0, "current_state")
              .as_string() == "FAILED");
    // For good: time does not heal it.
    fx.advance(seconds(200));
    CHECK(fx.link().databases[0].replica_state == "LinkCreationError");
    CHECK(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "RESTORING");
  }

  SECTION("a log backup taken before the link seeds is harmless") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.ok("BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales_0.trn'");
    fx.create_link();
    fx.advance(seconds(80));
    CHECK(fx.link().databases[0].replica_state == "LinkSynchronizing");
    CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");
  }

  SECTION("a link that loses its endpoint drops, and seeding starts over when it reconnects") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(15));
    REQUIRE(fx.link().databases[0].connected_state == "CONNECTED");
    fx.ok("ALTER ENDPOINT database_mirroring_endpoint STATE = STOPPED");
    fx.advance(seconds(16));
    {
      ResultSet rs = fx.remote_replica_state();
      CHECK(cell(rs, 0, "Connected state").as_string() == "DISCONNECTED");
      CHECK(cell(rs, 0, "Last connection error No").as_int64() == 9666);
      CHECK(fx.link().databases[0].replica_state == "LinkInitError");
      CHECK(only_set(fx.ok(kSeeding)).rows.empty());
      CHECK_FALSE(fx.outcome());  // it had connected: the PUT does not time out
    }
    fx.ok("ALTER ENDPOINT database_mirroring_endpoint STATE = STARTED");
    fx.advance(seconds(17));
    {
      CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "CONNECTED");
      ResultSet src = only_set(fx.ok(kSeeding));
      REQUIRE(src.rows.size() == 1);
      CHECK(cell(src, 0, "transferred_size_bytes").as_int64() == 0);
      CHECK(fx.link().databases[0].seeding_progress == 0);
    }
    fx.advance(seconds(17 + 64 + 6));
    CHECK(fx.link().databases[0].synchronization_health == "HEALTHY");
  }

  SECTION("removed() drops the managed instance's objects; a seeded database stays, read-write") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(80));
    REQUIRE(fx.link().databases[0].synchronization_health == "HEALTHY");
    {
      auto lock = fx.world.lock();
      LinkResource l = *fx.world.azure.find_link("DAG_sales");
      fx.sim.removed(l);
      fx.world.azure.links.clear();
      CHECK_FALSE(fx.sim.operation_outcome("DAG_sales"));
    }
    CHECK(only_set(fx.ok_mi("SELECT name FROM sys.availability_groups")).rows.empty());
    ResultSet db =
        only_set(fx.ok_mi("SELECT state_desc, is_read_only, replica_id FROM sys.databases WHERE name = 'sales'"));
    REQUIRE(db.rows.size() == 1);
    CHECK(cell(db, 0, "state_desc").as_string() == "ONLINE");
    CHECK_FALSE(cell(db, 0, "is_read_only").as_bool());
    CHECK(cell(db, 0, "replica_id").is_null());
    CHECK(only_set(fx.ok(kSeeding)).rows.empty());
    CHECK(only_set(fx.ok_mi(kSeeding)).rows.empty());
    ResultSet rs = fx.remote_replica_state();  // SQL Server's DAG stays until the user drops it
    CHECK(cell(rs, 0, "Connected state").as_string() == "DISCONNECTED");
    CHECK(cell(rs, 0, "Health").as_string() == "NOT_HEALTHY");
    CHECK(cell(rs, 0, "Last connection error No").is_null());
    fx.ok("DROP AVAILABILITY GROUP [DAG_sales]");
  }

  SECTION("removed() during seeding drops the RESTORING database too") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(15));
    REQUIRE(cell(only_set(fx.ok_mi(kMiDatabase)), 0, "state_desc").as_string() == "RESTORING");
    {
      auto lock = fx.world.lock();
      fx.sim.removed(*fx.world.azure.find_link("DAG_sales"));
      fx.world.azure.links.clear();
    }
    CHECK(only_set(fx.ok_mi(kMiDatabase)).rows.empty());
    CHECK(only_set(fx.ok_mi("SELECT name FROM sys.availability_groups")).rows.empty());
    CHECK(only_set(fx.ok(kSeeding)).rows.empty());
  }

  SECTION("a link gone from world.azure without removed() is cleaned up on the next advance") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(15));
    {
      auto lock = fx.world.lock();
      fx.world.azure.links.clear();
    }
    fx.advance(seconds(16));
    CHECK(only_set(fx.ok_mi("SELECT name FROM sys.availability_groups")).rows.empty());
    CHECK(only_set(fx.ok_mi(kMiDatabase)).rows.empty());
    CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "DISCONNECTED");
  }

  SECTION("two links share the managed instance's availability group") {
    Fixture fx;
    fx.build_sql_side();
    {
      auto lock = fx.world.lock();
      Database& crm = fx.world.sql_server.add_database("crm", RecoveryModel::Full);
      crm.size_mb = 16;
      fx.world.sql_server.record_backup(crm, 'D', false, "C:\\Backup\\crm.bak", true, "sa");
    }
    fx.ok(
        "CREATE AVAILABILITY GROUP [AG_crm] WITH (CLUSTER_TYPE = NONE) FOR database [crm] REPLICA ON 'sqlbox1' WITH "
        "(ENDPOINT_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, "
        "SEEDING_MODE = AUTOMATIC)");
    fx.ok(
        "CREATE AVAILABILITY GROUP [DAG_crm] WITH (DISTRIBUTED) AVAILABILITY GROUP ON 'AG_crm' WITH (LISTENER_URL = "
        "'TCP://10.0.0.4:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = "
        "AUTOMATIC), 'mi1' WITH (LISTENER_URL = 'tcp://" +
        fx.world.managed_instance.fqdn +
        ":5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = "
        "AUTOMATIC)");
    fx.trust_sql_certificate();
    fx.create_link();
    {
      auto lock = fx.world.lock();
      fx.world.azure.links.reserve(4);  // keep references valid
    }
    fx.create_link("DAG_crm", "AG_crm", "mi1", "crm");
    fx.advance(seconds(80));
    CHECK(fx.link("DAG_crm").databases[0].synchronization_health == "HEALTHY");
    CHECK(fx.link("DAG_sales").databases[0].synchronization_health == "HEALTHY");
    CHECK(only_set(fx.ok_mi("SELECT name FROM sys.availability_groups")).rows.size() == 3);
    {
      auto lock = fx.world.lock();
      LinkResource l = *fx.world.azure.find_link("DAG_crm");
      fx.sim.removed(l);
      auto& links = fx.world.azure.links;
      links.erase(std::remove_if(links.begin(), links.end(), [](const LinkResource& x) { return x.name == "DAG_crm"; }),
                  links.end());
    }
    ResultSet ags = only_set(fx.ok_mi("SELECT name FROM sys.availability_groups ORDER BY name"));
    REQUIRE(ags.rows.size() == 2);  // DAG_sales and the shared mi1
    CHECK(cell(ags, 0, "name").as_string() == "DAG_sales");
    CHECK(cell(ags, 1, "name").as_string() == "mi1");
  }

  SECTION("created() refuses what it cannot simulate and is idempotent") {
    Fixture fx;
    auto lock = fx.world.lock();
    SECTION("a link not stored in world.azure") {
      LinkResource l;
      l.name = "DAG_x";
      LinkResult r = fx.sim.created(l);
      CHECK_FALSE(r.ok);
      CHECK(r.http_status == 500);
    }
    SECTION("the link and instance AG named alike") {
      LinkResource l;
      l.name = "mi1";
      l.instance_availability_group_name = "MI1";
      fx.world.azure.links.push_back(l);
      LinkResult r = fx.sim.created(fx.world.azure.links.back());
      CHECK_FALSE(r.ok);
      CHECK(r.http_status == 400);
      CHECK(r.code == "InvalidParameterValue");
    }
    SECTION("an availability group of that name already on the managed instance") {
      LinkResource a;
      a.name = "DAG_a";
      a.instance_availability_group_name = "mi1";
      a.partner_availability_group_name = "AG_a";
      fx.world.azure.links.reserve(2);
      fx.world.azure.links.push_back(a);
      REQUIRE(fx.sim.created(fx.world.azure.links.back()).ok);
      LinkResource c = a;
      c.name = "mi1";  // the name of a's instance AG
      c.instance_availability_group_name = "other";
      fx.world.azure.links.push_back(c);
      LinkResult r = fx.sim.created(fx.world.azure.links.back());
      CHECK_FALSE(r.ok);
      CHECK(r.http_status == 409);
      CHECK(r.code == "Conflict");
    }
    SECTION("the same link again: 200") {
      LinkResource l;
      l.name = "DAG_sales";
      l.instance_availability_group_name = "mi1";
      fx.world.azure.links.push_back(l);
      CHECK(fx.sim.created(fx.world.azure.links.back()).http_status == 201);
      LinkResult again = fx.sim.created(fx.world.azure.links.back());
      CHECK(again.ok);
      CHECK(again.http_status == 200);
    }
  }
}
