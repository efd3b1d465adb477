// ServerState::dump(): the state as JSON (never passwords or private keys).
#include "state/server_state.hpp"

#include "state/time_util.hpp"

namespace milink::emulator {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

Value hex(const std::vector<std::uint8_t>& b) { return Value(milink::sdk::to_hex_literal(b)); }
Value iso(const SqlDateTime& t) { return Value(t.to_iso()); }
template <typename T>
Value opt(const std::optional<T>& v) {
  if (!v) return Value();
  if constexpr (std::is_same_v<T, SqlDateTime>) return iso(*v);
  else return Value(static_cast<std::int64_t>(*v));
}

const char* protection_name(PrivateKeyProtection p) {
  switch (p) {
    case PrivateKeyProtection::None: return "NO_PRIVATE_KEY";
    case PrivateKeyProtection::MasterKey: return "ENCRYPTED_BY_MASTER_KEY";
    case PrivateKeyProtection::Password: return "ENCRYPTED_BY_PASSWORD";
  }
  return "?";
}

Value certificate_json(const Certificate& c) {
  Object o;
  o.set("name", Value(c.name));
  o.set("certificate_id", Value(c.certificate_id));
  o.set("subject", Value(c.subject));
  o.set("issuer_name", Value(c.issuer_name));
  o.set("subject_dn", Value(c.x509.subject_dn));
  o.set("issuer_dn", Value(c.x509.issuer_dn));
  o.set("start_date", iso(c.x509.not_before));
  o.set("expiry_date", iso(c.x509.not_after));
  o.set("thumbprint", hex(c.x509.sha1));
  o.set("private_key", Value(protection_name(c.protection)));
  o.set("der_length", Value(static_cast<std::int64_t>(c.x509.der.size())));
  return Value(std::move(o));
}

Value endpoint_json(const Endpoint& e) {
  Object o;
  o.set("name", Value(e.name));
  o.set("endpoint_id", Value(e.endpoint_id));
  o.set("type", Value("DATABASE_MIRRORING"));
  o.set("state", Value(endpoint_state_name(e.state)));
  o.set("port", Value(e.port));
  o.set("listener_ip", Value(e.listener_ip));
  o.set("role", Value(mirroring_role_name(e.role)));
  o.set("connection_auth", Value(e.connection_auth_desc()));
  o.set("certificate", e.certificate_name.empty() ? Value() : Value(e.certificate_name));
  o.set("encryption",
        Value(e.encryption == EndpointEncryption::Disabled ? "DISABLED"
              : e.encryption == EndpointEncryption::Supported ? "SUPPORTED"
                                                              : "REQUIRED"));
  o.set("encryption_algorithm", Value(e.encryption_algorithm_desc()));
  return Value(std::move(o));
}

Value replica_json(const AgReplica& r) {
  Object o;
  o.set("replica_server_name", Value(r.server_name));
  o.set("replica_id", Value(r.replica_id));
  o.set("endpoint_url", Value(r.endpoint_url));
  o.set("availability_mode", Value(availability_mode_name(r.availability_mode)));
  o.set("failover_mode", Value(failover_mode_name(r.failover_mode)));
  o.set("seeding_mode", Value(seeding_mode_name(r.seeding_mode)));
  o.set("session_timeout", Value(r.session_timeout));
  o.set("is_local", Value(r.is_local));
  Object rt;
  rt.set("role", Value(r.runtime.role == 1 ? "PRIMARY" : r.runtime.role == 2 ? "SECONDARY" : "RESOLVING"));
  rt.set("connected_state", Value(r.runtime.connected ? "CONNECTED" : "DISCONNECTED"));
  rt.set("last_connect_error_number", opt(r.runtime.last_connect_error_number));
  rt.set("last_connect_error_description", r.runtime.last_connect_error_number
                                               ? Value(r.runtime.last_connect_error_description)
                                               : Value());
  rt.set("last_connect_error_timestamp", opt(r.runtime.last_connect_error_timestamp));
  o.set("runtime", Value(std::move(rt)));
  Array dbs;
  for (const auto& d : r.databases) {
    Object x;
    x.set("database_name", Value(d.database_name));
    x.set("synchronization_state", Value(d.synchronization_state));
    x.set("synchronization_health", Value(d.synchronization_health));
    x.set("last_hardened_lsn", opt(d.last_hardened_lsn));
    x.set("log_send_queue_size", opt(d.log_send_queue_size));
    x.set("secondary_lag_seconds", opt(d.secondary_lag_seconds));
    dbs.emplace_back(std::move(x));
  }
  o.set("databases", Value(std::move(dbs)));
  return Value(std::move(o));
}

Value ag_json(const AvailabilityGroup& g) {
  Object o;
  o.set("name", Value(g.name));
  o.set("group_id", Value(g.group_id));
  o.set("is_distributed", Value(g.distributed));
  o.set("cluster_type", Value(cluster_type_name(g.cluster_type)));
  o.set("create_any_database", Value(g.create_any_database));
  Array dbs;
  for (const auto& d : g.databases) dbs.emplace_back(d);
  o.set("databases", Value(std::move(dbs)));
  Array reps;
  for (const auto& r : g.replicas) reps.push_back(replica_json(r));
  o.set("replicas", Value(std::move(reps)));
  if (!g.listener_dns_name.empty()) o.set("listener", Value(g.listener_dns_name));
  return Value(std::move(o));
}

Value database_json(const Database& d) {
  Object o;
  o.set("name", Value(d.name));
  o.set("database_id", Value(d.database_id));
  o.set("recovery_model", Value(recovery_model_name(d.recovery)));
  o.set("state", Value(database_state_name(d.state)));
  o.set("read_only", Value(d.read_only));
  o.set("size_mb", Value(d.size_mb));
  o.set("log_chain_started", Value(d.log_chain_started));
  o.set("lsn", Value(d.next_lsn));
  o.set("workload_log_bytes_per_second", Value(d.workload_log_bytes_per_second));
  o.set("availability_group", d.availability_group.empty() ? Value() : Value(d.availability_group));
  if (d.master_key) {
    Object mk;
    mk.set("key_guid", Value(d.master_key->key_guid));
    mk.set("create_date", iso(d.master_key->create_date));
    o.set("master_key", Value(std::move(mk)));
  } else {
    o.set("master_key", Value());
  }
  Array certs;
  for (const auto& c : d.certificates) certs.push_back(certificate_json(c));
  o.set("certificates", Value(std::move(certs)));
  return Value(std::move(o));
}

Value backup_json(const BackupRecord& b) {
  Object o;
  o.set("backup_set_id", Value(b.backup_set_id));
  o.set("database_name", Value(b.database_name));
  o.set("type", Value(std::string(1, b.type)));
  o.set("is_copy_only", Value(b.is_copy_only));
  o.set("physical_device_name", Value(b.physical_device_name));
  o.set("first_lsn", Value(b.first_lsn));
  o.set("last_lsn", Value(b.last_lsn));
  o.set("checkpoint_lsn", Value(b.checkpoint_lsn));
  o.set("database_backup_lsn", Value(b.database_backup_lsn));
  o.set("backup_finish_date", iso(b.backup_finish_date));
  return Value(std::move(o));
}

Value schedule_json(const AgentSchedule& s) {
  Object o;
  o.set("schedule_id", Value(s.schedule_id));
  o.set("name", Value(s.name));
  o.set("enabled", Value(s.enabled != 0));
  o.set("freq_type", Value(s.freq_type));
  o.set("freq_interval", Value(s.freq_interval));
  o.set("freq_subday_type", Value(s.freq_subday_type));
  o.set("freq_subday_interval", Value(s.freq_subday_interval));
  o.set("active_start_time", Value(s.active_start_time));
  return Value(std::move(o));
}

Value agent_json(const ServerState& st) {
  const SqlAgent& a = st.agent;
  Object o;
  o.set("status", Value(service_status_desc(a.status)));
  o.set("startup_type", Value(service_startup_desc(a.startup)));
  Array jobs;
  for (const auto& j : a.jobs) {
    Object jo;
    jo.set("job_id", Value(j.job_id));
    jo.set("name", Value(j.name));
    jo.set("enabled", Value(j.enabled != 0));
    jo.set("description", Value(j.description));
    const AgentCategory* c = find_job_category(j.category_id);
    jo.set("category", c ? Value(c->name) : Value());
    const Login* owner = st.find_login_by_sid(j.owner_sid);
    jo.set("owner", owner ? Value(owner->name) : Value(hex(j.owner_sid)));
    jo.set("jobserver", Value(j.targets_local_server));
    Array steps;
    for (const auto& s : j.steps) {
      Object so;
      so.set("step_id", Value(s.step_id));
      so.set("name", Value(s.step_name));
      so.set("subsystem", Value(s.subsystem));
      so.set("database_name", s.database_name ? Value(*s.database_name) : Value());
      so.set("command", s.command ? Value(*s.command) : Value());
      steps.push_back(Value(std::move(so)));
    }
    jo.set("steps", Value(std::move(steps)));
    Array schedules;
    for (int id : j.schedule_ids)
      if (const AgentSchedule* s = a.find_schedule(id)) schedules.push_back(schedule_json(*s));
    jo.set("schedules", Value(std::move(schedules)));
    jobs.push_back(Value(std::move(jo)));
  }
  o.set("jobs", Value(std::move(jobs)));
  Array schedules;
  for (const auto& s : a.schedules) schedules.push_back(schedule_json(s));
  o.set("schedules", Value(std::move(schedules)));
  return Value(std::move(o));
}

}  // namespace

Value ServerState::dump() const {
  Object o;
  o.set("personality", Value(personality_name(personality)));
  o.set("name", Value(name));
  o.set("version", Value(version));
  o.set("edition", Value(edition));
  o.set("os", Value(os == HostOs::Windows ? "windows" : "linux"));
  o.set("hadr_enabled", Value(hadr_enabled));
  Array flags;
  for (int f : trace_flags) flags.emplace_back(f);
  o.set("trace_flags", Value(std::move(flags)));
  o.set("collation", Value(collation));
  if (personality == Personality::ManagedInstance) {
    o.set("fqdn", Value(fqdn));
    o.set("encryption", Value(encryption));
    o.set("endpoint_certificate", endpoint_certificate ? certificate_json(*endpoint_certificate) : Value());
  }
  Array ls;
  for (const auto& l : logins) {
    Object lo;
    lo.set("name", Value(l.name));
    lo.set("sysadmin", Value(l.sysadmin));
    lo.set("disabled", Value(l.disabled));
    ls.emplace_back(std::move(lo));
  }
  o.set("logins", Value(std::move(ls)));
  Array dbs;
  for (const auto& d : databases) dbs.push_back(database_json(d));
  o.set("databases", Value(std::move(dbs)));
  Array eps;
  for (const auto& e : endpoints) eps.push_back(endpoint_json(e));
  o.set("endpoints", Value(std::move(eps)));
  Array ags;
  for (const auto& g : availability_groups) ags.push_back(ag_json(g));
  o.set("availability_groups", Value(std::move(ags)));
  Array issuers;
  for (const auto& t : trusted_issuers) {
    Object io;
    io.set("certificate_id", Value(t.certificate_id));
    io.set("certificate_name", Value(t.certificate_name));
    io.set("dns_pattern", Value(t.dns_pattern));
    issuers.emplace_back(std::move(io));
  }
  o.set("trusted_issuers", Value(std::move(issuers)));
  Array bs;
  for (const auto& b : backups) bs.push_back(backup_json(b));
  o.set("backups", Value(std::move(bs)));
  Array seeds;
  for (const auto& s : seeding) {
    Object so;
    so.set("local_database_name", Value(s.local_database_name));
    so.set("role_desc", Value(s.role_desc));
    so.set("internal_state_desc", Value(s.internal_state_desc));
    so.set("transferred_size_bytes", Value(s.transferred_size_bytes));
    so.set("database_size_bytes", Value(s.database_size_bytes));
    seeds.emplace_back(std::move(so));
  }
  o.set("seeding", Value(std::move(seeds)));
  o.set("agent", agent_json(*this));
  return Value(std::move(o));
}

}  // namespace milink::emulator
