#include "link_sides.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/results.hpp>

#include <cstdio>

namespace milink::link {

using milink::sdk::SqlValue;
using milink::sdk::Value;

namespace {

const char* kVersion =
    "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version, @@SERVERNAME AS server";
const char* kRoles =
    "SELECT rs.is_local, rs.role_desc FROM master.sys.dm_hadr_availability_replica_states AS rs "
    "JOIN master.sys.availability_groups AS ag ON ag.group_id = rs.group_id WHERE ag.name = ?";
const char* kDatabase =
    "SELECT drs.is_local, drs.last_hardened_lsn, drs.log_send_queue_size FROM master.sys.dm_hadr_database_replica_states "
    "AS drs JOIN master.sys.availability_groups AS ag ON ag.group_id = drs.group_id WHERE ag.name = ?";
const char* kModes =
    "SELECT r.replica_server_name, r.availability_mode_desc FROM master.sys.availability_replicas AS r "
    "JOIN master.sys.availability_groups AS ag ON ag.group_id = r.group_id WHERE ag.name = ?";

std::string str(const Value* v) { return v && v->is_string() ? v->as_string() : ""; }

void read_sql_lsn(milink::sdk::Sql& sql, const std::string& name, LinkSides& s) {
  auto db = sql.query(kDatabase, {SqlValue::nvarchar(name)});
  for (std::size_t i = 0; i < db.rows.size(); ++i) {
    if (integer(db, i, "is_local") == 1) s.sql_lsn = text(db, i, "last_hardened_lsn");
    else s.log_send_queue_kb = text(db, i, "log_send_queue_size");
  }
}

void read_sql(milink::sdk::Sql& sql, const std::string& name, LinkSides& s) {
  auto v = sql.query(kVersion);
  if (!v.rows.empty()) {
    s.version = text(v, 0, "version");
    s.server = text(v, 0, "server");
  }
  const std::vector<SqlValue> dag{SqlValue::nvarchar(name)};
  auto modes = sql.query(kModes, dag);
  s.dag = !modes.rows.empty();
  for (std::size_t i = 0; i < modes.rows.size(); ++i) {
    std::string mode = text(modes, i, "availability_mode_desc");
    if (mode != "SYNCHRONOUS_COMMIT") s.async_members.push_back(text(modes, i, "replica_server_name") + " " + mode);
  }
  auto roles = sql.query(kRoles, dag);
  for (std::size_t i = 0; i < roles.rows.size(); ++i)
    if (integer(roles, i, "is_local") == 1) s.sql_role = text(roles, i, "role_desc");
  read_sql_lsn(sql, name, s);
}

void read_arm(milink::sdk::Arm& arm, const std::string& name, const std::string& api_version, LinkSides& s) {
  s.instance = arm.coordinates().instance_name;
  auto r = arm.get(link_path(arm.coordinates(), name), api_version);
  if (r.status == 404) return;
  s.link = true;
  const Value* p = r.body.get("properties");
  if (p == nullptr) return;
  s.instance_role = str(p->get("instanceLinkRole"));
  s.partner_role = str(p->get("partnerLinkRole"));
  s.failover_mode = str(p->get("failoverMode"));
  s.replication_mode = str(p->get("replicationMode"));
  const Value* dbs = p->get("databases");
  if (dbs && dbs->is_array() && !dbs->as_array().empty()) {
    const Value& d = dbs->as_array().front();
    s.database = str(d.get("databaseName"));
    s.connected_state = str(d.get("connectedState"));
    s.health = str(d.get("synchronizationHealth"));
    s.instance_lsn = str(d.get("lastHardenedLsn"));
  }
}

}  // namespace

bool LinkSides::sql_primary() const { return sql_role == "PRIMARY"; }
bool LinkSides::instance_primary() const { return iequals(instance_role, "Primary"); }

int LinkSides::major() const {
  int major = 0;
  return std::sscanf(version.c_str(), "%d", &major) == 1 ? major : 0;
}

int LinkSides::build() const {
  int major = 0, minor = 0, build = 0;
  return std::sscanf(version.c_str(), "%d.%d.%d", &major, &minor, &build) == 3 ? build : 0;
}

std::string LinkSides::roles() const {
  return "SQL Server " + (sql_role.empty() ? std::string("(no role)") : sql_role) + ", managed instance " + instance +
         " " + (instance_role.empty() ? std::string("(no role)") : instance_role);
}

LinkSides read_sides(milink::sdk::Context& ctx, const std::string& target, const std::string& name,
                     const std::string& api_version) {
  LinkSides s;
  auto sql = ctx.sql(target);
  read_sql(sql, name, s);
  auto arm = ctx.arm();
  read_arm(arm, name, api_version, s);
  // The primary's LSN is read again, last: it only grows and the secondary
  // never passes it, so the gap between the two sides is never negative
  // (read the other way round, a secondary that hardened more log between
  // the two reads looked ahead of the primary, and the gap was unknown).
  if (s.sql_primary() && !s.instance_primary()) read_sql_lsn(sql, name, s);
  else if (s.instance_primary() && !s.sql_primary()) read_arm(arm, name, api_version, s);
  return s;
}

}  // namespace milink::link
