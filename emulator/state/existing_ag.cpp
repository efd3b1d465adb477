#include "state/existing_ag.hpp"

#include "state/network.hpp"
#include "state/time_util.hpp"

namespace milink::emulator {

namespace {

std::string endpoint_url(const std::string& server) {
  // The host part of @@SERVERNAME (a named instance's "host\instance").
  return "TCP://" + server.substr(0, server.find('\\')) + ":" + std::to_string(kManagedInstanceMirroringPort);
}

void ensure_hadr_endpoint(ServerState& s) {
  if (s.mirroring_endpoint()) return;
  Endpoint e;
  e.name = "Hadr_endpoint";
  e.endpoint_id = s.next_endpoint_id++;
  e.state = EndpointState::Started;
  e.port = kManagedInstanceMirroringPort;
  e.role = MirroringRole::All;
  e.windows = WindowsAuth::Negotiate;
  e.encryption = EndpointEncryption::Required;
  e.algorithms = {"AES"};
  e.create_date = add_days(now_utc(), -30);
  s.endpoints.push_back(e);
}

DatabaseReplicaRuntime healthy_database(const std::string& db) {
  DatabaseReplicaRuntime d;
  d.database_name = db;
  d.synchronization_state = 2;  // SYNCHRONIZED
  d.synchronization_health = 2;
  return d;
}

/// The AG as \p local sees it: every replica, \p local's flagged is_local.
AvailabilityGroup group_for(const AvailabilityGroup& like, const ServerState& local) {
  AvailabilityGroup g = like;
  for (auto& r : g.replicas) {
    r.is_local = local.names_equal(r.server_name, local.name);
    r.runtime.operational_state = r.is_local ? std::optional<int>(2) : std::nullopt;
    r.runtime.recovery_health = r.is_local ? std::optional<int>(1) : std::nullopt;
  }
  return g;
}

void join_databases(ServerState& s, const AvailabilityGroup& g) {
  for (const auto& name : g.databases)
    if (Database* d = s.find_database(name)) {
      d->availability_group = g.name;
      d->group_database_id = new_guid();
    }
}

}  // namespace

void build_existing_ag(const ExistingAgSpec& spec, const ServerSpec& primary_spec, ServerState& primary,
                       std::deque<ServerState>& replicas) {
  if (spec.name.empty()) return;
  SqlDateTime created = add_days(now_utc(), -7);
  AvailabilityGroup g;
  g.name = spec.name;
  g.group_id = new_guid();
  g.cluster_type = primary_spec.wsfc_node ? ClusterType::Wsfc : ClusterType::None;
  g.create_date = created;
  g.databases = spec.databases;
  g.sequence_number = primary.next_ag_sequence++;
  if (!spec.listener_dns_name.empty()) {
    g.listener_id = new_guid();
    g.listener_dns_name = spec.listener_dns_name;
  }
  std::vector<std::string> servers{primary.name};
  servers.insert(servers.end(), spec.replicas.begin(), spec.replicas.end());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    AgReplica r;
    r.replica_id = new_guid();
    r.replica_metadata_id = primary.next_replica_metadata_id++;
    r.server_name = servers[i];
    r.endpoint_url = endpoint_url(servers[i]);
    r.availability_mode = AvailabilityMode::Synchronous;
    r.failover_mode = FailoverMode::Manual;
    r.seeding_mode = i == 0 || spec.automatic_seeding ? SeedingMode::Automatic : SeedingMode::Manual;
    r.create_date = r.modify_date = created;
    r.runtime.role = i == 0 ? 1 : 2;
    r.runtime.connected = true;
    r.runtime.synchronization_health = 2;
    for (const auto& db : spec.databases) r.databases.push_back(healthy_database(db));
    g.replicas.push_back(std::move(r));
  }

  ensure_hadr_endpoint(primary);
  join_databases(primary, g);
  primary.availability_groups.push_back(group_for(g, primary));

  for (const auto& name : spec.replicas) {
    ServerSpec rs = primary_spec;
    rs.name = name;
    rs.machine_name.clear();
    rs.init_sql.clear();
    rs.agent.jobs.clear();
    rs.databases.clear();
    for (const auto& d : primary_spec.databases)
      for (const auto& in_ag : spec.databases)
        if (d.name == in_ag) rs.databases.push_back(d);
    ServerState& s = replicas.emplace_back();
    build_server_state(s, rs, Personality::SqlServer);
    ensure_hadr_endpoint(s);
    join_databases(s, g);
    s.availability_groups.push_back(group_for(g, s));
    // Automatic seeding needs the secondary's grant (the docs' ALTER
    // AVAILABILITY GROUP ... GRANT CREATE ANY DATABASE on each secondary).
    s.availability_groups.back().create_any_database = spec.automatic_seeding;
  }
}

}  // namespace milink::emulator
