#include "verify_link.hpp"

#include "replica_check.hpp"

#include <milink/link/ag_membership.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/polling.hpp>

#include <chrono>
#include <cstdio>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec VerifyLink::spec() {
  milink::sdk::StepSpec s;
  s.uses = "verify";
  s.summary = "Waits for the link to connect, seed and become healthy, with progress; diagnoses a failure";
  s.doc =
      "Polls sys.dm_hadr_availability_replica_states (the instance replica's connected state and last connect error), "
      "sys.dm_hadr_physical_seeding_stats (bytes sent) and, unless check_arm is false, the link in ARM "
      "(replicaState, mostRecentLinkError), until the replica is CONNECTED, seeding completed and the replica is "
      "HEALTHY (caught up with the log written while it seeded; until: seeded stops at the end of seeding), or nothing "
      "has moved for timeout_seconds (a slow seeding that keeps sending bytes is waited for however long it takes). A failure "
      "is explained with its cause and remedy. A link already healthy is reported ok; after waiting, the step's "
      "message is the end state.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("dag_name").required().doc("The DAG on SQL Server (dag's name)"),
      Param::string("database").defaults_to(Value("")).doc("The replicated database (or give databases)"),
      Param::array("databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("Every database of a multi-database link: each is waited for in turn and its seeding shown per database "
               "(SQL Server's seeding stats and the link's databases[] item in ARM)"),
      Param::string("instance_name")
          .required()
          .doc("The DAG's remote member: the instance's availability group (dag's instance_ag_name)"),
      Param::string("link_name").defaults_to(Value("")).doc("The link in ARM; default dag_name"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version for reading the link"),
      Param::boolean("check_arm").defaults_to(Value(true)).doc("Also read the link's state from ARM"),
      Param::integer("timeout_seconds")
          .defaults_to(Value(1800))
          .doc("Give up when the link has made no progress for this long: no change in the replica's connected state "
               "or health, the seeding state or the bytes seeded. Not a limit on the total time"),
      Param::string("until")
          .defaults_to(Value("healthy"))
          .choices({"healthy", "seeded"})
          .doc("healthy: wait until SQL Server calls the instance's replica HEALTHY (the copy has caught up after "
               "seeding); seeded: stop once seeding completed"),
      Param::integer("poll_interval_ms").defaults_to(Value(2000)).doc("Time between two looks"),
      Param::array("replicas")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("For a link on an existing AG: the config's sqlserver.replicas (objects with a name; SQL targets "
               "sqlserver.replicas.<name>). Each must have a started endpoint authenticating with a certificate (AES) and "
               "hold the managed instance's certificate (named instance_fqdn); the step fails naming a replica that does not"),
      Param::string("instance_fqdn")
          .defaults_to(Value(""))
          .doc("The managed instance's FQDN, the name of its certificate on SQL Server; needed with replicas"),
  };
  s.outputs = {Output::string("connected_state").doc("The instance replica's connected state"),
               Output::string("synchronization_health").doc("Its synchronization health"),
               Output::boolean("seeded").doc("Whether seeding completed"),
               Output::number("waited_seconds").doc("How long the step waited")};
  s.arm = true;
  s.sql_targets = {{"target"}};
  return s;
}

VerifyLink::Config VerifyLink::configure(const milink::sdk::Params& p) {
  Config c;
  c.target.sql_target = p.string("target");
  c.target.dag_name = p.string("dag_name");
  check_sysname(c.target.dag_name, "dag_name");
  c.target.database = p.string("database");
  c.databases = p.strings("databases");
  for (const auto& d : c.databases) check_sysname(d, "databases");
  if (c.target.database.empty() && !c.databases.empty()) c.target.database = c.databases.front();
  check_sysname(c.target.database, "database");
  if (c.databases.empty()) c.databases.push_back(c.target.database);
  c.target.instance_name = p.string("instance_name");
  check_sysname(c.target.instance_name, "instance_name");
  c.target.link_name = p.string("link_name");
  if (c.target.link_name.empty()) c.target.link_name = c.target.dag_name;
  c.target.api_version = p.string("api_version");
  if (!is_api_version(c.target.api_version))
    throw ConfigError("api_version", "\"" + c.target.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  c.target.check_arm = p.boolean("check_arm");
  c.timeout_seconds = p.integer("timeout_seconds");
  if (c.timeout_seconds < 1) throw ConfigError("timeout_seconds", "timeout_seconds must be at least 1");
  c.poll_interval_ms = read_poll_interval(p);
  c.until_healthy = p.string("until") == "healthy";
  c.replicas = replica_names(p, "replicas");
  c.instance_fqdn = p.string("instance_fqdn");
  if (!c.replicas.empty() && c.instance_fqdn.empty())
    throw ConfigError("instance_fqdn", "replicas are checked for the managed instance's certificate, named after its "
                                       "FQDN; set instance_fqdn to ${{ config.managed_instance.fqdn }}");
  return c;
}

void VerifyLink::set_outputs(milink::sdk::Context& ctx, const LinkStatus& s, double waited_seconds) {
  ctx.output("connected_state", Value(s.connected_state));
  ctx.output("synchronization_health", Value(s.synchronization_health));
  ctx.output("seeded", Value(s.seeded()));
  ctx.output("waited_seconds", Value(waited_seconds));
}

/// Every secondary replica ready for the link, else a StepError naming each that is not.
static void check_replicas(const VerifyLink::Config& c, milink::sdk::Context& ctx) {
  if (c.replicas.empty()) return;
  auto problems = replica_problems(ctx, c.replicas, c.instance_fqdn);
  if (problems.empty()) return;
  std::string text;
  for (const auto& p : problems) text += "\n  " + p;
  throw StepError("the link " + tsql::quote_identifier(c.target.dag_name) +
                  " is built on an availability group whose secondary replicas must each be ready for it:" + text);
}

bool VerifyLink::done(const Config& c, const LinkStatus& s) {
  return s.connected() && s.seeded() && (!c.until_healthy || s.healthy());
}

std::string VerifyLink::state_line(const Config& c, const LinkStatus& s) {
  if (c.until_healthy && s.connected() && s.seeded() && !s.healthy())
    return "connected; seeding complete; waiting for the replica to catch up and become HEALTHY (now " +
           s.synchronization_health + ")";
  return s.describe();
}

milink::sdk::Observation VerifyLink::observe(const Config& c, milink::sdk::Context& ctx) {
  check_replicas(c, ctx);
  LinkStatus s;
  for (const auto& db : c.databases) {
    LinkTarget t = c.target;
    t.database = db;
    s = read_link_status(t, ctx);
    if (!done(c, s))
      return milink::sdk::Observation::needs_change(
          (c.databases.size() > 1 ? tsql::quote_identifier(db) + ": " : std::string()) + state_line(c, s));
  }
  set_outputs(ctx, s, 0.0);
  if (c.databases.size() > 1)
    return milink::sdk::Observation::satisfied("the link " + tsql::quote_identifier(c.target.dag_name) + " is " +
                                               s.describe() + " for each of its " + std::to_string(c.databases.size()) +
                                               " databases");
  return milink::sdk::Observation::satisfied("the link " + tsql::quote_identifier(c.target.dag_name) + " is " + s.describe());
}

milink::sdk::Plan VerifyLink::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note(
      c.target.sql_target, "wait for " + tsql::quote_identifier(c.target.dag_name) + " to connect and seed " +
                               tsql::quote_identifier(c.target.database) +
                               (c.until_healthy ? " and become HEALTHY" : "") + ", giving up after " +
                               std::to_string(c.timeout_seconds) + " s without progress (reads only)"));
  return p;
}

void VerifyLink::apply(const Config& c, milink::sdk::Context& ctx) {
  check_replicas(c, ctx);
  double waited = 0;
  LinkStatus s;
  for (const auto& db : c.databases) {
    LinkTarget t = c.target;
    t.database = db;
    double w = 0;
    s = wait_for(c, t, ctx, w);
    waited += w;
    if (c.databases.size() > 1)
      ctx.info(tsql::quote_identifier(db) + ": " + s.describe() +
               (s.arm && !s.arm->replica_state.empty() ? " (Azure: " + s.arm->replica_state + ")" : ""));
  }
  set_outputs(ctx, s, waited);
}

LinkStatus VerifyLink::wait_for(const Config& c, const LinkTarget& target, milink::sdk::Context& ctx, double& waited_out) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  // timeout_seconds bounds a stall, not the whole wait: every change in what
  // the link reports (connected state, seeding state, bytes seeded, ARM's
  // replica state) restarts it, so a large database that keeps seeding is
  // waited for, and one that stops moving fails after timeout_seconds.
  auto last_moved = start;
  std::string last_fingerprint;
  LinkStatus s;
  std::string last;
  for (;;) {
    s = read_link_status(target, ctx);
    double waited = std::chrono::duration<double>(clock::now() - start).count();
    if (done(c, s)) {
      char after[32];
      std::snprintf(after, sizeof after, "%.1f", waited);
      // The last progress at 100% is the step's end message (see Context::progress).
      ctx.progress("the link " + tsql::quote_identifier(target.dag_name) + " is " + s.describe() + ", after waiting " +
                       after + " s",
                   1.0);
      ctx.info("the link " + tsql::quote_identifier(target.dag_name) + " is connected and " +
               tsql::quote_identifier(target.database) + " has seeded" +
               (c.until_healthy && !s.synchronization_health.empty() ? " and is " + s.synchronization_health : ""));
      waited_out = waited;
      return s;
    }
    std::string line =
        (c.databases.size() > 1 ? tsql::quote_identifier(target.database) + ": " : std::string()) + state_line(c, s);
    // Seeded and catching up: no fraction (100% would read as the end).
    if (line != last || s.database_bytes > 0)
      ctx.progress(line, s.connected() && !s.seeded() ? s.fraction() : -1);
    last = line;
    if (s.failed_for_good())
      throw StepError("the link " + tsql::quote_identifier(target.dag_name) + " failed:" + diagnose_status(s, target));
    std::string fingerprint = s.connected_state + "|" + s.synchronization_health + "|" + s.seeding_state + "|" +
                              std::to_string(s.transferred_bytes) +
                              "|" + std::to_string(s.database_bytes) + "|" + (s.arm ? s.arm->replica_state : "") + "|" +
                              std::to_string(s.last_error_number);
    if (fingerprint != last_fingerprint) {
      last_fingerprint = fingerprint;
      last_moved = clock::now();
    } else if (clock::now() - last_moved >= std::chrono::seconds(c.timeout_seconds)) {
      throw StepError("the link " + tsql::quote_identifier(target.dag_name) + " made no progress for " +
                      std::to_string(c.timeout_seconds) + " s (" + state_line(c, s) + "):" + diagnose_status(s, target));
    }
    pause(ctx, c.poll_interval_ms, "waiting for the link (" + state_line(c, s) + ")");
  }
}

}  // namespace milink::link
