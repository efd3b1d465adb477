#include "remove_trust.hpp"

#include "link_usage.hpp"

#include <milink/link/instance_certificate.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>
#include <milink/link/trust_certificates.hpp>
#include <milink/sdk/http.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::Value;
using milink::sdk::Param;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec RemoveTrustStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "remove-trust";
  s.summary = "Removes the certificates' trust both ways, when asked and when no other link uses it";
  s.doc =
      "drop_trust_certificate: DELETE .../managedInstances/<mi>/serverTrustCertificates/<name> for every trust "
      "certificate holding the public key of the certificate SQL Server's endpoint authenticates with (whatever its "
      "name, e.g. <base>_<yyyymmdd> after rotate-certificates) and one named Cert_<@@SERVERNAME>_endpoint; with "
      "certificate_name, that one only. drop_instance_certificate: DROP CERTIFICATE [<instance_fqdn>] on SQL Server "
      "(the instance's certificate; also [<instance_fqdn>_<yyyymmdd>] after a rotation). Each is kept while a distributed availability group on SQL Server "
      "still points at the instance, another link on the instance comes from this SQL Server, or (the instance's "
      "certificate) an endpoint authenticates with it; the links of databases (this workflow removes them first) do "
      "not count. SQL Server's own certificate and the endpoint stay.";
  s.destructive = true;
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("certificate_name")
          .defaults_to(Value(""))
          .doc("The trust certificate to delete; default: found by the public key of the endpoint's certificate (and "
               "Cert_<@@SERVERNAME>_endpoint by name)"),
      Param::string("instance_fqdn")
          .required()
          .doc("The managed instance's FQDN (the name of its certificate on SQL Server)"),
      Param::boolean("drop_trust_certificate")
          .defaults_to(Value(false))
          .doc("Delete SQL Server's certificate from the instance's trust (serverTrustCertificates)"),
      Param::boolean("drop_instance_certificate")
          .defaults_to(Value(false))
          .doc("Drop the instance's certificate on SQL Server"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version for serverTrustCertificates and distributedAvailabilityGroups"),
      Param::array("databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("Databases whose links this workflow removes before this step; their links and DAGs do not count as users"),
      Param::string("link_name_pattern")
          .defaults_to(Value("DAG_{db}"))
          .doc("The name of a database's link and DAG; {db} is replaced"),
  };
  s.arm = true;
  s.sql_targets = {{"target"}};
  return s;
}

RemoveTrustStep::Config RemoveTrustStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.certificate_name = p.string("certificate_name");
  if (!c.certificate_name.empty()) check_sysname(c.certificate_name, "certificate_name");
  c.instance_fqdn = p.string("instance_fqdn");
  check_sysname(c.instance_fqdn, "instance_fqdn");
  c.drop_trust_certificate = p.boolean("drop_trust_certificate");
  c.drop_instance_certificate = p.boolean("drop_instance_certificate");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  std::string pattern = p.string("link_name_pattern");
  check_pattern(pattern, "link_name_pattern");
  for (const auto& db : p.strings("databases")) {
    check_sysname(db, "databases");
    c.removed_links.push_back(expand_name(pattern, {{"db", db}}, "link_name_pattern"));
  }
  return c;
}

std::string RemoveTrustStep::drop_certificate_sql(const std::string& name) { return milink::link::drop_certificate_sql(name); }

RemoveTrustStep::Found RemoveTrustStep::inspect(const Config& c, milink::sdk::Context& ctx) const {
  Found f;
  if (!c.drop_trust_certificate && !c.drop_instance_certificate) return f;
  auto sql = ctx.sql(c.target);
  auto v = sql.scalar("SELECT @@SERVERNAME");
  f.server = v && !v->is_null() ? v->as_string() : c.target;
  f.certificate_name = c.certificate_name.empty() ? default_certificate_name(f.server) : c.certificate_name;
  std::vector<std::string> dags = dags_to_instance(sql, c.instance_fqdn, c.removed_links);
  for (auto& d : dags) d = "distributed availability group " + tsql::quote_identifier(d);
  if (c.drop_trust_certificate) {
    auto arm = ctx.arm();
    if (!c.certificate_name.empty()) {
      if (arm.get(trust_path(ctx, c.certificate_name), c.api_version).status != 404) f.trust_names.push_back(c.certificate_name);
    } else {
      // By public key: a rotation uploads the endpoint's certificate as <base>_<yyyymmdd>, and a certificate
      // an existing endpoint already used keeps its own name. Cert_<server>_endpoint also by name, as before.
      const std::string default_name = f.certificate_name;
      std::vector<std::string> keys;
      auto ep = endpoint_certificate(sql);
      if (!ep.blob.empty()) {
        keys.push_back(ep.blob);
        f.certificate_name = ep.name;
      }
      auto own = sql.query("SELECT CERTENCODED(certificate_id) AS blob FROM master.sys.certificates WHERE name = ?",
                           {SqlValue::nvarchar(default_name)});
      if (!own.rows.empty()) keys.push_back(normalize_blob(text(own, 0, "blob")));
      for (const auto& t : read_trust(ctx, c.api_version)) {
        bool held = iequals(t.name, default_name);
        for (const auto& k : keys) held = held || (!k.empty() && t.blob == k);
        if (held) f.trust_names.push_back(t.name);
      }
      if (f.trust_names.size() == 1) f.certificate_name = f.trust_names.front();
    }
    if (f.trust()) {
      f.trust_users = dags;
      for (const auto& l : links_from_this_server(arm, sql, c.removed_links, c.api_version)) f.trust_users.push_back("link " + l);
    }
  }
  if (c.drop_instance_certificate) {
    for (const auto& h : instance_certificates_on_sqlserver(sql, c.instance_fqdn)) {
      f.instance_certificates.push_back(h.name);
      auto eps = sql.query(
          "SELECT e.name FROM master.sys.database_mirroring_endpoints AS e "
          "JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id WHERE c.name = ?",
          {SqlValue::nvarchar(h.name)});
      for (std::size_t i = 0; i < eps.rows.size(); ++i)
        f.certificate_users.push_back("endpoint " + tsql::quote_identifier(text(eps, i, "name")));
    }
    if (f.instance_certificate()) f.certificate_users.insert(f.certificate_users.begin(), dags.begin(), dags.end());
  }
  return f;
}

namespace {

/// "\"a\"" or "\"a\", \"b\"": \p names, or \p fallback when there are none.
std::string quoted(const std::vector<std::string>& names, const std::string& fallback) {
  std::string out;
  for (const auto& n : names.empty() ? std::vector<std::string>{fallback} : names)
    out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

/// "[a]" or "[a], [b]".
std::string identifiers(const std::vector<std::string>& names, const std::string& fallback) {
  std::string out;
  for (const auto& n : names.empty() ? std::vector<std::string>{fallback} : names)
    out += (out.empty() ? "" : ", ") + tsql::quote_identifier(n);
  return out;
}

}  // namespace

milink::sdk::Observation RemoveTrustStep::observe(const Config& c, milink::sdk::Context& ctx) {
  if (!c.drop_trust_certificate && !c.drop_instance_certificate) {
    found_ = Found{};
    return milink::sdk::Observation::satisfied(
        "the certificates' trust stays (drop_trust_certificate and drop_instance_certificate are false)");
  }
  found_ = inspect(c, ctx);
  const Found& f = *found_;
  std::string instance = ctx.arm().coordinates().instance_name;
  std::vector<std::string> todo, noted;
  if (c.drop_trust_certificate) {
    std::string what = "trust certificate " + quoted(f.trust_names, f.certificate_name) + " on instance " + instance;
    if (!f.trust()) noted.push_back("no " + what);
    else if (!f.trust_users.empty()) noted.push_back(what + " is kept: " + join_names(f.trust_users) + " still use it");
    else todo.push_back(what + " is no longer used");
  }
  if (c.drop_instance_certificate) {
    std::string what = "certificate " + identifiers(f.instance_certificates, c.instance_fqdn) + " on " + f.server;
    if (!f.instance_certificate()) noted.push_back("no " + what);
    else if (!f.certificate_users.empty())
      noted.push_back(what + " is kept: " + join_names(f.certificate_users) + " still use it");
    else todo.push_back(what + " is no longer used");
  }
  for (const auto& n : noted) ctx.info(n);
  if (todo.empty()) return milink::sdk::Observation::satisfied(join_names(noted) + ": nothing to remove");
  return milink::sdk::Observation::needs_change(join_names(todo));
}

milink::sdk::Plan RemoveTrustStep::plan(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  milink::sdk::Plan p;
  std::string when = found_ ? "" : " (when it exists and no other link uses it)";
  std::string server = found_ && !found_->server.empty() ? found_->server : c.target;
  std::vector<std::string> certs;
  if (found_) certs = found_->trust_names;
  if (certs.empty()) certs.push_back(c.certificate_name.empty() ? "Cert_<@@SERVERNAME>_endpoint" : c.certificate_name);
  if (c.drop_trust_certificate && (!found_ || found_->drop_trust()))
    for (const auto& cert : certs)
      p.actions.push_back(milink::sdk::Action::http("DELETE", arm.url(trust_path(ctx, cert), c.api_version), Value(),
                                                    "DELETE trust certificate \"" + cert + "\" on instance " +
                                                        arm.coordinates().instance_name + when +
                                                        " (the instance stops trusting SQL Server's certificate)")
                              .marked_destructive());
  std::vector<std::string> held;
  if (found_) held = found_->instance_certificates;
  if (held.empty()) held.push_back(c.instance_fqdn);
  if (c.drop_instance_certificate && (!found_ || found_->drop_certificate()))
    for (const auto& name : held)
      p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "DROP CERTIFICATE " + tsql::quote_identifier(name) +
                                                                       " on " + server + when +
                                                                       " (SQL Server stops trusting the instance)",
                                                         drop_certificate_sql(name))
                              .marked_destructive());
  return p;
}

void RemoveTrustStep::apply(const Config& c, milink::sdk::Context& ctx) {
  Found f = inspect(c, ctx);  // again: a resumed run may find part of it done
  if (c.drop_trust_certificate && f.drop_trust()) {
    auto arm = ctx.arm();
    for (const auto& name : f.trust_names) {
      ctx.progress("deleting trust certificate \"" + name + "\"", 0.3);
      arm.remove(trust_path(ctx, name), c.api_version);
      ctx.info("deleted trust certificate \"" + name + "\" on instance " + arm.coordinates().instance_name);
    }
  }
  if (c.drop_instance_certificate && f.drop_certificate()) {
    for (const auto& name : f.instance_certificates) {
      ctx.progress("dropping certificate " + tsql::quote_identifier(name), 0.7);
      ctx.sql(c.target).run(drop_certificate_sql(name), {}, /*idempotent=*/true);  // guarded by IF EXISTS
      ctx.info("dropped certificate " + tsql::quote_identifier(name) + " on " + f.server);
    }
  }
}

}  // namespace milink::link
