#include "certificate_retire.hpp"

#include "rotation_state.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

#include <algorithm>

namespace milink::link {

using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {

std::string names(const std::vector<std::string>& v, bool quote) {
  std::string out;
  for (const auto& n : v) out += (out.empty() ? "" : ", ") + (quote ? tsql::quote_identifier(n) : "\"" + n + "\"");
  return out;
}

}  // namespace

milink::sdk::StepSpec CertificateRetire::spec() {
  milink::sdk::StepSpec s;
  s.uses = "certificate-retire";
  s.summary = "Removes the certificates a rotation replaced, once the links use the new ones";
  s.doc =
      "Deletes the instance's serverTrustCertificates that hold SQL Server's earlier endpoint certificates (older "
      "generations of the one the endpoint uses, <base>_<yyyymmdd>), then drops those certificates on SQL Server, "
      "and drops the instance's earlier certificates on SQL Server (named after its FQDN, not its current endpoint "
      "certificate). Refused, changing nothing, while a link to the instance is not CONNECTED, the instance does not "
      "trust the endpoint's current certificate, or SQL Server does not hold the instance's current certificate.";
  s.destructive = true;
  s.params = InstanceSide::params();
  s.outputs = {Output::integer("retired").doc("How many certificates and trust certificates were removed")};
  s.arm = true;
  s.sql_targets = {{"sqlserver_target"}, {"mi_target", "instance_certificate_source", "tsql"}};
  return s;
}

CertificateRetire::Config CertificateRetire::configure(const milink::sdk::Params& p) { return InstanceSide::read(p); }

CertificateRetire::Found CertificateRetire::inspect(const Config& c, milink::sdk::Context& ctx) {
  Found f;
  auto sql = ctx.sql(c.sqlserver_target);
  auto g = read_generations(sql);
  auto trust = read_trust(ctx, c.api_version);
  for (const auto& old : g.older) {
    f.sqlserver_to_drop.push_back(old.name);
    // By key, whatever name it was uploaded under, or by the old certificate's name; never the trust of the
    // key the endpoint presents, nor of the one a rotation under way is about to switch it to.
    for (const auto& t : trust)
      if (t.blob != g.current.blob && (!g.newer || t.blob != g.newer->blob) &&
          (t.blob == old.blob || iequals(t.name, old.name)) &&
          std::find(f.trust_to_delete.begin(), f.trust_to_delete.end(), t.name) == f.trust_to_delete.end())
        f.trust_to_delete.push_back(t.name);
  }
  std::string current = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);
  bool holds_current = false;
  for (const auto& h : instance_certificates_on_sqlserver(sql, c.instance_fqdn)) {
    if (h.blob == current) holds_current = true;
    else f.instance_to_drop.push_back(h.name);
  }
  if (f.empty()) return f;
  // Retire only when the links have what they need without the old ones.
  std::vector<std::string> unsafe;
  if (!trusts(trust, g.current.blob))
    unsafe.push_back("the managed instance does not trust the endpoint's certificate " +
                     tsql::quote_identifier(g.current.name));
  if (!holds_current) unsafe.push_back("SQL Server does not hold the instance's current endpoint certificate");
  std::string down = disconnected_list(read_links(sql, c.instance_fqdn));
  if (!down.empty()) unsafe.push_back("links not CONNECTED: " + down);
  if (!unsafe.empty()) {
    std::string why;
    for (const auto& u : unsafe) why += (why.empty() ? "" : "; ") + u;
    throw StepError("the old certificates are kept: " + why +
                    ". Removing them now could leave the links without a trusted certificate; run "
                    "rotate-certificates again once the links use the new ones");
  }
  return f;
}

milink::sdk::Observation CertificateRetire::observe(const Config& c, milink::sdk::Context& ctx) {
  found_ = inspect(c, ctx);
  if (found_->empty()) {
    ctx.output("retired", Value(std::int64_t{0}));
    return milink::sdk::Observation::satisfied("no earlier certificate to remove");
  }
  std::vector<std::string> what;
  if (!found_->trust_to_delete.empty()) what.push_back("trust certificates " + names(found_->trust_to_delete, false));
  if (!found_->sqlserver_to_drop.empty()) what.push_back("SQL Server's earlier certificates " + names(found_->sqlserver_to_drop, true));
  if (!found_->instance_to_drop.empty()) what.push_back("the instance's earlier certificates " + names(found_->instance_to_drop, true));
  std::string why;
  for (const auto& w : what) why += (why.empty() ? "" : "; ") + w;
  return milink::sdk::Observation::needs_change("replaced and no longer used: " + why);
}

milink::sdk::Plan CertificateRetire::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  auto arm = ctx.arm();
  if (!found_) {
    p.actions.push_back(milink::sdk::Action::note(
        c.sqlserver_target, "remove the certificates a rotation replaced (their trust on the instance, then the "
                            "certificates on SQL Server), once every link is CONNECTED"));
    return p;
  }
  for (const auto& t : found_->trust_to_delete)
    p.actions.push_back(milink::sdk::Action::http("DELETE", arm.url(trust_path(ctx, t), c.api_version), Value(),
                                                  "DELETE trust certificate \"" + t + "\" on instance " +
                                                      arm.coordinates().instance_name + " (replaced by the rotation)")
                            .marked_destructive());
  for (const auto& n : found_->sqlserver_to_drop)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.sqlserver_target,
                                                       "DROP CERTIFICATE " + tsql::quote_identifier(n) +
                                                           " (SQL Server's earlier endpoint certificate)",
                                                       drop_certificate_sql(n))
                            .marked_destructive());
  for (const auto& n : found_->instance_to_drop)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.sqlserver_target,
                                                       "DROP CERTIFICATE " + tsql::quote_identifier(n) +
                                                           " (the instance's earlier certificate)",
                                                       drop_certificate_sql(n))
                            .marked_destructive());
  return p;
}

void CertificateRetire::apply(const Config& c, milink::sdk::Context& ctx) {
  Found f = inspect(c, ctx);  // again: a resumed run may find part of it done
  auto sql = ctx.sql(c.sqlserver_target);
  std::int64_t retired = 0;
  // The trust first: while SQL Server's old certificate exists, its blob still finds the trust after a restart.
  for (const auto& t : f.trust_to_delete) {
    ctx.progress("deleting trust certificate \"" + t + "\"", 0.3);
    auto arm = ctx.arm();
    arm.remove(trust_path(ctx, t), c.api_version);
    ctx.info("deleted trust certificate \"" + t + "\" on instance " + arm.coordinates().instance_name);
    ++retired;
  }
  for (const auto& n : f.sqlserver_to_drop) {
    ctx.progress("dropping certificate " + tsql::quote_identifier(n), 0.6);
    sql.run(drop_certificate_sql(n), {}, /*idempotent=*/true);  // guarded by IF EXISTS
    ctx.info("dropped SQL Server's earlier endpoint certificate " + tsql::quote_identifier(n));
    ++retired;
  }
  for (const auto& n : f.instance_to_drop) {
    ctx.progress("dropping certificate " + tsql::quote_identifier(n), 0.9);
    sql.run(drop_certificate_sql(n), {}, /*idempotent=*/true);  // guarded by IF EXISTS
    ctx.info("dropped the instance's earlier certificate " + tsql::quote_identifier(n));
    ++retired;
  }
  ctx.output("retired", Value(retired));
}

}  // namespace milink::link
