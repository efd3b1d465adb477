#include "state/network.hpp"

#include "state/collation.hpp"
#include "state/world.hpp"

#include <arpa/inet.h>

namespace milink::emulator {

namespace {

/// Whether \p host is the DNS name of one of SQL Server's AG listeners (it
/// resolves to the primary replica, SQL Server).
bool is_listener_name(const ServerState& sql, const std::string& host) {
  for (const auto& g : sql.availability_groups)
    if (!g.listener_dns_name.empty() && iequals(g.listener_dns_name, host)) return true;
  return false;
}

bool ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// Addresses in the documentation ranges: the instance's subnet and SQL Server's.
constexpr const char* kInstanceAddress = "10.0.0.4";
constexpr const char* kInstanceNodeAddress = "10.0.0.5";
constexpr const char* kSqlServerAddress = "10.1.0.4";

}  // namespace

bool NetworkModel::blocked(Personality from, int port) const {
  for (const auto& b : blocks)
    if (b.from == from && port >= b.first && port <= b.last) return true;
  return false;
}

bool NetworkModel::unresolvable_name(const std::string& name) const {
  for (const auto& n : unresolvable)
    if (iequals(n, name)) return true;
  return false;
}

ConnectionTest test_connection(const EmulatorWorld& w, Personality from, const std::string& host, int port) {
  ConnectionTest t;
  const NetworkModel& net = w.network;
  auto name_failed = [&] {
    t.warning = "Name resolution of " + host + " failed";
    return t;
  };
  if (net.unresolvable_name(host)) return name_failed();
  bool listening = false;
  if (from == Personality::SqlServer) {
    const ServerState& mi = w.managed_instance;
    if (iequals(host, mi.fqdn)) {
      t.remote_address = kInstanceAddress;
      listening = port == kManagedInstanceMirroringPort;
    } else if (iequals(host, net.instance_node_fqdn())) {
      t.remote_address = kInstanceNodeAddress;
      listening = port == net.instance_hadr_port;
    } else if (ip_literal(host)) {
      t.remote_address = host;
      listening = port == kManagedInstanceMirroringPort;
    } else {
      return name_failed();
    }
  } else {
    const ServerState& sql = w.sql_server;
    if (ip_literal(host)) t.remote_address = host;
    else if (iequals(host, sql.name) || iequals(host, sql.machine_name) || iequals(host, "localhost") ||
             is_listener_name(sql, host))
      t.remote_address = kSqlServerAddress;
    else return name_failed();
    const Endpoint* ep = sql.mirroring_endpoint();
    listening = ep && ep->state == EndpointState::Started && ep->port == port;
  }
  t.resolved = true;
  if (net.blocked(from, port)) t.elapsed_ms = net.connect_timeout_ms;
  if (!listening || net.blocked(from, port)) {
    t.warning = "TCP connect to (" + t.remote_address + " : " + std::to_string(port) + ") failed";
    return t;
  }
  t.tcp_succeeded = true;
  return t;
}

}  // namespace milink::emulator
