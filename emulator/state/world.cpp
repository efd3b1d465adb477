#include "state/world.hpp"

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

}  // namespace

EmulatorWorld::EmulatorWorld(const Scenario& scenario) {
  build_server_state(sql_server, scenario.sql_server, Personality::SqlServer);
  build_server_state(managed_instance, scenario.managed_instance, Personality::ManagedInstance);

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
  CertificateRequest req;
  req.subject_cn = managed_instance.fqdn;
  req.dns_names = {managed_instance.fqdn};
  SqlDateTime now = now_utc();
  now.nanosecond = 0;
  req.not_before = add_days(now, -1);
  req.not_after = add_years(now, 1);
  return to_certificate(generate_certificate(req, &root_ca), label);
}

milink::sdk::Value EmulatorWorld::dump() const {
  auto l = lock();
  milink::sdk::Object o;
  o.set("sql_server", sql_server.dump());
  o.set("managed_instance", managed_instance.dump());
  return milink::sdk::Value(std::move(o));
}

std::vector<StatementLogEntry> EmulatorWorld::statement_log(Personality p) const {
  auto l = lock();
  return server(p).statement_log.entries();
}

}  // namespace milink::emulator
