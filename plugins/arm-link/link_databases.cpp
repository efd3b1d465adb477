#include "link_databases.hpp"

#include <milink/link/ag_membership.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

#include <algorithm>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec LinkDatabasesStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "link-databases";
  s.summary = "Adds databases to and removes them from a running multi-database link, on both sides";
  s.doc =
      "For a link in linkMode MultiDatabase: each database in remove leaves the link in Azure (PATCH "
      ".../distributedAvailabilityGroups/<name> with databases[] without it) and then SQL Server's AG (ALTER "
      "AVAILABILITY GROUP [<ag>] REMOVE DATABASE); its copy on the managed instance stays, on its own. Each database "
      "in add joins SQL Server's AG (ALTER AVAILABILITY GROUP [<ag>] ADD DATABASE; FULL recovery and a full backup "
      "first, error 1475 otherwise) and then the link (PATCH databases[] with it), which seeds it on the managed "
      "instance; verify with databases follows the seeding. On an existing AG with secondary replicas (replicas), an "
      "added database joins the link only once every secondary has it (automatic seeding), and with remove_from_ag "
      "false a removed database stays in the AG. Both sides are read first, so what is already done is left alone.";
  s.params = {
      Param::string("name").required().doc("The link's name (the DAG's name on SQL Server)"),
      Param::string("ag_name").required().doc("SQL Server's availability group under the DAG"),
      Param::array("add").defaults_to(Value(milink::sdk::Array{})).doc("Databases to add to the link"),
      Param::array("remove").defaults_to(Value(milink::sdk::Array{})).doc("Databases to remove from the link"),
      Param::string("api_version")
          .defaults_to(Value("2025-08-01-preview"))
          .doc("ARM api-version; one with linkMode (2025-02-01-preview or later)"),
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::array("replicas")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("For a link on an existing AG with secondary replicas: the config's sqlserver.replicas (objects with a name; "
               "SQL targets sqlserver.replicas.<name>). An added database must reach each of them (automatic seeding) "
               "before it joins the link; a replica that seeds manually is refused before any change"),
      Param::boolean("remove_from_ag")
          .defaults_to(Value(true))
          .doc("Whether a removed database also leaves SQL Server's AG (ALTER AVAILABILITY GROUP ... REMOVE DATABASE): true "
               "for the AG milink made for the link; false leaves it in the AG (a customer's existing AG) and takes it out "
               "of the link only"),
  };
  s.outputs = {Output::array("databases").doc("The link's databases afterwards")};
  s.arm = true;
  s.sql_targets = {{"target"}};
  return s;
}

LinkDatabasesStep::Config LinkDatabasesStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.name = p.string("name");
  check_sysname(c.name, "name");
  c.ag_name = p.string("ag_name");
  check_sysname(c.ag_name, "ag_name");
  c.add = database_list(p, "add");
  c.remove = database_list(p, "remove");
  for (const auto& d : c.add)
    if (has_name(c.remove, d))
      throw ConfigError("remove", "\"" + d + "\" is both in add and in remove; list it in one of them");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-08-01-preview");
  if (!has_link_mode(c.api_version))
    throw ConfigError("api_version", "api-version " + c.api_version +
                                         " has no multi-database links (linkMode came with 2025-02-01-preview); set "
                                         "api_version to 2025-08-01-preview");
  c.target = p.string("target");
  c.replicas = replica_names(p, "replicas");
  for (const auto& name : c.replicas) c.replica_targets.push_back(replica_target(name));
  c.remove_from_ag = p.boolean("remove_from_ag");
  return c;
}

void LinkDatabasesStep::check_seeding(const Config& c, milink::sdk::Context& ctx, const std::vector<std::string>& adding) {
  if (c.replicas.empty() || adding.empty()) return;
  auto rows = ctx.sql(c.target).query(
      "SELECT r.replica_server_name, r.seeding_mode_desc FROM master.sys.availability_replicas AS r "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = r.group_id WHERE ag.name = ?",
      {SqlValue::nvarchar(c.ag_name)});
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    std::string replica = text(rows, i, "replica_server_name");
    if (!has_name(c.replicas, replica) || !iequals(text(rows, i, "seeding_mode_desc"), "MANUAL")) continue;
    std::string ag = tsql::quote_identifier(c.ag_name);
    throw StepError("secondary replica " + replica + " of " + ag +
                    " seeds manually (SEEDING_MODE = MANUAL), so it would not get " + quoted_names(adding) +
                    "; nothing was changed. Switch it to automatic seeding (on the primary: ALTER AVAILABILITY GROUP " +
                    ag + " MODIFY REPLICA ON " + tsql::quote_literal(replica) +
                    " WITH (SEEDING_MODE = AUTOMATIC); on " + replica + ": ALTER AVAILABILITY GROUP " + ag +
                    " GRANT CREATE ANY DATABASE), or add the databases to " + ag +
                    " yourself (restore WITH NORECOVERY and ALTER DATABASE ... SET HADR AVAILABILITY GROUP on each "
                    "secondary), then run again");
  }
}

std::vector<std::string> LinkDatabasesStep::missing_on_replica(const Config& c, milink::sdk::Context& ctx,
                                                               std::size_t i, const std::vector<std::string>& want) {
  auto rows = ctx.sql(c.replica_targets[i]).query(
      "SELECT d.name FROM master.sys.databases AS d "
      "JOIN master.sys.availability_replicas AS r ON r.replica_id = d.replica_id "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = r.group_id WHERE ag.name = ?",
      {SqlValue::nvarchar(c.ag_name)});
  std::vector<std::string> joined, missing;
  for (std::size_t k = 0; k < rows.rows.size(); ++k) joined.push_back(text(rows, k, "name"));
  for (const auto& d : want)
    if (!has_name(joined, d)) missing.push_back(d);
  return missing;
}

LinkDatabasesStep::Todo LinkDatabasesStep::inspect(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  std::string path = link_path(arm.coordinates(), c.name);
  auto r = arm.get(path, c.api_version);
  if (r.status == 404)
    throw StepError("managed instance " + arm.coordinates().instance_name + " has no link named \"" + c.name +
                    "\"; create it first (workflows/replicate-databases-one-link.json)");
  LinkView v = read_link(r.body);
  if (!iequals(v.link_mode, "MultiDatabase"))
    throw StepError("the link \"" + c.name + "\" is a " + (v.link_mode.empty() ? "single-database" : v.link_mode) +
                    " link; databases can be added to and removed from a MultiDatabase link only (create one with "
                    "workflows/replicate-databases-one-link.json)");
  auto sql = ctx.sql(c.target);
  auto ag = sql.query("SELECT is_distributed FROM master.sys.availability_groups WHERE name = ?",
                      {SqlValue::nvarchar(c.ag_name)});
  if (ag.rows.empty() || integer(ag, 0, "is_distributed") != 0)
    throw StepError("SQL Server has no availability group " + tsql::quote_identifier(c.ag_name) +
                    "; ag_name must be the AG the link's DAG is built on");
  auto members = sql.query(
      "SELECT d.database_name FROM master.sys.availability_databases_cluster AS d "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = d.group_id WHERE ag.name = ?",
      {SqlValue::nvarchar(c.ag_name)});
  std::vector<std::string> in_ag;
  for (std::size_t i = 0; i < members.rows.size(); ++i) in_ag.push_back(text(members, i, "database_name"));
  Todo t;
  for (const auto& d : v.databases) t.link.push_back(d.name);
  for (const auto& d : c.remove) {
    if (has_name(t.link, d)) t.arm_remove.push_back(d);
    if (c.remove_from_ag && has_name(in_ag, d)) t.sql_remove.push_back(d);
  }
  std::vector<std::string> added_in_ag;
  for (const auto& d : c.add) {
    if (!has_name(in_ag, d)) t.sql_add.push_back(d);
    else added_in_ag.push_back(d);
    if (!has_name(t.link, d)) t.arm_add.push_back(d);
  }
  for (std::size_t i = 0; i < c.replicas.size() && !added_in_ag.empty(); ++i)
    for (const auto& d : missing_on_replica(c, ctx, i, added_in_ag))
      if (!has_name(t.replica_pending, d)) t.replica_pending.push_back(d);
  std::vector<std::string> adding = t.sql_add;
  adding.insert(adding.end(), t.replica_pending.begin(), t.replica_pending.end());
  check_seeding(c, ctx, adding);
  if (!t.arm_add.empty()) {  // a database another link carries: refused before any change
    auto all = arm.get(arm.coordinates().instance_path() + "/distributedAvailabilityGroups", c.api_version);
    const Value* list = all.status == 200 ? all.body.get("value") : nullptr;
    if (list && list->is_array())
      for (const auto& other : list->as_array()) {
        const Value* n = other.get("name");
        std::string other_name = n && n->is_string() ? n->as_string() : "";
        if (iequals(other_name, c.name)) continue;
        for (const auto& d : read_link(other).databases)
          if (has_name(t.arm_add, d.name))
            throw StepError("database " + tsql::quote_identifier(d.name) + " is already in the link \"" + other_name +
                            "\"; a database can be in one link only. Remove it from that link first "
                            "(workflows/remove-link.json), or leave it out of add");
      }
  }
  return t;
}

milink::sdk::Observation LinkDatabasesStep::observe(const Config& c, milink::sdk::Context& ctx) {
  Todo t = inspect(c, ctx);
  milink::sdk::Array now;
  for (const auto& d : t.link) now.push_back(Value(d));
  ctx.output("databases", Value(std::move(now)));
  if (t.empty())
    return milink::sdk::Observation::satisfied("the link \"" + c.name + "\" carries " + quoted_names(t.link));
  std::string what;
  if (!t.arm_add.empty() || !t.sql_add.empty() || !t.replica_pending.empty())
    what += "to add: " + quoted_names(c.add);
  if (!t.arm_remove.empty() || !t.sql_remove.empty())
    what += (what.empty() ? "" : "; ") + std::string("to remove: ") + quoted_names(c.remove);
  return milink::sdk::Observation::needs_change("the link \"" + c.name + "\" carries " + quoted_names(t.link) + " (" + what + ")");
}

milink::sdk::Plan LinkDatabasesStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  auto arm = ctx.arm();
  std::string url = arm.url(link_path(arm.coordinates(), c.name), c.api_version);
  Todo t;
  try {
    t = inspect(c, ctx);
  } catch (const StepError&) {  // planned before the link exists: everything
    t.arm_remove = t.sql_remove = c.remove;
    t.sql_add = t.arm_add = c.add;
  }
  std::vector<std::string> dbs = t.link;
  if (!t.arm_remove.empty()) {
    dbs.erase(std::remove_if(dbs.begin(), dbs.end(), [&](const std::string& d) { return has_name(t.arm_remove, d); }),
              dbs.end());
    p.actions.push_back(milink::sdk::Action::http("PATCH", url, link_databases_body(dbs),
                                                  "remove " + quoted_names(t.arm_remove) + " from the link \"" + c.name + "\""));
  }
  for (const auto& d : t.sql_remove)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "remove " + tsql::quote_identifier(d) + " from " +
                                                                     tsql::quote_identifier(c.ag_name),
                                                       remove_database_sql(c.ag_name, d)));
  for (const auto& d : t.sql_add)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "add " + tsql::quote_identifier(d) + " to " +
                                                                     tsql::quote_identifier(c.ag_name),
                                                       add_database_sql(c.ag_name, d)));
  if (!t.arm_add.empty()) {
    dbs.insert(dbs.end(), t.arm_add.begin(), t.arm_add.end());
    p.actions.push_back(milink::sdk::Action::http("PATCH", url, link_databases_body(dbs),
                                                  "add " + quoted_names(t.arm_add) + " to the link \"" + c.name + "\""));
  }
  return p;
}

void LinkDatabasesStep::patch(const Config& c, milink::sdk::Context& ctx, const std::vector<std::string>& databases) {
  std::string error;
  milink::sdk::ArmClient* client = ctx.raw().services().arm(error);
  if (!client) throw StepError(error);
  std::string path = link_path(client->coordinates(), c.name);
  milink::sdk::ArmResponse out;
  milink::sdk::ArmError err;
  if (!client->call("PATCH", path, c.api_version, link_databases_body(databases), true, out, err))
    throw milink::sdk::ArmException(std::move(err), "PATCH", path);
}

void LinkDatabasesStep::apply(const Config& c, milink::sdk::Context& ctx) {
  Todo t = inspect(c, ctx);  // again: a resumed run may find part of it done
  auto sql = ctx.sql(c.target);
  std::vector<std::string> dbs = t.link;
  if (!t.arm_remove.empty()) {
    dbs.erase(std::remove_if(dbs.begin(), dbs.end(), [&](const std::string& d) { return has_name(t.arm_remove, d); }),
              dbs.end());
    ctx.progress("removing " + quoted_names(t.arm_remove) + " from the link \"" + c.name + "\"", 0.2);
    patch(c, ctx, dbs);
    ctx.info("removed " + quoted_names(t.arm_remove) + " from the link \"" + c.name +
             "\"; the copies on the managed instance stay, on their own");
  }
  for (const auto& d : t.sql_remove) {
    ctx.progress("removing " + tsql::quote_identifier(d) + " from " + tsql::quote_identifier(c.ag_name), 0.4);
    sql.run(remove_database_sql(c.ag_name, d));
  }
  for (const auto& d : t.sql_add) {
    ctx.progress("adding " + tsql::quote_identifier(d) + " to " + tsql::quote_identifier(c.ag_name), 0.6);
    sql.run(add_database_sql(c.ag_name, d));
  }
  // Every secondary replica must have the added databases (automatic seeding) before the link gets them.
  std::vector<std::string> added;
  for (const auto& d : c.add)
    if (!has_name(t.link, d) || has_name(t.sql_add, d) || has_name(t.replica_pending, d)) added.push_back(d);
  for (std::size_t i = 0; i < c.replicas.size() && !added.empty(); ++i) {
    auto missing = missing_on_replica(c, ctx, i, added);
    if (missing.empty()) continue;
    std::string ag = tsql::quote_identifier(c.ag_name);
    throw StepError(quoted_names(missing) + " joined " + ag + " on the primary but not on secondary replica " +
                    c.replicas[i] + ", so the link does not get them yet. Automatic seeding needs ALTER AVAILABILITY "
                    "GROUP " + ag + " GRANT CREATE ANY DATABASE on " + c.replicas[i] +
                    " (or join them there yourself: restore WITH NORECOVERY, then ALTER DATABASE ... SET HADR "
                    "AVAILABILITY GROUP = " + ag + "); when " + c.replicas[i] + " has them, run again");
  }
  if (!t.arm_add.empty()) {
    dbs.insert(dbs.end(), t.arm_add.begin(), t.arm_add.end());
    ctx.progress("adding " + quoted_names(t.arm_add) + " to the link \"" + c.name + "\"", 0.8);
    patch(c, ctx, dbs);
    ctx.info("added " + quoted_names(t.arm_add) + " to the link \"" + c.name + "\"; the managed instance seeds them now");
  }
  milink::sdk::Array now;
  for (const auto& d : dbs) now.push_back(Value(d));
  ctx.output("databases", Value(std::move(now)));
}

}  // namespace milink::link
