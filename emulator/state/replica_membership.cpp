#include "state/replica_membership.hpp"

#include <algorithm>

namespace milink::emulator {

namespace {

DatabaseReplicaRuntime joined_runtime(const std::string& db, AvailabilityMode mode) {
  DatabaseReplicaRuntime d;
  d.database_name = db;
  d.synchronization_state = mode == AvailabilityMode::Synchronous ? 2 : 1;  // SYNCHRONIZED / SYNCHRONIZING
  d.synchronization_health = 2;
  return d;
}

DatabaseReplicaRuntime* runtime_of(AgReplica& r, const ServerState& s, const std::string& db) {
  for (auto& d : r.databases)
    if (s.names_equal(d.database_name, db)) return &d;
  return nullptr;
}

void erase_name(std::vector<std::string>& names, const ServerState& s, const std::string& db) {
  names.erase(std::remove_if(names.begin(), names.end(), [&](const std::string& x) { return s.names_equal(x, db); }),
              names.end());
}

}  // namespace

void replicas_add_database(EmulatorWorld& w, const ServerState& primary, AvailabilityGroup& group,
                           const std::string& database) {
  if (&primary != &w.sql_server || group.distributed) return;
  const Database* source = primary.find_database(database);
  if (!source) return;
  for (auto& rep : group.replicas) {
    if (rep.is_local) continue;
    ServerState* s = w.sql_replica(rep.server_name);
    if (!s) continue;
    AvailabilityGroup* own = s->find_availability_group(group.name);
    if (!own) continue;
    if (std::none_of(own->databases.begin(), own->databases.end(),
                     [&](const std::string& x) { return s->names_equal(x, source->name); }))
      own->databases.push_back(source->name);
    AgReplica* mine = own->find_replica(s->name, s->case_insensitive());
    bool seeded = rep.seeding_mode == SeedingMode::Automatic && own->create_any_database;
    Database* copy = s->find_database(source->name);
    if (seeded && copy && !(copy->state == DatabaseState::Restoring && copy->database_guid == source->database_guid))
      seeded = false;  // another database of that name is in the way
    if (!seeded) continue;
    if (!copy) {
      copy = &s->add_database(source->name, RecoveryModel::Full);
      copy->database_guid = source->database_guid;
      copy->size_mb = source->size_mb;
      copy->collation = source->collation;
      copy->compatibility_level = source->compatibility_level;
    }
    copy->state = DatabaseState::Online;
    copy->read_only = false;
    copy->log_chain_started = true;
    copy->availability_group = group.name;
    copy->group_database_id = source->group_database_id;
    if (mine && !runtime_of(*mine, *s, source->name)) mine->databases.push_back(joined_runtime(source->name, rep.availability_mode));
    if (auto* seen = runtime_of(rep, primary, source->name)) *seen = joined_runtime(source->name, rep.availability_mode);
  }
  w.mark_changed();
}

void replicas_remove_database(EmulatorWorld& w, const ServerState& primary, const AvailabilityGroup& group,
                              const std::string& database) {
  if (&primary != &w.sql_server || group.distributed) return;
  for (const auto& rep : group.replicas) {
    if (rep.is_local) continue;
    ServerState* s = w.sql_replica(rep.server_name);
    if (!s) continue;
    AvailabilityGroup* own = s->find_availability_group(group.name);
    if (!own) continue;
    erase_name(own->databases, *s, database);
    for (auto& r : own->replicas)
      r.databases.erase(std::remove_if(r.databases.begin(), r.databases.end(),
                                       [&](const DatabaseReplicaRuntime& x) { return s->names_equal(x.database_name, database); }),
                        r.databases.end());
    if (Database* copy = s->find_database(database); copy && s->names_equal(copy->availability_group, group.name)) {
      copy->availability_group.clear();
      copy->group_database_id.clear();
      copy->state = DatabaseState::Restoring;
    }
  }
  w.mark_changed();
}

}  // namespace milink::emulator
