// workflows/replicate-databases.json and concurrency: --parallel N runs N
// databases' chains at once, and the seeding (link + verify) is bounded per
// managed instance by settings.max_seeding_per_instance while the other
// steps of further databases go on. Concurrency is read from the order of
// the run's events, never from wall time.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

using linkrig::numbered;
using linkrig::Rig;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::vector<Object> events_of(const std::string& json_lines) {
  std::vector<Object> out;
  std::istringstream in(json_lines);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(milink::sdk::parse_json(line).as_object());
  return out;
}

std::string str(const Object& o, const char* key) {
  const Value* v = o.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

/// The database of a step key "per_db[db01]...." ("" for other keys).
std::string database_of(const std::string& key) {
  if (key.rfind("per_db[", 0) != 0) return {};
  auto close = key.find(']');
  return close == std::string::npos ? std::string() : key.substr(7, close - 7);
}

/// The most databases whose chains were open at once, in event order: a
/// chain opens with its first step_start and closes with its last step_end.
int most_chains_open(const std::vector<Object>& events) {
  std::map<std::string, std::size_t> first, last;
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string db = database_of(str(events[i], "step"));
    if (db.empty()) continue;
    if (str(events[i], "event") == "step_start" && !first.count(db)) first[db] = i;
    if (str(events[i], "event") == "step_end") last[db] = i;
  }
  int open = 0, most = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    for (const auto& [db, at] : first) open += at == i;
    most = std::max(most, open);
    for (const auto& [db, at] : last) open -= at == i;
  }
  return most;
}

/// The most slots of \p group held at once, in event order.
int most_slots_held(const std::vector<Object>& events, const std::string& group) {
  int held = 0, most = 0;
  for (const auto& e : events) {
    if (str(e, "group") != group) continue;
    if (str(e, "event") == "slot_acquired") most = std::max(most, ++held);
    if (str(e, "event") == "slot_released") --held;
  }
  return most;
}

void check_all_linked(const std::string& out, const std::vector<std::string>& dbs, Rig& rig) {
  auto st = Rig::statuses(out);
  auto online = rig.instance_databases();
  for (const auto& db : dbs) {
    INFO(db);
    CHECK(st["per_db[" + db + "].seeding.link"] == "changed");
    CHECK(online[db] == "ONLINE");
  }
}

}  // namespace

TEST_CASE("replicate-databases --parallel 8 runs 8 databases' chains at once", "[workflows][parallel]") {
  auto dbs = numbered(10);
  Rig rig(linkrig::scenario_with(dbs));
  rig.set_databases(dbs);
  auto r = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(r.exit_code == 0);
  check_all_linked(r.out, dbs, rig);
  auto events = events_of(r.out);
  int open = most_chains_open(events);
  CHECK(open <= 8);
  CHECK(open == 8);
  // No warning: the workflow states no ceiling; the seeding group (default
  // 8 per instance) was never full.
  for (const auto& e : events) CHECK(str(e, "event") != "warning");
  CHECK(most_slots_held(events, "seeding-mi1") <= 8);
  for (const auto& e : events) CHECK(str(e, "event") != "slot_wait");
}

TEST_CASE("replicate-databases bounds seeding per instance while further databases' other steps go on",
          "[workflows][parallel]") {
  auto dbs = numbered(8);
  Rig rig(linkrig::scenario_with(dbs));
  rig.set_databases(dbs);
  rig.config.mutable_object().find("settings")->mutable_object().set("max_seeding_per_instance", Value(2));
  rig.save();
  auto r = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(r.exit_code == 0);
  check_all_linked(r.out, dbs, rig);
  auto events = events_of(r.out);
  int seeding = most_slots_held(events, "seeding-mi1");
  CHECK(seeding <= 2);
  CHECK(seeding == 2);
  CHECK(most_chains_open(events) == 8);
  // Databases waited for the seeding slot, at the link (their AG and DAG done).
  std::size_t waits = 0;
  std::set<std::string> dag_done;
  for (const auto& e : events) {
    if (str(e, "event") == "step_end" && str(e, "step") == "per_db[" + database_of(str(e, "step")) + "].dag")
      dag_done.insert(database_of(str(e, "step")));
    if (str(e, "event") != "slot_wait") continue;
    ++waits;
    std::string db = database_of(str(e, "step"));
    CHECK(str(e, "step") == "per_db[" + db + "].seeding.link");
    CHECK(dag_done.count(db) == 1);
  }
  CHECK(waits >= 1);

  SECTION("a second run only observes: no slot is taken") {
    auto again = rig.run("replicate-databases.json", {"--parallel", "8"});
    REQUIRE(again.exit_code == 0);
    for (const auto& e : events_of(again.out)) CHECK(str(e, "event").rfind("slot_", 0) != 0);
  }
}
