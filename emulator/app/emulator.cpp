#include "app/emulator.hpp"

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

}  // namespace

Emulator::Emulator(EmulatorOptions options) : options_(std::move(options)) {
  if (options_.sa_password) {
    set_sa_password(options_.scenario.sql_server, *options_.sa_password);
    set_sa_password(options_.scenario.managed_instance, *options_.sa_password);
  }
  world_ = std::make_unique<EmulatorWorld>(options_.scenario);
  sql_engine_ = std::make_unique<SqlEngine>(*world_, Personality::SqlServer);
  mi_engine_ = std::make_unique<SqlEngine>(*world_, Personality::ManagedInstance);

  TdsServerOptions sql;
  sql.bind = options_.bind;
  sql.port = options_.sql_port;
  sql.encryption = parse_encryption(world_->sql_server.encryption);
  sql_listener_ = std::make_unique<TdsServer>(*sql_engine_, sql);

  TdsServerOptions mi;
  mi.bind = options_.bind;
  mi.port = options_.mi_port;
  mi.encryption = parse_encryption(world_->managed_instance.encryption);
  mi_listener_ = std::make_unique<TdsServer>(*mi_engine_, mi);
}

Emulator::~Emulator() { stop(); }

void Emulator::start() {
  sql_listener_->start();
  mi_listener_->start();
}

void Emulator::stop() {
  if (mi_listener_) mi_listener_->stop();
  if (sql_listener_) sql_listener_->stop();
}

std::uint16_t Emulator::sql_port() const { return sql_listener_->port(); }
std::uint16_t Emulator::mi_port() const { return mi_listener_->port(); }

std::string Emulator::sa_password(Personality p) const {
  auto lock = world_->lock();
  for (const auto& login : world_->server(p).logins)
    if (login.name == "sa") return login.password;
  return {};
}

Value Emulator::milink_config(const std::string& sql_password_file, const std::string& mi_password_file) const {
  std::string sql_name, mi_name, mi_fqdn;
  Array databases;
  {
    auto lock = world_->lock();
    sql_name = world_->sql_server.name;
    mi_name = world_->managed_instance.name;
    mi_fqdn = world_->managed_instance.fqdn;
    for (const auto& db : world_->sql_server.databases)
      if (db.database_id > 4) databases.push_back(Value(db.name));
  }
  auto target = [&](const std::string& name, std::uint16_t port, const std::string& password_file, Encryption enc) {
    return Object{{"name", Value(name)},
                  {"host", Value(options_.bind)},
                  {"port", Value(static_cast<std::int64_t>(port))},
                  {"user", Value("sa")},
                  {"password", Value(Object{{"from_file", Value(password_file)}})},
                  {"encryption", Value(client_encryption(enc))}};
  };
  Object sql = target(sql_name, sql_port(), sql_password_file, parse_encryption(world_->sql_server.encryption));
  sql.set("fqdn", Value(options_.bind));
  sql.set("endpoint_port", Value(5022));
  Object mi = target(mi_name, mi_port(), mi_password_file, parse_encryption(world_->managed_instance.encryption));
  mi.set("fqdn", Value(mi_fqdn));
  return Value(Object{{"milink_config", Value(1)},
                      {"sqlserver", Value(std::move(sql))},
                      {"managed_instance", Value(std::move(mi))},
                      {"databases", Value(std::move(databases))},
                      {"settings", Value(Object{{"emulator", Value(true)}})}});
}

void Emulator::write_config(const std::filesystem::path& file) const {
  std::string base = file.filename().string();
  std::filesystem::path dir = file.parent_path();
  std::string sql_pw = base + ".sqlserver-password", mi_pw = base + ".mi-password";
  write_secret_file(dir / sql_pw, sa_password(Personality::SqlServer));
  write_secret_file(dir / mi_pw, sa_password(Personality::ManagedInstance));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  out << milink_config(sql_pw, mi_pw).to_pretty_json() << "\n";
}

Value Emulator::dump() const {
  Value world = world_->dump();
  Object out{{"listeners", Value(Object{{"sql_server", Value(static_cast<std::int64_t>(sql_port()))},
                                        {"managed_instance", Value(static_cast<std::int64_t>(mi_port()))}})}};
  for (const auto& [k, v] : world.as_object()) out.set(k, v);
  // Every statement each server ran, with secrets masked.
  Object logs;
  {
    auto lock = world_->lock();
    logs.set("sql_server", world_->sql_server.statement_log.to_json());
    logs.set("managed_instance", world_->managed_instance.statement_log.to_json());
  }
  out.set("statement_log", Value(std::move(logs)));
  return Value(std::move(out));
}

}  // namespace milink::emulator
