// The server-level checks on SQL Server: version (and the link's
// procedures), edition, HADR, the failover cluster 2016 needs, the
// recommended trace flags, the database master key and @@SERVERNAME.
#include "checks.hpp"
#include "sql_values.hpp"
#include "version_check.hpp"

#include <milink/link/link_procedures.hpp>
#include <milink/link/names.hpp>

#include <map>

namespace milink::preflight {

namespace {

const char* kPropertiesSql =
    "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,\n"
    "       CAST(SERVERPROPERTY('ProductUpdateLevel') AS nvarchar(128)) AS update_level,\n"
    "       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,\n"
    "       CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS is_hadr_enabled,\n"
    "       CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation,\n"
    "       @@SERVERNAME AS server_name";

// -T1800: mixed 512-byte/4 KB sector sizes (KB3009974); -T9567: compressed
// automatic seeding. Both recommended by the link's preparation guide.
const char* kTraceFlagsSql = "DBCC TRACESTATUS(1800, 9567) WITH NO_INFOMSGS";

const char* kMasterKeySql =
    "SELECT COUNT(*) AS n FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##'";

const char* kPermissionRemedy = "milink needs a sysadmin login on SQL Server for the link";

void check_hadr(Report& report, const milink::sdk::SqlValue& value) {
  auto hadr = int_of(value);
  if (hadr && *hadr == 1) {
    report.pass("hadr", "Always On availability groups are enabled (IsHadrEnabled = 1)");
    return;
  }
  report.fail("hadr",
              "Always On availability groups are disabled (IsHadrEnabled = " + (hadr ? std::to_string(*hadr) : "NULL") +
                  ")",
              "enable Always On availability groups in SQL Server Configuration Manager (Linux: mssql-conf set "
              "hadr.hadrenabled 1) and restart the SQL Server service");
}

void check_trace_flags(Report& report, milink::sdk::Sql& sql) {
  report.guarded("trace_flags", kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kTraceFlagsSql);
    std::map<int, bool> on{{1800, false}, {9567, false}};
    const int flag_col = set.column("TraceFlag"), global_col = set.column("Global");
    for (const auto& row : set.rows) {
      if (flag_col < 0 || global_col < 0) break;
      auto flag = int_of(row[static_cast<std::size_t>(flag_col)]);
      auto global = int_of(row[static_cast<std::size_t>(global_col)]);
      if (flag && on.count(static_cast<int>(*flag))) on[static_cast<int>(*flag)] = global && *global == 1;
    }
    std::string off, off_switches, off_list;
    for (const auto& [flag, enabled] : on) {
      if (enabled) continue;
      const char* why = flag == 1800 ? "mixed 512-byte/4 KB sector sizes" : "compressed seeding";
      off += (off.empty() ? "" : ", ") + std::to_string(flag) + " (" + why + ")";
      off_switches += (off_switches.empty() ? "-T" : " -T") + std::to_string(flag);
      off_list += " " + std::to_string(flag);
    }
    if (off.empty()) {
      report.pass("trace_flags", "recommended trace flags 1800 and 9567 are on globally");
      return;
    }
    report.warn("trace_flags", "recommended trace flags off: " + off,
                "add " + off_switches +
                    " to the startup parameters (SQL Server Configuration Manager; Linux: mssql-conf traceflag" +
                    off_list + " on) and restart SQL Server");
  });
}

void check_master_key(Report& report, milink::sdk::Sql& sql) {
  report.guarded("master_key", kPermissionRemedy, [&] {
    auto n = sql.scalar(kMasterKeySql);
    if (n && int_of(*n).value_or(0) > 0)
      report.pass("master_key", "master has a database master key");
    else
      report.pass("master_key", "master has no database master key yet; the sqlserver-cert step creates one");
  });
}

void check_server_name(Report& report, const Config& cfg, const std::string& actual) {
  if (actual.empty()) {
    report.fail("server_name", "@@SERVERNAME is NULL, so the certificate and replica names cannot be derived",
                "register the server name with EXEC sp_addserver N'<name>', 'local' and restart SQL Server");
    return;
  }
  if (cfg.server_name.empty()) return;
  if (cfg.server_name == actual) {
    report.pass("server_name", "@@SERVERNAME is " + actual);
    return;
  }
  report.fail("server_name",
              "server_name is '" + cfg.server_name + "' but @@SERVERNAME is '" + actual +
                  "'; the certificate and the availability group replica are named after @@SERVERNAME",
              "set sqlserver.name in the config to '" + actual + "' (the value of @@SERVERNAME)");
}

}  // namespace

ServerFacts check_server(Report& report, const Config& cfg, milink::sdk::Sql& sql) {
  ServerFacts facts;
  bool read = false;
  report.guarded("version", kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kPropertiesSql);
    if (set.rows.empty()) throw milink::sdk::StepError("SERVERPROPERTY returned no row");
    facts.product_version = text_of(set.at(0, "product_version"));
    facts.collation = text_of(set.at(0, "collation"));
    facts.server_name = text_of(set.at(0, "server_name"));
    const milink::link::LinkProcedures procs = milink::link::read_link_procedures(sql);
    facts.link_procedures = procs.certificate_add_issuer && procs.get_endpoint_certificate;
    report.add("version", evaluate_version(facts.product_version, text_of(set.at(0, "update_level")),
                                           facts.link_procedures));
    report.add("edition", evaluate_edition(text_of(set.at(0, "edition"))));
    if (cfg.multi_database)
      report.add("multi_database", evaluate_multi_database(facts.product_version, text_of(set.at(0, "edition")),
                                                           procs.multidb_milink));
    check_hadr(report, set.at(0, "is_hadr_enabled"));
    read = true;
  });
  if (read) check_wsfc(report, sql, facts.product_version);
  check_trace_flags(report, sql);
  check_master_key(report, sql);
  if (read) check_server_name(report, cfg, facts.server_name);
  return facts;
}

std::string default_certificate_name(const std::string& server_name) {
  return milink::link::default_certificate_name(server_name);  // exactly as sqlserver-cert names it
}

}  // namespace milink::preflight
