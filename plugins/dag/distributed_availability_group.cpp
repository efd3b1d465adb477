#include "distributed_availability_group.hpp"

#include <milink/link/ag_membership.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec DistributedAvailabilityGroupStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "dag";
  s.summary = "Creates the distributed availability group between a database's AG and the managed instance";
  s.doc =
      "CREATE AVAILABILITY GROUP [<name>] WITH (DISTRIBUTED) AVAILABILITY GROUP ON '<ag>' (LISTENER_URL = the "
      "endpoint URL) and '<instance>' (LISTENER_URL = 'tcp://<instance fqdn>:5022;Server=[<instance>]'), both "
      "ASYNCHRONOUS_COMMIT, MANUAL, AUTOMATIC seeding. The link created in Azure must carry the same name.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("database").required().doc("The database (for {db} in name_pattern)"),
      Param::string("name_pattern")
          .defaults_to(Value("DAG_{db}"))
          .doc("DAG name (= the link's name); {db} (the database) and {instance} (instance_name) are replaced"),
      Param::string("ag_name").required().doc("The database's availability group (ag's name)"),
      Param::string("listener_url").required().doc("SQL Server's endpoint URL (mirroring-endpoint's url)"),
      Param::string("instance_name")
          .required()
          .doc("The managed instance's short name (Server=[...] in its listener URL)"),
      Param::string("instance_ag_name")
          .defaults_to(Value(""))
          .doc("The DAG's second member, the instance's availability group (the link's instanceAvailabilityGroupName); "
               "default AG_<database>_MI. Every link on an instance needs its own. When not set and the DAG already exists "
               "with another name for the instance's member (a link made by an older milink or by hand), that name is kept."),
      Param::string("instance_fqdn").required().doc("The managed instance's FQDN"),
      Param::integer("instance_port")
          .defaults_to(Value(5022))
          .doc("The instance's mirroring port (always 5022 in Azure)"),
      Param::boolean("multi_database")
          .defaults_to(Value(false))
          .doc("For a multi-database link (arm-link's link_mode MultiDatabase): before creating the DAG, EXEC "
               "sys.sp_multidb_milink 1, which lets SQL Server 2022 CU27+ / 2025 CU9+ build a DAG to the instance on an AG "
               "of several databases (without it: error 47502). The name must then be lower-case letters, digits and "
               "hyphens, as Azure requires of a multi-database link"),
      Param::array("replicas")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("With multi_database, for an AG with secondary replicas: the config's sqlserver.replicas (objects with a "
               "name); EXEC sys.sp_multidb_milink 1 runs on each too (the SQL target sqlserver.replicas.<name>), as the "
               "docs require on every replica"),
  };
  s.outputs = {Output::string("name").doc("The distributed availability group's name (= the link's name)"),
               Output::string("instance_ag_name").doc("Its second member: the link's instanceAvailabilityGroupName")};
  s.sql_targets = {{"target"}};
  return s;
}

DistributedAvailabilityGroupStep::Config DistributedAvailabilityGroupStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.database = p.string("database");
  check_sysname(c.database, "database");
  c.name_pattern = p.string("name_pattern");
  check_pattern(c.name_pattern, "name_pattern");
  c.ag_name = p.string("ag_name");
  check_sysname(c.ag_name, "ag_name");
  c.listener_url = p.string("listener_url");
  if ((c.listener_url.empty() || c.listener_url.front() != '<') && endpoint_url_port(c.listener_url) < 0)
    throw ConfigError("listener_url", "\"" + c.listener_url + "\" is not an endpoint URL like TCP://host:5022");
  c.instance_name = p.string("instance_name");
  check_sysname(c.instance_name, "instance_name");
  // Every placeholder is known now: refuse {server} and typos as a parameter error.
  expand_name(c.name_pattern, {{"db", c.database}, {"instance", c.instance_name}}, "name_pattern");
  c.instance_ag_name = p.string("instance_ag_name");
  c.instance_ag_name_given = !c.instance_ag_name.empty();
  if (!c.instance_ag_name_given) c.instance_ag_name = default_instance_ag_name(c.database);
  check_sysname(c.instance_ag_name, "instance_ag_name");
  c.instance_fqdn = p.string("instance_fqdn");
  if (c.instance_fqdn.empty() || c.instance_fqdn.find_first_of(" /:;'\"[]") != std::string::npos)
    throw ConfigError("instance_fqdn", "\"" + c.instance_fqdn + "\" is not a host name; set managed_instance.fqdn in the config");
  c.multi_database = p.boolean("multi_database");
  if (c.multi_database) {
    std::string name = expand_name(c.name_pattern, {{"db", c.database}, {"instance", c.instance_name}}, "name_pattern");
    if (!multi_database_link_name(name))
      throw ConfigError("name_pattern", "\"" + name +
                                            "\" cannot name a multi-database link: Azure takes only lower-case letters "
                                            "a-z, digits and hyphens (not first or last); set name_pattern to e.g. "
                                            "\"link-sales\"");
  }
  for (const auto& name : replica_names(p, "replicas")) c.replica_targets.push_back(replica_target(name));
  if (!c.replica_targets.empty() && !c.multi_database)
    throw ConfigError("replicas", "replicas are for a multi-database link only; set multi_database to true");
  c.instance_port = p.integer("instance_port");
  if (c.instance_port < 1 || c.instance_port > 65535)
    throw ConfigError("instance_port", std::to_string(c.instance_port) + " is not a TCP port (1-65535)");
  return c;
}

std::string DistributedAvailabilityGroupStep::instance_listener_url(const Config& c) {
  return "tcp://" + c.instance_fqdn + ":" + std::to_string(c.instance_port) + ";Server=" + tsql::quote_identifier(c.instance_name);
}

std::string DistributedAvailabilityGroupStep::create_sql(const Config& c, const std::string& dag) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = " + tsql::quote_literal(dag) +
         ")\n    CREATE AVAILABILITY GROUP " + tsql::quote_identifier(dag) +
         "\n        WITH (DISTRIBUTED)\n        AVAILABILITY GROUP ON\n            " + tsql::quote_literal(c.ag_name) +
         " WITH (\n                LISTENER_URL = " + tsql::quote_literal(c.listener_url) +
         ",\n                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,\n                FAILOVER_MODE = MANUAL,\n                SEEDING_MODE = AUTOMATIC,\n                SESSION_TIMEOUT = 20\n            ),\n            " +
         tsql::quote_literal(c.instance_ag_name) + " WITH (\n                LISTENER_URL = " +
         tsql::quote_literal(instance_listener_url(c)) +
         ",\n                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,\n                FAILOVER_MODE = MANUAL,\n                SEEDING_MODE = AUTOMATIC\n            );";
}

/// Whether \p url ("tcp://<host>:5022;Server=[...]") names host \p host
/// (case-insensitively, as DNS names compare).
static bool listener_host_is(const std::string& url, const std::string& host) {
  return iequals(endpoint_url_host(url), host);
}

std::string DistributedAvailabilityGroupStep::dag_name(const Config& c) const {
  return expand_name(c.name_pattern, {{"db", c.database}, {"instance", c.instance_name}}, "name_pattern");
}

std::optional<std::string> DistributedAvailabilityGroupStep::inspect(const Config& c, milink::sdk::Context& ctx,
                                                                     const std::string& dag) {
  auto sql = ctx.sql(c.target);
  auto ag = sql.query("SELECT is_distributed FROM master.sys.availability_groups WHERE name = ?", {SqlValue::nvarchar(dag)});
  if (ag.rows.empty()) return std::nullopt;
  if (integer(ag, 0, "is_distributed") == 0)
    throw StepError(tsql::quote_identifier(dag) + " is an availability group, not a distributed one; choose another name_pattern");
  auto rs = sql.query(
      "SELECT r.replica_server_name, r.endpoint_url FROM master.sys.availability_replicas AS r "
      "JOIN master.sys.availability_groups AS g ON g.group_id = r.group_id WHERE g.name = ?",
      {SqlValue::nvarchar(dag)});
  bool has_ag = false;
  std::optional<std::string> instance_member;  // the member on this instance, by the wanted name
  std::optional<std::string> other_instance_member;  // ... or by another name (only adopted when defaulted)
  std::string members;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    std::string name = text(rs, i, "replica_server_name"), url = text(rs, i, "endpoint_url");
    members += (members.empty() ? "" : ", ") + name + " (" + url + ")";
    if (iequals(name, c.ag_name)) {
      has_ag = true;
    } else if (listener_host_is(url, c.instance_fqdn)) {
      if (iequals(name, c.instance_ag_name))
        instance_member = name;
      else
        other_instance_member = name;
    }
  }
  // A DAG made before AG_<db>_MI was the default (the instance's name, as in
  // the seed) or by hand is the same link: keep its name rather than ask to
  // drop a healthy link, unless the workflow named the member explicitly.
  if (!instance_member && !c.instance_ag_name_given) instance_member = other_instance_member;
  if (has_ag && instance_member) return instance_member;
  throw StepError("distributed availability group " + tsql::quote_identifier(dag) + " exists with members " + members +
                  ", not " + c.ag_name + " and " + c.instance_ag_name + " (" + instance_listener_url(c) +
                  "); drop it (DROP AVAILABILITY GROUP " + tsql::quote_identifier(dag) +
                  ") if it is left over, or set name_pattern to another name");
}

std::string DistributedAvailabilityGroupStep::multidb_sql() { return "EXEC sys.sp_multidb_milink 1;"; }

milink::sdk::Observation DistributedAvailabilityGroupStep::observe(const Config& c, milink::sdk::Context& ctx) {
  std::string dag = dag_name(c);
  if (auto member = inspect(c, ctx, dag)) {
    ctx.output("name", Value(dag));
    ctx.output("instance_ag_name", Value(*member));
    return milink::sdk::Observation::satisfied("distributed availability group " + tsql::quote_identifier(dag) + " joins " +
                                               tsql::quote_identifier(c.ag_name) + " and " + *member);
  }
  return milink::sdk::Observation::needs_change("distributed availability group " + tsql::quote_identifier(dag) + " is missing");
}

milink::sdk::Plan DistributedAvailabilityGroupStep::plan(const Config& c, milink::sdk::Context& ctx) {
  std::string dag = dag_name(c);
  milink::sdk::Plan p;
  if (c.multi_database) {
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "enable the multi-database link", multidb_sql()));
    for (const auto& t : c.replica_targets)
      p.actions.push_back(milink::sdk::Action::sql_batch(t, "enable the multi-database link on a secondary replica",
                                                         multidb_sql()));
  }
  p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "create distributed availability group " + tsql::quote_identifier(dag),
                                                     create_sql(c, dag)));
  // What apply() will set, for the plan's link in Azure.
  ctx.output("name", Value(dag));
  ctx.output("instance_ag_name", Value(c.instance_ag_name));
  return p;
}

void DistributedAvailabilityGroupStep::apply(const Config& c, milink::sdk::Context& ctx) {
  std::string dag = dag_name(c);
  auto member = inspect(c, ctx, dag);
  if (!member) {
    if (c.multi_database) {
      ctx.progress("enabling the multi-database link on SQL Server (sys.sp_multidb_milink)", 0.3);
      ctx.sql(c.target).run(multidb_sql(), {}, /*idempotent=*/true);
      for (const auto& t : c.replica_targets) ctx.sql(t).run(multidb_sql(), {}, /*idempotent=*/true);
    }
    ctx.progress("creating distributed availability group " + tsql::quote_identifier(dag), 0.5);
    ctx.sql(c.target).run(create_sql(c, dag), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
    member = inspect(c, ctx, dag);
    if (!member) throw StepError(tsql::quote_identifier(dag) + " is still missing after CREATE AVAILABILITY GROUP");
    ctx.info("created distributed availability group " + tsql::quote_identifier(dag));
  }
  ctx.output("name", Value(dag));
  ctx.output("instance_ag_name", Value(*member));
}

}  // namespace milink::link
