//===- emulator/state/network.hpp - The network between the two servers -*- C++ -*-===//
///
/// \file
/// What the emulated network lets through, from the scenario's "network"
/// key: TCP ports blocked in one direction (an NSG rule or a firewall that is
/// missing), names that do not resolve (DNS), and where the managed
/// instance's primary node listens for the link's replication traffic (the
/// HadrPort in 11000-11999 that the documented network test reads from the
/// instance's fabric DMVs). Both the Agent job steps that test a connection
/// (Test-NetConnection, see exec_agent_jobs.cpp) and the link simulation
/// obey it, so a blocked port fails the test and the link the same way.
///
/// Plain data, read under the world's mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/server_state.hpp"

#include <string>
#include <vector>

namespace milink::emulator {

/// The managed instance's mirroring endpoint port (fixed; SQL Server's may differ).
inline constexpr int kManagedInstanceMirroringPort = 5022;
/// The instance node's replication port range (the docs' 11000-11999).
inline constexpr int kInstanceNodePortFirst = 11000;
inline constexpr int kInstanceNodePortLast = 11999;

/// One blocked direction: connections from \c from to the other server on a
/// port in [first, last] get no answer.
struct NetworkBlock {
  Personality from = Personality::SqlServer;
  int first = 0;
  int last = 0;
};

struct NetworkModel {
  std::vector<NetworkBlock> blocks;
  std::vector<std::string> unresolvable;  ///< names no DNS lookup resolves (either side)
  int instance_hadr_port = 11002;         ///< the primary node's HadrPort (sys.dm_hadr_fabric_config_parameters)
  std::string instance_node = "DB12C";    ///< the primary node's name (first label of its FQDN)
  std::string instance_cluster = "tr4321.westeurope1-a.worker.database.windows.net";  ///< ClusterName
  int connect_timeout_ms = 0;             ///< how long a test to a blocked port waits before it fails

  /// Whether a connection from \p from to the other server on \p port is dropped.
  bool blocked(Personality from, int port) const;
  /// Whether \p name is listed as unresolvable (case-insensitive).
  bool unresolvable_name(const std::string& name) const;
  /// "<instance_node>.<instance_cluster>": the node the docs' test dials on HadrPort.
  std::string instance_node_fqdn() const { return instance_node + "." + instance_cluster; }
};

/// The outcome of one TCP connection test (what Test-NetConnection reports).
struct ConnectionTest {
  bool resolved = false;
  std::string remote_address;  ///< the address the name resolved to; empty when it did not
  bool tcp_succeeded = false;
  std::string warning;         ///< Test-NetConnection's WARNING line when it failed; empty on success
  int elapsed_ms = 0;          ///< how long the test took (the model's connect timeout when blocked)
};

class EmulatorWorld;

/// A TCP connection from the server \p from to \p host:\p port, decided by
/// the world's network model and what listens on the other side: the
/// managed instance listens on 5022 (its FQDN) and on its node's HadrPort
/// (the node's FQDN); SQL Server listens where a started DATABASE_MIRRORING
/// endpoint does. From SQL Server, the instance's FQDN and node FQDN resolve;
/// from the instance, SQL Server's name, machine name, "localhost" and any IP
/// address literal do. Names in the model's unresolvable list never resolve.
/// The caller holds the world's mutex.
ConnectionTest test_connection(const EmulatorWorld& w, Personality from, const std::string& host, int port);

}  // namespace milink::emulator
