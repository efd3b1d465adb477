#include "state/scenario.hpp"

#include "state/time_util.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace milink::emulator {

using milink::sdk::Kind;
using milink::sdk::SourceMap;
using milink::sdk::Value;

namespace {

struct KnownBuild {
  const char* version;
  const char* update_level;
  const char* reference;
};

// Builds the scenario may name without update_level: from Microsoft's
// release lists.
const KnownBuild kBuilds[] = {
    {"15.0.2000.5", "", ""},
    {"15.0.4198.2", "CU15", "KB5008996"},
    {"15.0.4236.7", "CU16", "KB5011644"},
    {"15.0.4249.2", "CU17", "KB5015589"},
    {"15.0.4312.2", "CU20", "KB5024276"},
    {"15.0.4355.3", "CU25", "KB5033688"},
    {"16.0.1000.6", "", ""},
    {"16.0.4003.1", "CU1", "KB5022375"},
    {"16.0.4135.4", "CU14", "KB5038325"},
    {"12.0.2000.8", "", ""},
    {"13.0.6300.2", "", "KB5003279"},    // 2016 SP3
    {"13.0.7000.253", "", "KB5014242"},  // 2016 SP3 + Azure Connect pack
    {"14.0.3456.2", "CU31", "KB5016884"},
    {"14.0.3490.10", "CU31", ""},  // 2017 CU31 + Azure Connect pack
};

ServerSpec default_sql_server() {
  ServerSpec s;
  s.name = "sqlbox1";
  s.version = "15.0.4312.2";
  s.edition = "Developer Edition (64-bit)";
  s.os = HostOs::Windows;
  s.hadr_enabled = true;
  s.trace_flags = {1800, 9567};
  s.logins = {LoginSpec{"sa", kDefaultSaPassword, true, false, "master"}};
  DatabaseSpec sales;
  sales.name = "sales";
  sales.recovery = RecoveryModel::Full;
  sales.size_mb = 64;
  sales.backups = {BackupSpec{'D', false}};
  DatabaseSpec hr;
  hr.name = "hr";
  hr.recovery = RecoveryModel::Simple;
  hr.size_mb = 32;
  s.databases = {sales, hr};
  s.encryption = "off";
  return s;
}

ServerSpec default_managed_instance() {
  ServerSpec s;
  s.name = "mi1";
  s.fqdn = "mi1.abc123def456.database.windows.net";
  s.version = "12.0.2000.8";
  s.edition = "SQL Azure";
  s.os = HostOs::Windows;
  s.hadr_enabled = true;
  s.logins = {LoginSpec{"sa", kDefaultSaPassword, true, false, "master"}};
  s.encryption = "required";
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

class Reader {
public:
  Reader(std::string source, const SourceMap* map) : source_(std::move(source)), map_(map) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
    std::string where = source_;
    if (map_) {
      auto loc = map_->locate(pointer);
      if (loc.line > 0) where += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
    }
    throw ScenarioError(where + ": " + (pointer.empty() ? "/" : pointer) + ": " + problem);
  }

  const milink::sdk::Object& object(const Value& v, const std::string& pointer, std::vector<std::string> allowed) const {
    if (!v.is_object()) fail(pointer, std::string("expected an object, found ") + milink::sdk::kind_name(v.kind()));
    for (const auto& [key, value] : v.as_object()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string best;
      std::size_t best_d = 1000;
      for (const auto& a : allowed) {
        std::size_t d = edit_distance(key, a);
        if (d < best_d) {
          best_d = d;
          best = a;
        }
      }
      std::string msg = "unknown key \"" + key + "\"";
      if (best_d <= std::max<std::size_t>(2, key.size() / 3)) msg += "; did you mean \"" + best + "\"?";
      else {
        msg += "; expected one of:";
        for (std::size_t i = 0; i < allowed.size(); ++i) msg += (i ? ", " : " ") + allowed[i];
      }
      fail(milink::sdk::json_pointer_join(pointer, key), msg);
    }
    return v.as_object();
  }

  std::string string(const Value& v, const std::string& pointer) const {
    if (!v.is_string()) fail(pointer, std::string("expected a string, found ") + milink::sdk::kind_name(v.kind()));
    return v.as_string();
  }
  bool boolean(const Value& v, const std::string& pointer) const {
    if (!v.is_bool()) fail(pointer, std::string("expected true or false, found ") + milink::sdk::kind_name(v.kind()));
    return v.as_bool();
  }
  std::int64_t integer(const Value& v, const std::string& pointer, std::int64_t min, std::int64_t max) const {
    if (!v.is_int()) fail(pointer, std::string("expected an integer, found ") + milink::sdk::kind_name(v.kind()));
    if (v.as_int() < min || v.as_int() > max)
      fail(pointer, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v.as_int();
  }
  const milink::sdk::Array& array(const Value& v, const std::string& pointer) const {
    if (!v.is_array()) fail(pointer, std::string("expected an array, found ") + milink::sdk::kind_name(v.kind()));
    return v.as_array();
  }
  template <typename E>
  E choice(const Value& v, const std::string& pointer, const std::vector<std::pair<const char*, E>>& options) const {
    std::string s = string(v, pointer);
    for (const auto& [name, e] : options)
      if (iequals(name, s)) return e;
    std::string msg = "\"" + s + "\" is not one of:";
    for (std::size_t i = 0; i < options.size(); ++i) msg += std::string(i ? ", " : " ") + options[i].first;
    fail(pointer, msg);
  }

private:
  std::string source_;
  const SourceMap* map_;
};

void read_backups(const Reader& r, const Value& v, const std::string& p, DatabaseSpec& db) {
  db.backups.clear();
  const auto& arr = r.array(v, p);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string ip = milink::sdk::json_pointer_join(p, i);
    BackupSpec b;
    if (arr[i].is_string()) {
      std::string t = arr[i].as_string();
      if (iequals(t, "full")) b.type = 'D';
      else if (iequals(t, "log")) b.type = 'L';
      else if (iequals(t, "copy_only")) {
        b.type = 'D';
        b.copy_only = true;
      } else r.fail(ip, "\"" + t + "\" is not one of: full, log, copy_only");
    } else {
      const auto& o = r.object(arr[i], ip, {"type", "copy_only"});
      if (auto* t = o.find("type")) {
        std::string s = r.string(*t, milink::sdk::json_pointer_join(ip, "type"));
        if (iequals(s, "full")) b.type = 'D';
        else if (iequals(s, "log")) b.type = 'L';
        else r.fail(milink::sdk::json_pointer_join(ip, "type"), "\"" + s + "\" is not one of: full, log");
      }
      if (auto* c = o.find("copy_only")) b.copy_only = r.boolean(*c, milink::sdk::json_pointer_join(ip, "copy_only"));
    }
    db.backups.push_back(b);
  }
}

DatabaseSpec read_database(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p,
                           {"name", "recovery", "size_mb", "state", "read_only", "backups", "workload", "log_files",
                            "filestream", "memory_optimized", "tde"});
  DatabaseSpec db;
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\"");
  db.name = r.string(*name, at("name"));
  if (db.name.empty() || utf8_length(db.name) > 128) r.fail(at("name"), "a database name has 1 to 128 characters");
  for (const char* sys : {"master", "tempdb", "model", "msdb"})
    if (iequals(db.name, sys)) r.fail(at("name"), "\"" + db.name + "\" is a system database; it always exists");
  if (auto* x = o.find("recovery"))
    db.recovery = r.choice<RecoveryModel>(*x, at("recovery"), {{"FULL", RecoveryModel::Full},
                                                               {"SIMPLE", RecoveryModel::Simple},
                                                               {"BULK_LOGGED", RecoveryModel::BulkLogged}});
  if (auto* x = o.find("size_mb")) db.size_mb = r.integer(*x, at("size_mb"), 1, 16 * 1024 * 1024);
  if (auto* x = o.find("state"))
    db.state = r.choice<DatabaseState>(*x, at("state"), {{"ONLINE", DatabaseState::Online},
                                                         {"RESTORING", DatabaseState::Restoring},
                                                         {"OFFLINE", DatabaseState::Offline}});
  if (auto* x = o.find("read_only")) db.read_only = r.boolean(*x, at("read_only"));
  if (auto* x = o.find("backups")) read_backups(r, *x, at("backups"), db);
  if (auto* x = o.find("workload")) {
    const std::string wp = at("workload");
    const auto& w = r.object(*x, wp, {"log_bytes_per_second"});
    if (auto* rate = w.find("log_bytes_per_second"))
      db.workload_log_bytes_per_second =
          r.integer(*rate, milink::sdk::json_pointer_join(wp, "log_bytes_per_second"), 0, 1024LL * 1024 * 1024);
  }
  if (auto* x = o.find("log_files")) db.log_files = static_cast<int>(r.integer(*x, at("log_files"), 1, 16));
  if (auto* x = o.find("filestream")) db.filestream = r.boolean(*x, at("filestream"));
  if (auto* x = o.find("memory_optimized")) db.memory_optimized = r.boolean(*x, at("memory_optimized"));
  if (auto* x = o.find("tde")) {
    const std::string tp = at("tde");
    const auto& t = r.object(*x, tp, {"certificate", "on_managed_instance"});
    const Value* cert = t.find("certificate");
    if (!cert) r.fail(tp, "missing \"certificate\" (the master certificate that protects the database key)");
    db.tde_certificate = r.string(*cert, milink::sdk::json_pointer_join(tp, "certificate"));
    if (db.tde_certificate.empty() || utf8_length(db.tde_certificate) > 128)
      r.fail(milink::sdk::json_pointer_join(tp, "certificate"), "a certificate name has 1 to 128 characters");
    if (auto* on = t.find("on_managed_instance"))
      db.tde_certificate_on_instance = r.boolean(*on, milink::sdk::json_pointer_join(tp, "on_managed_instance"));
  }
  return db;
}

LoginSpec read_login(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"name", "password", "sysadmin", "disabled", "default_database"});
  LoginSpec l;
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\"");
  l.name = r.string(*name, at("name"));
  if (l.name.empty()) r.fail(at("name"), "a login name cannot be empty");
  if (auto* x = o.find("password")) l.password = r.string(*x, at("password"));
  if (auto* x = o.find("sysadmin")) l.sysadmin = r.boolean(*x, at("sysadmin"));
  if (auto* x = o.find("disabled")) l.disabled = r.boolean(*x, at("disabled"));
  if (auto* x = o.find("default_database")) l.default_database = r.string(*x, at("default_database"));
  return l;
}

AgentStepSpec read_agent_step(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"name", "subsystem", "command", "database"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  AgentStepSpec st;
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\"");
  st.name = r.string(*name, at("name"));
  if (st.name.empty() || utf8_length(st.name) > 128) r.fail(at("name"), "a step name has 1 to 128 characters");
  if (auto* x = o.find("subsystem"))
    st.subsystem = r.choice<std::string>(*x, at("subsystem"), {{"TSQL", "TSQL"},
                                                              {"CmdExec", "CmdExec"},
                                                              {"PowerShell", "PowerShell"},
                                                              {"SSIS", "SSIS"}});
  if (auto* x = o.find("command")) st.command = r.string(*x, at("command"));
  if (auto* x = o.find("database")) st.database = r.string(*x, at("database"));
  return st;
}

AgentScheduleSpec read_agent_schedule(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"name", "enabled", "freq_type", "freq_interval", "freq_subday_type",
                                  "freq_subday_interval", "active_start_time"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  AgentScheduleSpec sc;
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\"");
  sc.name = r.string(*name, at("name"));
  if (sc.name.empty() || utf8_length(sc.name) > 128) r.fail(at("name"), "a schedule name has 1 to 128 characters");
  if (auto* x = o.find("enabled")) sc.enabled = r.boolean(*x, at("enabled"));
  if (auto* x = o.find("freq_type")) {
    sc.freq_type = static_cast<int>(r.integer(*x, at("freq_type"), 1, 128));
    if (sc.freq_type != 1 && sc.freq_type != 4 && sc.freq_type != 8 && sc.freq_type != 16 && sc.freq_type != 32 &&
        sc.freq_type != 64 && sc.freq_type != 128)
      r.fail(at("freq_type"), "must be one of 1, 4, 8, 16, 32, 64, 128 (msdb.dbo.sysschedules.freq_type)");
  }
  if (auto* x = o.find("freq_interval")) sc.freq_interval = static_cast<int>(r.integer(*x, at("freq_interval"), 0, 127));
  if (auto* x = o.find("freq_subday_type")) {
    sc.freq_subday_type = static_cast<int>(r.integer(*x, at("freq_subday_type"), 1, 8));
    if (sc.freq_subday_type != 1 && sc.freq_subday_type != 2 && sc.freq_subday_type != 4 && sc.freq_subday_type != 8)
      r.fail(at("freq_subday_type"), "must be one of 1 (once), 2 (seconds), 4 (minutes), 8 (hours)");
  }
  if (auto* x = o.find("freq_subday_interval"))
    sc.freq_subday_interval = static_cast<int>(r.integer(*x, at("freq_subday_interval"), 0, 100000));
  if (auto* x = o.find("active_start_time"))
    sc.active_start_time = static_cast<int>(r.integer(*x, at("active_start_time"), 0, 235959));
  if (sc.freq_type == 4 && sc.freq_interval < 1) r.fail(at("freq_interval"), "must be at least 1 for a daily schedule");
  if (sc.freq_subday_type != 1 && sc.freq_subday_interval < 1)
    r.fail(at("freq_subday_interval"), "must be at least 1 when freq_subday_type is not 1");
  return sc;
}

AgentJobSpec read_agent_job(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"name", "enabled", "description", "owner", "category", "jobserver", "steps",
                                  "schedules"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  AgentJobSpec j;
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\"");
  j.name = r.string(*name, at("name"));
  if (j.name.empty() || utf8_length(j.name) > 128) r.fail(at("name"), "a job name has 1 to 128 characters");
  if (auto* x = o.find("enabled")) j.enabled = r.boolean(*x, at("enabled"));
  if (auto* x = o.find("description")) {
    j.description = r.string(*x, at("description"));
    if (utf8_length(j.description) > 512) r.fail(at("description"), "a job description has at most 512 characters");
  }
  if (auto* x = o.find("owner")) j.owner = r.string(*x, at("owner"));
  if (auto* x = o.find("category")) {
    j.category = r.string(*x, at("category"));
    if (!find_job_category(j.category)) {
      std::string msg = "\"" + j.category + "\" is not a job category; known:";
      for (const auto& c : agent_categories())
        if (c.category_class == 1) msg += std::string(" \"") + c.name + "\"";
      r.fail(at("category"), msg);
    }
  }
  if (auto* x = o.find("jobserver")) j.jobserver = r.boolean(*x, at("jobserver"));
  if (auto* x = o.find("steps")) {
    const auto& arr = r.array(*x, at("steps"));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string ip = milink::sdk::json_pointer_join(at("steps"), i);
      AgentStepSpec st = read_agent_step(r, arr[i], ip);
      for (const auto& e : j.steps)
        if (iequals(e.name, st.name)) r.fail(ip, "step \"" + st.name + "\" appears twice in job \"" + j.name + "\"");
      j.steps.push_back(st);
    }
  }
  if (auto* x = o.find("schedules")) {
    const auto& arr = r.array(*x, at("schedules"));
    for (std::size_t i = 0; i < arr.size(); ++i)
      j.schedules.push_back(read_agent_schedule(r, arr[i], milink::sdk::json_pointer_join(at("schedules"), i)));
  }
  return j;
}

void read_agent(const Reader& r, const Value& v, const std::string& p, AgentSpec& a, bool mi) {
  std::vector<std::string> allowed = {"jobs"};
  if (!mi) allowed = {"status", "startup_type", "service_account", "jobs"};
  const auto& o = r.object(v, p, allowed);
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  if (auto* x = o.find("status"))
    a.status = r.choice<ServiceStatus>(*x, at("status"), {{"running", ServiceStatus::Running},
                                                          {"stopped", ServiceStatus::Stopped},
                                                          {"paused", ServiceStatus::Paused},
                                                          {"start_pending", ServiceStatus::StartPending},
                                                          {"stop_pending", ServiceStatus::StopPending},
                                                          {"continue_pending", ServiceStatus::ContinuePending},
                                                          {"pause_pending", ServiceStatus::PausePending}});
  if (auto* x = o.find("startup_type"))
    a.startup = r.choice<ServiceStartup>(*x, at("startup_type"), {{"automatic", ServiceStartup::Automatic},
                                                                  {"manual", ServiceStartup::Manual},
                                                                  {"disabled", ServiceStartup::Disabled},
                                                                  {"other", ServiceStartup::Other}});
  if (auto* x = o.find("service_account")) a.service_account = r.string(*x, at("service_account"));
  if (auto* x = o.find("jobs")) {
    a.jobs.clear();
    const auto& arr = r.array(*x, at("jobs"));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string ip = milink::sdk::json_pointer_join(at("jobs"), i);
      AgentJobSpec j = read_agent_job(r, arr[i], ip);
      for (const auto& e : a.jobs)
        if (iequals(e.name, j.name)) r.fail(ip, "job \"" + j.name + "\" appears twice");
      a.jobs.push_back(j);
    }
  }
}

void read_server(const Reader& r, const Value& v, const std::string& p, ServerSpec& s, bool mi) {
  std::vector<std::string> allowed = {"name",     "machine_name", "version",   "product_level", "update_level",
                                      "update_reference", "edition", "os",     "hadr_enabled",  "wsfc_node",
                                      "trace_flags", "collation",  "logins",    "databases",     "master_key",
                                      "agent",     "init_sql",  "multidb_milink"};
  if (mi) {
    allowed.push_back("fqdn");
    allowed.push_back("encryption");
    allowed.push_back("endpoint_certificate_valid_days");
    allowed.push_back("database_format");
  }
  const auto& o = r.object(v, p, allowed);
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  if (auto* x = o.find("name")) {
    s.name = r.string(*x, at("name"));
    if (s.name.empty()) r.fail(at("name"), "the server name cannot be empty");
    if (mi && !o.find("fqdn")) s.fqdn = s.name + ".abc123def456.database.windows.net";
  }
  if (auto* x = o.find("machine_name")) s.machine_name = r.string(*x, at("machine_name"));
  if (auto* x = o.find("version")) {
    s.version = r.string(*x, at("version"));
    int dots = static_cast<int>(std::count(s.version.begin(), s.version.end(), '.'));
    bool digits = std::all_of(s.version.begin(), s.version.end(), [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); });
    if (dots != 3 || !digits) r.fail(at("version"), "expected major.minor.build.revision, e.g. 15.0.4198.2");
  }
  if (auto* x = o.find("product_level")) s.product_level = r.string(*x, at("product_level"));
  if (auto* x = o.find("update_level")) s.update_level = r.string(*x, at("update_level"));
  if (auto* x = o.find("update_reference")) s.update_reference = r.string(*x, at("update_reference"));
  if (auto* x = o.find("edition")) s.edition = r.string(*x, at("edition"));
  if (auto* x = o.find("os"))
    s.os = r.choice<HostOs>(*x, at("os"), {{"windows", HostOs::Windows}, {"linux", HostOs::Linux}});
  if (auto* x = o.find("hadr_enabled")) s.hadr_enabled = r.boolean(*x, at("hadr_enabled"));
  if (auto* x = o.find("wsfc_node")) s.wsfc_node = r.boolean(*x, at("wsfc_node"));
  if (auto* x = o.find("multidb_milink")) {
    if (mi) r.fail(at("multidb_milink"), "only SQL Server has sys.sp_multidb_milink; remove it from managed_instance");
    s.multidb_milink = r.boolean(*x, at("multidb_milink"));
  }
  if (auto* x = o.find("trace_flags")) {
    s.trace_flags.clear();
    const auto& arr = r.array(*x, at("trace_flags"));
    for (std::size_t i = 0; i < arr.size(); ++i)
      s.trace_flags.push_back(static_cast<int>(r.integer(arr[i], milink::sdk::json_pointer_join(at("trace_flags"), i), 1, 32767)));
  }
  if (auto* x = o.find("collation")) {
    s.collation = r.string(*x, at("collation"));
    const CollationInfo* c = find_collation(s.collation);
    if (!c) {
      std::string msg = "unknown collation \"" + s.collation + "\"; known:";
      for (const auto& n : known_collation_names()) msg += " " + n;
      r.fail(at("collation"), msg);
    }
    s.collation = c->name;
  }
  if (auto* x = o.find("logins")) {
    std::vector<LoginSpec> logins;
    const auto& arr = r.array(*x, at("logins"));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      LoginSpec l = read_login(r, arr[i], milink::sdk::json_pointer_join(at("logins"), i));
      for (const auto& e : logins)
        if (iequals(e.name, l.name))
          r.fail(milink::sdk::json_pointer_join(at("logins"), i), "login \"" + l.name + "\" appears twice");
      logins.push_back(l);
    }
    bool has_sa = std::any_of(logins.begin(), logins.end(), [](const LoginSpec& l) { return iequals(l.name, "sa"); });
    if (!has_sa) logins.insert(logins.begin(), LoginSpec{"sa", kDefaultSaPassword, true, false, "master"});
    s.logins = logins;
  }
  if (auto* x = o.find("databases")) {
    s.databases.clear();
    const auto& arr = r.array(*x, at("databases"));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      DatabaseSpec d = read_database(r, arr[i], milink::sdk::json_pointer_join(at("databases"), i));
      for (const auto& e : s.databases)
        if (iequals(e.name, d.name))
          r.fail(milink::sdk::json_pointer_join(at("databases"), i), "database \"" + d.name + "\" appears twice");
      s.databases.push_back(d);
    }
  }
  if (auto* x = o.find("master_key")) s.master_key = r.boolean(*x, at("master_key"));
  if (auto* x = o.find("agent")) read_agent(r, *x, at("agent"), s.agent, mi);
  if (auto* x = o.find("init_sql")) {
    s.init_sql.clear();
    const auto& arr = r.array(*x, at("init_sql"));
    for (std::size_t i = 0; i < arr.size(); ++i)
      s.init_sql.push_back(r.string(arr[i], milink::sdk::json_pointer_join(at("init_sql"), i)));
  }
  if (mi) {
    if (auto* x = o.find("fqdn")) {
      s.fqdn = r.string(*x, at("fqdn"));
      if (s.fqdn.find('.') == std::string::npos) r.fail(at("fqdn"), "expected a fully qualified name such as mi1.abc123def456.database.windows.net");
    }
    if (auto* x = o.find("encryption"))
      s.encryption = r.choice<std::string>(*x, at("encryption"), {{"required", "required"},
                                                                 {"on", "on"},
                                                                 {"off", "off"},
                                                                 {"not_supported", "not_supported"}});
    if (auto* x = o.find("endpoint_certificate_valid_days"))
      s.endpoint_certificate_valid_days =
          static_cast<int>(r.integer(*x, at("endpoint_certificate_valid_days"), -3650, 36500));
    if (auto* x = o.find("database_format"))
      s.database_format = r.choice<std::string>(*x, at("database_format"), {{"SQLServer2022", "SQLServer2022"},
                                                                           {"SQLServer2025", "SQLServer2025"},
                                                                           {"AlwaysUpToDate", "AlwaysUpToDate"}});
  }
}

int yyyymmdd(const SqlDateTime& t) { return t.year * 10000 + t.month * 100 + t.day; }

void build_agent(ServerState& st, const AgentSpec& spec, const SqlDateTime& installed) {
  SqlAgent& a = st.agent;
  a = SqlAgent{};
  a.status = st.personality == Personality::ManagedInstance ? ServiceStatus::Running : spec.status;
  a.startup = st.personality == Personality::ManagedInstance ? ServiceStartup::Automatic : spec.startup;
  a.service_account = spec.service_account;
  a.last_startup_time = add_days(now_utc(), -1);
  for (const auto& js : spec.jobs) {
    AgentJob j;
    j.job_id = new_guid();
    j.name = js.name;
    j.enabled = js.enabled ? 1 : 0;
    if (!js.description.empty()) j.description = js.description;
    const AgentCategory* c = find_job_category(js.category);
    j.category_id = c ? c->category_id : 0;
    const Login* owner = st.find_login(js.owner);
    j.owner_sid = owner ? login_sid(*owner) : std::vector<std::uint8_t>{0x01};
    j.date_created = j.date_modified = installed;
    for (const auto& ss : js.steps) {
      AgentJobStep step;
      step.step_id = static_cast<int>(j.steps.size()) + 1;
      step.step_name = ss.name;
      step.subsystem = ss.subsystem;
      step.command = ss.command;
      if (!iequals(ss.subsystem, "CmdExec")) step.database_name = ss.database;
      step.step_uid = new_guid();
      j.steps.push_back(step);
    }
    for (const auto& sc : js.schedules) {
      AgentSchedule s;
      s.schedule_id = a.next_schedule_id++;
      s.schedule_uid = new_guid();
      s.name = sc.name;
      s.owner_sid = j.owner_sid;
      s.enabled = sc.enabled ? 1 : 0;
      s.freq_type = sc.freq_type;
      bool once = sc.freq_type == 1 || sc.freq_type == 64 || sc.freq_type == 128;
      s.freq_interval = once ? 0 : sc.freq_interval;
      s.freq_subday_type = once ? 0 : sc.freq_subday_type;
      s.freq_subday_interval = once || sc.freq_subday_type == 1 ? 0 : sc.freq_subday_interval;
      s.freq_recurrence_factor = sc.freq_type == 8 || sc.freq_type == 16 || sc.freq_type == 32 ? 1 : 0;
      s.active_start_date = yyyymmdd(installed);
      s.active_start_time = sc.active_start_time;
      s.date_created = s.date_modified = installed;
      a.schedules.push_back(s);
      j.schedule_ids.push_back(s.schedule_id);
    }
    j.targets_local_server = js.jobserver;
    a.jobs.push_back(std::move(j));
  }
}

int read_port(const Reader& r, const Value& v, const std::string& p) {
  return static_cast<int>(r.integer(v, p, 1, 65535));
}

NetworkBlock read_network_block(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"from", "port", "ports"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  NetworkBlock b;
  const Value* from = o.find("from");
  if (!from) r.fail(p, "missing \"from\" (sql_server or managed_instance: the side whose connections are blocked)");
  b.from = r.choice<Personality>(*from, at("from"), {{"sql_server", Personality::SqlServer},
                                                     {"managed_instance", Personality::ManagedInstance}});
  const Value* port = o.find("port");
  const Value* ports = o.find("ports");
  if ((port != nullptr) == (ports != nullptr)) r.fail(p, "give exactly one of \"port\" (N) or \"ports\" (\"N-M\")");
  if (port) {
    b.first = b.last = read_port(r, *port, at("port"));
  } else {
    std::string range = r.string(*ports, at("ports"));
    int first = 0, last = 0;
    char dash = 0, extra = 0;
    if (std::sscanf(range.c_str(), "%d %c %d %c", &first, &dash, &last, &extra) != 3 || dash != '-' || first < 1 ||
        last > 65535 || first > last)
      r.fail(at("ports"), "\"" + range + "\" is not a port range \"N-M\" with 1 <= N <= M <= 65535");
    b.first = first;
    b.last = last;
  }
  return b;
}

NetworkModel read_network(const Reader& r, const Value& v, const std::string& p) {
  const auto& o = r.object(v, p, {"block", "unresolvable", "instance_hadr_port", "instance_node", "instance_cluster",
                                  "connect_timeout_ms"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  NetworkModel n;
  if (auto* x = o.find("block")) {
    const auto& arr = r.array(*x, at("block"));
    for (std::size_t i = 0; i < arr.size(); ++i)
      n.blocks.push_back(read_network_block(r, arr[i], milink::sdk::json_pointer_join(at("block"), i)));
  }
  if (auto* x = o.find("unresolvable")) {
    const auto& arr = r.array(*x, at("unresolvable"));
    for (std::size_t i = 0; i < arr.size(); ++i)
      n.unresolvable.push_back(r.string(arr[i], milink::sdk::json_pointer_join(at("unresolvable"), i)));
  }
  if (auto* x = o.find("instance_hadr_port"))
    n.instance_hadr_port = static_cast<int>(r.integer(*x, at("instance_hadr_port"), kInstanceNodePortFirst, kInstanceNodePortLast));
  if (auto* x = o.find("instance_node")) n.instance_node = r.string(*x, at("instance_node"));
  if (auto* x = o.find("instance_cluster")) n.instance_cluster = r.string(*x, at("instance_cluster"));
  if (auto* x = o.find("connect_timeout_ms"))
    n.connect_timeout_ms = static_cast<int>(r.integer(*x, at("connect_timeout_ms"), 0, 600000));
  return n;
}

ExistingAgSpec read_existing_ag(const Reader& r, const Value& v, const std::string& p, const ServerSpec& primary) {
  const auto& o = r.object(v, p, {"name", "databases", "replicas", "listener", "seeding_mode"});
  auto at = [&](const char* k) { return milink::sdk::json_pointer_join(p, k); };
  ExistingAgSpec ag;
  const Value* name = o.find("name");
  if (!name) r.fail(p, "missing \"name\" (the availability group's name)");
  ag.name = r.string(*name, at("name"));
  if (ag.name.empty() || utf8_length(ag.name) > 128) r.fail(at("name"), "an availability group name has 1 to 128 characters");
  if (auto* x = o.find("databases")) {
    const auto& arr = r.array(*x, at("databases"));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string ip = milink::sdk::json_pointer_join(at("databases"), i);
      std::string db = r.string(arr[i], ip);
      auto spec = std::find_if(primary.databases.begin(), primary.databases.end(),
                               [&](const DatabaseSpec& d) { return iequals(d.name, db); });
      if (spec == primary.databases.end()) r.fail(ip, "database \"" + db + "\" is not in /sql_server/databases");
      if (spec->recovery != RecoveryModel::Full)
        r.fail(ip, "database \"" + db + "\" must use the FULL recovery model to be in an availability group");
      for (const auto& seen : ag.databases)
        if (iequals(seen, db)) r.fail(ip, "database \"" + db + "\" is listed twice");
      ag.databases.push_back(spec->name);
    }
  }
  const Value* replicas = o.find("replicas");
  if (!replicas) r.fail(p, "missing \"replicas\" (the secondary replicas' server names)");
  const auto& arr = r.array(*replicas, at("replicas"));
  if (arr.empty() || arr.size() > 8)
    r.fail(at("replicas"), "an availability group has 1 to 8 secondary replicas");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string ip = milink::sdk::json_pointer_join(at("replicas"), i);
    std::string n = r.string(arr[i], ip);
    if (n.empty() || utf8_length(n) > 128) r.fail(ip, "a server name has 1 to 128 characters");
    if (iequals(n, primary.name)) r.fail(ip, "\"" + n + "\" is the primary replica (/sql_server/name)");
    for (const auto& seen : ag.replicas)
      if (iequals(seen, n)) r.fail(ip, "replica \"" + n + "\" is listed twice");
    ag.replicas.push_back(n);
  }
  if (auto* x = o.find("listener")) {
    const auto& l = r.object(*x, at("listener"), {"dns_name"});
    const Value* dns = l.find("dns_name");
    if (!dns) r.fail(at("listener"), "missing \"dns_name\" (the listener's network name)");
    std::string lp = milink::sdk::json_pointer_join(at("listener"), "dns_name");
    ag.listener_dns_name = r.string(*dns, lp);
    if (ag.listener_dns_name.empty() || ag.listener_dns_name.size() > 63)
      r.fail(lp, "a listener's DNS name has 1 to 63 characters");
  }
  if (auto* x = o.find("seeding_mode")) {
    std::string mode = r.string(*x, at("seeding_mode"));
    if (!iequals(mode, "automatic") && !iequals(mode, "manual"))
      r.fail(at("seeding_mode"), "\"" + mode + "\" is not a seeding mode; write automatic or manual");
    ag.automatic_seeding = iequals(mode, "automatic");
  }
  return ag;
}

}  // namespace

Scenario default_scenario() {
  Scenario s;
  s.sql_server = default_sql_server();
  s.managed_instance = default_managed_instance();
  return s;
}

Scenario sample_scenario() {
  Scenario s = default_scenario();
  s.sql_server.version = kSampleSqlServerVersion;  // 2022 CU14: has the link procedures
  s.sql_server.product_level = "RTM";
  // A server already prepared for Always On: master has its database master
  // key, so the demo needs no password (the tests cover creating it).
  s.sql_server.master_key = true;
  return s;
}

Scenario parse_scenario_value(const Value& value, const std::string& source, const SourceMap* map) {
  Reader r(source, map);
  Scenario s = default_scenario();
  const auto& o = r.object(value, "", {"sql_server", "managed_instance", "network", "availability_group", "arm", "clock"});
  if (auto* x = o.find("network")) s.network = read_network(r, *x, "/network");
  if (auto* x = o.find("arm")) {
    const auto& a = r.object(*x, "/arm", {"page_size"});
    if (auto* n = a.find("page_size")) s.arm_page_size = static_cast<int>(r.integer(*n, "/arm/page_size", 0, 1000));
  }
  if (auto* x = o.find("clock")) {
    const auto& c = r.object(*x, "/clock", {"offset_days"});
    if (auto* n = c.find("offset_days")) s.clock_offset_seconds = r.integer(*n, "/clock/offset_days", -36500, 36500) * 86400;
  }
  if (auto* x = o.find("sql_server")) read_server(r, *x, "/sql_server", s.sql_server, false);
  if (auto* x = o.find("managed_instance")) read_server(r, *x, "/managed_instance", s.managed_instance, true);
  if (auto* x = o.find("availability_group"))
    s.availability_group = read_existing_ag(r, *x, "/availability_group", s.sql_server);
  for (const ServerSpec* spec : {&s.sql_server, &s.managed_instance}) {
    const char* which = spec == &s.sql_server ? "/sql_server" : "/managed_instance";
    for (std::size_t i = 0; i < spec->logins.size(); ++i) {
      const auto& l = spec->logins[i];
      bool found = iequals(l.default_database, "master") || iequals(l.default_database, "tempdb") ||
                   iequals(l.default_database, "model") || iequals(l.default_database, "msdb");
      for (const auto& d : spec->databases) found = found || iequals(d.name, l.default_database);
      if (!found)
        r.fail(std::string(which) + "/logins/" + std::to_string(i) + "/default_database",
               "database \"" + l.default_database + "\" is not in this server's databases");
    }
    for (std::size_t i = 0; i < spec->agent.jobs.size(); ++i) {
      const auto& j = spec->agent.jobs[i];
      std::string jp = std::string(which) + "/agent/jobs/" + std::to_string(i);
      bool owner = std::any_of(spec->logins.begin(), spec->logins.end(),
                               [&](const LoginSpec& l) { return iequals(l.name, j.owner); });
      if (!owner) r.fail(jp + "/owner", "login \"" + j.owner + "\" is not in this server's logins");
      for (std::size_t k = 0; k < j.steps.size(); ++k) {
        const auto& db = j.steps[k].database;
        bool found = iequals(db, "master") || iequals(db, "tempdb") || iequals(db, "model") || iequals(db, "msdb");
        for (const auto& d : spec->databases) found = found || iequals(d.name, db);
        if (!found)
          r.fail(jp + "/steps/" + std::to_string(k) + "/database",
                 "database \"" + db + "\" is not in this server's databases");
      }
    }
  }
  return s;
}

Scenario parse_scenario(std::string_view json_text, const std::string& source) {
  SourceMap map;
  Value v;
  try {
    v = milink::sdk::parse_json(json_text, source, &map);
  } catch (const milink::sdk::JsonError& e) {
    throw ScenarioError(e.what());
  }
  return parse_scenario_value(v, source, &map);
}

void build_server_state(ServerState& st, const ServerSpec& spec, Personality personality) {
  st.personality = personality;
  st.name = spec.name;
  st.machine_name = spec.machine_name.empty() ? spec.name.substr(0, spec.name.find('\\')) : spec.machine_name;
  st.version = spec.version;
  st.product_level = spec.product_level;
  st.update_level.clear();
  st.update_reference.clear();
  for (const auto& b : kBuilds)
    if (spec.version == b.version) {
      st.update_level = b.update_level;
      st.update_reference = b.reference;
    }
  if (spec.update_level) st.update_level = *spec.update_level;
  if (spec.update_reference) st.update_reference = *spec.update_reference;
  st.edition = spec.edition;
  st.os = spec.os;
  st.hadr_enabled = spec.hadr_enabled;
  st.multidb_milink_present = spec.multidb_milink;
  st.wsfc_node = spec.wsfc_node;
  st.trace_flags = std::set<int>(spec.trace_flags.begin(), spec.trace_flags.end());
  st.collation = spec.collation;
  st.fqdn = spec.fqdn;
  if (personality == Personality::ManagedInstance) {
    std::size_t a = spec.fqdn.find('.');
    std::size_t b = a == std::string::npos ? a : spec.fqdn.find('.', a + 1);
    st.dns_zone = (a != std::string::npos && b != std::string::npos) ? spec.fqdn.substr(a + 1, b - a - 1) : "";
  }
  st.encryption = spec.encryption;
  st.endpoint_certificate_valid_days = spec.endpoint_certificate_valid_days;
  st.database_format = spec.database_format;
  st.init_sql = spec.init_sql;
  st.init_done = spec.init_sql.empty();

  st.logins.clear();
  for (const auto& l : spec.logins) {
    Login& login = st.add_login(l.name, l.password, l.sysadmin);
    login.disabled = l.disabled;
    login.default_database = l.default_database;
  }
  if (!st.find_login("sa")) st.add_login("sa", kDefaultSaPassword, true);

  st.databases.clear();
  SqlDateTime installed = add_days(now_utc(), -30);
  struct Sys {
    const char* name;
    int id;
    RecoveryModel recovery;
  };
  // Developer/Enterprise: model is FULL, so new databases are FULL.
  for (Sys s : {Sys{"master", 1, RecoveryModel::Simple}, Sys{"tempdb", 2, RecoveryModel::Simple},
                Sys{"model", 3, RecoveryModel::Full}, Sys{"msdb", 4, RecoveryModel::Simple}}) {
    Database d;
    d.name = s.name;
    d.database_id = s.id;
    d.recovery = s.recovery;
    d.is_system = true;
    d.collation = spec.collation;
    d.database_guid = new_guid();
    d.create_date = s.id == 2 ? now_utc() : installed;
    d.compatibility_level = personality == Personality::ManagedInstance ? 160 : std::max(100, st.major() * 10);
    d.size_mb = s.id == 2 ? 16 : 8;
    st.databases.push_back(d);
  }
  st.next_database_id = 5;
  if (spec.master_key) {
    MasterKey mk;
    mk.key_guid = new_guid();
    mk.create_date = mk.modify_date = installed;
    st.master().master_key = mk;
  }
  build_agent(st, spec.agent, installed);
  for (const auto& ds : spec.databases) {
    Database& d = st.add_database(ds.name, ds.recovery);
    d.size_mb = ds.size_mb;
    d.state = ds.state;
    d.read_only = ds.read_only;
    d.workload_log_bytes_per_second = static_cast<double>(ds.workload_log_bytes_per_second);
    d.create_date = installed;
    d.log_files = ds.log_files;
    d.filestream = ds.filestream;
    d.memory_optimized = ds.memory_optimized;
    d.tde_certificate = ds.tde_certificate;
    std::string db_name = d.name;
    for (const auto& b : ds.backups) {
      Database* db = st.find_database(db_name);
      st.record_backup(*db, b.type, b.copy_only, "C:\\Backup\\" + db_name + (b.type == 'L' ? ".trn" : ".bak"), true, "sa");
    }
  }
}

}  // namespace milink::emulator
