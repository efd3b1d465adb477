// CREATE / ALTER / DROP ENDPOINT ... FOR DATABASE_MIRRORING.
#include "sql/executor.hpp"

#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <algorithm>

namespace milink::emulator::sql {

namespace {

const char* const kSystemEndpoints[] = {"Dedicated Admin Connection", "TSQL Local Machine", "TSQL Named Pipes",
                                        "TSQL Default TCP", "TSQL Default VIA"};

bool system_endpoint(const std::string& name, bool ci) {
  for (const char* n : kSystemEndpoints)
    if (collate_equal(n, name, ci)) return true;
  return false;
}

}  // namespace

void Executor::do_create_endpoint(Frame& f, const CreateEndpointStmt& s) {
  (void)f;
  if (server_.personality == Personality::ManagedInstance)
    throw SqlError(err::not_supported_on_managed_instance("CREATE ENDPOINT"));
  // One DATABASE_MIRRORING endpoint per instance (7862), checked before the
  // name: a second one fails with 7862 whatever it is called. A name taken
  // by a system endpoint fails with 15530 (inferred, no dedicated message).
  if (server_.mirroring_endpoint()) throw SqlError(err::endpoint_type_exists());
  if (system_endpoint(s.name, ci()) || server_.find_endpoint(s.name)) throw SqlError(err::endpoint_name_exists(s.name));
  const EndpointSpec& spec = s.spec;
  Endpoint e;
  e.name = s.name;
  if (!spec.certificate.empty()) {
    const Certificate* c = server_.master().find_certificate(spec.certificate, ci());
    if (!c) throw SqlError(err::endpoint_certificate_not_found(spec.certificate));
    e.certificate_name = c->name;
    e.certificate_id = c->certificate_id;
  }
  if (spec.port && (*spec.port < 1 || *spec.port > 65535)) throw SqlError(err::incorrect_syntax(std::to_string(*spec.port)));
  e.endpoint_id = server_.next_endpoint_id++;
  e.state = spec.state.value_or(EndpointState::Stopped);
  e.port = spec.port.value_or(0);
  e.listener_ip = spec.listener_ip.value_or("ALL");
  e.role = spec.role.value_or(MirroringRole::None);
  e.windows = spec.has_authentication ? spec.windows : WindowsAuth::Negotiate;
  e.certificate_first = spec.certificate_first;
  e.encryption = spec.encryption.value_or(EndpointEncryption::Required);
  if (!spec.algorithms.empty()) e.algorithms = spec.algorithms;
  else e.algorithms = {"AES"};  // the default since SQL Server 2016
  e.create_date = now_utc();
  server_.endpoints.push_back(std::move(e));
  emit_done();
}

void Executor::do_alter_endpoint(Frame& f, const AlterEndpointStmt& s) {
  (void)f;
  if (server_.personality == Personality::ManagedInstance)
    throw SqlError(err::not_supported_on_managed_instance("ALTER ENDPOINT"));
  Endpoint* e = server_.find_endpoint(s.name);
  if (!e) throw SqlError(err::endpoint_not_found("alter", s.name));
  const EndpointSpec& spec = s.spec;
  std::string cert_name = e->certificate_name;
  int cert_id = e->certificate_id;
  if (spec.has_authentication) {
    cert_name.clear();
    cert_id = 0;
    if (!spec.certificate.empty()) {
      const Certificate* c = server_.master().find_certificate(spec.certificate, ci());
      if (!c) throw SqlError(err::endpoint_certificate_not_found(spec.certificate));
      cert_name = c->name;
      cert_id = c->certificate_id;
    }
  }
  if (spec.port && (*spec.port < 1 || *spec.port > 65535)) throw SqlError(err::incorrect_syntax(std::to_string(*spec.port)));
  if (spec.state) e->state = *spec.state;
  if (spec.port) e->port = *spec.port;
  if (spec.listener_ip) e->listener_ip = *spec.listener_ip;
  if (spec.role) e->role = *spec.role;
  if (spec.has_authentication) {
    e->windows = spec.windows;
    e->certificate_name = cert_name;
    e->certificate_id = cert_id;
    e->certificate_first = spec.certificate_first;
  }
  if (spec.encryption) {
    e->encryption = *spec.encryption;
    e->algorithms = spec.algorithms.empty() ? std::vector<std::string>{"AES"} : spec.algorithms;
  }
  emit_done();
}

void Executor::do_drop_endpoint(Frame& f, const DropEndpointStmt& s) {
  (void)f;
  if (server_.personality == Personality::ManagedInstance)
    throw SqlError(err::not_supported_on_managed_instance("DROP ENDPOINT"));
  Endpoint* e = server_.find_endpoint(s.name);
  if (!e) throw SqlError(err::endpoint_not_found("drop", s.name));
  std::string name = e->name;
  server_.endpoints.erase(std::remove_if(server_.endpoints.begin(), server_.endpoints.end(),
                                         [&](const Endpoint& x) { return x.name == name; }),
                          server_.endpoints.end());
  emit_done();
}

}  // namespace milink::emulator::sql
