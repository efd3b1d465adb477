#include "failover.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>

namespace milink::link {

using milink::sdk::Action;
using milink::sdk::ConfigError;
using milink::sdk::Object;
using milink::sdk::Observation;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {

/// The first api-version with the failover action.
constexpr const char* kFailoverApi = "2023-08-01";

std::string side_param(Side s) { return s == Side::Instance ? "instance" : "sqlserver"; }

/// How the change is named in messages and actions.
std::string kind(const FailoverStep::Config& c) { return c.forced ? "forced failover" : "planned failover"; }

std::string data_loss_text(Side to) {
  const std::string target = to == Side::Instance ? "the managed instance" : "SQL Server";
  return "a forced failover (ForcedAllowDataLoss) makes " + target +
         " primary with only the log it has hardened: every transaction the current primary has not yet sent to it "
         "is lost, and when the old primary steps down (resolve_split_brain) its changes made after the failover "
         "are discarded too";
}

}  // namespace

milink::sdk::StepSpec FailoverStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "failover";
  s.summary = "Fails a link over to the managed instance or back to SQL Server, planned or forced";
  s.doc =
      "Planned (no data loss; the link stays and the roles swap): to the instance with ALTER AVAILABILITY GROUP [dag] "
      "FAILOVER on SQL Server (SQL Server 2022 CU13 or later), back to SQL Server with ARM POST .../failover "
      "{\"failoverType\":\"Planned\"}; both need a two-way link (failoverMode Manual) that is synchronous on both "
      "sides with equal last hardened LSNs, which the step checks first and otherwise refuses, naming what to run. "
      "Forced (ForcedAllowDataLoss; needs acknowledge_data_loss): to the instance with ARM POST .../failover, to SQL "
      "Server with ALTER AVAILABILITY GROUP [dag] FORCE_FAILOVER_ALLOW_DATA_LOSS; it reports the LSN gap lost. The "
      "old primary then stays primary too (split brain); with resolve_split_brain it steps down: SET (ROLE = "
      "SECONDARY) on SQL Server, or ARM POST .../setRole {\"instanceRole\":\"Secondary\"}. Nothing to do when the side "
      "asked for is already the only primary.";
  s.destructive = true;
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("name").required().doc("The link's name (the DAG's name on SQL Server)"),
      Param::string("type")
          .defaults_to(Value("planned"))
          .choices({"planned", "forced"})
          .doc("planned (no data loss; the link must be synchronous and caught up) or forced (ForcedAllowDataLoss)"),
      Param::string("to")
          .defaults_to(Value("instance"))
          .choices({"instance", "sqlserver"})
          .doc("The side to make primary: instance (fail over) or sqlserver (fail back)"),
      Param::boolean("acknowledge_data_loss")
          .defaults_to(Value(false))
          .doc("Required true for type forced: the log the new primary has not hardened is lost"),
      Param::boolean("resolve_split_brain")
          .defaults_to(Value(true))
          .doc("After a forced failover, make the old primary secondary (it drops its changes made after the failover); "
               "false leaves both sides primary for you to resolve"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version (2023-08-01-preview or later: the failover action)"),
  };
  s.outputs = {
      Output::string("primary").doc("The side that is primary afterwards: instance or sqlserver"),
      Output::string("data_loss_lsn_gap")
          .doc("Forced: how far the old primary's last hardened LSN was ahead of the new primary's (\"0\": nothing lost; "
               "\"\": not measured, or no failover was needed)"),
  };
  s.arm = true;
  s.sql_targets = {{"target"}};
  return s;
}

FailoverStep::Config FailoverStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.name = p.string("name");
  check_sysname(c.name, "name");
  c.forced = p.string("type") == "forced";
  c.to = p.string("to") == "sqlserver" ? Side::SqlServer : Side::Instance;
  c.resolve_split_brain = p.boolean("resolve_split_brain");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  if (c.api_version.compare(0, 10, kFailoverApi) < 0)
    throw ConfigError("api_version", "api-version " + c.api_version +
                                         " has no failover action on distributedAvailabilityGroups (it came with "
                                         "2023-08-01-preview); set api_version to 2025-01-01");
  if (c.forced && !p.boolean("acknowledge_data_loss"))
    throw ConfigError("acknowledge_data_loss",
                      data_loss_text(c.to) +
                          ". Set acknowledge_data_loss to true (--set acknowledge_data_loss=true) to accept that, or "
                          "use type planned, which loses nothing");
  return c;
}

std::string FailoverStep::alter_dag_sql(const std::string& dag, const std::string& verb) {
  return "USE master;\nALTER AVAILABILITY GROUP " + tsql::quote_identifier(dag) + " " + verb + ";";
}

LinkSides FailoverStep::read(const Config& c, milink::sdk::Context& ctx) const {
  LinkSides s = read_sides(ctx, c.target, c.name, c.api_version);
  if (!s.link)
    throw StepError("no link \"" + c.name + "\" on managed instance " + s.instance +
                    ": nothing to fail over (check name, or create the link first)");
  if (!s.dag)
    throw StepError("no distributed availability group " + tsql::quote_identifier(c.name) + " on " + s.server +
                    ", although the link exists in Azure: the link is half-built or half-removed; remove it "
                    "(workflows/remove-link.json) and create it again");
  return s;
}

Observation FailoverStep::observe(const Config& c, milink::sdk::Context& ctx) {
  seen_ = read(c, ctx);
  const LinkSides& s = *seen_;
  const Side from = other(c.to);
  ctx.output("data_loss_lsn_gap", Value(""));
  if (is_primary(c.to, s)) {
    ctx.output("primary", Value(side_param(c.to)));
    if (!is_primary(from, s))
      return Observation::satisfied(side_name(c.to, s) + " is already the primary of link " + c.name + " (" +
                                    s.roles() + ")");
    // Split brain: both primary.
    const std::string both = "split brain: both sides of link " + c.name + " are primary (" + s.roles() + ")";
    if (std::string why = unsupported(c.to, c.forced, s); !why.empty()) throw StepError(why);
    if (!c.forced)
      throw StepError(both + "; a planned failover cannot resolve it. Run the failover with type forced and "
                             "acknowledge_data_loss (it makes " +
                      side_name(from, s) + " secondary, discarding its changes since the split)");
    std::string blocked = cannot_demote(from, s);
    if (!c.resolve_split_brain || !blocked.empty()) {
      ctx.warn(both + (blocked.empty() ? "; resolve_split_brain is false, so it stays: make " + side_name(from, s) +
                                             " secondary yourself once you have saved what it wrote"
                                       : "; " + blocked + ": remove the link (workflows/remove-link.json) to end it"));
      return Observation::satisfied(side_name(c.to, s) + " is primary; the split brain is left (" +
                                    (blocked.empty() ? std::string("resolve_split_brain is false") : blocked) + ")");
    }
    return Observation::needs_change(both + "; " + side_name(from, s) + " steps down to secondary");
  }
  if (std::string why = unsupported(c.to, c.forced, s); !why.empty()) throw StepError(why);
  ctx.output("primary", Value(s.sql_primary() ? side_param(Side::SqlServer)
                                              : s.instance_primary() ? side_param(Side::Instance) : ""));
  return Observation::needs_change(side_name(c.to, s) + " is not the primary of link " + c.name + " (" + s.roles() +
                                   "): " + kind(c) + " to it");
}

Action FailoverStep::failover_action(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const {
  const std::string what = kind(c) + " of link " + c.name + (s.database.empty() ? "" : " (database " + s.database + ")") +
                           " to " + side_name(c.to, s);
  const std::string loss = c.forced ? "; the log it has not hardened is lost" : "";
  if (c.to == Side::Instance && !c.forced)
    return Action::sql_batch(c.target, what + ": ALTER AVAILABILITY GROUP " + tsql::quote_identifier(c.name) +
                                           " FAILOVER on " + s.server,
                             alter_dag_sql(c.name, "FAILOVER"))
        .marked_destructive();
  if (c.to == Side::SqlServer && c.forced)
    return Action::sql_batch(c.target, what + ": ALTER AVAILABILITY GROUP " + tsql::quote_identifier(c.name) +
                                           " FORCE_FAILOVER_ALLOW_DATA_LOSS on " + s.server + loss,
                             alter_dag_sql(c.name, "FORCE_FAILOVER_ALLOW_DATA_LOSS"))
        .marked_destructive();
  auto arm = ctx.arm();
  const std::string type = c.forced ? "ForcedAllowDataLoss" : "Planned";
  return Action::http("POST", arm.url(link_path(arm.coordinates(), c.name) + "/failover", c.api_version),
                      Value(Object{{"failoverType", Value(type)}}), what + ": POST failover " + type + loss)
      .marked_destructive();
}

Action FailoverStep::demote_action(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const {
  const std::string why = " (ends the split brain; its changes since the failover are discarded)";
  if (c.to == Side::Instance)
    return Action::sql_batch(c.target, "ALTER AVAILABILITY GROUP " + tsql::quote_identifier(c.name) +
                                           " SET (ROLE = SECONDARY) on " + s.server + why,
                             alter_dag_sql(c.name, "SET (ROLE = SECONDARY)"))
        .marked_destructive();
  auto arm = ctx.arm();
  return Action::http("POST", arm.url(link_path(arm.coordinates(), c.name) + "/setRole", c.api_version),
                      Value(Object{{"instanceRole", Value("Secondary")}, {"roleChangeType", Value("Forced")}}),
                      "POST setRole Secondary for link " + c.name + ": " + side_name(Side::Instance, s) +
                          " becomes secondary" + why)
      .marked_destructive();
}

milink::sdk::Plan FailoverStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  const Side from = other(c.to);
  if (!seen_) {  // `milink plan` connects nowhere: what a run may do, with its conditions
    LinkSides s;
    s.server = c.target;
    s.instance = ctx.arm().coordinates().instance_name;
    Action a = failover_action(c, ctx, s);
    a.description += " (when it is not primary yet" +
                     std::string(c.forced ? "" : ", and only if the link is synchronous and caught up") + ")";
    p.actions.push_back(std::move(a));
    if (c.forced && c.resolve_split_brain) {
      Action d = demote_action(c, ctx, s);
      d.description += " (when it is still primary after the failover)";
      p.actions.push_back(std::move(d));
    }
    return p;
  }
  const LinkSides& s = *seen_;
  if (!is_primary(c.to, s)) {
    if (!c.forced) {
      if (!is_primary(from, s))
        throw StepError("no side of link " + c.name + " is primary (" + s.roles() +
                        "): a planned failover needs one; force " + side_name(c.to, s) +
                        " to primary with type forced");
      if (std::string why = not_ready(c.to, s); !why.empty()) throw StepError(why);
    }
    Action a = failover_action(c, ctx, s);
    if (c.forced && is_primary(from, s))
      if (std::string gap = lost_lsn_gap(c.to, s); !gap.empty()) a.description += " (LSN gap now " + gap + ")";
    p.actions.push_back(std::move(a));
  }
  // After a forced failover the old primary stays primary: it steps down.
  if (c.forced && c.resolve_split_brain && is_primary(from, s) && cannot_demote(from, s).empty())
    p.actions.push_back(demote_action(c, ctx, s));
  return p;
}

void FailoverStep::fail_over(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const {
  ctx.progress(kind(c) + " to " + side_name(c.to, s), 0.3);
  if (c.to == Side::Instance && !c.forced) {
    ctx.sql(c.target).run(alter_dag_sql(c.name, "FAILOVER"));
  } else if (c.to == Side::SqlServer && c.forced) {
    ctx.sql(c.target).run(alter_dag_sql(c.name, "FORCE_FAILOVER_ALLOW_DATA_LOSS"));
  } else {
    auto arm = ctx.arm();
    arm.post(link_path(arm.coordinates(), c.name) + "/failover", c.api_version,
             Value(Object{{"failoverType", Value(c.forced ? "ForcedAllowDataLoss" : "Planned")}}));
  }
  ctx.info(kind(c) + " of link " + c.name + ": " + side_name(c.to, s) + " is primary");
}

void FailoverStep::demote(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const {
  const Side from = other(c.to);
  ctx.progress("ending the split brain: " + side_name(from, s) + " steps down to secondary", 0.7);
  if (from == Side::SqlServer) {
    ctx.sql(c.target).run(alter_dag_sql(c.name, "SET (ROLE = SECONDARY)"));
  } else {
    auto arm = ctx.arm();
    arm.post(link_path(arm.coordinates(), c.name) + "/setRole", c.api_version,
             Value(Object{{"instanceRole", Value("Secondary")}, {"roleChangeType", Value("Forced")}}));
  }
  ctx.info("split brain resolved: " + side_name(from, s) + " is secondary of link " + c.name +
           " and resynchronises from " + side_name(c.to, s));
}

void FailoverStep::apply(const Config& c, milink::sdk::Context& ctx) {
  LinkSides s = read(c, ctx);  // again: a resumed run may find part of it done
  const Side from = other(c.to);
  ctx.output("data_loss_lsn_gap", Value(""));
  if (!is_primary(c.to, s)) {
    if (std::string why = unsupported(c.to, c.forced, s); !why.empty()) throw StepError(why);
    if (!c.forced) {
      if (std::string why = not_ready(c.to, s); !why.empty()) throw StepError(why);
    } else {
      std::string gap = lost_lsn_gap(c.to, s);
      ctx.output("data_loss_lsn_gap", Value(gap));
      if (is_primary(from, s))
        ctx.warn("forced failover of link " + c.name + ": " + side_name(c.to, s) + " has hardened up to LSN " +
                 (c.to == Side::Instance ? s.instance_lsn : s.sql_lsn) + ", " + side_name(from, s) + " up to LSN " +
                 (c.to == Side::Instance ? s.sql_lsn : s.instance_lsn) +
                 (gap.empty() ? "" : ": LSN gap " + gap + (gap == "0" ? " (nothing is lost)" : " is lost")) +
                 (c.to == Side::Instance && !s.log_send_queue_kb.empty()
                      ? " (log send queue " + s.log_send_queue_kb + " KB)"
                      : ""));
    }
    try {
      fail_over(c, ctx, s);
    } catch (const StepError& e) {
      if (c.forced) throw;
      throw StepError(std::string(e.what()) + " (the link changed since milink checked it; " +
                      not_ready(c.to, read(c, ctx)) + ")");
    }
    s = read(c, ctx);
    if (!is_primary(c.to, s))
      throw StepError("the " + kind(c) + " of link " + c.name + " finished, yet " + side_name(c.to, s) +
                      " is not primary (" + s.roles() + ")");
  }
  if (c.forced && is_primary(from, s)) {
    std::string blocked = cannot_demote(from, s);
    if (c.resolve_split_brain && blocked.empty()) {
      demote(c, ctx, s);
      s = read(c, ctx);
    } else {
      ctx.warn("split brain: both sides of link " + c.name + " are primary (" + s.roles() + "); " +
               (blocked.empty() ? "resolve_split_brain is false: make " + side_name(from, s) +
                                      " secondary yourself once you have saved what it wrote"
                                : blocked + ": remove the link (workflows/remove-link.json) to end it"));
    }
  }
  ctx.output("primary", Value(side_param(c.to)));
}

}  // namespace milink::link
