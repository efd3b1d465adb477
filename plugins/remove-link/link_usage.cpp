#include "link_usage.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::SqlValue;

std::optional<GroupInfo> find_group(milink::sdk::Sql& sql, const std::string& name) {
  auto rs = sql.query("SELECT name, is_distributed FROM master.sys.availability_groups WHERE name = ?",
                      {SqlValue::nvarchar(name)});
  if (rs.rows.empty()) return std::nullopt;
  return GroupInfo{text(rs, 0, "name"), integer(rs, 0, "is_distributed") != 0};
}

namespace {
/// (dag, member, listener url) of every distributed AG's members.
struct Member {
  std::string dag, name, url;
};
std::vector<Member> dag_members(milink::sdk::Sql& sql) {
  auto rs = sql.query(
      "SELECT g.name AS dag_name, r.replica_server_name, r.endpoint_url FROM master.sys.availability_replicas AS r "
      "JOIN master.sys.availability_groups AS g ON g.group_id = r.group_id WHERE g.is_distributed = 1");
  std::vector<Member> out;
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    out.push_back({text(rs, i, "dag_name"), text(rs, i, "replica_server_name"), text(rs, i, "endpoint_url")});
  return out;
}
bool contains(const Names& v, const std::string& s) {
  for (const auto& x : v)
    if (iequals(x, s)) return true;
  return false;
}
void add_unique(Names& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}
}  // namespace

Names dags_using_ag(milink::sdk::Sql& sql, const std::string& ag, const Names& except) {
  Names out;
  for (const auto& m : dag_members(sql))
    if (!contains(except, m.dag) && iequals(m.name, ag)) add_unique(out, m.dag);
  return out;
}

Names dags_to_instance(milink::sdk::Sql& sql, const std::string& fqdn, const Names& except) {
  Names out;
  for (const auto& m : dag_members(sql))
    if (!contains(except, m.dag) && iequals(endpoint_url_host(m.url), fqdn)) add_unique(out, m.dag);
  return out;
}

Names links_from_this_server(milink::sdk::Arm& arm, milink::sdk::Sql& sql, const Names& except,
                             const std::string& api_version) {
  Names out;
  std::vector<milink::sdk::Value> list;
  try {
    list = arm.list(arm.coordinates().instance_path() + "/distributedAvailabilityGroups", api_version);
  } catch (const milink::sdk::ArmException& e) {
    if (e.error().status == 404) return out;
    throw;
  }
  for (const auto& item : list) {
    const milink::sdk::Value* n = item.get("name");
    std::string name = n != nullptr && n->is_string() ? n->as_string() : std::string();
    if (contains(except, name)) continue;
    LinkView v = read_link(item);
    if (!v.partner_availability_group.empty() && find_group(sql, v.partner_availability_group)) add_unique(out, name);
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

}  // namespace milink::link
