#include "status/sql_side.hpp"

#include <milink/link/results.hpp>

#include <map>
#include <stdexcept>

namespace milink::status {

using milink::link::integer;
using milink::link::iequals;
using milink::link::text;
using milink::sdk::SqlResultSet;

const std::string& sql_side_batch() {
  static const std::string batch =
      // 0: every DAG's members and their replica states
      "SELECT ag.name AS dag_name, r.replica_server_name, r.availability_mode_desc, r.failover_mode_desc, "
      "rs.is_local, rs.role_desc, rs.connected_state_desc, rs.synchronization_health_desc, "
      "rs.last_connect_error_number, rs.last_connect_error_description "
      "FROM master.sys.availability_groups AS ag "
      "JOIN master.sys.availability_replicas AS r ON r.group_id = ag.group_id "
      "LEFT JOIN master.sys.dm_hadr_availability_replica_states AS rs ON rs.replica_id = r.replica_id "
      "WHERE ag.is_distributed = 1;\n"
      // 1: the DAGs' database replica states (the primary also sees the secondary's row)
      "SELECT ag.name AS dag_name, drs.is_local, drs.synchronization_state_desc, drs.last_hardened_lsn, "
      "drs.log_send_queue_size, drs.secondary_lag_seconds "
      "FROM master.sys.dm_hadr_database_replica_states AS drs "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = drs.group_id "
      "WHERE ag.is_distributed = 1;\n"
      // 2: the databases of the (regular) AGs a DAG joins
      "SELECT ag.name AS ag_name, adc.database_name "
      "FROM master.sys.availability_groups AS ag "
      "JOIN master.sys.availability_databases_cluster AS adc ON adc.group_id = ag.group_id "
      "WHERE ag.is_distributed = 0;\n"
      // 3: seeding, as the source sees it
      "SELECT local_database_name, internal_state_desc, transferred_size_bytes, database_size_bytes, failure_code, "
      "start_time_utc FROM master.sys.dm_hadr_physical_seeding_stats WHERE role_desc = 'Source';\n"
      // 4: the mirroring endpoint
      "SELECT name, state_desc, connection_auth_desc, certificate_id FROM master.sys.database_mirroring_endpoints;\n"
      // 5: master's certificates
      "SELECT certificate_id, name, pvt_key_encryption_type, expiry_date FROM master.sys.certificates "
      "WHERE name NOT LIKE '##%';\n"
      // 6: SQL Server's clock, which decides whether its certificates have expired
      "SELECT SYSUTCDATETIME() AS now_utc;";
  return batch;
}

namespace {

bool truthy(const SqlResultSet& rs, std::size_t row, const char* column) {
  const auto& v = rs.at(row, column);
  return !v.is_null() && v.as_int64() != 0;
}

std::optional<std::int64_t> optional_integer(const SqlResultSet& rs, std::size_t row, const char* column) {
  const auto& v = rs.at(row, column);
  if (v.is_null()) return std::nullopt;
  return integer(rs, row, column);
}

}  // namespace

SqlSide read_sql_side(milink::sdk::SqlSession& session) {
  milink::sdk::SqlResult result;
  milink::sdk::SqlError error;
  if (!session.execute(sql_side_batch(), {}, /*idempotent=*/true, result, error))
    throw std::runtime_error("SQL Server: " + error.message);
  if (result.sets.size() != 7)
    throw std::runtime_error("SQL Server answered the status batch with " + std::to_string(result.sets.size()) +
                             " result sets, not 7");
  const SqlResultSet& members = result.sets[0];
  const SqlResultSet& dbstates = result.sets[1];
  const SqlResultSet& agdbs = result.sets[2];
  const SqlResultSet& seeding = result.sets[3];
  const SqlResultSet& endpoints = result.sets[4];
  const SqlResultSet& certs = result.sets[5];
  const SqlResultSet& clock = result.sets[6];

  std::map<std::string, std::vector<std::string>> ag_databases;  // local AG -> its databases, in the view's order
  for (std::size_t i = 0; i < agdbs.rows.size(); ++i)
    ag_databases[text(agdbs, i, "ag_name")].push_back(text(agdbs, i, "database_name"));
  auto local_ag = [&](const std::string& name) -> const std::vector<std::string>* {
    for (const auto& [ag, dbs] : ag_databases)
      if (iequals(ag, name)) return &dbs;
    return nullptr;
  };

  std::map<std::string, SqlLink> links;
  for (std::size_t i = 0; i < members.rows.size(); ++i) {
    std::string dag = text(members, i, "dag_name");
    SqlLink& l = links[dag];
    l.dag = dag;
    std::string member = text(members, i, "replica_server_name");
    const auto& is_local_v = members.at(i, "is_local");
    bool local = is_local_v.is_null() ? local_ag(member) != nullptr : is_local_v.as_int64() != 0;
    if (local) {
      l.local_ag = member;
      l.local_role = text(members, i, "role_desc");
      l.availability_mode = text(members, i, "availability_mode_desc");
      l.failover_mode = text(members, i, "failover_mode_desc");
      if (const std::vector<std::string>* dbs = local_ag(member)) {
        for (const auto& db : *dbs) l.databases.push_back(SqlLinkDatabase{db, {}});
        if (!dbs->empty()) l.database = dbs->front();
      }
    } else {
      l.remote_ag = member;
      l.remote_role = text(members, i, "role_desc");
      l.connected_state = text(members, i, "connected_state_desc");
      l.synchronization_health = text(members, i, "synchronization_health_desc");
      l.last_error_number = static_cast<int>(integer(members, i, "last_connect_error_number"));
      l.last_error_description = text(members, i, "last_connect_error_description");
    }
  }
  for (std::size_t i = 0; i < dbstates.rows.size(); ++i) {
    auto it = links.find(text(dbstates, i, "dag_name"));
    if (it == links.end()) continue;
    SqlLink& l = it->second;
    if (truthy(dbstates, i, "is_local")) {
      l.last_hardened_lsn = text(dbstates, i, "last_hardened_lsn");
    } else {
      l.remote_last_hardened_lsn = text(dbstates, i, "last_hardened_lsn");
      l.synchronization_state = text(dbstates, i, "synchronization_state_desc");
      l.lag_seconds = optional_integer(dbstates, i, "secondary_lag_seconds");
      if (auto kb = optional_integer(dbstates, i, "log_send_queue_size")) l.log_send_queue_bytes = *kb * 1024;
    }
  }
  // The newest seeding of each database (the DMV keeps earlier attempts).
  std::map<std::string, std::pair<std::string, std::size_t>> newest;  // database -> (start, row)
  for (std::size_t i = 0; i < seeding.rows.size(); ++i) {
    std::string db = text(seeding, i, "local_database_name");
    std::string start = text(seeding, i, "start_time_utc");
    auto it = newest.find(db);
    if (it == newest.end() || it->second.first <= start) newest[db] = {start, i};
  }
  for (auto& [name, l] : links)
    for (auto& d : l.databases)
      for (const auto& [db, seen] : newest) {
        if (!iequals(db, d.name)) continue;
        std::size_t i = seen.second;
        d.seeding.state = text(seeding, i, "internal_state_desc");
        d.seeding.transferred_bytes = integer(seeding, i, "transferred_size_bytes");
        d.seeding.database_bytes = integer(seeding, i, "database_size_bytes");
        d.seeding.failure = static_cast<int>(integer(seeding, i, "failure_code"));
      }

  SqlSide side;
  for (auto& [name, l] : links) side.links.push_back(std::move(l));
  if (!endpoints.rows.empty()) {
    side.endpoint.exists = true;
    side.endpoint.name = text(endpoints, 0, "name");
    side.endpoint.state = text(endpoints, 0, "state_desc");
    side.endpoint.authentication = text(endpoints, 0, "connection_auth_desc");
    side.endpoint.certificate_id = static_cast<int>(integer(endpoints, 0, "certificate_id"));
  }
  for (std::size_t i = 0; i < certs.rows.size(); ++i) {
    SqlCertificate c;
    c.certificate_id = static_cast<int>(integer(certs, i, "certificate_id"));
    c.name = text(certs, i, "name");
    c.has_private_key = text(certs, i, "pvt_key_encryption_type") != "NA";
    const auto& expiry = certs.at(i, "expiry_date");
    if (!expiry.is_null()) c.expiry = milink::link::Date::of(expiry.as_datetime());
    side.certificates.push_back(std::move(c));
  }
  if (!clock.rows.empty() && !clock.at(0, "now_utc").is_null())
    side.today = milink::link::Date::of(clock.at(0, "now_utc").as_datetime());
  return side;
}

}  // namespace milink::status
