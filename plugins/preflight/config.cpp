#include "config.hpp"

#include <milink/link/names.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace milink::preflight {

using milink::sdk::ConfigError;
using milink::sdk::ParamSpec;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;

namespace {


bool unknown(const milink::sdk::Params& p, const std::string& name) {
  return p.has(name) && p.value(name).is_unknown();
}

/// Length in characters (sysname counts UTF-16 code units; close enough
/// for a limit check on names people type).
std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void check_sysname(const std::string& field, const std::string& value, const std::string& what) {
  if (value.empty()) throw ConfigError(field, what + " must not be empty");
  if (chars(value) > 128) throw ConfigError(field, what + " '" + value + "' is longer than 128 characters (sysname)");
}

bool valid_host_name(const std::string& h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.front() == '-') return false;
  std::size_t label = 0;
  for (char c : h) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (++label > 63) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<ParamSpec> spec_params() {
  return {
      Param::string("sqlserver_target")
          .defaults_to(Value("sqlserver"))
          .doc("SQL target (config section) of SQL Server"),
      Param::string("mi_target")
          .defaults_to(Value("managed_instance"))
          .doc("SQL target (config section) of the managed instance; used by the collation check"),
      Param::boolean("server_checks")
          .defaults_to(Value(true))
          .doc("Run the server-level checks (version, edition, HADR, trace flags, master key, server name, "
               "collation, certificate, DNS, ARM)"),
      Param::array("databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("Databases to check for the link: exists, user database, FULL recovery, a full backup, not in an "
               "availability group, ONLINE"),
      Param::string("server_name")
          .defaults_to(Value(""))
          .doc("When set, must equal @@SERVERNAME (e.g. ${{ config.sqlserver.name }})"),
      Param::string("instance_fqdn")
          .defaults_to(Value(""))
          .doc("The managed instance's FQDN, resolved with DNS (e.g. ${{ config.managed_instance.fqdn }})"),
      Param::boolean("check_dns").defaults_to(Value(true)).doc("Resolve instance_fqdn"),
      Param::boolean("check_arm")
          .defaults_to(Value(true))
          .doc("GET the managed instance from Azure Resource Manager, and list its links for the instance_ag_name check"),
      Param::string("api_version").defaults_to(Value("2025-01-01")).doc("ARM api-version for the managed instance GET"),
      Param::boolean("check_collation")
          .defaults_to(Value(true))
          .doc("Compare SERVERPROPERTY('Collation') of SQL Server and the managed instance"),
      Param::string("certificate_name")
          .defaults_to(Value(""))
          .doc("The endpoint certificate to check for expiry; default Cert_<@@SERVERNAME>_endpoint"),
      Param::integer("warn_days").defaults_to(Value(30)).doc("WARN when the certificate expires within this many days"),
      Param::string("ag_name_pattern")
          .defaults_to(Value("AG_{db}"))
          .doc("The availability group the workflow puts each database in ({db} is replaced): a database already in "
               "that group passes (a re-run), one in any other group fails"),
      Param::boolean("existing_ag")
          .defaults_to(Value(false))
          .doc("ag_name_pattern names an availability group that already exists and holds the databases (the "
               "customer's, as in replicate-existing-ag.json), not one the workflow creates: the availability_group "
               "check says so"),
      Param::string("link_name_pattern")
          .defaults_to(Value("DAG_{db}"))
          .doc("The name of each database's link (= its DAG, dag's name_pattern; {db} and {instance} are replaced): "
               "the instance_ag_name check ignores the database's own link"),
      Param::string("instance_ag_name_pattern")
          .defaults_to(Value("AG_{db}_MI"))
          .doc("The instance-side availability group name each database's link will use (dag's instance_ag_name, "
               "default AG_<db>_MI; {db} and {instance} are replaced): with check_arm, another link on the instance "
               "that already uses it fails the check"),
      Param::boolean("check_instance_ag_names")
          .defaults_to(Value(true))
          .doc("With check_arm: list the instance's links (one ARM list) and run the instance_ag_name check for "
               "databases and instance_ag_name_databases. A per-database preflight in a for_each sets it false when a "
               "server-level preflight checks every database with instance_ag_name_databases: one list per run "
               "instead of one per database"),
      Param::array("instance_ag_name_databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("Databases whose instance-side availability group name (instance_ag_name_pattern) is checked against "
               "the instance's links, besides databases, without their other checks (e.g. "
               "${{ config.databases }} on the server-level preflight)"),
      Param::boolean("allow_prepare_database")
          .defaults_to(Value(false))
          .doc("Report recovery-model and full-backup problems as WARN (a later step fixes them) instead of FAIL"),
      Param::boolean("multi_database")
          .defaults_to(Value(false))
          .doc("The workflow makes one multi-database link (dag's multi_database, arm-link's link_mode MultiDatabase): "
               "the multi_database check wants sys.sp_multidb_milink (SQL Server 2022 CU27+, 2025 CU9+) and "
               "Enterprise or Developer edition"),
      Param::string("failover_mode")
          .defaults_to(Value("auto"))
          .choices({"auto", "manual", "none"})
          .doc("The failover mode the workflow asks arm-link for (with check_arm, the failover_mode check says which "
               "applies and why): auto passes and reports the mode it gives; manual (two-way) fails when SQL "
               "Server's version and the instance's update policy (databaseFormat) do not allow it; none passes"),
  };
}

std::vector<milink::sdk::OutputSpec> spec_outputs() {
  return {
      Output::integer("passed").doc("Number of checks that passed"),
      Output::integer("warnings").doc("Number of checks that passed with a warning"),
      Output::array("checks").doc("Every check: {\"check\", \"status\" (PASS/WARN), \"detail\"}"),
      Output::string("server_name").doc("@@SERVERNAME of SQL Server (\"\" when server_checks is false)"),
      Output::string("product_version")
          .doc("SERVERPROPERTY('ProductVersion') of SQL Server (\"\" when server_checks is false)"),
      Output::string("certificate_name")
          .doc("The endpoint certificate name that was checked (\"\" when server_checks is false)"),
      Output::string("failover_mode")
          .doc("The link's failover mode that applies: manual (two-way) or none (one-way); \"\" when not checked"),
  };
}

std::vector<std::string> Config::instance_ag_name_checked() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* list : {&databases, &instance_ag_name_databases})
    for (const auto& d : *list)
      if (seen.insert(lower(d)).second) out.push_back(d);
  return out;
}

Config parse_config(const milink::sdk::Params& p) {
  Config c;
  c.sqlserver_target = p.string("sqlserver_target");
  c.mi_target = p.string("mi_target");
  if (c.sqlserver_target.empty()) throw ConfigError("sqlserver_target", "sqlserver_target must not be empty");
  if (c.mi_target.empty()) throw ConfigError("mi_target", "mi_target must not be empty");
  c.server_checks = p.boolean("server_checks");

  if (unknown(p, "databases")) {
    c.databases = {p.value("databases").to_display()};  // milink plan: a placeholder
  } else {
    c.databases = p.strings("databases");
    std::set<std::string> seen;
    for (const auto& d : c.databases) {
      check_sysname("databases", d, "a database name");
      // Database names compare case-insensitively under the usual server collations.
      if (!seen.insert(lower(d)).second)
        throw ConfigError("databases", "database '" + d + "' is listed twice");
    }
  }
  if (!c.server_checks && c.databases.empty())
    throw ConfigError("databases", "nothing to check: server_checks is false and databases is empty");

  c.server_name = p.string("server_name");
  if (!c.server_name.empty() && !unknown(p, "server_name"))
    check_sysname("server_name", c.server_name, "server_name");

  c.instance_fqdn = p.string("instance_fqdn");
  if (!c.instance_fqdn.empty() && !unknown(p, "instance_fqdn") && !valid_host_name(c.instance_fqdn))
    throw ConfigError("instance_fqdn", "instance_fqdn '" + c.instance_fqdn +
                                           "' is not a host name (expected e.g. "
                                           "mi1.abc123def456.database.windows.net, without scheme or port)");
  c.check_dns = p.boolean("check_dns");
  c.check_arm = p.boolean("check_arm");
  c.check_instance_ag_names = p.boolean("check_instance_ag_names");
  if (unknown(p, "instance_ag_name_databases")) {
    c.instance_ag_name_databases = {p.value("instance_ag_name_databases").to_display()};  // milink plan: a placeholder
  } else {
    c.instance_ag_name_databases = p.strings("instance_ag_name_databases");
    for (const auto& d : c.instance_ag_name_databases) check_sysname("instance_ag_name_databases", d, "a database name");
  }

  c.api_version = p.string("api_version");
  static const std::regex api_form(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[A-Za-z]+)?$)");
  if (!unknown(p, "api_version") && !std::regex_match(c.api_version, api_form))
    throw ConfigError("api_version", "api_version '" + c.api_version + "' is not an ARM api-version such as 2025-01-01");

  c.check_collation = p.boolean("check_collation");
  c.certificate_name = p.string("certificate_name");
  if (!c.certificate_name.empty() && !unknown(p, "certificate_name"))
    check_sysname("certificate_name", c.certificate_name, "certificate_name");

  if (!unknown(p, "warn_days")) {
    c.warn_days = p.integer("warn_days");
    if (c.warn_days < 0 || c.warn_days > 3650)
      throw ConfigError("warn_days", "warn_days must be between 0 and 3650, got " + std::to_string(c.warn_days));
  }
  c.allow_prepare_database = p.boolean("allow_prepare_database");
  c.ag_name_pattern = p.string("ag_name_pattern");
  c.existing_ag = p.boolean("existing_ag");
  milink::link::check_pattern(c.ag_name_pattern, "ag_name_pattern");
  c.link_name_pattern = p.string("link_name_pattern");
  milink::link::check_pattern(c.link_name_pattern, "link_name_pattern");
  c.instance_ag_name_pattern = p.string("instance_ag_name_pattern");
  milink::link::check_pattern(c.instance_ag_name_pattern, "instance_ag_name_pattern");
  c.failover_mode = p.string("failover_mode");
  c.multi_database = p.boolean("multi_database");
  return c;
}

}  // namespace milink::preflight
