#include "sql/sql_service.hpp"

#include "sql/connection_string.hpp"
#include "sql/freetds_conf.hpp"

namespace milink::sql {

using milink::sdk::Value;

namespace {

constexpr const char* kTargetNames[] = {"sqlserver", "managed_instance"};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// The SQL target of each secondary replica in /sqlserver/replicas,
/// "sqlserver.replicas.<name>": the replica's keys over SQL Server's (so
/// user, password, driver and encryption need not be repeated).
void add_replica_targets(const Value& sqlserver, std::vector<std::pair<std::string, Value>>& out) {
  if (!sqlserver.is_object()) return;
  const Value* replicas = sqlserver.get("replicas");
  if (replicas == nullptr || !replicas->is_array()) return;
  for (const Value& r : replicas->as_array()) {
    const Value* name = r.is_object() ? r.get("name") : nullptr;
    if (name == nullptr || !name->is_string() || name->as_string().empty()) continue;  // the config check reports it
    milink::sdk::Object section = sqlserver.as_object();
    for (const char* key : {"replicas", "availability_group", "listener", "name", "fqdn"}) section.erase(key);
    for (const auto& [key, value] : r.as_object()) section.set(key, value);
    out.emplace_back(std::string(kReplicaTargetPrefix) + name->as_string(), Value(std::move(section)));
  }
}

}  // namespace

SqlService::SqlService(const Value& config_root, std::string config_file, std::size_t max_idle)
    : config_file_(std::move(config_file)), max_idle_(max_idle < 1 ? 1 : max_idle) {
  prepare_freetds_conf();
  if (!config_root.is_object()) return;
  for (const char* name : kTargetNames)
    if (const Value* v = config_root.get(name); v != nullptr && !v->is_null()) targets_.push_back({name, *v});
  std::vector<std::pair<std::string, Value>> replicas;
  if (const Value* v = config_root.get("sqlserver")) add_replica_targets(*v, replicas);
  for (auto& [name, section] : replicas) targets_.push_back({name, std::move(section)});
}

SqlService::~SqlService() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  idle_.clear();  // closes them
}

std::vector<std::string> SqlService::targets() const {
  std::vector<std::string> out;
  for (const auto& t : targets_) out.push_back(t.name);
  return out;
}

std::vector<std::string> SqlService::secrets() const {
  std::vector<std::string> out;
  for (const auto& t : targets_) {
    if (!t.section.is_object()) continue;
    if (const Value* v = t.section.get("password"); v != nullptr && v->is_string() && !v->as_string().empty())
      out.push_back(v->as_string());
    if (const Value* v = t.section.get("connection_string"); v != nullptr && v->is_string())
      for (auto& s : connection_string_secrets(v->as_string())) out.push_back(std::move(s));
  }
  return out;
}

std::unique_ptr<OdbcSqlSession> SqlService::open(const std::string& target, bool read_only, SqlNotice notice,
                                                 std::string& error) const {
  const Target* found = nullptr;
  for (const auto& t : targets_)
    if (t.name == target) found = &t;
  if (found == nullptr) {
    bool known = false;
    for (const char* n : kTargetNames) known |= target == n;
    if (target.rfind(kReplicaTargetPrefix, 0) == 0) {
      error = "SQL target \"" + target + "\" is not configured: no replica named \"" +
              target.substr(std::string(kReplicaTargetPrefix).size()) +
              "\" in /sqlserver/replicas (configured SQL targets: " + join(targets()) + ")";
      return nullptr;
    }
    std::string configured = targets_.empty() ? std::string("none") : join(targets());
    if (known)
      error = "SQL target \"" + target + "\" is not configured: add a \"" + target +
              "\" section with host, user and password to the config (configured SQL targets: " + configured + ")";
    else
      error = "unknown SQL target \"" + target +
              "\"; SQL targets are sqlserver, managed_instance and sqlserver.replicas.<name> (configured: " +
              configured + ")";
    return nullptr;
  }
  if (!found->section.is_object()) {
    error = "config /" + target + " must be an object with host, user and password";
    return nullptr;
  }
  // An idle session first; one whose connection the server closed
  // meanwhile is dropped here, before a step could send anything on it.
  for (;;) {
    std::unique_ptr<OdbcSqlSession> pooled;
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      auto it = idle_.find(PoolKey(target, read_only));
      if (it == idle_.end() || it->second.empty()) break;
      pooled = std::move(it->second.back());
      it->second.pop_back();
    }
    if (pooled->idle_connection_usable()) {
      pooled->set_notice(std::move(notice));
      return pooled;
    }
  }
  TargetSettings settings;
  if (!read_target_settings(target, found->section.as_object(), settings, error, config_file_)) return nullptr;
  return OdbcSqlSession::open(settings, read_only, std::move(notice), error);
}

void SqlService::release(std::unique_ptr<OdbcSqlSession> session, bool reusable) const noexcept {
  try {
    if (!session) return;
    session->set_notice({});
    if (!reusable) return;  // closed as it goes
    if (!session->reset_for_reuse()) return;  // closed as it goes
    PoolKey key(session->target(), session->read_only());
    std::lock_guard<std::mutex> lock(pool_mu_);
    auto& idle = idle_[key];
    if (idle.size() < max_idle_) idle.push_back(std::move(session));
  } catch (...) {
    // Out of memory at worst: the session is closed, which is always safe.
  }
}

std::size_t SqlService::idle(const std::string& target, bool read_only) const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  auto it = idle_.find(PoolKey(target, read_only));
  return it == idle_.end() ? 0 : it->second.size();
}

}  // namespace milink::sql
