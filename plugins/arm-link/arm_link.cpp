#include "arm_link.hpp"

#include <milink/link/diagnosis.hpp>
#include <milink/link/failover_mode.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;

milink::sdk::StepSpec ArmLink::spec() {
  milink::sdk::StepSpec s;
  s.uses = "arm-link";
  s.summary = "Creates the link in Azure (distributedAvailabilityGroups) for one database";
  s.doc =
      "PUT .../managedInstances/<mi>/distributedAvailabilityGroups/<name> with the database, SQL Server's AG and "
      "endpoint, in the body shape of api_version (2021-05-01-preview up to 2023-02-01-preview: targetDatabase, "
      "sourceEndpoint, primary/secondaryAvailabilityGroupName; later: databases[], partnerEndpoint, "
      "partner/instanceAvailabilityGroupName), with replicationMode and (new shape) failoverMode. An existing link with the "
      "same settings is left alone; one with other settings is an error, and so is a failed one (provisioningState "
      "Failed, replicaState LinkCreationError or LinkInitError): remove it (workflows/remove-link.json) and create it "
      "again.";
  s.params = {
      Param::string("name").required().doc("The link's name: the DAG's name on SQL Server (dag's name)"),
      Param::string("database")
          .defaults_to(Value(""))
          .doc("The database to replicate (a single-database link); with databases, leave it out or give the first"),
      Param::array("databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("The databases of a multi-database link (link_mode MultiDatabase), all in ag_name. Only the creation uses "
               "them: an existing link's databases are changed by the link-databases step"),
      Param::string("link_mode")
          .defaults_to(Value(""))
          .doc("linkMode: SingleDatabase or MultiDatabase (one link for every database of the AG); only with an api_version "
               "that has it (2025-02-01-preview or later, e.g. 2025-08-01-preview). Empty: not sent (a single-database link)"),
      Param::string("ag_name").required().doc("SQL Server's availability group (ag's name)"),
      Param::string("instance_ag_name")
          .defaults_to(Value(""))
          .doc("The instance's availability group name (the DAG's second member, dag's instance_ag_name); default "
               "AG_<database>_MI"),
      Param::string("partner_endpoint").required().doc("SQL Server's endpoint URL (mirroring-endpoint's url)"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version; the body shape follows it"),
      Param::string("wait")
          .defaults_to(Value("accepted"))
          .choices({"accepted", "completed"})
          .doc("accepted: return once ARM accepted the request (verify follows the link); completed: wait for the operation"),
      Param::string("failover_mode")
          .defaults_to(Value("auto"))
          .choices({"auto", "manual", "none"})
          .doc("manual: two-way (the database can fail back to SQL Server 2022/2025; the instance's update policy must match "
               "the version); none: one-way; auto: manual when SQL Server is 2022+ and the instance's update policy "
               "(databaseFormat) matches it, else none. Sent from api-version 2023-05-01-preview on."),
      Param::string("replication_mode")
          .defaults_to(Value("async"))
          .choices({"async", "sync"})
          .doc("async or sync (replicationMode, in every api-version)."),
      Param::string("sql_target")
          .defaults_to(Value("sqlserver"))
          .doc("SQL target of SQL Server (failover_mode auto reads its version)"),
  };
  s.outputs = {Output::string("name").doc("The link's name"),
               Output::string("resource_id").doc("The link's ARM resource path"),
               Output::string("provisioning_state").doc("provisioningState (or linkState for old api-versions)")};
  s.arm = true;
  s.sql_targets = {{"sql_target"}};
  return s;
}

ArmLink::Config ArmLink::configure(const milink::sdk::Params& p) {
  Config c;
  c.name = p.string("name");
  check_sysname(c.name, "name");
  c.request.database = p.string("database");
  c.request.databases = p.strings("databases");
  for (const auto& d : c.request.databases) check_sysname(d, "databases");
  if (c.request.database.empty() && !c.request.databases.empty()) c.request.database = c.request.databases.front();
  check_sysname(c.request.database, "database");
  c.request.partner_availability_group = p.string("ag_name");
  check_sysname(c.request.partner_availability_group, "ag_name");
  c.request.instance_availability_group = p.string("instance_ag_name");
  c.request.partner_endpoint = p.string("partner_endpoint");
  if ((c.request.partner_endpoint.empty() || c.request.partner_endpoint.front() != '<') && endpoint_url_port(c.request.partner_endpoint) < 0)
    throw ConfigError("partner_endpoint", "\"" + c.request.partner_endpoint + "\" is not an endpoint URL like TCP://host:5022");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-01-01 or 2021-05-01-preview");
  c.wait_for_completion = p.string("wait") == "completed";
  std::string fm = p.string("failover_mode");
  c.failover_mode = fm == "manual" ? "Manual" : fm == "none" ? "None" : "auto";
  c.request.replication_mode = p.string("replication_mode") == "sync" ? "Sync" : "Async";
  c.sql_target = p.string("sql_target");
  c.request.link_mode = p.string("link_mode");
  if (!c.request.link_mode.empty() && c.request.link_mode != "SingleDatabase" && c.request.link_mode != "MultiDatabase")
    throw ConfigError("link_mode", "\"" + c.request.link_mode + "\" is not a link mode; write SingleDatabase or MultiDatabase");
  if (!c.request.link_mode.empty() && !has_link_mode(c.api_version))
    throw ConfigError("link_mode", "api-version " + c.api_version +
                                       " has no linkMode (it came with 2025-02-01-preview); set api_version to "
                                       "2025-08-01-preview, or leave link_mode out for a single-database link");
  const bool multi = c.request.link_mode == "MultiDatabase";
  if (!multi && c.request.databases.size() > 1)
    throw ConfigError("databases", "a link carries one database unless link_mode is MultiDatabase; set link_mode: "
                                   "MultiDatabase (with api_version 2025-08-01-preview) or give one database");
  if (multi && c.request.databases.empty()) c.request.databases.push_back(c.request.database);
  if (multi && !c.request.databases.empty() && !iequals(c.request.databases.front(), c.request.database))
    throw ConfigError("database", "\"" + c.request.database + "\" is not the first of databases; leave database out");
  if (multi && c.name.front() != '<' && !multi_database_link_name(c.name))
    throw ConfigError("name", "\"" + c.name +
                                  "\" cannot name a multi-database link: Azure takes only lower-case letters a-z, "
                                  "digits and hyphens (not first or last); name the DAG e.g. \"link-sales\"");
  if (c.failover_mode == "Manual" && legacy_link_shape(c.api_version))
    throw ConfigError("failover_mode", "manual needs api_version 2023-05-01-preview or later (api-version " +
                                           c.api_version + " has no failoverMode); set api_version to 2025-01-01");
  return c;
}

LinkRequest ArmLink::request(const Config& c, milink::sdk::Arm& arm) const {
  LinkRequest r = c.request;
  if (r.instance_availability_group.empty()) r.instance_availability_group = default_instance_ag_name(r.database);
  r.failover_mode = c.failover_mode != "auto" ? c.failover_mode
                    : failover_mode_.empty()  ? "<auto: Manual for SQL Server 2022+ with a matching update policy, else None>"
                                              : failover_mode_;
  return r;
}

void ArmLink::resolve_failover_mode(const Config& c, milink::sdk::Context& ctx) {
  if (c.failover_mode != "auto" || legacy_link_shape(c.api_version)) {
    failover_mode_ = c.failover_mode == "auto" ? "None" : c.failover_mode;
    return;
  }
  auto v = ctx.sql(c.sql_target).scalar("SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128))");
  std::string version = v && !v->is_null() ? v->as_string() : "";
  auto arm = ctx.arm();
  auto mi = arm.get(arm.coordinates().instance_path(), c.api_version);
  const Value* props = mi.status == 404 ? nullptr : mi.body.get("properties");
  const Value* fmt = props ? props->get("databaseFormat") : nullptr;
  std::string format = fmt && fmt->is_string() ? fmt->as_string() : "";
  FailoverModeChoice choice = choose_failover_mode(version, format);
  failover_mode_ = choice.mode;
  ctx.info("failover_mode auto: failoverMode " + failover_mode_ + ", because " + choice.why);
}

std::optional<LinkView> ArmLink::inspect(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  auto r = arm.get(link_path(arm.coordinates(), c.name), c.api_version);
  if (r.status == 404) return std::nullopt;
  LinkView v = read_link(r.body);
  LinkRequest want = request(c, arm);
  if (c.failover_mode == "auto" && !v.failover_mode.empty()) want.failover_mode = v.failover_mode;  // auto keeps a link's mode
  // A multi-database link's databases change (link-databases): not a difference.
  if (iequals(v.link_mode, "MultiDatabase") && !v.database.empty()) want.database = v.database;
  std::string diff = link_difference(v, want);
  if (!diff.empty())
    throw StepError("a link named \"" + c.name + "\" already exists on managed instance " + arm.coordinates().instance_name +
                    " and " + diff + "; delete it (DELETE " + link_path(arm.coordinates(), c.name) +
                    ") if it is left over, or name the DAG differently");
  return v;
}

void ArmLink::set_outputs(const Config& c, milink::sdk::Context& ctx, const LinkView& v) {
  auto arm = ctx.arm();
  ctx.output("name", Value(c.name));
  ctx.output("resource_id", Value(link_path(arm.coordinates(), c.name)));
  ctx.output("provisioning_state", Value(v.provisioning_state.empty() ? v.link_state : v.provisioning_state));
}

milink::sdk::Observation ArmLink::observe(const Config& c, milink::sdk::Context& ctx) {
  auto v = inspect(c, ctx);
  if (!v) {
    resolve_failover_mode(c, ctx);
    return milink::sdk::Observation::needs_change("the link \"" + c.name + "\" does not exist in Azure");
  }
  std::string failure = link_failure(*v);
  if (!failure.empty()) {
    int n = leading_error_number(v->most_recent_link_error);
    throw StepError("the link \"" + c.name + "\" exists but has failed (" + failure + ")" +
                    (v->most_recent_link_error.empty() ? "" : ": " + v->most_recent_link_error + " — " + explain(n)) +
                    ". A failed link does not recover by running this again: fix the cause, remove it (milink run "
                    "workflows/remove-link.json --set database=" + c.request.database +
                    "), then run this workflow again to create it anew");
  }
  if (!v->most_recent_link_error.empty())
    ctx.warn("the link \"" + c.name + "\" reports " + v->most_recent_link_error + " — " +
             explain(leading_error_number(v->most_recent_link_error)));
  set_outputs(c, ctx, *v);
  std::string state = v->provisioning_state.empty() ? v->link_state : v->provisioning_state;
  return milink::sdk::Observation::satisfied("the link \"" + c.name + "\" exists" + (state.empty() ? "" : " (" + state + ")"));
}

milink::sdk::Plan ArmLink::plan(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::http("PUT", arm.url(link_path(arm.coordinates(), c.name), c.api_version),
                                                link_body(request(c, arm), c.api_version),
                                                "create the link \"" + c.name + "\" for database " + c.request.database));
  return p;
}

void ArmLink::apply(const Config& c, milink::sdk::Context& ctx) {
  if (auto v = inspect(c, ctx)) {  // again: a resumed run may find it created
    set_outputs(c, ctx, *v);
    return;
  }
  if (failover_mode_.empty()) resolve_failover_mode(c, ctx);
  auto arm = ctx.arm();
  std::string path = link_path(arm.coordinates(), c.name);
  Value body = link_body(request(c, arm), c.api_version);
  try {
    if (c.wait_for_completion) {
      ctx.progress("creating the link \"" + c.name + "\" (waiting for Azure; this includes seeding)", 0.3);
      arm.put(path, c.api_version, body);
    } else {
      ctx.progress("creating the link \"" + c.name + "\"", 0.5);
      arm.begin_put(path, c.api_version, body);
    }
  } catch (const milink::sdk::ArmException& e) {
    int n = leading_error_number(e.error().message);
    if (n == 0) throw;
    throw StepError(std::string(e.what()) + "\n" + explain(n));
  }
  auto v = inspect(c, ctx);
  if (!v) throw StepError("ARM accepted the link \"" + c.name + "\" but GET " + path + " finds no link");
  ctx.info("created the link \"" + c.name + "\" (api-version " + c.api_version +
           (legacy_link_shape(c.api_version) ? "" : ", failoverMode " + failover_mode_) + ", replicationMode " +
           c.request.replication_mode + ")");
  set_outputs(c, ctx, *v);
}

}  // namespace milink::link
