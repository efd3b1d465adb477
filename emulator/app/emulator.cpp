#include "app/emulator.hpp"

#include "http/tls_material.hpp"
#include "sql/sql_engine.hpp"

#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

namespace milink::emulator {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

Encryption parse_encryption(const std::string& text) {
  if (text == "required") return Encryption::Required;
  if (text == "on") return Encryption::On;
  if (text == "off") return Encryption::Off;
  if (text == "not_supported") return Encryption::NotSupported;
  throw std::invalid_argument("encryption must be required, on, off or not_supported, not \"" + text + "\"");
}

namespace {

void set_sa_password(ServerSpec& spec, const std::string& password) {
  for (auto& login : spec.logins)
    if (login.name == "sa") {
      login.password = password;
      return;
    }
  LoginSpec sa;
  sa.name = "sa";
  sa.password = password;
  spec.logins.push_back(sa);
}

/// What a FreeTDS client should ask for against a server in mode \p e.
const char* client_encryption(Encryption e) {
  switch (e) {
    case Encryption::Required:
    case Encryption::On: return "require";
    case Encryption::Off: return "request";
    case Encryption::NotSupported: return "off";
  }
  return "request";
}

void write_secret_file(const std::filesystem::path& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << text << "\n";
  }
  ::chmod(path.c_str(), 0600);
}

/// The TDS listener's certificate and key, issued by the world's CA (the
/// one --ca-out and the config's ca_file hold) for the names a client
/// connects by: \p own_name (the instance's FQDN), localhost and the loopback
/// addresses the config's host can be. \p only replaces every name (tests).
void use_ca_certificate(TdsServerOptions& tds, const EmulatorWorld& world, const std::string& bind,
                        const std::string& own_name, const std::optional<std::vector<std::string>>& only) {
  std::vector<std::string> dns{"localhost"}, ips{"127.0.0.1", "::1"};
  if (!own_name.empty() && own_name != "localhost") dns.push_back(own_name);
  if (bind != "127.0.0.1" && bind != "::1") ips.push_back(bind);
  if (only) {
    dns = *only;
    ips.clear();
  }
  http::ServerTlsMaterial tls = http::issue_server_certificate(world.root_ca, dns, ips);
  tds.certificate_pem = tls.certificate_pem + tls.ca_pem;
  tds.private_key_pem = tls.private_key_pem;
}

}  // namespace

Emulator::Emulator(EmulatorOptions options) : options_(std::move(options)) {
  if (options_.sa_password) {
    set_sa_password(options_.scenario.sql_server, *options_.sa_password);
    set_sa_password(options_.scenario.managed_instance, *options_.sa_password);
  }
  world_ = std::make_unique<EmulatorWorld>(options_.scenario);
  if (!options_.faults.empty()) faults_.set(options_.faults);
  links_ = std::make_unique<LinkSimulator>(*world_, options_.timings ? *options_.timings : TimingProfile::named(options_.profile));
  sql_engine_ = std::make_unique<SqlEngine>(*world_, Personality::SqlServer, &faults_);
  mi_engine_ = std::make_unique<SqlEngine>(*world_, Personality::ManagedInstance, &faults_);

  AzureOptions azure;
  azure.bind = options_.bind;
  azure.arm_port = options_.arm_port;
  azure.profile = options_.profile;
  azure_ = std::make_unique<AzureEmulator>(*world_, *links_, faults_, azure);

  TdsServerOptions sql;
  sql.bind = options_.bind;
  sql.port = options_.sql_port;
  sql.encryption = parse_encryption(world_->sql_server.encryption);
  sql.faults = &faults_;
  sql.fault_service = Service::Sql;
  use_ca_certificate(sql, *world_, options_.bind, world_->sql_server.name, options_.tds_certificate_names);
  sql_listener_ = std::make_unique<TdsServer>(*sql_engine_, sql);

  TdsServerOptions mi;
  mi.bind = options_.bind;
  mi.port = options_.mi_port;
  mi.encryption = parse_encryption(world_->managed_instance.encryption);
  mi.faults = &faults_;
  mi.fault_service = Service::Mi;
  use_ca_certificate(mi, *world_, options_.bind, world_->managed_instance.fqdn, options_.tds_certificate_names);
  mi_listener_ = std::make_unique<TdsServer>(*mi_engine_, mi);

  // The existing AG's secondary replicas, each its own TDS server, and its
  // listener (another port on the primary's engine).
  for (ServerState& replica : world_->sql_replicas) {
    replica_engines_.push_back(std::make_unique<SqlEngine>(*world_, replica, &faults_));
    TdsServerOptions r = sql;
    r.port = 0;
    replica_listeners_.push_back(std::make_unique<TdsServer>(*replica_engines_.back(), r));
  }
  for (const auto& g : world_->sql_server.availability_groups)
    if (!g.listener_dns_name.empty() && !ag_listener_) {
      TdsServerOptions l = sql;
      l.port = 0;
      ag_listener_ = std::make_unique<TdsServer>(*sql_engine_, l);
    }
}

Emulator::~Emulator() { stop(); }

void Emulator::start() {
  sql_listener_->start();
  mi_listener_->start();
  for (auto& l : replica_listeners_) l->start();
  if (ag_listener_) {
    ag_listener_->start();
    auto lock = world_->lock();
    for (auto& g : world_->sql_server.availability_groups)
      if (!g.listener_dns_name.empty()) g.listener_port = ag_listener_->port();
  }
  azure_->start();
  ServicePrincipalRequest sp;
  sp.display_name = "milink-emulator-test-principal";
  sp.with_secret = true;
  sp.with_certificate = true;
  principal_ = azure_->register_service_principal(sp);
}

void Emulator::stop() {
  if (azure_) azure_->stop();
  if (ag_listener_) ag_listener_->stop();
  for (auto& l : replica_listeners_) l->stop();
  if (mi_listener_) mi_listener_->stop();
  if (sql_listener_) sql_listener_->stop();
}

std::uint16_t Emulator::arm_port() const { return azure_->arm_port(); }

std::uint16_t Emulator::sql_port() const { return sql_listener_->port(); }
std::uint16_t Emulator::mi_port() const { return mi_listener_->port(); }

std::uint16_t Emulator::replica_port(const std::string& name) const {
  auto lock = world_->lock();
  for (std::size_t i = 0; i < world_->sql_replicas.size(); ++i) {
    const ServerState& r = world_->sql_replicas[i];
    if (r.names_equal(r.name, name)) return replica_listeners_[i]->port();
  }
  return 0;
}

std::uint16_t Emulator::listener_port() const { return ag_listener_ ? ag_listener_->port() : 0; }

std::string Emulator::sa_password(Personality p) const {
  auto lock = world_->lock();
  for (const auto& login : world_->server(p).logins)
    if (login.name == "sa") return login.password;
  return {};
}

Value Emulator::milink_config(const std::string& base) const {
  std::string sql_name, mi_name, mi_fqdn, ag_name, listener;
  std::vector<std::string> replica_names;
  Array databases;
  {
    auto lock = world_->lock();
    for (const auto& r : world_->sql_replicas) replica_names.push_back(r.name);
    if (!replica_names.empty())
      for (const auto& g : world_->sql_server.availability_groups)
        if (!g.distributed && g.replicas.size() > 1) {
          ag_name = g.name;
          listener = g.listener_dns_name;
          break;
        }
    sql_name = world_->sql_server.name;
    mi_name = world_->managed_instance.name;
    mi_fqdn = world_->managed_instance.fqdn;
    for (const auto& db : world_->sql_server.databases)
      if (db.database_id > 4) databases.push_back(Value(db.name));
  }
  auto secret_file = [&](const std::string& what) { return Value(Object{{"from_file", Value(base + "." + what)}}); };
  // Both servers' TDS certificates come from the CA in <base>.ca.pem.
  auto target = [&](const std::string& name, std::uint16_t port, const std::string& password, Encryption enc) {
    return Object{{"name", Value(name)},
                  {"host", Value(options_.bind)},
                  {"port", Value(static_cast<std::int64_t>(port))},
                  {"user", Value("sa")},
                  {"password", secret_file(password)},
                  {"encryption", Value(client_encryption(enc))},
                  {"ca_file", Value(base + ".ca.pem")}};
  };
  Object sql = target(sql_name, sql_port(), "sqlserver-password", parse_encryption(world_->sql_server.encryption));
  sql.set("fqdn", Value(options_.bind));
  sql.set("endpoint_port", Value(5022));
  if (!ag_name.empty()) {
    // The existing AG: its name, its listener, and each secondary as a SQL
    // target that takes user, password and encryption from sqlserver.
    sql.set("availability_group", Value(ag_name));
    if (!listener.empty()) sql.set("listener", Value(listener));
    Array replicas;
    for (const auto& name : replica_names)
      replicas.push_back(Value(Object{{"name", Value(name)},
                                      {"host", Value(options_.bind)},
                                      {"port", Value(static_cast<std::int64_t>(replica_port(name)))},
                                      {"fqdn", Value(name.substr(0, name.find('\\')))},
                                      {"endpoint_port", Value(5022)}}));
    sql.set("replicas", Value(std::move(replicas)));
  }
  Object mi = target(mi_name, mi_port(), "mi-password", parse_encryption(world_->managed_instance.encryption));
  mi.set("fqdn", Value(mi_fqdn));
  Object azure{{"subscription_id", Value(azure_->subscription_id())},
               {"resource_group", Value(azure_->resource_group())},
               {"instance_name", Value(azure_->managed_instance_name())},
               {"tenant_id", Value(principal_.tenant_id)},
               {"arm_endpoint", Value(azure_->arm_endpoint())},
               {"authority_host", Value(azure_->authority_host())},
               {"ca_file", Value(base + ".ca.pem")},
               {"credential", Value("emulator")}};
  Object providers{
      {"emulator",
       Value(Object{{"use", Value("client-secret")},
                    {"with", Value(Object{{"tenant_id", Value(principal_.tenant_id)},
                                          {"client_id", Value(principal_.client_id)},
                                          {"client_secret", secret_file("client-secret")}})}})},
      {"emulator-certificate",
       Value(Object{{"use", Value("client-certificate")},
                    {"with", Value(Object{{"tenant_id", Value(principal_.tenant_id)},
                                          {"client_id", Value(principal_.client_id)},
                                          {"certificate_path", Value(base + ".client.pem")}})}})}};
  return Value(Object{{"milink_config", Value(1)},
                      {"sqlserver", Value(std::move(sql))},
                      {"managed_instance", Value(std::move(mi))},
                      {"azure", Value(std::move(azure))},
                      {"providers", Value(std::move(providers))},
                      {"databases", Value(std::move(databases))},
                      {"settings", Value(Object{{"emulator", Value(true)}})}});
}

void Emulator::write_config(const std::filesystem::path& file) const {
  std::string base = file.filename().string();
  std::filesystem::path dir = file.parent_path();
  write_secret_file(dir / (base + ".sqlserver-password"), sa_password(Personality::SqlServer));
  write_secret_file(dir / (base + ".mi-password"), sa_password(Personality::ManagedInstance));
  write_secret_file(dir / (base + ".client-secret"), principal_.client_secret);
  // The certificate and its key in one PEM file, as client-certificate reads it.
  write_secret_file(dir / (base + ".client.pem"), principal_.certificate_pem + principal_.private_key_pem);
  azure_->write_ca(dir / (base + ".ca.pem"));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  out << milink_config(base).to_pretty_json() << "\n";
}

Value Emulator::dump() const {
  Value world = world_->dump();
  Object listeners{{"sql_server", Value(static_cast<std::int64_t>(sql_port()))},
                   {"managed_instance", Value(static_cast<std::int64_t>(mi_port()))},
                   {"arm", Value(static_cast<std::int64_t>(arm_port()))}};
  if (ag_listener_) listeners.set("ag_listener", Value(static_cast<std::int64_t>(listener_port())));
  Object out{{"listeners", Value(std::move(listeners))},
             {"faults", Value(faults_.spec())}};
  for (const auto& [k, v] : world.as_object()) out.set(k, v);
  // Every statement each server ran, with secrets masked.
  Object logs;
  {
    auto lock = world_->lock();
    logs.set("sql_server", world_->sql_server.statement_log.to_json());
    logs.set("managed_instance", world_->managed_instance.statement_log.to_json());
  }
  out.set("statement_log", Value(std::move(logs)));
  Array requests;
  for (const auto& r : azure_->request_log()) {
    Object o{{"method", Value(r.method)}, {"path", Value(r.path)}, {"status", Value(static_cast<std::int64_t>(r.status))}};
    if (!r.body.empty()) o.set("body", Value(r.body));  // ARM's only (ServerOptions::log_bodies)
    if (!r.error.empty()) o.set("error", Value(r.error));  // closed at a deadline
    requests.push_back(Value(std::move(o)));
  }
  out.set("azure_requests", Value(std::move(requests)));
  return Value(std::move(out));
}

}  // namespace milink::emulator
