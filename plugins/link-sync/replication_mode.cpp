#include "replication_mode.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Output;
using milink::sdk::Param;
namespace tsql = milink::sdk::tsql;

namespace {
constexpr unsigned kParts = kDagNames | kArmVersion | kSqlServerTarget;
}

bool ReplicationModeStep::Sides::sql_done(const Config& c) const {
  for (const auto& m : members)
    if (!iequals(m.second, c.sql_mode)) return false;
  return true;
}

bool ReplicationModeStep::Sides::arm_done(const Config& c) const { return iequals(link.replication_mode, c.arm_mode); }

milink::sdk::StepSpec ReplicationModeStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "replication-mode";
  s.summary = "Switches a link between asynchronous and synchronous commit on both sides";
  s.doc =
      "Reads SQL Server's DAG members (sys.availability_replicas.availability_mode_desc) and the link's "
      "replicationMode in Azure, then changes only what differs, in the failover how-to's order: first SQL Server, "
      "ALTER AVAILABILITY GROUP [<dag>] MODIFY AVAILABILITY GROUP ON '<ag>' WITH (AVAILABILITY_MODE = "
      "SYNCHRONOUS_COMMIT | ASYNCHRONOUS_COMMIT), '<instance ag>' WITH (...); then Azure, PATCH "
      ".../distributedAvailabilityGroups/<link> with only properties.replicationMode Sync | Async (a long-running "
      "operation; every api-version of the link has it; nothing else of the link is sent, so nothing else changes). "
      "The link is synchronous only when "
      "both sides say so. Sync is what a planned failover needs; synchronous commit over a long distance slows the "
      "primary's transactions, so switch back to async when the link stays.";
  s.params = link_ref_params(kParts);
  milink::sdk::ParamSpec mode = Param::string("mode")
                                    .required()
                                    .choices({"sync", "async"})
                                    .doc("sync (SYNCHRONOUS_COMMIT / Sync) or async (ASYNCHRONOUS_COMMIT / Async)");
  s.params.insert(s.params.begin() + 1, mode);
  s.outputs = {Output::string("mode").doc("The link's replication mode now: sync or async")};
  s.arm = true;
  s.sql_targets = {{"target"}};
  return s;
}

ReplicationModeStep::Config ReplicationModeStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.link = read_link_ref(p, kParts);
  c.sync = p.string("mode") == "sync";
  c.sql_mode = c.sync ? "SYNCHRONOUS_COMMIT" : "ASYNCHRONOUS_COMMIT";
  c.arm_mode = c.sync ? "Sync" : "Async";
  return c;
}

ReplicationModeStep::Sides ReplicationModeStep::inspect(const Config& c, milink::sdk::Context& ctx) {
  Sides s;
  auto rs = ctx.sql(c.link.sql_target)
                .query("SELECT r.replica_server_name, r.availability_mode_desc FROM master.sys.availability_replicas AS r "
                       "JOIN master.sys.availability_groups AS g ON g.group_id = r.group_id "
                       "WHERE g.name = ? AND g.is_distributed = 1",
                       {SqlValue::nvarchar(c.link.dag_name)});
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    s.members.emplace_back(text(rs, i, "replica_server_name"), text(rs, i, "availability_mode_desc"));
  if (s.members.empty())
    throw StepError("there is no distributed availability group " + tsql::quote_identifier(c.link.dag_name) +
                    " on SQL Server (target " + c.link.sql_target + "): create the link first (workflows/"
                    "replicate-database.json), or set dag_name to the link's DAG");
  auto arm = ctx.arm();
  auto r = arm.get(link_path(arm.coordinates(), c.link.link_name), c.link.api_version);
  if (r.status == 404)
    throw StepError("there is no link \"" + c.link.link_name + "\" on managed instance " + arm.coordinates().instance_name +
                    ": create it first (workflows/replicate-database.json), or set link_name");
  s.link = read_link(r.body);
  return s;
}

milink::sdk::Value ReplicationModeStep::patch_body(const Config& c) {
  using milink::sdk::Object;
  return Value(Object{{"properties", Value(Object{{"replicationMode", Value(c.arm_mode)}})}});
}

std::string ReplicationModeStep::alter_sql(const Config& c, const Sides& s) {
  std::string sql = "ALTER AVAILABILITY GROUP " + tsql::quote_identifier(c.link.dag_name) + "\n    MODIFY\n    AVAILABILITY GROUP ON";
  for (std::size_t i = 0; i < s.members.size(); ++i)
    sql += std::string(i == 0 ? "\n        " : ",\n        ") + tsql::quote_literal(s.members[i].first) +
           " WITH (AVAILABILITY_MODE = " + c.sql_mode + ")";
  return sql + ";";
}

namespace {
std::string describe(const ReplicationModeStep::Sides& s) {
  std::string members;
  for (const auto& m : s.members) members += (members.empty() ? "" : ", ") + m.first + " " + m.second;
  return "SQL Server's DAG members: " + members + "; Azure's replicationMode: " +
         (s.link.replication_mode.empty() ? std::string("not shown") : s.link.replication_mode);
}
}  // namespace

milink::sdk::Observation ReplicationModeStep::observe(const Config& c, milink::sdk::Context& ctx) {
  seen_ = inspect(c, ctx);
  if (seen_.sql_done(c) && seen_.arm_done(c)) {
    ctx.output("mode", Value(c.sync ? "sync" : "async"));
    return milink::sdk::Observation::satisfied("the link " + tsql::quote_identifier(c.link.dag_name) + " is " +
                                               (c.sync ? "synchronous" : "asynchronous") + " on both sides");
  }
  return milink::sdk::Observation::needs_change(describe(seen_));
}

milink::sdk::Plan ReplicationModeStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  if (!seen_.sql_done(c))
    p.actions.push_back(milink::sdk::Action::sql_batch(
        c.link.sql_target, "set distributed availability group " + tsql::quote_identifier(c.link.dag_name) + " to " + c.sql_mode,
        alter_sql(c, seen_)));
  if (!seen_.arm_done(c)) {
    auto arm = ctx.arm();
    p.actions.push_back(milink::sdk::Action::http(
        "PATCH", arm.url(link_path(arm.coordinates(), c.link.link_name), c.link.api_version), patch_body(c),
        "set the link \"" + c.link.link_name + "\"'s replicationMode to " + c.arm_mode + " (nothing else of it changes)"));
  }
  return p;
}

void ReplicationModeStep::apply(const Config& c, milink::sdk::Context& ctx) {
  Sides s = inspect(c, ctx);  // again: a resumed run may find one side done
  if (!s.sql_done(c)) {
    ctx.progress("setting " + tsql::quote_identifier(c.link.dag_name) + " to " + c.sql_mode + " on SQL Server", 0.3);
    ctx.sql(c.link.sql_target).run(alter_sql(c, s));
  }
  if (!s.arm_done(c)) {
    ctx.progress("setting the link \"" + c.link.link_name + "\" to replicationMode " + c.arm_mode + " (waiting for Azure)", 0.6);
    auto arm = ctx.arm();
    arm.patch(link_path(arm.coordinates(), c.link.link_name), c.link.api_version, patch_body(c));
  }
  s = inspect(c, ctx);
  if (!s.sql_done(c) || !s.arm_done(c))
    throw StepError("the link " + tsql::quote_identifier(c.link.dag_name) + " is still not " + (c.sync ? "sync" : "async") +
                    " on both sides after the change (" + describe(s) + ")");
  ctx.output("mode", Value(c.sync ? "sync" : "async"));
  ctx.info("the link " + tsql::quote_identifier(c.link.dag_name) + " is " + (c.sync ? "synchronous" : "asynchronous") +
           " on both sides");
}

}  // namespace milink::link
