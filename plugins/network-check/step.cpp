#include "step.hpp"

#include "probe.hpp"
#include "report.hpp"
#include "tsql.hpp"

#include <milink/link/results.hpp>

#include <map>
#include <random>

namespace milink::netcheck {

using milink::sdk::Value;

namespace {

const char* const kToInstance = "SQL Server -> managed instance";
const char* const kToSqlServer = "managed instance -> SQL Server";

std::string target(const std::string& host, long long port) { return host + ":" + std::to_string(port); }

/// A password for the temporary certificate's private key: 32 characters
/// from all four classes, never shown (registered as a secret).
std::string random_password() {
  static const char* const classes[] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "#%+-.=_"};
  std::random_device rd;
  std::string pw;
  for (int i = 0; i < 32; ++i) {
    const std::string set = classes[i % 4];
    pw += set[std::uniform_int_distribution<std::size_t>(0, set.size() - 1)(rd)];
  }
  return pw;
}

/// Rethrows when the run was interrupted, so Ctrl-C is never reported as a
/// failed test.
void rethrow_if_cancelled(milink::sdk::Context& ctx) {
  if (ctx.cancelled()) throw;
}

/// Removes what an earlier check left behind when it was killed (kill -9,
/// a second Ctrl-C): its jobs on both sides, its endpoint and certificate.
void remove_leftovers(milink::sdk::Context& ctx, milink::sdk::Sql& sql, milink::sdk::Sql& mi) {
  for (auto [session, job] : {std::pair<milink::sdk::Sql*, const char*>{&sql, kJobToInstance}, {&mi, kJobToSqlServer}}) {
    if (session->query(job_exists_sql(job)).rows.empty()) continue;
    ctx.warn("removing the temporary job " + std::string(job) + " on " + session->target() +
             " left by an interrupted network check");
    session->run(delete_job_sql(job), {}, /*idempotent=*/true);
  }
  auto left = sql.query(leftover_endpoint_sql());
  if (!left.rows.empty() && milink::link::integer(left, 0, "leftovers") > 0) {
    ctx.warn(std::string("removing the temporary endpoint and certificate ") + kTempEndpoint +
             " on SQL Server left by an interrupted network check");
    sql.run(drop_endpoint_sql(), {}, /*idempotent=*/true);
  }
}

std::string fail_remedy(const ProbeOutcome& o, const char* from, const char* to, const std::string& rule) {
  if (o.name_failed)
    return std::string(from) + " cannot resolve " + o.probe.host + "; remedy (DNS): make " + o.probe.host +
           " resolvable from " + from + " (a DNS record, a conditional forwarder for its zone, or a hosts entry)";
  if (!o.ran) return "the test step did not run: " + o.message;
  return "TCP connect failed" + (o.remote_address.empty() ? std::string() : " to " + o.remote_address) +
         "; remedy: " + rule + " (" + from + " -> " + to + ")";
}

void report_outcomes(Report& report, const char* direction, const std::vector<ProbeOutcome>& outcomes,
                     const std::map<std::string, std::string>& rules, const char* from, const char* to) {
  for (const auto& o : outcomes) {
    Finding f{direction, target(o.probe.host, o.probe.port), o.probe.port, "PASS", ""};
    if (o.ran && o.tcp_succeeded) {
      f.detail = "connected" + (o.remote_address.empty() ? std::string() : " (" + o.remote_address + ")");
    } else {
      f.status = "FAIL";
      f.detail = fail_remedy(o, from, to, rules.at(o.probe.step_name));
    }
    report.add(std::move(f));
  }
}

/// SQL Server -> instance: 5022 on the instance's FQDN, and its primary
/// node's HadrPort (11000-11999), from an Agent job on SQL Server.
void test_to_instance(Report& report, milink::sdk::Context& ctx, milink::sdk::Sql& sql, milink::sdk::Sql& mi,
                      const Config& c) {
  std::map<std::string, std::string> fabric;
  auto rs = mi.query(fabric_sql());
  for (std::size_t i = 0; i < rs.rows.size(); ++i)
    fabric[milink::link::text(rs, i, "parameter_name")] = milink::link::text(rs, i, "value");
  std::string fqdn = !c.instance_fqdn.empty() ? c.instance_fqdn : fabric["DnsRecordName"];
  std::vector<Probe> probes;
  if (fqdn.empty() || !valid_host(fqdn)) {
    report.add({kToInstance, "instance:5022", 5022, "FAIL",
                "the instance's DNS name is unknown (no DnsRecordName in sys.dm_hadr_fabric_config_parameters); set "
                "managed_instance.fqdn in the config"});
  } else {
    probes.push_back({"endpoint 5022", fqdn, 5022});
  }
  const std::string node = fabric["NodeName"].empty() || fabric["ClusterName"].empty()
                               ? std::string()
                               : fabric["NodeName"] + "." + fabric["ClusterName"];
  long long hadr_port = 0;
  try {
    hadr_port = std::stoll(fabric["HadrPort"]);
  } catch (const std::exception&) {
  }
  if (node.empty() || !valid_host(node) || hadr_port < 1 || hadr_port > 65535)
    report.add({kToInstance, "instance node:11000-11999", 0, "WARN",
                "not tested: the instance did not report its node and HadrPort (sys.dm_hadr_fabric_config_parameters); "
                "make sure TCP 11000-11999 to the instance's subnet is open from SQL Server"});
  else
    probes.push_back({"node port", node, hadr_port});
  if (probes.empty()) return;
  const std::map<std::string, std::string> rules = {
      {"endpoint 5022",
       "allow inbound TCP 5022 from SQL Server's IP in the NSG of the instance's subnet, and outbound TCP 5022 to that "
       "subnet in every firewall on SQL Server's side (host OS and network)"},
      {"node port",
       "allow inbound TCP 11000-11999 from SQL Server's IP in the NSG of the instance's subnet, and outbound TCP "
       "11000-11999 to that subnet in every firewall on SQL Server's side (the node's port " +
           std::to_string(hadr_port) + " changes after a failover, so open the whole range)"}};
  std::vector<ProbeOutcome> outcomes;
  try {
    outcomes = run_probes(ctx, sql, c, kJobToInstance, probes);
  } catch (const milink::sdk::StepError& e) {
    rethrow_if_cancelled(ctx);
    report.add({kToInstance, fqdn, 5022, "FAIL",
                std::string("could not run the test job on SQL Server: ") + e.what() +
                    "; remedy: start SQL Server Agent and let the login run jobs with PowerShell steps (SQL Server on "
                    "Linux has none: test from another machine with Test-NetConnection)"});
    return;
  }
  report_outcomes(report, kToInstance, outcomes, rules, "SQL Server", "the managed instance");
}

/// Drops the temporary endpoint when it goes out of scope, on every path.
class TempEndpoint {
public:
  TempEndpoint(milink::sdk::Context& ctx, milink::sdk::Sql& sql) : ctx_(ctx), sql_(sql) {}
  TempEndpoint(const TempEndpoint&) = delete;
  TempEndpoint& operator=(const TempEndpoint&) = delete;
  void create(long long port) {
    std::string password = random_password();
    ctx_.add_secret(password);
    created_ = true;  // before running: a half-made endpoint is dropped too
    sql_.run(create_endpoint_sql(port, password), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
  }
  /// Drops the endpoint now, at the end of a test that ran. A failure fails
  /// the step: left behind, the endpoint would be taken for the link's by the
  /// steps that follow (sqlserver-cert and mirroring-endpoint keep a
  /// certificate-based endpoint they find), and the link built on it.
  void drop() {
    if (!created_) return;
    created_ = false;
    try {
      sql_.run(drop_endpoint_sql(), {}, /*idempotent=*/true);
    } catch (const std::exception& e) {
      throw milink::sdk::StepError(std::string("could not drop the temporary endpoint ") + kTempEndpoint +
                                   " on SQL Server: " + e.what() +
                                   "; the steps after the check would take it for the link's endpoint, so the check "
                                   "fails: run again once SQL Server answers (the next check drops it first)");
    }
  }
  /// On the paths that end the test early (a failed test job, an error,
  /// Ctrl-C): drops the endpoint if it can; the step fails on those paths anyway.
  ~TempEndpoint() {
    if (!created_) return;
    try {
      sql_.run(drop_endpoint_sql(), {}, /*idempotent=*/true);
    } catch (const std::exception& e) {
      ctx_.warn(std::string("could not drop the temporary endpoint ") + kTempEndpoint + " on SQL Server: " + e.what() +
                "; milink drops it at the next network check");
    }
  }

private:
  milink::sdk::Context& ctx_;
  milink::sdk::Sql& sql_;
  bool created_ = false;
};

/// Instance -> SQL Server: sqlserver_host:endpoint_port from an Agent job on
/// the instance, with a temporary endpoint listening when SQL Server has none.
void test_to_sqlserver(Report& report, milink::sdk::Context& ctx, milink::sdk::Sql& sql, milink::sdk::Sql& mi,
                       const Config& c) {
  const std::string where = target(c.sqlserver_host, c.endpoint_port);
  TempEndpoint temp(ctx, sql);
  auto ep = sql.query(mirroring_endpoint_sql());
  if (ep.rows.empty()) {
    temp.create(c.endpoint_port);
  } else {
    const std::string name = milink::link::text(ep, 0, "name");
    const long long port = milink::link::integer(ep, 0, "port");
    const std::string state = milink::link::text(ep, 0, "state_desc");
    if (port != c.endpoint_port || state != "STARTED") {
      report.add({kToSqlServer, where, c.endpoint_port, "WARN",
                  "not tested: SQL Server's mirroring endpoint [" + name + "] is on port " + std::to_string(port) +
                      " (" + state + "), and a server has only one, so nothing can listen on " +
                      std::to_string(c.endpoint_port) + " for the test; the mirroring-endpoint step must fix it first"});
      return;
    }
  }
  std::vector<ProbeOutcome> outcomes;
  try {
    outcomes = run_probes(ctx, mi, c, kJobToSqlServer, {{"sqlserver endpoint", c.sqlserver_host, c.endpoint_port}});
  } catch (const milink::sdk::StepError& e) {
    rethrow_if_cancelled(ctx);
    report.add({kToSqlServer, where, c.endpoint_port, "FAIL",
                std::string("could not run the test job on the instance: ") + e.what()});
    return;
  }
  const std::map<std::string, std::string> rules = {
      {"sqlserver endpoint",
       "allow inbound TCP " + std::to_string(c.endpoint_port) +
           " from the instance's subnet in every firewall on SQL Server's side (host OS and network), and outbound TCP " +
           std::to_string(c.endpoint_port) + " to SQL Server's IP in the NSG of the instance's subnet"}};
  temp.drop();
  report_outcomes(report, kToSqlServer, outcomes, rules, "the managed instance", "SQL Server");
}

}  // namespace

milink::sdk::StepSpec NetworkCheckStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "network-check";
  s.summary = "Tests the network both ways between SQL Server and the managed instance before anything changes";
  s.doc =
      "The documented network test, with temporary SQL Server Agent jobs running Test-NetConnection: from SQL Server "
      "to the instance on 5022 and to the instance's node on its HadrPort (11000-11999); from the instance to SQL "
      "Server on the endpoint port, with a temporary DATABASE_MIRRORING endpoint listening when SQL Server has none. "
      "Logs PASS/WARN/FAIL per direction and port with the remedy (NSG rule, firewall, DNS); any FAIL fails the step. "
      "The temporary jobs, endpoint and certificate are removed on every path, Ctrl-C included, and leftovers of a "
      "killed check are removed by the next one. Needs SQL Server Agent running on SQL Server (with PowerShell job "
      "steps: not on Linux). Under --dry-run it creates nothing.";
  s.params = spec_params();
  s.outputs = spec_outputs();
  s.preflight = true;
  s.sql_targets = {{"sqlserver_target"}, {"mi_target"}};
  return s;
}

milink::sdk::Observation NetworkCheckStep::observe(const Config& c, milink::sdk::Context& ctx) {
  if (ctx.read_only())
    return milink::sdk::Observation::needs_change(
        "network test not run: it creates temporary Agent jobs (and an endpoint when SQL Server has none)");
  Report report(ctx);
  milink::sdk::Sql sql = ctx.sql(c.sqlserver_target);
  milink::sdk::Sql mi = ctx.sql(c.mi_target);
  remove_leftovers(ctx, sql, mi);
  if (c.from_sqlserver) test_to_instance(report, ctx, sql, mi, c);
  if (c.from_instance) test_to_sqlserver(report, ctx, sql, mi, c);

  const int passed = report.count("PASS"), warnings = report.count("WARN");
  ctx.output("passed", Value(passed));
  ctx.output("tests", report.to_value());
  if (report.count("FAIL") > 0) throw milink::sdk::StepError(report.failure_message());
  return milink::sdk::Observation::satisfied(std::to_string(passed) + " connection test" + (passed == 1 ? "" : "s") +
                                             " passed, " + std::to_string(warnings) + " warning" +
                                             (warnings == 1 ? "" : "s"));
}

milink::sdk::Plan NetworkCheckStep::plan(const Config& c, milink::sdk::Context&) {
  milink::sdk::Plan p;
  if (c.from_sqlserver)
    p.actions.push_back(milink::sdk::Action::note(
        c.sqlserver_target,
        std::string("network check (temporary, deleted after): Agent job ") + kJobToInstance +
            " runs Test-NetConnection to " + (c.instance_fqdn.empty() ? "the instance's DnsRecordName" : c.instance_fqdn) +
            " on 5022 and to the instance's node on its HadrPort (11000-11999)"));
  if (c.from_instance)
    p.actions.push_back(milink::sdk::Action::note(
        c.mi_target, std::string("network check (temporary, deleted after): Agent job ") + kJobToSqlServer +
                         " runs Test-NetConnection to " + target(c.sqlserver_host, c.endpoint_port) +
                         "; SQL Server gets a temporary endpoint and certificate " + kTempEndpoint +
                         " on that port when it has no mirroring endpoint (dropped after)"));
  return p;
}

void NetworkCheckStep::apply(const Config&, milink::sdk::Context&) {
  throw milink::sdk::StepError(
      "network-check never changes anything that stays: observe() either passes every test or fails the step, so "
      "apply() is not needed; run without --dry-run to run the test");
}

}  // namespace milink::netcheck
