//===- emulator/state/replica_membership.hpp - AG databases on secondaries -*- C++ -*-===//
///
/// \file
/// What the secondary replicas of the scenario's existing availability group
/// (EmulatorWorld::sql_replicas) see when the primary adds a database to the
/// group or removes one (ALTER AVAILABILITY GROUP ... ADD / REMOVE DATABASE):
///
///  - added, to a secondary whose SEEDING_MODE is AUTOMATIC and whose group
///    has GRANT CREATE ANY DATABASE: the database is seeded there and joined
///    (ONLINE, SYNCHRONIZED; at once: the emulator does not time a replica's
///    seeding), and the primary sees that replica's copy SYNCHRONIZED. A
///    MANUAL secondary gets nothing: the group lists the database, the
///    primary sees the replica's copy NOT_SYNCHRONIZING (confirmed: manual
///    seeding needs a restore WITH NORECOVERY and ALTER DATABASE ... SET HADR
///    AVAILABILITY GROUP on the secondary);
///  - removed: every secondary's copy leaves the group and stays, RESTORING
///    (confirmed: "the secondary databases ... go into the RESTORING state").
///    A RESTORING copy of the same database is joined again when it is added
///    back.
///
/// Primaries without such replicas (every other scenario) are left alone.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/world.hpp"

#include <string>

namespace milink::emulator {

/// The primary \p primary added \p database to its group \p group: seeds it
/// to the secondaries as above. Called with the world's mutex held.
void replicas_add_database(EmulatorWorld& w, const ServerState& primary, AvailabilityGroup& group,
                           const std::string& database);

/// The primary removed \p database from \p group: each secondary's copy
/// leaves the group, RESTORING. Called with the world's mutex held.
void replicas_remove_database(EmulatorWorld& w, const ServerState& primary, const AvailabilityGroup& group,
                              const std::string& database);

}  // namespace milink::emulator
