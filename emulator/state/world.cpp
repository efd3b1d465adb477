#include "state/world.hpp"

#include "state/existing_ag.hpp"
#include "state/time_util.hpp"

namespace milink::emulator {

namespace {

Certificate to_certificate(const GeneratedCertificate& g, const std::string& name) {
  Certificate c;
  c.name = name;
  c.certificate_id = 0;
  c.subject = g.info.subject_cn.empty() ? g.info.subject_dn : g.info.subject_cn;
  c.issuer_name = g.info.issuer_cn.empty() ? g.info.issuer_dn : g.info.issuer_cn;
  c.x509 = g.info;
  c.private_key_pem = g.private_key_pem;
  c.protection = PrivateKeyProtection::MasterKey;
  c.create_date = now_utc();
  return c;
}

/// \p name in \p db, added (with the next certificate id) when absent.
const Certificate& ensure_certificate(Database& db, const std::string& name, const Certificate& like) {
  for (const auto& c : db.certificates)
    if (c.name == name) return c;
  Certificate c = like;
  c.name = name;
  c.certificate_id = db.next_certificate_id++;
  db.certificates.push_back(std::move(c));
  return db.certificates.back();
}

/// The scenario's TDE databases: their certificate in SQL Server's master
/// (generated when absent) and, with on_managed_instance, the same
/// certificate in the managed instance's master.
void add_tde_certificates(const Scenario& scenario, ServerState& sql_server, ServerState& managed_instance) {
  for (const auto& ds : scenario.sql_server.databases) {
    if (ds.tde_certificate.empty()) continue;
    CertificateRequest req;
    req.subject_cn = ds.tde_certificate;
    SqlDateTime now = now_utc();
    now.nanosecond = 0;
    req.not_before = add_days(now, -30);
    req.not_after = add_years(now, 5);
    const Certificate& c =
        ensure_certificate(sql_server.master(), ds.tde_certificate, to_certificate(generate_certificate(req), ""));
    if (ds.tde_certificate_on_instance) ensure_certificate(managed_instance.master(), ds.tde_certificate, c);
  }
}

}  // namespace

EmulatorWorld::EmulatorWorld(const Scenario& scenario) {
  set_clock_offset_seconds(scenario.clock_offset_seconds);
  azure.list_page_size = scenario.arm_page_size;
  build_server_state(sql_server, scenario.sql_server, Personality::SqlServer);
  build_server_state(managed_instance, scenario.managed_instance, Personality::ManagedInstance);
  network = scenario.network;
  // The instance's Service Fabric settings the documented network test reads.
  managed_instance.fabric_config = {{"SQL", "DnsRecordName", managed_instance.fqdn},
                                    {"SQL", "ClusterName", network.instance_cluster},
                                    {"SQL", "HadrPort", std::to_string(network.instance_hadr_port)},
                                    {"SQL", "NodeName", network.instance_node},
                                    {"SQL", "InstanceName", managed_instance.name}};
  add_tde_certificates(scenario, sql_server, managed_instance);
  build_existing_ag(scenario.availability_group, scenario.sql_server, sql_server, sql_replicas);

  CertificateRequest ca;
  ca.subject_cn = "milink emulator root CA";
  ca.extra_subject = {{"O", "milink emulator"}};
  SqlDateTime now = now_utc();
  now.nanosecond = 0;
  ca.not_before = add_days(now, -365);
  ca.not_after = add_years(now, 10);
  ca.is_ca = true;
  root_ca = generate_certificate(ca);

  managed_instance.endpoint_certificate = issue_instance_certificate("DATABASE_MIRRORING");
}

Certificate EmulatorWorld::issue_instance_certificate(const std::string& label) const {
  return issue_instance_certificate(label, managed_instance.endpoint_certificate_valid_days);
}

Certificate EmulatorWorld::issue_instance_certificate(const std::string& label, int valid_days) const {
  CertificateRequest req;
  req.subject_cn = managed_instance.fqdn;
  req.dns_names = {managed_instance.fqdn};
  SqlDateTime now = now_utc();
  now.nanosecond = 0;
  req.not_after = add_days(now, valid_days);
  // Valid from a day before start, or (already expired) a year before it ends.
  req.not_before = add_days(now, valid_days > 0 ? -1 : valid_days - 365);
  return to_certificate(generate_certificate(req, &root_ca), label);
}

std::int64_t EmulatorWorld::advance_clock(std::int64_t seconds) {
  set_clock_offset_seconds(clock_offset_seconds() + seconds);
  mark_changed();  // the link conditions and every date the servers show read the clock
  return clock_offset_seconds();
}

const Certificate& EmulatorWorld::rotate_instance_certificate(int valid_days) {
  managed_instance.endpoint_certificate = issue_instance_certificate("DATABASE_MIRRORING", valid_days);
  mark_changed();  // the link conditions read it
  return *managed_instance.endpoint_certificate;
}

milink::sdk::Value EmulatorWorld::dump() const {
  auto l = lock();
  milink::sdk::Object o;
  o.set("sql_server", sql_server.dump());
  o.set("managed_instance", managed_instance.dump());
  if (!sql_replicas.empty()) {
    milink::sdk::Array reps;
    for (const auto& r : sql_replicas) reps.push_back(r.dump());
    o.set("sql_replicas", milink::sdk::Value(std::move(reps)));
  }
  // ARM's links: roles, replication mode and the instance's LSNs per database.
  milink::sdk::Array links;
  for (const auto& l : azure.links) {
    milink::sdk::Object x;
    x.set("name", milink::sdk::Value(l.name));
    x.set("instance_link_role", milink::sdk::Value(l.instance_link_role));
    x.set("partner_link_role", milink::sdk::Value(l.partner_link_role));
    x.set("replication_mode", milink::sdk::Value(l.replication_mode));
    x.set("link_state", milink::sdk::Value(l.link_state));
    x.set("disconnections", milink::sdk::Value(static_cast<std::int64_t>(l.disconnections)));
    x.set("provisioning_state", milink::sdk::Value(l.provisioning_state));
    milink::sdk::Array dbs;
    for (const auto& d : l.databases) {
      milink::sdk::Object y;
      y.set("name", milink::sdk::Value(d.name));
      y.set("replica_state", milink::sdk::Value(d.replica_state));
      y.set("connected_state", milink::sdk::Value(d.connected_state));
      y.set("synchronization_health", milink::sdk::Value(d.synchronization_health));
      y.set("last_hardened_lsn", milink::sdk::Value(d.last_hardened_lsn));
      dbs.emplace_back(std::move(y));
    }
    x.set("databases", milink::sdk::Value(std::move(dbs)));
    links.emplace_back(std::move(x));
  }
  o.set("links", milink::sdk::Value(std::move(links)));
  // ARM's server trust certificates (the instance trusting SQL Server's endpoint certificate).
  milink::sdk::Array trust;
  for (const auto& c : azure.server_trust_certificates)
    trust.emplace_back(milink::sdk::Object{{"name", milink::sdk::Value(c.name)},
                                           {"thumbprint", milink::sdk::Value(c.thumbprint)}});
  o.set("server_trust_certificates", milink::sdk::Value(std::move(trust)));
  return milink::sdk::Value(std::move(o));
}

ServerState* EmulatorWorld::sql_replica(std::string_view name) {
  for (auto& r : sql_replicas)
    if (r.names_equal(r.name, name)) return &r;
  return nullptr;
}

std::vector<StatementLogEntry> EmulatorWorld::statement_log(Personality p) const {
  auto l = lock();
  return server(p).statement_log.entries();
}

}  // namespace milink::emulator
