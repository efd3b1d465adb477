// The engine's catalog row cache (sql/view_cache.hpp): rows are computed once
// while the world is unchanged, and every kind of change shows at once
// (statements of the same or another batch, the other server, direct changes
// under EmulatorWorld::lock(), database-scoped and time-dependent views).
#include "engine_fixture.hpp"

using namespace enginetest;

namespace {

std::uint64_t computed(Fixture& fx) {
  auto lock = fx.world.lock_tracked();
  return fx.sql.view_cache().computed();
}

std::int64_t count(Fixture& fx, const std::string& query) { return scalar(fx.ok(query)).as_int64(); }

}  // namespace

TEST_CASE("view cache: an unchanged world is read from the cache, a statement's change shows at once", "[catalog][view-cache]") {
  Fixture fx;
  fx.build_link();
  const std::string q = "SELECT COUNT(*) FROM sys.databases WHERE name = N'cached_db'";
  CHECK(count(fx, q) == 0);
  const std::uint64_t after_first = computed(fx);
  CHECK(count(fx, q) == 0);
  CHECK(count(fx, "SELECT COUNT(*) FROM sys.databases d JOIN sys.databases e ON e.database_id = d.database_id") > 0);
  CHECK(computed(fx) == after_first);  // the same view, twice in the join too: no new rows

  fx.ok("CREATE DATABASE cached_db");
  CHECK(count(fx, q) == 1);
  CHECK(computed(fx) == after_first + 1);

  SECTION("a change earlier in the same batch") {
    Response r = fx.ok(
        "SELECT COUNT(*) FROM sys.databases WHERE name = N'same_batch'; CREATE DATABASE same_batch; "
        "SELECT COUNT(*) FROM sys.databases WHERE name = N'same_batch'");
    auto sets = result_sets(r);
    REQUIRE(sets.size() == 2);
    CHECK(sets[0]->rows.at(0).at(0).as_int64() == 0);
    CHECK(sets[1]->rows.at(0).at(0).as_int64() == 1);
  }
  SECTION("a change made under the world lock by other code (ARM, the scenario, a test)") {
    {
      auto lock = fx.world.lock();
      fx.world.sql_server.find_database("cached_db")->name = "renamed_db";
    }
    CHECK(count(fx, q) == 0);
    CHECK(count(fx, "SELECT COUNT(*) FROM sys.databases WHERE name = N'renamed_db'") == 1);
  }
  SECTION("a change on the other server does not hide this server's state") {
    fx.ok_mi("CREATE DATABASE cached_db");
    CHECK(count(fx, q) == 1);
  }
}

TEST_CASE("view cache: database-scoped views are kept per database", "[catalog][view-cache]") {
  Fixture fx;
  fx.build_link();  // a certificate in master
  fx.ok("CREATE DATABASE other_db");
  const std::int64_t in_master = count(fx, "SELECT COUNT(*) FROM master.sys.certificates");
  CHECK(in_master > 0);
  CHECK(count(fx, "SELECT COUNT(*) FROM other_db.sys.certificates") == 0);
  CHECK(count(fx, "SELECT COUNT(*) FROM master.sys.certificates") == in_master);
}

TEST_CASE("view cache: views that read the clock are computed for every query", "[catalog][view-cache]") {
  Fixture fx;
  const std::uint64_t before = computed(fx);
  fx.ok("SELECT COUNT(*) FROM msdb.dbo.sysjobhistory");
  fx.ok("SELECT COUNT(*) FROM msdb.dbo.sysjobhistory");
  CHECK(computed(fx) == before + 2);
}
