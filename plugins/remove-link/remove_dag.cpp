#include "remove_dag.hpp"

#include "link_usage.hpp"

#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec RemoveDagStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "remove-dag";
  s.summary = "Drops the link's distributed availability group on SQL Server (and, when asked and unused, the AG)";
  s.doc =
      "DROP AVAILABILITY GROUP [<name>] (the DAG). With drop_ag, also DROP AVAILABILITY GROUP [<ag>] when no other "
      "distributed availability group has it as a member; the database leaves the group and stays. Never drops a "
      "database. What is not there is reported, not an error.";
  s.destructive = true;
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("name").required().doc("The distributed availability group (the link's name)"),
      Param::boolean("drop_ag")
          .defaults_to(Value(false))
          .doc("Also drop the database's availability group, when no other distributed availability group uses it"),
      Param::string("ag_name")
          .defaults_to(Value(""))
          .doc("The database's availability group; default: the DAG's member that is an availability group here"),
  };
  s.outputs = {Output::string("name").doc("The distributed availability group's name")};
  s.sql_targets = {{"target"}};
  return s;
}

RemoveDagStep::Config RemoveDagStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.name = p.string("name");
  check_sysname(c.name, "name");
  c.drop_ag = p.boolean("drop_ag");
  c.ag_name = p.string("ag_name");
  if (!c.ag_name.empty()) check_sysname(c.ag_name, "ag_name");
  return c;
}

std::string RemoveDagStep::drop_sql(const std::string& group) {
  return "USE master;\nIF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = " + tsql::quote_literal(group) +
         ")\n    DROP AVAILABILITY GROUP " + tsql::quote_identifier(group) + ";";
}

RemoveDagStep::Found RemoveDagStep::inspect(const Config& c, milink::sdk::Context& ctx) const {
  auto sql = ctx.sql(c.target);
  Found f;
  auto v = sql.scalar("SELECT @@SERVERNAME");
  f.server = v && !v->is_null() ? v->as_string() : c.target;
  auto dag = find_group(sql, c.name);
  if (dag && !dag->distributed)
    throw StepError(tsql::quote_identifier(c.name) + " on " + f.server +
                    " is an availability group, not a distributed one; remove-dag drops only the link's DAG (check name)");
  f.dag = dag.has_value();
  f.ag_name = c.ag_name;
  if (f.ag_name.empty() && f.dag) {
    auto rs = sql.query(
        "SELECT r.replica_server_name FROM master.sys.availability_replicas AS r JOIN master.sys.availability_groups "
        "AS g ON g.group_id = r.group_id WHERE g.name = ?",
        {SqlValue::nvarchar(c.name)});
    for (std::size_t i = 0; i < rs.rows.size(); ++i) {
      auto member = find_group(sql, text(rs, i, "replica_server_name"));
      if (member && !member->distributed) f.ag_name = member->name;
    }
  }
  if (c.drop_ag && !f.ag_name.empty()) {
    auto ag = find_group(sql, f.ag_name);
    if (ag && ag->distributed)
      throw StepError(tsql::quote_identifier(f.ag_name) + " is a distributed availability group; ag_name must name the "
                                                          "database's availability group");
    f.ag = ag.has_value();
    if (f.ag) f.ag_users = dags_using_ag(sql, f.ag_name, {c.name});
  }
  return f;
}

milink::sdk::Observation RemoveDagStep::observe(const Config& c, milink::sdk::Context& ctx) {
  found_ = inspect(c, ctx);
  const Found& f = *found_;
  std::string dag = tsql::quote_identifier(c.name), ag = tsql::quote_identifier(f.ag_name);
  std::vector<std::string> todo, noted;
  if (f.dag) todo.push_back("distributed availability group " + dag + " exists");
  else noted.push_back("no distributed availability group " + dag + " on " + f.server);
  if (c.drop_ag) {
    if (f.ag_name.empty()) noted.push_back("the availability group is unknown (no DAG to read it from; set ag_name)");
    else if (!f.ag) noted.push_back("no availability group " + ag);
    else if (!f.ag_users.empty())
      noted.push_back("availability group " + ag + " is kept: " + join_names(f.ag_users) + " still use it");
    else todo.push_back("availability group " + ag + " exists and no other DAG uses it");
  }
  for (const auto& n : noted) ctx.info(n);
  ctx.output("name", Value(c.name));
  if (todo.empty()) return milink::sdk::Observation::satisfied(join_names(noted) + ": nothing to drop on SQL Server");
  return milink::sdk::Observation::needs_change(join_names(todo));
}

milink::sdk::Plan RemoveDagStep::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  std::string server = found_ ? found_->server : c.target;
  std::string when = found_ ? "" : " (when it exists)";
  if (!found_ || found_->dag)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "DROP AVAILABILITY GROUP " + tsql::quote_identifier(c.name) +
                                                                     " on " + server + when +
                                                                     " (the distributed availability group; no database is dropped)",
                                                       drop_sql(c.name))
                            .marked_destructive());
  std::string ag = found_ ? found_->ag_name : c.ag_name;
  if (c.drop_ag && !ag.empty() && (!found_ || found_->drop_ag()))
    p.actions.push_back(
        milink::sdk::Action::sql_batch(c.target, "DROP AVAILABILITY GROUP " + tsql::quote_identifier(ag) + " on " + server +
                                                     (found_ ? "" : " (when it exists and no other distributed availability group uses it)") +
                                                     " (its database leaves the group and stays)",
                                       drop_sql(ag))
            .marked_destructive());
  return p;
}

void RemoveDagStep::apply(const Config& c, milink::sdk::Context& ctx) {
  Found f = inspect(c, ctx);  // again: a resumed run may find part of it done
  auto sql = ctx.sql(c.target);
  if (f.dag) {
    ctx.progress("dropping distributed availability group " + tsql::quote_identifier(c.name), 0.3);
    sql.run(drop_sql(c.name), {}, /*idempotent=*/true);  // guarded by IF EXISTS
    ctx.info("dropped distributed availability group " + tsql::quote_identifier(c.name) + " on " + f.server);
  }
  if (c.drop_ag && f.drop_ag()) {
    ctx.progress("dropping availability group " + tsql::quote_identifier(f.ag_name), 0.7);
    sql.run(drop_sql(f.ag_name), {}, /*idempotent=*/true);  // guarded by IF EXISTS
    ctx.info("dropped availability group " + tsql::quote_identifier(f.ag_name) + " on " + f.server +
             " (its database stays)");
  }
  ctx.output("name", Value(c.name));
}

}  // namespace milink::link
