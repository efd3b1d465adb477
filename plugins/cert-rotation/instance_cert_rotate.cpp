#include "instance_cert_rotate.hpp"

#include <milink/link/dates.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec InstanceCertRotate::spec() {
  milink::sdk::StepSpec s;
  s.uses = "instance-cert-rotate";
  s.summary = "Installs the managed instance's rotated endpoint certificate on SQL Server, beside the old one";
  s.doc =
      "Reads the instance's current endpoint certificate (instance_certificate_source: arm, endpointCertificates; "
      "tsql, sp_get_endpoint_certificate on the instance) and, when SQL Server does not hold it under the instance's "
      "FQDN or <FQDN>_<suffix>, creates it FROM BINARY: as the FQDN when that name is free, else as "
      "<FQDN>_<yyyymmdd>. The old certificate stays until certificate-retire drops it once the links are connected. "
      "Warns when the instance's certificate expires within warn_days.";
  s.params = InstanceSide::params();
  s.params.push_back(
      Param::integer("warn_days")
          .defaults_to(Value(30))
          .doc("Warn when the instance's certificate expires within this many days"));
  s.outputs = {Output::string("instance_certificate_name").doc("The instance's current certificate on SQL Server")};
  s.arm = true;
  s.sql_targets = {{"sqlserver_target"}, {"mi_target", "instance_certificate_source", "tsql"}};
  return s;
}

InstanceCertRotate::Config InstanceCertRotate::configure(const milink::sdk::Params& p) {
  Config c;
  static_cast<InstanceSide&>(c) = InstanceSide::read(p);
  if (c.instance_fqdn.size() > 110)
    throw ConfigError("instance_fqdn", "the FQDN is longer than 110 characters, which leaves no room for the "
                                       "_<yyyymmdd> suffix of a rotated certificate's name (128 at most)");
  c.warn_days = p.integer("warn_days");
  return c;
}

std::string InstanceCertRotate::install_name(const Config& c, milink::sdk::Context& ctx, const std::string& blob,
                                             std::string& held_as) {
  auto sql = ctx.sql(c.sqlserver_target);
  auto held = instance_certificates_on_sqlserver(sql, c.instance_fqdn);
  bool fqdn_taken = false;
  for (const auto& h : held) {
    if (h.blob == blob) {
      held_as = h.name;
      return {};
    }
    fqdn_taken |= iequals(h.name, c.instance_fqdn);
  }
  if (!fqdn_taken) {
    // Any other certificate under that exact name (one with a private key) also takes it.
    auto n = sql.scalar("SELECT COUNT(*) FROM master.sys.certificates WHERE name = ?",
                        {milink::sdk::SqlValue::nvarchar(c.instance_fqdn)});
    if (!n || n->as_int64() == 0) return c.instance_fqdn;
  }
  std::string first = c.instance_fqdn + "_" + server_today(sql).compact();
  for (int i = 1; i < 1000; ++i) {
    std::string name = i == 1 ? first : first + "_" + std::to_string(i);
    auto n = sql.scalar("SELECT COUNT(*) FROM master.sys.certificates WHERE name = ?", {milink::sdk::SqlValue::nvarchar(name)});
    if (!n || n->as_int64() == 0) return name;
  }
  throw StepError("no free certificate name after " + first);
}

milink::sdk::Observation InstanceCertRotate::observe(const Config& c, milink::sdk::Context& ctx) {
  observed_ = true;
  blob_ = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);
  std::string held_as;
  name_ = install_name(c, ctx, blob_, held_as);
  if (name_.empty()) {
    ctx.output("instance_certificate_name", Value(held_as));
    auto sql = ctx.sql(c.sqlserver_target);
    const Date today = server_today(sql);
    for (const auto& h : instance_certificates_on_sqlserver(sql, c.instance_fqdn)) {
      if (h.blob != blob_) continue;
      auto d = Date::parse(h.expiry);
      if (d && days_until(*d, today) <= c.warn_days)
        ctx.warn("the managed instance's endpoint certificate expires on " + d->iso() + " (in " +
                 std::to_string(days_until(*d, today)) + " days); Azure renews it, and the next run of this workflow "
                 "installs the new one");
    }
    return milink::sdk::Observation::satisfied("SQL Server holds the instance's current certificate as " +
                                               tsql::quote_identifier(held_as));
  }
  return milink::sdk::Observation::needs_change("SQL Server does not hold the instance's current endpoint certificate; "
                                                "installing it as " + tsql::quote_identifier(name_));
}

milink::sdk::Plan InstanceCertRotate::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  std::string name = observed_ ? name_ : c.instance_fqdn + " (or " + c.instance_fqdn + "_<yyyymmdd> when taken)";
  std::string blob = observed_ ? blob_ : std::string("<instance endpoint certificate>");
  std::string sql_name = observed_ ? name_ : c.instance_fqdn;
  p.actions.push_back(milink::sdk::Action::sql_batch(
      c.sqlserver_target, "install the instance's current certificate as " + tsql::quote_identifier(name),
      instance_certificate_sql(sql_name, blob)));
  return p;
}

void InstanceCertRotate::apply(const Config& c, milink::sdk::Context& ctx) {
  std::string blob = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);  // again: resumed runs
  std::string held_as;
  std::string name = install_name(c, ctx, blob, held_as);
  if (name.empty()) {
    ctx.output("instance_certificate_name", Value(held_as));
    return;
  }
  ctx.progress("installing the instance's certificate as " + tsql::quote_identifier(name), 0.5);
  ctx.sql(c.sqlserver_target)
      .run(instance_certificate_sql(name, blob), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
  ctx.info("SQL Server trusts the managed instance's current certificate as " + tsql::quote_identifier(name));
  ctx.output("instance_certificate_name", Value(name));
}

}  // namespace milink::link
