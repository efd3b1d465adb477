#include "step.hpp"

#include "checks.hpp"
#include "report.hpp"

namespace milink::preflight {

using milink::sdk::Value;

milink::sdk::StepSpec PreflightStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "preflight";
  s.summary = "Checks the Managed Instance link's prerequisites before anything changes (changes nothing)";
  s.doc =
      "Server checks: version and CU (2019 from CU20; 2016 SP3 and 2017 CU31 with the Azure Connect pack, detected by "
      "its procedures), edition, Always On (HADR), a failover cluster on 2016, trace flags 1800/9567, database master "
      "key, "
      "@@SERVERNAME, collation against the managed instance, endpoint certificate expiry, DNS of the managed "
      "instance, the managed instance in ARM, and the link's failover mode: two-way (manual) when SQL Server is "
      "2022/2025 and the instance's update policy matches it, else one-way (none), the rule arm-link's auto uses. Per database: exists, user database, FULL recovery, a full backup "
      "(not COPY_ONLY), not in an availability group, ONLINE, one log file, no FILESTREAM, no memory-optimized "
      "filegroup unless the instance is Business Critical, TDE only with its certificate on the managed instance, no "
      "scheduled log-backup job during seeding (unless trace flag 12381 is on), and (with check_arm) no other link on "
      "the managed "
      "instance uses the instance-side availability group name its link would. Logs PASS/WARN/FAIL per check; any FAIL fails the "
      "step with every failure and its remedy.";
  s.params = spec_params();
  s.outputs = spec_outputs();
  s.preflight = true;
  s.arm = true;
  s.sql_targets = {{"sqlserver_target"}, {"mi_target"}};
  return s;
}

milink::sdk::Observation PreflightStep::observe(const Config& c, milink::sdk::Context& ctx) {
  Report report(ctx);
  ServerFacts facts;
  std::string certificate, failover_mode;
  InstanceFacts instance;

  std::optional<milink::sdk::Sql> sql = connect(report, "connection", c.sqlserver_target);
  if (c.server_checks) {
    if (sql) {
      facts = check_server(report, c, *sql);
      certificate = !c.certificate_name.empty()             ? c.certificate_name
                    : !facts.server_name.empty()            ? default_certificate_name(facts.server_name)
                                                            : std::string();
      if (!certificate.empty()) check_certificate(report, c, *sql, certificate);
      if (c.check_collation && !facts.collation.empty()) check_collation(report, c, facts.collation);
    }
    if (c.check_dns) check_dns(report, c);
    if (c.check_arm) {
      instance = check_arm(report, c);
      if (!facts.product_version.empty())
        failover_mode = check_failover_mode(report, c, facts.product_version, instance.database_format);
    }
  }
  if (sql) check_databases(report, c, *sql, instance);
  if (c.check_arm) check_instance_ag_names(report, c);

  if (report.count(Verdict::Fail) > 0) throw milink::sdk::StepError(report.failure_message());

  const int passed = report.count(Verdict::Pass), warnings = report.count(Verdict::Warn);
  ctx.output("passed", Value(passed));
  ctx.output("warnings", Value(warnings));
  ctx.output("checks", report.to_value());
  ctx.output("server_name", Value(facts.server_name));
  ctx.output("product_version", Value(facts.product_version));
  ctx.output("certificate_name", Value(certificate));
  ctx.output("failover_mode", Value(failover_mode));
  return milink::sdk::Observation::satisfied(std::to_string(passed) + " check" + (passed == 1 ? "" : "s") +
                                             " passed, " + std::to_string(warnings) + " warning" +
                                             (warnings == 1 ? "" : "s"));
}

milink::sdk::Plan PreflightStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  if (c.server_checks) {
    std::string sql_checks =
        "preflight (read-only): version and CU, the link's procedures, edition, HADR, failover cluster (2016), trace "
        "flags 1800/9567, database master key";
    if (!c.server_name.empty()) sql_checks += ", @@SERVERNAME = " + c.server_name;
    sql_checks += ", certificate " +
                  (c.certificate_name.empty() ? std::string("Cert_<@@SERVERNAME>_endpoint") : c.certificate_name) +
                  " not expired (warn within " + std::to_string(c.warn_days) + " days)";
    p.actions.push_back(milink::sdk::Action::note(c.sqlserver_target, sql_checks));
    if (c.check_collation)
      p.actions.push_back(
          milink::sdk::Action::note(c.mi_target, "preflight (read-only): server collation equals SQL Server's"));
    if (c.check_dns)
      p.actions.push_back(milink::sdk::Action::note(
          "dns", c.instance_fqdn.empty() ? std::string("preflight: no instance_fqdn to resolve")
                                         : "preflight: resolve " + c.instance_fqdn));
    if (c.check_arm) {
      std::string what = "preflight (read-only): GET the managed instance";
      try {
        milink::sdk::Arm arm = ctx.arm();
        what += " " + arm.url(arm.coordinates().instance_path(), c.api_version);
      } catch (const std::exception& e) {
        what += std::string(" (ARM not configured: ") + e.what() + ")";
      }
      p.actions.push_back(milink::sdk::Action::note("arm", what));
      p.actions.push_back(milink::sdk::Action::note(
          "arm", "preflight (read-only): failover_mode " + c.failover_mode +
                     ": SQL Server's version against the instance's update policy (databaseFormat)"));
    }
  }
  for (const auto& db : c.databases)
    p.actions.push_back(milink::sdk::Action::note(
        c.sqlserver_target, "preflight (read-only): database " + db +
                                " exists, is a user database, FULL recovery, full backup (not COPY_ONLY), not in an "
                                "availability group, ONLINE, one log file, no FILESTREAM or memory-optimized "
                                "filegroup, TDE certificate on the managed instance, no scheduled log-backup job" +
                                (c.allow_prepare_database ? " (recovery/backup problems only warn)" : "")));
  if (c.check_arm && c.check_instance_ag_names && !c.instance_ag_name_checked().empty())
    p.actions.push_back(milink::sdk::Action::note(
        "arm", "preflight (read-only): GET the managed instance's distributedAvailabilityGroups; no other link uses "
               "the instance-side availability group name (" + c.instance_ag_name_pattern + ")"));
  return p;
}

void PreflightStep::apply(const Config&, milink::sdk::Context&) {
  throw milink::sdk::StepError(
      "preflight never changes anything: observe() either passes every check or fails the step, so apply() "
      "should not have been called; re-run the workflow");
}

}  // namespace milink::preflight
