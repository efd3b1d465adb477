//===- emulator/state/existing_ag.hpp - An AG SQL Server already runs -*- C++ -*-===//
///
/// \file
/// Builds the scenario's "availability_group": SQL Server (the world's
/// sql_server) as the primary replica of an availability group that already
/// holds some of its databases, and one ServerState per secondary replica
/// (EmulatorWorld::sql_replicas): a copy of SQL Server's spec under the
/// replica's @@SERVERNAME with its own master key (when SQL Server's has
/// one), the AG's databases and the AG as that replica sees it. Every replica
/// without a mirroring endpoint gets a started Hadr_endpoint on 5022 with
/// WINDOWS NEGOTIATE authentication and AES, as a domain AG has. Replicas
/// are connected and healthy.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/scenario.hpp"

#include <deque>

namespace milink::emulator {

/// Adds \p spec's availability group to \p primary and fills \p replicas
/// (one per secondary, built from \p primary_spec). Nothing when spec.name
/// is empty. Called by EmulatorWorld before any engine starts.
void build_existing_ag(const ExistingAgSpec& spec, const ServerSpec& primary_spec, ServerState& primary,
                       std::deque<ServerState>& replicas);

}  // namespace milink::emulator
