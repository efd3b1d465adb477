// bench/soak_check.cpp: the expected end state of replicate-database.json, read from a state dump.
#include "soak_check.hpp"

#include <algorithm>

namespace soak {

using milink::sdk::Value;

namespace {

const Value& at(const Value& v, const char* key) {
  static const Value null;
  const Value* x = v.get(key);
  return x != nullptr ? *x : null;
}

std::string text(const Value& v, const char* key) {
  const Value& x = at(v, key);
  return x.is_string() ? x.as_string() : std::string();
}

const milink::sdk::Array& items(const Value& v, const char* key) {
  static const milink::sdk::Array none;
  const Value& x = at(v, key);
  return x.is_array() ? x.as_array() : none;
}

/// A replica database's synchronization_health: the DMV's number (0, 1, 2) in the dump, by its name.
std::string health(const Value& d) {
  const Value& h = at(d, "synchronization_health");
  if (!h.is_int()) return text(d, "synchronization_health");
  switch (h.as_int()) {
    case 0: return "NOT_HEALTHY";
    case 1: return "PARTIALLY_HEALTHY";
    case 2: return "HEALTHY";
    default: return std::to_string(h.as_int());
  }
}

/// The network check's temporary objects come and go on every run; they are not the link's.
bool temporary(const std::string& name) { return name.find("milink_network_check") != std::string::npos; }

void server_objects(const Value& server, const std::string& side, Inventory& inv) {
  for (const auto& db : items(server, "databases"))
    if (text(db, "name") == "master" && side == "sql_server")
      for (const auto& c : items(db, "certificates"))
        if (!temporary(text(c, "name"))) inv.objects[side + " certificate"].push_back(text(c, "name"));
  if (side == "sql_server")
    for (const auto& e : items(server, "endpoints"))
      if (!temporary(text(e, "name"))) inv.objects[side + " endpoint"].push_back(text(e, "name"));
  for (const auto& g : items(server, "availability_groups")) {
    const bool dag = at(g, "is_distributed").is_bool() && at(g, "is_distributed").as_bool();
    inv.objects[side + (dag ? " distributed availability group" : " availability group")].push_back(text(g, "name"));
  }
}

void repeated_creations(const Value& log, Inventory& inv) {
  std::map<std::string, int> seen;
  for (const auto& e : log.is_array() ? log.as_array() : milink::sdk::Array{}) {
    if (!at(e, "ok").is_bool() || !at(e, "ok").as_bool()) continue;
    const std::string t = text(e, "text");
    if (t.compare(0, 7, "CREATE ") != 0 || temporary(t)) continue;
    if (++seen[t.substr(0, t.find('\n'))] == 2) inv.repeated_creations.push_back(t.substr(0, t.find('\n')));
  }
}

/// The distributed AG on one side: its replicas connected and its databases HEALTHY.
void check_side(const Value& server, const std::string& side, const std::string& database, Verdict& v) {
  const Value* dag = nullptr;
  for (const auto& g : items(server, "availability_groups"))
    if (at(g, "is_distributed").is_bool() && at(g, "is_distributed").as_bool()) dag = &g;
  if (dag == nullptr) {
    v.problems.push_back(side + ": no distributed availability group");
    return;
  }
  bool has_database = false;
  for (const auto& r : items(*dag, "replicas")) {
    const std::string name = text(r, "replica_server_name");
    if (text(at(r, "runtime"), "connected_state") != "CONNECTED")
      v.problems.push_back(side + ": DAG replica " + name + " " + text(at(r, "runtime"), "connected_state"));
    for (const auto& d : items(r, "databases")) {
      if (text(d, "database_name") != database) continue;
      has_database = true;
      if (health(d) != "HEALTHY")
        v.problems.push_back(side + ": DAG replica " + name + " has " + database + " " + health(d));
    }
  }
  if (!has_database) v.problems.push_back(side + ": the DAG has no replica of " + database);
}

}  // namespace

Inventory inventory(const Value& dump) {
  Inventory inv;
  server_objects(at(dump, "sql_server"), "sql_server", inv);
  server_objects(at(dump, "managed_instance"), "managed_instance", inv);
  for (const auto& l : items(dump, "links")) inv.objects["arm link"].push_back(text(l, "name"));
  for (const auto& c : items(dump, "server_trust_certificates")) inv.objects["arm trust certificate"].push_back(text(c, "name"));
  for (auto& [kind, names] : inv.objects) std::sort(names.begin(), names.end());
  repeated_creations(at(at(dump, "statement_log"), "sql_server"), inv);
  repeated_creations(at(at(dump, "statement_log"), "managed_instance"), inv);
  return inv;
}

Verdict check(const Value& dump, const Inventory& expected, const std::string& database) {
  Verdict v;
  const Inventory got = inventory(dump);
  for (const auto& r : got.repeated_creations) v.problems.push_back("created more than once: " + r);
  v.duplicates += static_cast<int>(got.repeated_creations.size());
  std::map<std::string, std::vector<std::string>> kinds = expected.objects;
  for (const auto& [kind, names] : got.objects) kinds.emplace(kind, std::vector<std::string>{});
  for (const auto& [kind, want] : kinds) {
    auto it = got.objects.find(kind);
    const std::vector<std::string> have = it == got.objects.end() ? std::vector<std::string>{} : it->second;
    if (have == want) continue;
    if (have.size() > want.size()) v.duplicates += static_cast<int>(have.size() - want.size());
    std::string list;
    for (const auto& n : have) list += (list.empty() ? "" : ", ") + n;
    v.problems.push_back(kind + ": " + std::to_string(have.size()) + " (" + list + "), expected " +
                         std::to_string(want.size()));
  }
  const auto& links = items(dump, "links");
  const Value* link = nullptr;
  for (const auto& l : links)
    for (const auto& d : items(l, "databases"))
      if (text(d, "name") == database) link = &d;
  const bool link_ok = link != nullptr && text(*link, "synchronization_health") == "HEALTHY" &&
                       text(*link, "connected_state") == "CONNECTED";
  if (link == nullptr)
    v.problems.push_back("arm: no link carries " + database);
  else if (!link_ok)
    v.problems.push_back("arm: the link of " + database + " is " + text(*link, "connected_state") + " and " +
                         text(*link, "synchronization_health"));
  const std::size_t before = v.problems.size();
  check_side(at(dump, "sql_server"), "sql_server", database, v);
  check_side(at(dump, "managed_instance"), "managed_instance", database, v);
  v.healthy = link_ok && v.problems.size() == before;
  return v;
}

}  // namespace soak
