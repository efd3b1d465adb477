#include "sql/catalog.hpp"

#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <stdexcept>

namespace milink::emulator::sql {

using milink::sdk::SqlType;

int CatalogView::column_index(const std::string& column, bool ci) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (collate_equal(columns[i].name, column, ci)) return static_cast<int>(i);
  return -1;
}

namespace {

std::vector<CatalogColumn> cols(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<CatalogColumn> out;
  for (const auto& [name, type] : list) {
    auto t = TypeSpec::parse(type);
    if (!t) throw std::logic_error(std::string("catalog: unknown type ") + type);
    out.push_back(CatalogColumn{name, *t, type});
  }
  return out;
}

std::vector<CatalogColumn> concat(std::vector<CatalogColumn> a, const std::vector<CatalogColumn>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

SqlValue coerce(const SqlValue& v, const TypeSpec& t) {
  if (v.is_null()) return SqlValue::null(Datum::sql_type_of(t.base));
  SqlType want = t.to_column("").type;
  if (v.type() == want) return v;
  switch (want) {
    case SqlType::Int: return SqlValue::integer(static_cast<std::int32_t>(v.as_int64()));
    case SqlType::BigInt: return SqlValue::bigint(v.as_int64());
    case SqlType::Bit: return SqlValue::bit(v.type() == SqlType::Bit ? v.as_bool() : v.as_int64() != 0);
    default: break;
  }
  throw std::logic_error("catalog: value of type " + std::string(milink::sdk::sql_type_name(v.type())) +
                         " for a " + t.name() + " column");
}

class Row {
public:
  explicit Row(const std::vector<CatalogColumn>& c) : cols_(c), vals_(c.size()), set_(c.size(), false) {}
  Row& operator()(const char* name, SqlValue v) {
    for (std::size_t i = 0; i < cols_.size(); ++i)
      if (cols_[i].name == name) {
        vals_[i] = Datum{coerce(v, cols_[i].type), cols_[i].type};
        set_[i] = true;
        return *this;
      }
    throw std::logic_error(std::string("catalog: no column ") + name);
  }
  Row& operator()(const char* name, const std::string& s) { return (*this)(name, SqlValue::nvarchar(s)); }
  Row& operator()(const char* name, const char* s) { return (*this)(name, SqlValue::nvarchar(s)); }
  Row& operator()(const char* name, std::int64_t n) { return (*this)(name, SqlValue::bigint(n)); }
  Row& operator()(const char* name, int n) { return (*this)(name, SqlValue::bigint(n)); }
  Row& operator()(const char* name, bool b) { return (*this)(name, SqlValue::bit(b)); }
  Row& operator()(const char* name, const SqlDateTime& t) { return (*this)(name, SqlValue::datetime2(t)); }
  Row& operator()(const char* name, const std::vector<std::uint8_t>& b) { return (*this)(name, SqlValue::varbinary(b)); }
  Row& null(const char* name) { return (*this)(name, SqlValue()); }
  template <typename T>
  Row& opt(const char* name, const std::optional<T>& v) {
    if (v) return (*this)(name, *v);
    return null(name);
  }
  CatalogRow done() const {
    for (std::size_t i = 0; i < cols_.size(); ++i)
      if (!set_[i]) throw std::logic_error("catalog: row misses column " + cols_[i].name);
    return vals_;
  }

private:
  const std::vector<CatalogColumn>& cols_;
  CatalogRow vals_;
  std::vector<bool> set_;
};

SqlDateTime dt(const SqlDateTime& t) { return round_to_datetime(t); }

// SID of a certificate-mapped principal: S-1-9-1-<thumbprint as five 32-bit words>.
std::vector<std::uint8_t> certificate_sid(const Certificate& c) {
  std::vector<std::uint8_t> sid = {0x01, 0x06, 0, 0, 0, 0, 0, 0x09, 0x01, 0, 0, 0};
  std::vector<std::uint8_t> tp = c.x509.sha1;
  tp.resize(20, 0);
  sid.insert(sid.end(), tp.begin(), tp.end());
  return sid;
}

std::string certificate_string_sid(const Certificate& c) {
  std::vector<std::uint8_t> tp = c.x509.sha1;
  tp.resize(20, 0);
  std::string s = "S-1-9-1";
  for (int i = 0; i < 5; ++i) {
    std::uint32_t w = static_cast<std::uint32_t>(tp[i * 4]) | static_cast<std::uint32_t>(tp[i * 4 + 1]) << 8 |
                      static_cast<std::uint32_t>(tp[i * 4 + 2]) << 16 | static_cast<std::uint32_t>(tp[i * 4 + 3]) << 24;
    s += "-" + std::to_string(w);
  }
  return s;
}

const char* pvt_type(PrivateKeyProtection p) {
  switch (p) {
    case PrivateKeyProtection::None: return "NA";
    case PrivateKeyProtection::MasterKey: return "MK";
    case PrivateKeyProtection::Password: return "PW";
  }
  return "NA";
}

const char* pvt_desc(PrivateKeyProtection p) {
  switch (p) {
    case PrivateKeyProtection::None: return "NO_PRIVATE_KEY";
    case PrivateKeyProtection::MasterKey: return "ENCRYPTED_BY_MASTER_KEY";
    case PrivateKeyProtection::Password: return "ENCRYPTED_BY_PASSWORD";
  }
  return "NO_PRIVATE_KEY";
}

// --- endpoints ------------------------------------------------------------------

struct EndpointRow {
  std::string name;
  int id;
  int protocol;
  const char* protocol_desc;
  int type;
  const char* type_desc;
  int state;
  const char* state_desc;
  bool is_admin;
  int port;
  bool dynamic_port;
  const Endpoint* dbm;
};

std::vector<EndpointRow> endpoint_rows(const ServerState& s) {
  std::vector<EndpointRow> out = {
      {"Dedicated Admin Connection", 1, 2, "TCP", 2, "TSQL", 0, "STARTED", true, 0, true, nullptr},
      {"TSQL Local Machine", 2, 4, "SHARED_MEMORY", 2, "TSQL", 0, "STARTED", false, 0, false, nullptr},
      {"TSQL Named Pipes", 3, 3, "NAMED_PIPES", 2, "TSQL", 0, "STARTED", false, 0, false, nullptr},
      {"TSQL Default TCP", 4, 2, "TCP", 2, "TSQL", 0, "STARTED", false, 0, true, nullptr},
      {"TSQL Default VIA", 5, 5, "VIA", 2, "TSQL", 1, "STOPPED", false, 0, false, nullptr},
  };
  for (const auto& e : s.endpoints)
    out.push_back({e.name, e.endpoint_id, 2, "TCP", 4, "DATABASE_MIRRORING", static_cast<int>(e.state),
                   endpoint_state_name(e.state), false, e.port, false, &e});
  return out;
}

const std::vector<CatalogColumn>& endpoint_columns() {
  static const auto c = cols({{"name", "sysname"},
                              {"endpoint_id", "int"},
                              {"principal_id", "int"},
                              {"protocol", "tinyint"},
                              {"protocol_desc", "nvarchar(60)"},
                              {"type", "tinyint"},
                              {"type_desc", "nvarchar(60)"},
                              {"state", "tinyint"},
                              {"state_desc", "nvarchar(60)"},
                              {"is_admin_endpoint", "bit"}});
  return c;
}

void fill_endpoint(Row& r, const EndpointRow& e) {
  r("name", e.name)("endpoint_id", e.id)("principal_id", 1)("protocol", e.protocol)("protocol_desc", e.protocol_desc)(
      "type", e.type)("type_desc", e.type_desc)("state", e.state)("state_desc", e.state_desc)("is_admin_endpoint",
                                                                                              e.is_admin);
}

const char* role_desc(int role) { return role == 1 ? "PRIMARY" : role == 2 ? "SECONDARY" : "RESOLVING"; }
const char* operational_desc(int s) {
  static const char* n[] = {"PENDING_FAILOVER", "PENDING", "ONLINE", "OFFLINE", "FAILED", "FAILED_NO_QUORUM"};
  return (s >= 0 && s <= 5) ? n[s] : "ONLINE";
}
const char* health_desc(int h) { return h == 2 ? "HEALTHY" : h == 1 ? "PARTIALLY_HEALTHY" : "NOT_HEALTHY"; }
const char* sync_state_desc(int s) {
  static const char* n[] = {"NOT SYNCHRONIZING", "SYNCHRONIZING", "SYNCHRONIZED", "REVERTING", "INITIALIZING"};
  return (s >= 0 && s <= 4) ? n[s] : "NOT SYNCHRONIZING";
}
const char* backup_preference_desc(int p) {
  static const char* n[] = {"PRIMARY", "SECONDARY_ONLY", "SECONDARY", "NONE"};
  return (p >= 0 && p <= 3) ? n[p] : "SECONDARY";
}

// --- SQL Server Agent -----------------------------------------------------------

std::string instance_id(const ServerState& s) {
  auto slash = s.name.find('\\');
  return slash == std::string::npos ? std::string("MSSQLSERVER") : s.name.substr(slash + 1);
}

/// sys.dm_server_services, msdb.dbo.sysjobs, sysjobsteps, sysschedules,
/// sysjobschedules, sysjobservers and syscategories (sql-docs pages of
/// each; column names and types as documented).
void add_agent_views(std::vector<CatalogView>& v) {
  // sys.dm_server_services. last_startup_time is datetimeoffset(7) on SQL
  // Server; the emulator has no datetimeoffset and serves datetime2(7) (UTC).
  v.push_back(CatalogView{"sys", "dm_server_services", "", false,
                          cols({{"servicename", "nvarchar(256)"},
                                {"startup_type", "int"},
                                {"startup_type_desc", "nvarchar(256)"},
                                {"status", "int"},
                                {"status_desc", "nvarchar(256)"},
                                {"process_id", "int"},
                                {"last_startup_time", "datetime2"},
                                {"service_account", "nvarchar(256)"},
                                {"filename", "nvarchar(256)"},
                                {"is_clustered", "nvarchar(1)"},
                                {"cluster_nodename", "nvarchar(256)"},
                                {"instant_file_initialization_enabled", "nvarchar(1)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    std::string inst = instance_id(s);
    bool named = inst != "MSSQLSERVER";
    bool linux = s.os == HostOs::Linux;
    std::string binn = "C:\\Program Files\\Microsoft SQL Server\\MSSQL" + std::to_string(s.major()) + "." + inst +
                       "\\MSSQL\\Binn\\";
    const Database* tempdb = s.find_database("tempdb");
    // The engine: running since tempdb was created (tempdb is rebuilt at every start).
    Row e(cols);
    e("servicename", "SQL Server (" + inst + ")")("startup_type", 2)("startup_type_desc", "Automatic")("status", 4)(
        "status_desc", "Running")("process_id", 4242);
    if (tempdb) e("last_startup_time", dt(tempdb->create_date));
    else e.null("last_startup_time");
    e("service_account", linux ? std::string("mssql") : named ? "NT Service\\MSSQL$" + inst : std::string("NT Service\\MSSQLSERVER"))(
        "filename", linux ? std::string("/opt/mssql/bin/sqlservr") : "\"" + binn + "sqlservr.exe\" -s" + inst)(
        "is_clustered", "N")
        .null("cluster_nodename")("instant_file_initialization_enabled", "N");
    out.push_back(e.done());
    // SQL Server Agent.
    const SqlAgent& a = s.agent;
    Row r(cols);
    r("servicename", "SQL Server Agent (" + inst + ")")("startup_type", static_cast<int>(a.startup))(
        "startup_type_desc", service_startup_desc(a.startup))("status", static_cast<int>(a.status))(
        "status_desc", service_status_desc(a.status))("process_id", a.status == ServiceStatus::Stopped ? 0 : 4343);
    if (a.status == ServiceStatus::Stopped) r.null("last_startup_time");
    else r("last_startup_time", dt(a.last_startup_time));
    std::string account = a.service_account;
    if (account.empty())
      account = linux ? std::string("mssql") : named ? "NT Service\\SQLAgent$" + inst : std::string("NT Service\\SQLSERVERAGENT");
    r("service_account", account)(
        "filename", linux ? std::string("/opt/mssql/bin/sqlservr") : "\"" + binn + "SQLAGENT.EXE\" -i " + inst)(
        "is_clustered", "N")
        .null("cluster_nodename")
        .null("instant_file_initialization_enabled");
    out.push_back(r.done());
    return out;
  };

  // msdb.dbo.sysjobs
  v.push_back(CatalogView{"dbo", "sysjobs", "msdb", false,
                          cols({{"job_id", "uniqueidentifier"},
                                {"originating_server_id", "int"},
                                {"name", "sysname"},
                                {"enabled", "tinyint"},
                                {"description", "nvarchar(512)"},
                                {"start_step_id", "int"},
                                {"category_id", "int"},
                                {"owner_sid", "varbinary(85)"},
                                {"notify_level_eventlog", "int"},
                                {"notify_level_email", "int"},
                                {"notify_level_netsend", "int"},
                                {"notify_level_page", "int"},
                                {"notify_email_operator_id", "int"},
                                {"notify_netsend_operator_id", "int"},
                                {"notify_page_operator_id", "int"},
                                {"delete_level", "int"},
                                {"date_created", "datetime"},
                                {"date_modified", "datetime"},
                                {"version_number", "int"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& j : s.agent.jobs) {
      Row r(cols);
      r("job_id", j.job_id)("originating_server_id", 0)("name", j.name)("enabled", j.enabled)(
          "description", j.description)("start_step_id", j.start_step_id)("category_id", j.category_id)(
          "owner_sid", j.owner_sid)("notify_level_eventlog", j.notify_level_eventlog)(
          "notify_level_email", j.notify_level_email)("notify_level_netsend", j.notify_level_netsend)(
          "notify_level_page", j.notify_level_page)("notify_email_operator_id", 0)("notify_netsend_operator_id", 0)(
          "notify_page_operator_id", 0)("delete_level", j.delete_level)("date_created", dt(j.date_created))(
          "date_modified", dt(j.date_modified))("version_number", j.version_number);
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.sysjobsteps (additional_parameters is ntext on SQL Server; nvarchar(max) here)
  v.push_back(CatalogView{"dbo", "sysjobsteps", "msdb", false,
                          cols({{"job_id", "uniqueidentifier"},
                                {"step_id", "int"},
                                {"step_name", "sysname"},
                                {"subsystem", "nvarchar(40)"},
                                {"command", "nvarchar(max)"},
                                {"flags", "int"},
                                {"additional_parameters", "nvarchar(max)"},
                                {"cmdexec_success_code", "int"},
                                {"on_success_action", "tinyint"},
                                {"on_success_step_id", "int"},
                                {"on_fail_action", "tinyint"},
                                {"on_fail_step_id", "int"},
                                {"server", "sysname"},
                                {"database_name", "sysname"},
                                {"database_user_name", "sysname"},
                                {"retry_attempts", "int"},
                                {"retry_interval", "int"},
                                {"os_run_priority", "int"},
                                {"output_file_name", "nvarchar(200)"},
                                {"last_run_outcome", "int"},
                                {"last_run_duration", "int"},
                                {"last_run_retries", "int"},
                                {"last_run_date", "int"},
                                {"last_run_time", "int"},
                                {"proxy_id", "int"},
                                {"step_uid", "uniqueidentifier"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& j : s.agent.jobs)
      for (const auto& st : j.steps) {
        Row r(cols);
        r("job_id", j.job_id)("step_id", st.step_id)("step_name", st.step_name)("subsystem", st.subsystem)
            .opt("command", st.command)("flags", st.flags)
            .opt("additional_parameters", st.additional_parameters)("cmdexec_success_code", st.cmdexec_success_code)(
                "on_success_action", st.on_success_action)("on_success_step_id", st.on_success_step_id)(
                "on_fail_action", st.on_fail_action)("on_fail_step_id", st.on_fail_step_id)
            .opt("server", st.server)
            .opt("database_name", st.database_name)
            .opt("database_user_name", st.database_user_name)("retry_attempts", st.retry_attempts)(
                "retry_interval", st.retry_interval)("os_run_priority", st.os_run_priority)
            .opt("output_file_name", st.output_file_name)("last_run_outcome", 0)("last_run_duration", 0)(
                "last_run_retries", 0)("last_run_date", 0)("last_run_time", 0)
            .opt("proxy_id", st.proxy_id)("step_uid", st.step_uid);
        out.push_back(r.done());
      }
    return out;
  };

  // msdb.dbo.sysschedules
  v.push_back(CatalogView{"dbo", "sysschedules", "msdb", false,
                          cols({{"schedule_id", "int"},
                                {"schedule_uid", "uniqueidentifier"},
                                {"originating_server_id", "int"},
                                {"name", "sysname"},
                                {"owner_sid", "varbinary(85)"},
                                {"enabled", "int"},
                                {"freq_type", "int"},
                                {"freq_interval", "int"},
                                {"freq_subday_type", "int"},
                                {"freq_subday_interval", "int"},
                                {"freq_relative_interval", "int"},
                                {"freq_recurrence_factor", "int"},
                                {"active_start_date", "int"},
                                {"active_end_date", "int"},
                                {"active_start_time", "int"},
                                {"active_end_time", "int"},
                                {"date_created", "datetime"},
                                {"date_modified", "datetime"},
                                {"version_number", "int"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& sc : s.agent.schedules) {
      Row r(cols);
      r("schedule_id", sc.schedule_id)("schedule_uid", sc.schedule_uid)("originating_server_id", 0)("name", sc.name)(
          "owner_sid", sc.owner_sid)("enabled", sc.enabled)("freq_type", sc.freq_type)("freq_interval",
                                                                                       sc.freq_interval)(
          "freq_subday_type", sc.freq_subday_type)("freq_subday_interval", sc.freq_subday_interval)(
          "freq_relative_interval", sc.freq_relative_interval)("freq_recurrence_factor", sc.freq_recurrence_factor)(
          "active_start_date", sc.active_start_date)("active_end_date", sc.active_end_date)(
          "active_start_time", sc.active_start_time)("active_end_time", sc.active_end_time)(
          "date_created", dt(sc.date_created))("date_modified", dt(sc.date_modified))("version_number",
                                                                                       sc.version_number);
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.sysjobschedules (next_run_* stay 0 until the Agent's next refresh)
  v.push_back(CatalogView{"dbo", "sysjobschedules", "msdb", false,
                          cols({{"schedule_id", "int"},
                                {"job_id", "uniqueidentifier"},
                                {"next_run_date", "int"},
                                {"next_run_time", "int"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& j : s.agent.jobs)
      for (int id : j.schedule_ids) {
        Row r(cols);
        r("schedule_id", id)("job_id", j.job_id)("next_run_date", 0)("next_run_time", 0);
        out.push_back(r.done());
      }
    return out;
  };

  // msdb.dbo.sysjobservers (local jobs: server_id 0; last_run_outcome 5 = unknown until it runs)
  v.push_back(CatalogView{"dbo", "sysjobservers", "msdb", false,
                          cols({{"job_id", "uniqueidentifier"},
                                {"server_id", "int"},
                                {"last_run_outcome", "tinyint"},
                                {"last_outcome_message", "nvarchar(1024)"},
                                {"last_run_date", "int"},
                                {"last_run_time", "int"},
                                {"last_run_duration", "int"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& j : s.agent.jobs) {
      if (!j.targets_local_server) continue;
      Row r(cols);
      r("job_id", j.job_id)("server_id", 0)("last_run_outcome", 5)
          .null("last_outcome_message")("last_run_date", 0)("last_run_time", 0)("last_run_duration", 0);
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.sysjobhistory
  v.push_back(CatalogView{"dbo", "sysjobhistory", "msdb", false,
                          cols({{"instance_id", "int"},
                                {"job_id", "uniqueidentifier"},
                                {"step_id", "int"},
                                {"step_name", "sysname"},
                                {"sql_message_id", "int"},
                                {"sql_severity", "int"},
                                {"message", "nvarchar(4000)"},
                                {"run_status", "int"},
                                {"run_date", "int"},
                                {"run_time", "int"},
                                {"run_duration", "int"},
                                {"operator_id_emailed", "int"},
                                {"operator_id_netsent", "int"},
                                {"operator_id_paged", "int"},
                                {"retries_attempted", "int"},
                                {"server", "sysname"}}),
                          {}});
  v.back().time_dependent = true;  // a running job's row shows when it ends
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& h : s.agent.history) {
      if (h.visible_at > now) continue;  // the job is still running
      Row r(cols);
      r("instance_id", h.instance_id)("job_id", h.job_id)("step_id", h.step_id)("step_name", h.step_name)(
          "sql_message_id", h.sql_message_id)("sql_severity", h.sql_severity)("message", h.message)(
          "run_status", h.run_status)("run_date", h.run_date)("run_time", h.run_time)("run_duration", h.run_duration)(
          "operator_id_emailed", 0)("operator_id_netsent", 0)("operator_id_paged", 0)(
          "retries_attempted", h.retries_attempted)("server", h.server);
      out.push_back(r.done());
    }
    return out;
  };

  // sys.dm_hadr_fabric_config_parameters (managed instance: its Service
  // Fabric settings; undocumented, columns as the link docs' query uses them)
  v.push_back(CatalogView{"sys", "dm_hadr_fabric_config_parameters", "", false,
                          cols({{"section_name", "nvarchar(256)"},
                                {"parameter_name", "nvarchar(256)"},
                                {"value", "nvarchar(4000)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& p : s.fabric_config) {
      Row r(cols);
      r("section_name", p[0])("parameter_name", p[1])("value", p[2]);
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.syscategories
  v.push_back(CatalogView{"dbo", "syscategories", "msdb", false,
                          cols({{"category_id", "int"},
                                {"category_class", "int"},
                                {"category_type", "tinyint"},
                                {"name", "sysname"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState&, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& c : agent_categories()) {
      Row r(cols);
      r("category_id", c.category_id)("category_class", c.category_class)("category_type", c.category_type)(
          "name", c.name);
      out.push_back(r.done());
    }
    return out;
  };
}

/// sys.database_files, sys.filegroups, sys.dm_database_encryption_keys,
/// sys.all_objects (the system procedures the engine knows) and
/// sys.dm_hadr_cluster (sql-docs pages of each; documented columns the
/// link's checks read, with their documented types).
void add_storage_views(std::vector<CatalogView>& v) {
  // sys.database_files: the data file (ROWS, in PRIMARY), the log files,
  // and one container (type 2, FILESTREAM) per FILESTREAM or
  // MEMORY_OPTIMIZED_DATA filegroup, as SQL Server lists both.
  v.push_back(CatalogView{"sys", "database_files", "", true,
                          cols({{"file_id", "int"},
                                {"type", "tinyint"},
                                {"type_desc", "nvarchar(60)"},
                                {"data_space_id", "int"},
                                {"name", "sysname"},
                                {"physical_name", "nvarchar(260)"},
                                {"state", "tinyint"},
                                {"state_desc", "nvarchar(60)"},
                                {"size", "int"},
                                {"is_read_only", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState&, const Database& db) {
    std::vector<CatalogRow> out;
    const std::string dir = "C:\\Program Files\\Microsoft SQL Server\\MSSQL\\DATA\\";
    auto file = [&](int id, int type, const char* type_desc, int space, const std::string& name,
                    const std::string& physical, std::int64_t pages) {
      Row r(cols);
      r("file_id", id)("type", type)("type_desc", type_desc)("data_space_id", space)("name", name)(
          "physical_name", physical)("state", 0)("state_desc", "ONLINE")("size", pages)("is_read_only", false);
      out.push_back(r.done());
    };
    const std::int64_t data_pages = db.size_mb * 128;
    file(1, 0, "ROWS", 1, db.name, dir + db.name + ".mdf", data_pages);
    for (int i = 0; i < db.log_files; ++i) {
      const std::string suffix = i == 0 ? std::string() : std::to_string(i + 1);
      file(i == 0 ? 2 : 2 + i, 1, "LOG", 0, db.name + "_log" + suffix, dir + db.name + "_log" + suffix + ".ldf", 1024);
    }
    int next = db.log_files + 2, space = 2;
    if (db.filestream) file(next++, 2, "FILESTREAM", space++, db.name + "_fs", dir + db.name + "_fs", 0);
    if (db.memory_optimized) file(next++, 2, "FILESTREAM", space++, db.name + "_mod", dir + db.name + "_mod", 0);
    return out;
  };

  v.push_back(CatalogView{"sys", "filegroups", "", true,
                          cols({{"name", "sysname"},
                                {"data_space_id", "int"},
                                {"type", "char(2)"},
                                {"type_desc", "nvarchar(60)"},
                                {"is_default", "bit"},
                                {"is_system", "bit"},
                                {"is_read_only", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState&, const Database& db) {
    std::vector<CatalogRow> out;
    auto group = [&](const std::string& name, int space, const char* type, const char* type_desc, bool dflt) {
      Row r(cols);
      r("name", name)("data_space_id", space)("type", type)("type_desc", type_desc)("is_default", dflt)(
          "is_system", false)("is_read_only", false);
      out.push_back(r.done());
    };
    group("PRIMARY", 1, "FG", "ROWS_FILEGROUP", true);
    int space = 2;
    if (db.filestream) group(db.name + "_fs", space++, "FD", "FILESTREAM_DATA_FILEGROUP", false);
    if (db.memory_optimized) group(db.name + "_mod", space++, "FX", "MEMORY_OPTIMIZED_DATA_FILEGROUP", false);
    return out;
  };

  // sys.dm_database_encryption_keys: a row per TDE-encrypted database
  // (encryption_state 3, encrypted by a certificate in master), and
  // tempdb's, which SQL Server encrypts as soon as one database is.
  v.push_back(CatalogView{"sys", "dm_database_encryption_keys", "", false,
                          cols({{"database_id", "int"},
                                {"encryption_state", "int"},
                                {"create_date", "datetime"},
                                {"key_algorithm", "nvarchar(32)"},
                                {"key_length", "int"},
                                {"encryptor_thumbprint", "varbinary(20)"},
                                {"encryptor_type", "nvarchar(32)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    auto key = [&](const Database& db, const std::vector<std::uint8_t>& thumbprint, const char* type) {
      Row r(cols);
      r("database_id", db.database_id)("encryption_state", 3)("create_date", dt(db.create_date))(
          "key_algorithm", "AES")("key_length", 256)("encryptor_thumbprint", thumbprint)("encryptor_type", type);
      out.push_back(r.done());
    };
    bool any = false;
    for (const auto& db : s.databases) {
      if (db.tde_certificate.empty()) continue;
      const Certificate* c = s.master().find_certificate(db.tde_certificate, true);
      key(db, c ? c->x509.sha1 : std::vector<std::uint8_t>{}, "CERTIFICATE");
      any = true;
    }
    if (any)
      for (const auto& db : s.databases)
        if (db.database_id == 2) key(db, {}, "ASYMMETRIC KEY");
    return out;
  };

  // sys.all_objects: the system procedures this engine runs (schema sys).
  // sp_get_endpoint_certificate and sp_certificate_add_issuer exist only on
  // the builds that have them (ServerState::has_link_procedures).
  v.push_back(CatalogView{"sys", "all_objects", "", false,
                          cols({{"name", "sysname"},
                                {"object_id", "int"},
                                {"principal_id", "int"},
                                {"schema_id", "int"},
                                {"parent_object_id", "int"},
                                {"type", "char(2)"},
                                {"type_desc", "nvarchar(60)"},
                                {"create_date", "datetime"},
                                {"modify_date", "datetime"},
                                {"is_ms_shipped", "bit"},
                                {"is_published", "bit"},
                                {"is_schema_published", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    auto proc = [&](const char* name, int id, const char* type, const char* type_desc) {
      Row r(cols);
      r.null("principal_id");
      r("name", name)("object_id", id)("schema_id", 4)("parent_object_id", 0)("type", type)("type_desc", type_desc)(
          "create_date", dt(s.master().create_date))("modify_date", dt(s.master().create_date))("is_ms_shipped", true)(
          "is_published", false)("is_schema_published", false);
      out.push_back(r.done());
    };
    proc("sp_executesql", -1009, "X", "EXTENDED_STORED_PROCEDURE");
    proc("sp_datatype_info", -1010, "P", "SQL_STORED_PROCEDURE");
    proc("sp_datatype_info_100", -1011, "P", "SQL_STORED_PROCEDURE");
    if (s.has_link_procedures()) {
      proc("sp_get_endpoint_certificate", -1012, "P", "SQL_STORED_PROCEDURE");
      proc("sp_certificate_add_issuer", -1013, "P", "SQL_STORED_PROCEDURE");
    }
    if (s.has_multidb_milink()) proc("sp_multidb_milink", -1014, "P", "SQL_STORED_PROCEDURE");
    return out;
  };

  // sys.dm_hadr_cluster: one row on a Windows Server failover cluster node.
  v.push_back(CatalogView{"sys", "dm_hadr_cluster", "", false,
                          cols({{"cluster_name", "nvarchar(128)"},
                                {"quorum_type", "tinyint"},
                                {"quorum_type_desc", "nvarchar(50)"},
                                {"quorum_state", "tinyint"},
                                {"quorum_state_desc", "nvarchar(50)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    if (!s.wsfc_node) return out;
    Row r(cols);
    r("cluster_name", s.machine_name + "-wsfc")("quorum_type", 0)("quorum_type_desc", "NODE_MAJORITY")(
        "quorum_state", 1)("quorum_state_desc", "NORMAL_QUORUM");
    out.push_back(r.done());
    return out;
  };
}

std::vector<CatalogView> build_views() {
  std::vector<CatalogView> v;

  // sys.certificates (sql-docs sys-certificates-transact-sql)
  v.push_back(CatalogView{"sys", "certificates", "", true,
                          cols({{"name", "sysname"},
                                {"certificate_id", "int"},
                                {"principal_id", "int"},
                                {"pvt_key_encryption_type", "char(2)"},
                                {"pvt_key_encryption_type_desc", "nvarchar(60)"},
                                {"is_active_for_begin_dialog", "bit"},
                                {"issuer_name", "nvarchar(442)"},
                                {"cert_serial_number", "nvarchar(64)"},
                                {"sid", "varbinary(85)"},
                                {"string_sid", "nvarchar(128)"},
                                {"subject", "nvarchar(4000)"},
                                {"expiry_date", "datetime"},
                                {"start_date", "datetime"},
                                {"thumbprint", "varbinary(32)"},
                                {"attested_by", "nvarchar(260)"},
                                {"pvt_key_last_backup_date", "datetime"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState&, const Database& db) {
    std::vector<CatalogRow> out;
    for (const auto& c : db.certificates) {
      Row r(cols);
      r("name", c.name)("certificate_id", c.certificate_id)("principal_id", c.principal_id)(
          "pvt_key_encryption_type", pvt_type(c.protection))("pvt_key_encryption_type_desc", pvt_desc(c.protection))(
          "is_active_for_begin_dialog", true)("issuer_name", c.issuer_name)("cert_serial_number",
                                                                              serial_display(c.x509.serial))(
          "sid", certificate_sid(c))("string_sid", certificate_string_sid(c))("subject", c.subject)(
          "expiry_date", dt(c.x509.not_after))("start_date", dt(c.x509.not_before))("thumbprint", c.x509.sha1)
          .null("attested_by")
          .null("pvt_key_last_backup_date");
      out.push_back(r.done());
    }
    return out;
  };

  // sys.symmetric_keys
  v.push_back(CatalogView{"sys", "symmetric_keys", "", true,
                          cols({{"name", "sysname"},
                                {"principal_id", "int"},
                                {"symmetric_key_id", "int"},
                                {"key_length", "int"},
                                {"key_algorithm", "char(2)"},
                                {"algorithm_desc", "nvarchar(60)"},
                                {"create_date", "datetime"},
                                {"modify_date", "datetime"},
                                {"key_guid", "uniqueidentifier"},
                                {"key_thumbprint", "varbinary(32)"},
                                {"provider_type", "nvarchar(60)"},
                                {"cryptographic_provider_guid", "uniqueidentifier"},
                                {"cryptographic_provider_algid", "sql_variant"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database& db) {
    std::vector<CatalogRow> out;
    auto key = [&](const char* name, int id, const SqlDateTime& created, const SqlDateTime& modified,
                   const std::string& guid) {
      Row r(cols);
      r("name", name)("principal_id", 1)("symmetric_key_id", id)("key_length", 256)("key_algorithm", "A3")(
          "algorithm_desc", "AES_256")("create_date", dt(created))("modify_date", dt(modified))("key_guid", guid)
          .null("key_thumbprint")
          .null("provider_type")
          .null("cryptographic_provider_guid")
          .null("cryptographic_provider_algid");
      out.push_back(r.done());
    };
    if (db.master_key) key("##MS_DatabaseMasterKey##", 101, db.master_key->create_date, db.master_key->modify_date,
                           db.master_key->key_guid);
    if (db.database_id == 1) key("##MS_ServiceMasterKey##", 102, db.create_date, db.create_date, s.master().database_guid);
    return out;
  };

  // sys.endpoints, sys.tcp_endpoints, sys.database_mirroring_endpoints
  v.push_back(CatalogView{"sys", "endpoints", "", false, endpoint_columns(), {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& e : endpoint_rows(s)) {
      Row r(cols);
      fill_endpoint(r, e);
      out.push_back(r.done());
    }
    return out;
  };
  v.push_back(CatalogView{"sys", "tcp_endpoints", "", false,
                          concat(endpoint_columns(), cols({{"port", "int"},
                                                           {"is_dynamic_port", "bit"},
                                                           {"ip_address", "nvarchar(45)"}})),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& e : endpoint_rows(s)) {
      if (e.protocol != 2) continue;
      Row r(cols);
      fill_endpoint(r, e);
      r("port", e.port)("is_dynamic_port", e.dynamic_port);
      if (e.dbm && e.dbm->listener_ip != "ALL") r("ip_address", e.dbm->listener_ip);
      else r.null("ip_address");
      out.push_back(r.done());
    }
    return out;
  };
  v.push_back(CatalogView{"sys", "database_mirroring_endpoints", "", false,
                          concat(endpoint_columns(), cols({{"role", "tinyint"},
                                                           {"role_desc", "nvarchar(60)"},
                                                           {"is_encryption_enabled", "bit"},
                                                           {"connection_auth", "tinyint"},
                                                           {"connection_auth_desc", "nvarchar(60)"},
                                                           {"certificate_id", "int"},
                                                           {"encryption_algorithm", "tinyint"},
                                                           {"encryption_algorithm_desc", "nvarchar(60)"}})),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& e : endpoint_rows(s)) {
      if (!e.dbm) continue;
      const Endpoint& d = *e.dbm;
      Row r(cols);
      fill_endpoint(r, e);
      r("role", static_cast<int>(d.role))("role_desc", mirroring_role_name(d.role))(
          "is_encryption_enabled", d.encryption != EndpointEncryption::Disabled)("connection_auth", d.connection_auth())(
          "connection_auth_desc", d.connection_auth_desc())("certificate_id", d.certificate_id)(
          "encryption_algorithm", d.encryption_algorithm())("encryption_algorithm_desc", d.encryption_algorithm_desc());
      out.push_back(r.done());
    }
    return out;
  };

  // sys.databases
  v.push_back(CatalogView{"sys", "databases", "", false,
                          cols({{"name", "sysname"},
                                {"database_id", "int"},
                                {"source_database_id", "int"},
                                {"owner_sid", "varbinary(85)"},
                                {"create_date", "datetime"},
                                {"compatibility_level", "tinyint"},
                                {"collation_name", "sysname"},
                                {"user_access", "tinyint"},
                                {"user_access_desc", "nvarchar(60)"},
                                {"is_read_only", "bit"},
                                {"is_auto_close_on", "bit"},
                                {"is_auto_shrink_on", "bit"},
                                {"state", "tinyint"},
                                {"state_desc", "nvarchar(60)"},
                                {"is_in_standby", "bit"},
                                {"is_cleanly_shutdown", "bit"},
                                {"snapshot_isolation_state", "tinyint"},
                                {"snapshot_isolation_state_desc", "nvarchar(60)"},
                                {"is_read_committed_snapshot_on", "bit"},
                                {"recovery_model", "tinyint"},
                                {"recovery_model_desc", "nvarchar(60)"},
                                {"page_verify_option", "tinyint"},
                                {"page_verify_option_desc", "nvarchar(60)"},
                                {"is_auto_create_stats_on", "bit"},
                                {"is_auto_update_stats_on", "bit"},
                                {"is_encrypted", "bit"},
                                {"is_broker_enabled", "bit"},
                                {"is_master_key_encrypted_by_server", "bit"},
                                {"log_reuse_wait", "tinyint"},
                                {"log_reuse_wait_desc", "nvarchar(60)"},
                                {"is_published", "bit"},
                                {"is_distributor", "bit"},
                                {"is_cdc_enabled", "bit"},
                                {"containment", "tinyint"},
                                {"containment_desc", "nvarchar(60)"},
                                {"replica_id", "uniqueidentifier"},
                                {"group_database_id", "uniqueidentifier"},
                                {"delayed_durability", "int"},
                                {"delayed_durability_desc", "nvarchar(60)"},
                                {"is_accelerated_database_recovery_on", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& d : s.databases) {
      Row r(cols);
      bool restoring = d.state == DatabaseState::Restoring;
      r("name", d.name)("database_id", d.database_id).null("source_database_id")(
          "owner_sid", std::vector<std::uint8_t>{0x01})("create_date", dt(d.create_date))("compatibility_level",
                                                                                        d.compatibility_level)(
          "collation_name", d.collation)("user_access", 0)("user_access_desc", "MULTI_USER")("is_read_only",
                                                                                            d.read_only)(
          "is_auto_close_on", false)("is_auto_shrink_on", false)("state", static_cast<int>(d.state))(
          "state_desc", database_state_name(d.state))("is_in_standby", false)("is_cleanly_shutdown", false)(
          "snapshot_isolation_state", (d.database_id == 1 || d.database_id == 4) ? 1 : 0)(
          "snapshot_isolation_state_desc", (d.database_id == 1 || d.database_id == 4) ? "ON" : "OFF")(
          "is_read_committed_snapshot_on", false)("recovery_model", static_cast<int>(d.recovery))(
          "recovery_model_desc", recovery_model_name(d.recovery))("page_verify_option", 2)(
          "page_verify_option_desc", "CHECKSUM")("is_auto_create_stats_on", true)("is_auto_update_stats_on", true)(
          "is_encrypted", d.database_id == 2)("is_broker_enabled", d.database_id == 4)(
          "is_master_key_encrypted_by_server", d.master_key.has_value())(
          "log_reuse_wait", restoring ? 0 : (d.availability_group.empty() ? 0 : 9))(
          "log_reuse_wait_desc", d.availability_group.empty() ? "NOTHING" : "AVAILABILITY_REPLICA")("is_published",
                                                                                                   false)(
          "is_distributor", false)("is_cdc_enabled", false)("containment", 0)("containment_desc", "NONE");
      const AvailabilityGroup* ag = d.availability_group.empty() ? nullptr : s.find_availability_group(d.availability_group);
      const AgReplica* local = ag ? ag->local_replica() : nullptr;
      if (local) r("replica_id", local->replica_id)("group_database_id", d.group_database_id);
      else r.null("replica_id").null("group_database_id");
      r("delayed_durability", 0)("delayed_durability_desc", "DISABLED")("is_accelerated_database_recovery_on", false);
      out.push_back(r.done());
    }
    return out;
  };

  // sys.availability_groups
  v.push_back(CatalogView{"sys", "availability_groups", "", false,
                          cols({{"group_id", "uniqueidentifier"},
                                {"name", "sysname"},
                                {"resource_id", "nvarchar(40)"},
                                {"resource_group_id", "nvarchar(40)"},
                                {"failure_condition_level", "int"},
                                {"health_check_timeout", "int"},
                                {"automated_backup_preference", "tinyint"},
                                {"automated_backup_preference_desc", "nvarchar(60)"},
                                {"version", "smallint"},
                                {"basic_features", "bit"},
                                {"dtc_support", "bit"},
                                {"db_failover", "bit"},
                                {"is_distributed", "bit"},
                                {"cluster_type", "tinyint"},
                                {"cluster_type_desc", "nvarchar(60)"},
                                {"required_synchronized_secondaries_to_commit", "int"},
                                {"sequence_number", "bigint"},
                                {"is_contained", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups) {
      Row r(cols);
      r("group_id", g.group_id)("name", g.name);
      if (g.cluster_type == ClusterType::Wsfc) r("resource_id", g.group_id)("resource_group_id", g.group_id);
      else r.null("resource_id").null("resource_group_id");
      r("failure_condition_level", g.failure_condition_level)("health_check_timeout", g.health_check_timeout)(
          "automated_backup_preference", g.automated_backup_preference)(
          "automated_backup_preference_desc", backup_preference_desc(g.automated_backup_preference))("version", 1)(
          "basic_features", g.basic)("dtc_support", g.dtc_support)("db_failover", g.db_failover)("is_distributed",
                                                                                                 g.distributed)(
          "cluster_type", static_cast<int>(g.cluster_type))("cluster_type_desc", cluster_type_name(g.cluster_type))(
          "required_synchronized_secondaries_to_commit", g.required_synchronized_secondaries_to_commit)(
          "sequence_number", g.sequence_number)("is_contained", false);
      out.push_back(r.done());
    }
    return out;
  };

  // sys.availability_replicas
  v.push_back(CatalogView{"sys", "availability_replicas", "", false,
                          cols({{"replica_id", "uniqueidentifier"},
                                {"group_id", "uniqueidentifier"},
                                {"replica_metadata_id", "int"},
                                {"replica_server_name", "nvarchar(256)"},
                                {"owner_sid", "varbinary(85)"},
                                {"endpoint_url", "nvarchar(128)"},
                                {"availability_mode", "tinyint"},
                                {"availability_mode_desc", "nvarchar(60)"},
                                {"failover_mode", "tinyint"},
                                {"failover_mode_desc", "nvarchar(60)"},
                                {"session_timeout", "int"},
                                {"primary_role_allow_connections", "tinyint"},
                                {"primary_role_allow_connections_desc", "nvarchar(60)"},
                                {"secondary_role_allow_connections", "tinyint"},
                                {"secondary_role_allow_connections_desc", "nvarchar(60)"},
                                {"create_date", "datetime"},
                                {"modify_date", "datetime"},
                                {"backup_priority", "int"},
                                {"read_only_routing_url", "nvarchar(256)"},
                                {"seeding_mode", "tinyint"},
                                {"seeding_mode_desc", "nvarchar(60)"},
                                {"read_write_routing_url", "nvarchar(256)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups)
      for (const auto& rep : g.replicas) {
        Row r(cols);
        r("replica_id", rep.replica_id)("group_id", g.group_id);
        if (rep.is_local) r("replica_metadata_id", rep.replica_metadata_id)("owner_sid", std::vector<std::uint8_t>{0x01});
        else r.null("replica_metadata_id").null("owner_sid");
        r("replica_server_name", rep.server_name)("endpoint_url", rep.endpoint_url)(
            "availability_mode", static_cast<int>(rep.availability_mode))(
            "availability_mode_desc", availability_mode_name(rep.availability_mode))(
            "failover_mode", static_cast<int>(rep.failover_mode))("failover_mode_desc",
                                                                  failover_mode_name(rep.failover_mode))(
            "session_timeout", rep.session_timeout)("primary_role_allow_connections", rep.primary_role_allow_connections)(
            "primary_role_allow_connections_desc", rep.primary_role_allow_connections == 3 ? "READ_WRITE" : "ALL")(
            "secondary_role_allow_connections", rep.secondary_role_allow_connections)(
            "secondary_role_allow_connections_desc",
            rep.secondary_role_allow_connections == 1 ? "READ_ONLY" : rep.secondary_role_allow_connections == 2 ? "ALL" : "NO")(
            "create_date", dt(rep.create_date))("modify_date", dt(rep.modify_date))("backup_priority", rep.backup_priority)
            .null("read_only_routing_url")("seeding_mode", static_cast<int>(rep.seeding_mode))(
                "seeding_mode_desc", seeding_mode_name(rep.seeding_mode))
            .null("read_write_routing_url");
        out.push_back(r.done());
      }
    return out;
  };

  // sys.availability_group_listeners
  v.push_back(CatalogView{"sys", "availability_group_listeners", "", false,
                          cols({{"group_id", "uniqueidentifier"},
                                {"listener_id", "nvarchar(36)"},
                                {"dns_name", "nvarchar(63)"},
                                {"port", "int"},
                                {"is_conformant", "bit"},
                                {"ip_configuration_string_from_cluster", "nvarchar(4000)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups) {
      if (g.listener_dns_name.empty()) continue;
      Row r(cols);
      r("group_id", g.group_id)("listener_id", g.listener_id)("dns_name", g.listener_dns_name)(
          "port", g.listener_port)("is_conformant", true)("ip_configuration_string_from_cluster",
                                                          "('IP Address: 127.0.0.1')");
      out.push_back(r.done());
    }
    return out;
  };

  // sys.availability_databases_cluster
  v.push_back(CatalogView{"sys", "availability_databases_cluster", "", false,
                          cols({{"group_id", "uniqueidentifier"},
                                {"group_database_id", "uniqueidentifier"},
                                {"database_name", "nvarchar(128)"},
                                {"truncation_lsn", "numeric(25,0)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups)
      for (const auto& name : g.databases) {
        const Database* d = s.find_database(name);
        Row r(cols);
        r("group_id", g.group_id)("group_database_id", d ? d->group_database_id : std::string())("database_name", name);
        if (d) r("truncation_lsn", d->next_lsn);
        else r.null("truncation_lsn");
        out.push_back(r.done());
      }
    return out;
  };

  // sys.dm_hadr_availability_replica_states
  v.push_back(CatalogView{"sys", "dm_hadr_availability_replica_states", "", false,
                          cols({{"replica_id", "uniqueidentifier"},
                                {"group_id", "uniqueidentifier"},
                                {"is_local", "bit"},
                                {"role", "tinyint"},
                                {"role_desc", "nvarchar(60)"},
                                {"operational_state", "tinyint"},
                                {"operational_state_desc", "nvarchar(60)"},
                                {"connected_state", "tinyint"},
                                {"connected_state_desc", "nvarchar(60)"},
                                {"recovery_health", "tinyint"},
                                {"recovery_health_desc", "nvarchar(60)"},
                                {"synchronization_health", "tinyint"},
                                {"synchronization_health_desc", "nvarchar(60)"},
                                {"last_connect_error_number", "int"},
                                {"last_connect_error_description", "nvarchar(1024)"},
                                {"last_connect_error_timestamp", "datetime"},
                                {"write_lease_remaining_ticks", "bigint"},
                                {"current_configuration_commit_start_time_utc", "datetime"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups)
      for (const auto& rep : g.replicas) {
        const ReplicaRuntime& rt = rep.runtime;
        Row r(cols);
        r("replica_id", rep.replica_id)("group_id", g.group_id)("is_local", rep.is_local)("role", rt.role)(
            "role_desc", role_desc(rt.role));
        if (rt.operational_state) r("operational_state", *rt.operational_state)(
            "operational_state_desc", operational_desc(*rt.operational_state));
        else r.null("operational_state").null("operational_state_desc");
        r("connected_state", rt.connected ? 1 : 0)("connected_state_desc", rt.connected ? "CONNECTED" : "DISCONNECTED");
        if (rt.recovery_health) r("recovery_health", *rt.recovery_health)(
            "recovery_health_desc", *rt.recovery_health == 1 ? "ONLINE" : "ONLINE_IN_PROGRESS");
        else r.null("recovery_health").null("recovery_health_desc");
        r("synchronization_health", rt.synchronization_health)("synchronization_health_desc",
                                                               health_desc(rt.synchronization_health));
        r.opt("last_connect_error_number", rt.last_connect_error_number);
        if (rt.last_connect_error_number) r("last_connect_error_description", rt.last_connect_error_description);
        else r.null("last_connect_error_description");
        if (rt.last_connect_error_timestamp) r("last_connect_error_timestamp", dt(*rt.last_connect_error_timestamp));
        else r.null("last_connect_error_timestamp");
        r.null("write_lease_remaining_ticks").null("current_configuration_commit_start_time_utc");
        out.push_back(r.done());
      }
    return out;
  };

  // sys.dm_hadr_database_replica_states
  v.push_back(CatalogView{"sys", "dm_hadr_database_replica_states", "", false,
                          cols({{"database_id", "int"},
                                {"group_id", "uniqueidentifier"},
                                {"replica_id", "uniqueidentifier"},
                                {"group_database_id", "uniqueidentifier"},
                                {"is_local", "bit"},
                                {"is_primary_replica", "bit"},
                                {"synchronization_state", "tinyint"},
                                {"synchronization_state_desc", "nvarchar(60)"},
                                {"is_commit_participant", "bit"},
                                {"synchronization_health", "tinyint"},
                                {"synchronization_health_desc", "nvarchar(60)"},
                                {"database_state", "tinyint"},
                                {"database_state_desc", "nvarchar(60)"},
                                {"is_suspended", "bit"},
                                {"suspend_reason", "tinyint"},
                                {"suspend_reason_desc", "nvarchar(60)"},
                                {"recovery_lsn", "numeric(25,0)"},
                                {"truncation_lsn", "numeric(25,0)"},
                                {"last_sent_lsn", "numeric(25,0)"},
                                {"last_sent_time", "datetime"},
                                {"last_received_lsn", "numeric(25,0)"},
                                {"last_received_time", "datetime"},
                                {"last_hardened_lsn", "numeric(25,0)"},
                                {"last_hardened_time", "datetime"},
                                {"last_redone_lsn", "numeric(25,0)"},
                                {"last_redone_time", "datetime"},
                                {"log_send_queue_size", "bigint"},
                                {"log_send_rate", "bigint"},
                                {"redo_queue_size", "bigint"},
                                {"redo_rate", "bigint"},
                                {"filestream_send_rate", "bigint"},
                                {"end_of_log_lsn", "numeric(25,0)"},
                                {"last_commit_lsn", "numeric(25,0)"},
                                {"last_commit_time", "datetime"},
                                {"low_water_mark_for_ghosts", "bigint"},
                                {"secondary_lag_seconds", "bigint"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& g : s.availability_groups) {
      // A secondary replica shows its own databases only; the primary also
      // one row per secondary database (documented for the view).
      const AgReplica* local = g.local_replica();
      const bool primary = local && local->runtime.role == 1;
      for (const auto& rep : g.replicas) {
        if (!rep.is_local && !primary) continue;
        for (const auto& drs : rep.databases) {
          const Database* d = s.find_database(drs.database_name);
          Row r(cols);
          if (d) r("database_id", d->database_id)("group_database_id", d->group_database_id);
          else r.null("database_id").null("group_database_id");
          r("group_id", g.group_id)("replica_id", rep.replica_id)("is_local", rep.is_local)(
              "is_primary_replica", rep.is_local && rep.runtime.role == 1)("synchronization_state",
                                                                           drs.synchronization_state)(
              "synchronization_state_desc", sync_state_desc(drs.synchronization_state))(
              "is_commit_participant", rep.is_local && rep.availability_mode == AvailabilityMode::Synchronous)(
              "synchronization_health", drs.synchronization_health)("synchronization_health_desc",
                                                                    health_desc(drs.synchronization_health));
          if (rep.is_local && d) r("database_state", static_cast<int>(d->state))("database_state_desc",
                                                                                  database_state_name(d->state));
          else r.null("database_state").null("database_state_desc");
          r("is_suspended", drs.is_suspended);
          if (drs.is_suspended) r("suspend_reason", 0)("suspend_reason_desc", "SUSPEND_FROM_USER");
          else r.null("suspend_reason").null("suspend_reason_desc");
          std::optional<std::int64_t> lsn = rep.is_local && d ? std::optional<std::int64_t>(d->next_lsn) : drs.last_hardened_lsn;
          r.opt("recovery_lsn", lsn).opt("truncation_lsn", lsn).opt("last_sent_lsn", drs.last_received_lsn).null("last_sent_time");
          r.opt("last_received_lsn", drs.last_received_lsn).null("last_received_time");
          r.opt("last_hardened_lsn", rep.is_local ? lsn : drs.last_hardened_lsn).null("last_hardened_time");
          r.opt("last_redone_lsn", rep.is_local ? lsn : drs.last_hardened_lsn).null("last_redone_time");
          r.opt("log_send_queue_size", drs.log_send_queue_size)("log_send_rate", 0).opt("redo_queue_size",
                                                                                         drs.redo_queue_size)(
              "redo_rate", 0)("filestream_send_rate", 0);
          r.opt("end_of_log_lsn", lsn).opt("last_commit_lsn", drs.last_commit_lsn);
          if (drs.last_commit_time) r("last_commit_time", dt(*drs.last_commit_time));
          else r.null("last_commit_time");
          r("low_water_mark_for_ghosts", 0).opt("secondary_lag_seconds", drs.secondary_lag_seconds);
          out.push_back(r.done());
        }
      }
    }
    return out;
  };

  // sys.dm_hadr_physical_seeding_stats
  v.push_back(CatalogView{"sys", "dm_hadr_physical_seeding_stats", "", false,
                          cols({{"local_physical_seeding_id", "uniqueidentifier"},
                                {"remote_physical_seeding_id", "uniqueidentifier"},
                                {"local_database_id", "int"},
                                {"local_database_name", "nvarchar(128)"},
                                {"remote_machine_name", "nvarchar(128)"},
                                {"role_desc", "nvarchar(60)"},
                                {"internal_state_desc", "nvarchar(60)"},
                                {"transfer_rate_bytes_per_second", "bigint"},
                                {"transferred_size_bytes", "bigint"},
                                {"database_size_bytes", "bigint"},
                                {"start_time_utc", "datetime"},
                                {"end_time_utc", "datetime"},
                                {"estimate_time_complete_utc", "datetime"},
                                {"total_disk_io_wait_time_ms", "bigint"},
                                {"total_network_wait_time_ms", "bigint"},
                                {"failure_code", "int"},
                                {"failure_message", "nvarchar(2048)"},
                                {"failure_time_utc", "datetime"},
                                {"is_compression_enabled", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& st : s.seeding) {
      Row r(cols);
      r("local_physical_seeding_id", st.local_physical_seeding_id);
      if (st.remote_physical_seeding_id.empty()) r.null("remote_physical_seeding_id");
      else r("remote_physical_seeding_id", st.remote_physical_seeding_id);
      r("local_database_id", st.local_database_id)("local_database_name", st.local_database_name)(
          "remote_machine_name", st.remote_machine_name)("role_desc", st.role_desc)("internal_state_desc",
                                                                                   st.internal_state_desc)(
          "transfer_rate_bytes_per_second", st.transfer_rate_bytes_per_second)("transferred_size_bytes",
                                                                               st.transferred_size_bytes)(
          "database_size_bytes", st.database_size_bytes)("start_time_utc", dt(st.start_time_utc));
      if (st.end_time_utc) r("end_time_utc", dt(*st.end_time_utc));
      else r.null("end_time_utc");
      if (st.estimate_time_complete_utc) r("estimate_time_complete_utc", dt(*st.estimate_time_complete_utc));
      else r.null("estimate_time_complete_utc");
      r("total_disk_io_wait_time_ms", st.total_disk_io_wait_time_ms)("total_network_wait_time_ms",
                                                                     st.total_network_wait_time_ms);
      r.opt("failure_code", st.failure_code);
      if (st.failure_code) r("failure_message", st.failure_message);
      else r.null("failure_message");
      if (st.failure_time_utc) r("failure_time_utc", dt(*st.failure_time_utc));
      else r.null("failure_time_utc");
      r("is_compression_enabled", st.is_compression_enabled);
      out.push_back(r.done());
    }
    return out;
  };

  // sys.dm_hadr_automatic_seeding
  v.push_back(CatalogView{"sys", "dm_hadr_automatic_seeding", "", false,
                          cols({{"start_time", "datetime"},
                                {"completion_time", "datetime"},
                                {"ag_id", "uniqueidentifier"},
                                {"ag_db_id", "uniqueidentifier"},
                                {"ag_remote_replica_id", "uniqueidentifier"},
                                {"operation_id", "uniqueidentifier"},
                                {"is_source", "bit"},
                                {"current_state", "nvarchar(32)"},
                                {"performed_seeding", "bit"},
                                {"failure_state", "int"},
                                {"failure_state_desc", "nvarchar(256)"},
                                {"error_code", "int"},
                                {"number_of_attempts", "int"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& st : s.seeding) {
      Row r(cols);
      r("start_time", dt(st.start_time_utc));
      if (st.end_time_utc) r("completion_time", dt(*st.end_time_utc));
      else r.null("completion_time");
      const Database* d = s.find_database(st.local_database_name);
      const AvailabilityGroup* g = d && !d->availability_group.empty() ? s.find_availability_group(d->availability_group) : nullptr;
      if (g) r("ag_id", g->group_id)("ag_db_id", d->group_database_id);
      else r.null("ag_id").null("ag_db_id");
      r.null("ag_remote_replica_id")("operation_id", st.local_physical_seeding_id)("is_source", st.role_desc == "Source");
      r("current_state", st.failure_code ? "FAILED" : st.end_time_utc ? "COMPLETED" : "SEEDING")("performed_seeding", true);
      if (st.failure_code) r("failure_state", 1)("failure_state_desc", st.failure_message)("error_code", *st.failure_code);
      else r.null("failure_state").null("failure_state_desc")("error_code", 0);
      r("number_of_attempts", 1);
      out.push_back(r.done());
    }
    return out;
  };

  // sys.server_principals (logins and the fixed server roles the link needs)
  v.push_back(CatalogView{"sys", "server_principals", "", false,
                          cols({{"name", "sysname"},
                                {"principal_id", "int"},
                                {"sid", "varbinary(85)"},
                                {"type", "char(1)"},
                                {"type_desc", "nvarchar(60)"},
                                {"is_disabled", "int"},
                                {"create_date", "datetime"},
                                {"modify_date", "datetime"},
                                {"default_database_name", "sysname"},
                                {"default_language_name", "sysname"},
                                {"credential_id", "int"},
                                {"owning_principal_id", "int"},
                                {"is_fixed_role", "bit"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& l : s.logins) {
      Row r(cols);
      std::vector<std::uint8_t> sid = {static_cast<std::uint8_t>(l.principal_id & 0xFF)};
      r("name", l.name)("principal_id", l.principal_id)("sid", sid)("type", "S")("type_desc", "SQL_LOGIN")(
          "is_disabled", l.disabled ? 1 : 0)("create_date", dt(l.create_date))("modify_date", dt(l.create_date))(
          "default_database_name", l.default_database)("default_language_name", "us_english")
          .null("credential_id")
          .null("owning_principal_id")("is_fixed_role", false);
      out.push_back(r.done());
    }
    for (auto [name, id] : {std::pair<const char*, int>{"public", 2}, {"sysadmin", 3}}) {
      Row r(cols);
      r("name", name)("principal_id", id)("sid", std::vector<std::uint8_t>{static_cast<std::uint8_t>(id)})("type", "R")(
          "type_desc", "SERVER_ROLE")("is_disabled", 0)("create_date", dt(s.master().create_date))(
          "modify_date", dt(s.master().create_date))
          .null("default_database_name")
          .null("default_language_name")
          .null("credential_id")("owning_principal_id", 1)("is_fixed_role", id == 3);
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.backupset
  v.push_back(CatalogView{"dbo", "backupset", "msdb", false,
                          cols({{"backup_set_id", "int"},
                                {"backup_set_uuid", "uniqueidentifier"},
                                {"media_set_id", "int"},
                                {"first_family_number", "tinyint"},
                                {"first_media_number", "smallint"},
                                {"last_family_number", "tinyint"},
                                {"last_media_number", "smallint"},
                                {"catalog_family_number", "tinyint"},
                                {"catalog_media_number", "smallint"},
                                {"position", "int"},
                                {"expiration_date", "datetime"},
                                {"software_vendor_id", "int"},
                                {"name", "nvarchar(128)"},
                                {"description", "nvarchar(255)"},
                                {"user_name", "nvarchar(128)"},
                                {"software_major_version", "tinyint"},
                                {"software_minor_version", "tinyint"},
                                {"software_build_version", "smallint"},
                                {"time_zone", "smallint"},
                                {"mtf_minor_version", "tinyint"},
                                {"first_lsn", "numeric(25,0)"},
                                {"last_lsn", "numeric(25,0)"},
                                {"checkpoint_lsn", "numeric(25,0)"},
                                {"database_backup_lsn", "numeric(25,0)"},
                                {"database_creation_date", "datetime"},
                                {"backup_start_date", "datetime"},
                                {"backup_finish_date", "datetime"},
                                {"type", "char(1)"},
                                {"sort_order", "smallint"},
                                {"code_page", "smallint"},
                                {"compatibility_level", "tinyint"},
                                {"database_version", "int"},
                                {"backup_size", "numeric(20,0)"},
                                {"database_name", "nvarchar(128)"},
                                {"server_name", "nvarchar(128)"},
                                {"machine_name", "nvarchar(128)"},
                                {"flags", "int"},
                                {"unicode_locale", "int"},
                                {"unicode_compare_style", "int"},
                                {"collation_name", "nvarchar(128)"},
                                {"is_password_protected", "bit"},
                                {"recovery_model", "nvarchar(60)"},
                                {"has_bulk_logged_data", "bit"},
                                {"is_snapshot", "bit"},
                                {"is_readonly", "bit"},
                                {"is_single_user", "bit"},
                                {"has_backup_checksums", "bit"},
                                {"is_damaged", "bit"},
                                {"begins_log_chain", "bit"},
                                {"has_incomplete_metadata", "bit"},
                                {"is_force_offline", "bit"},
                                {"is_copy_only", "bit"},
                                {"first_recovery_fork_guid", "uniqueidentifier"},
                                {"last_recovery_fork_guid", "uniqueidentifier"},
                                {"fork_point_lsn", "numeric(25,0)"},
                                {"database_guid", "uniqueidentifier"},
                                {"family_guid", "uniqueidentifier"},
                                {"differential_base_lsn", "numeric(25,0)"},
                                {"differential_base_guid", "uniqueidentifier"},
                                {"compressed_backup_size", "numeric(20,0)"},
                                {"key_algorithm", "nvarchar(32)"},
                                {"encryptor_thumbprint", "varbinary(20)"},
                                {"encryptor_type", "nvarchar(32)"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& b : s.backups) {
      Row r(cols);
      r("backup_set_id", b.backup_set_id)("backup_set_uuid", b.backup_set_uuid)("media_set_id", b.media_set_id)(
          "first_family_number", 1)("first_media_number", 1)("last_family_number", 1)("last_media_number", 1)(
          "catalog_family_number", 1)("catalog_media_number", 1)("position", 1)
          .null("expiration_date")("software_vendor_id", 4608);
      if (b.name.empty()) r.null("name");
      else r("name", b.name);
      r.null("description")("user_name", b.user_name)("software_major_version", s.major())(
          "software_minor_version", s.minor())("software_build_version", s.build())("time_zone", 0)(
          "mtf_minor_version", 0)("first_lsn", b.first_lsn)("last_lsn", b.last_lsn)("checkpoint_lsn", b.checkpoint_lsn)(
          "database_backup_lsn", b.database_backup_lsn)("database_creation_date", dt(b.database_creation_date))(
          "backup_start_date", dt(b.backup_start_date))("backup_finish_date", dt(b.backup_finish_date))(
          "type", std::string(1, b.type))("sort_order", 52)("code_page", 0)("compatibility_level", 150)(
          "database_version", 904)("backup_size", b.backup_size)("database_name", b.database_name)(
          "server_name", b.server_name)("machine_name", b.machine_name)("flags", 512)("unicode_locale", 1033)(
          "unicode_compare_style", 196609)("collation_name", s.collation)("is_password_protected", false)(
          "recovery_model", b.recovery_model)("has_bulk_logged_data", false)("is_snapshot", false)("is_readonly", false)(
          "is_single_user", false)("has_backup_checksums", b.has_backup_checksums)("is_damaged", false)(
          "begins_log_chain", b.type == 'L' && b.first_lsn == b.database_backup_lsn)("has_incomplete_metadata", false)(
          "is_force_offline", false)("is_copy_only", b.is_copy_only)("first_recovery_fork_guid", b.database_guid)(
          "last_recovery_fork_guid", b.database_guid)
          .null("fork_point_lsn")("database_guid", b.database_guid)("family_guid", b.database_guid);
      if (b.type == 'I') r("differential_base_lsn", b.database_backup_lsn)("differential_base_guid", b.database_guid);
      else r.null("differential_base_lsn").null("differential_base_guid");
      r("compressed_backup_size", b.compressed_backup_size)
          .null("key_algorithm")
          .null("encryptor_thumbprint")
          .null("encryptor_type");
      out.push_back(r.done());
    }
    return out;
  };

  // msdb.dbo.backupmediafamily
  v.push_back(CatalogView{"dbo", "backupmediafamily", "msdb", false,
                          cols({{"media_set_id", "int"},
                                {"family_sequence_number", "tinyint"},
                                {"media_family_id", "uniqueidentifier"},
                                {"media_count", "int"},
                                {"logical_device_name", "nvarchar(128)"},
                                {"physical_device_name", "nvarchar(260)"},
                                {"device_type", "tinyint"},
                                {"physical_block_size", "int"},
                                {"mirror", "tinyint"}}),
                          {}});
  v.back().rows = [cols = v.back().columns](const ServerState& s, const Database&) {
    std::vector<CatalogRow> out;
    for (const auto& b : s.backups) {
      Row r(cols);
      bool url = b.physical_device_name.rfind("https://", 0) == 0;
      r("media_set_id", b.media_set_id)("family_sequence_number", 1)("media_family_id", b.backup_set_uuid)(
          "media_count", 1)
          .null("logical_device_name")("physical_device_name", b.physical_device_name)("device_type", url ? 9 : 2)(
              "physical_block_size", 512)("mirror", 0);
      out.push_back(r.done());
    }
    return out;
  };

  add_agent_views(v);
  add_storage_views(v);
  return v;
}

}  // namespace

const std::vector<CatalogView>& catalog_views() {
  static const std::vector<CatalogView> views = build_views();
  return views;
}

const CatalogView* find_catalog_view(const std::string& schema, const std::string& name, bool ci) {
  for (const auto& v : catalog_views())
    if (collate_equal(v.schema, schema, ci) && collate_equal(v.name, name, ci)) return &v;
  return nullptr;
}

}  // namespace milink::emulator::sql
