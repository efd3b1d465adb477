#include "mi_cert_import.hpp"

#include "azure_roots.hpp"

#include <milink/link/link_procedures.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::Object;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec MiCertImport::spec() {
  milink::sdk::StepSpec s;
  s.uses = "mi-cert-import";
  s.summary = "Establishes certificate trust between SQL Server and the managed instance, both ways";
  s.doc =
      "Uploads SQL Server's endpoint certificate (public key) to the managed instance as a serverTrustCertificate "
      "unless one with the same name or public key exists; installs the instance's endpoint certificate on SQL Server "
      "under the instance FQDN, read with T-SQL on the instance (sp_get_endpoint_certificate) or through ARM "
      "(endpointCertificates); optionally trusts Azure's root CAs on SQL Server (sp_certificate_add_issuer).";
  s.params = {
      Param::string("sqlserver_target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("mi_target")
          .defaults_to(Value("managed_instance"))
          .doc("SQL target of the managed instance (used by instance_certificate_source tsql)"),
      Param::string("certificate_name").required().doc("SQL Server's endpoint certificate (sqlserver-cert's name)"),
      Param::string("public_key").required().doc("Its public key, 0x hex (sqlserver-cert's public_key)"),
      Param::string("trust_certificate_name")
          .defaults_to(Value(""))
          .doc("Name of the serverTrustCertificate on the instance; default certificate_name"),
      Param::string("instance_fqdn")
          .required()
          .doc("The managed instance's FQDN: the name of its certificate on SQL Server"),
      Param::string("instance_certificate_source")
          .defaults_to(Value("arm"))
          .choices({"arm", "tsql"})
          .doc("Where to read the instance's endpoint certificate: arm (endpointCertificates) or tsql (sp_get_endpoint_certificate on the instance)"),
      Param::string("api_version")
          .defaults_to(Value("2025-01-01"))
          .doc("ARM api-version for serverTrustCertificates and endpointCertificates"),
      Param::string("trust_azure_roots")
          .defaults_to(Value("auto"))
          .choices({"auto", "yes", "no"})
          .doc("Trust Azure's root CAs on SQL Server: auto (when sp_certificate_add_issuer exists), yes, no"),
  };
  s.outputs = {Output::string("trust_certificate_name").doc("The serverTrustCertificate holding SQL Server's key"),
               Output::string("instance_certificate_name").doc("The instance's certificate on SQL Server (its FQDN)")};
  s.arm = true;
  s.sql_targets = {{"sqlserver_target"}, {"mi_target", "instance_certificate_source", "tsql"}};
  return s;
}

MiCertImport::Config MiCertImport::configure(const milink::sdk::Params& p) {
  Config c;
  c.sqlserver_target = p.string("sqlserver_target");
  c.mi_target = p.string("mi_target");
  c.certificate_name = p.string("certificate_name");
  check_sysname(c.certificate_name, "certificate_name");
  std::string key = p.string("public_key");
  c.public_key = normalize_blob(key);
  if (c.public_key.empty()) {
    if (!key.empty() && key.front() == '<')
      c.public_key = key;  // a placeholder under `milink plan`
    else
      throw ConfigError("public_key", "the public key is not hex (expected 0x3082..., CERTENCODED of the certificate)");
  }
  c.trust_certificate_name = p.string("trust_certificate_name");
  if (c.trust_certificate_name.empty()) c.trust_certificate_name = c.certificate_name;
  c.instance_fqdn = p.string("instance_fqdn");
  check_sysname(c.instance_fqdn, "instance_fqdn");
  c.source = p.string("instance_certificate_source") == "tsql" ? InstanceCertificateSource::Tsql
                                                                 : InstanceCertificateSource::Arm;
  c.api_version = p.string("api_version");
  std::string r = p.string("trust_azure_roots");
  c.roots = r == "yes" ? Roots::Yes : r == "no" ? Roots::No : Roots::Auto;
  return c;
}

std::string MiCertImport::instance_certificate_sql(const std::string& fqdn, const std::string& blob) {
  return milink::link::instance_certificate_sql(fqdn, blob);
}

std::string MiCertImport::azure_root_sql(const std::string& name, const std::string& blob) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + tsql::quote_literal(name) +
         ")\nBEGIN\n    CREATE CERTIFICATE " + tsql::quote_identifier(name) + " FROM BINARY = " + blob +
         ";\n    DECLARE @certificate_id int = CERT_ID(" + tsql::quote_literal(name) +
         ");\n    EXEC sp_certificate_add_issuer @certificate_id, " + tsql::quote_literal(kAzureIssuerPattern) + ";\nEND;";
}

namespace {

bool has_add_issuer(milink::sdk::Sql& sql) {
  return milink::link::read_link_procedures(sql).certificate_add_issuer;  // the procedure, not the version number
}

}  // namespace

MiCertImport::State MiCertImport::inspect(const Config& c, milink::sdk::Context& ctx, bool warn) {
  State s;
  // 1. The instance's trust certificates: the same key under any name, else
  // the same name (holding another key: refused), whatever the listing order.
  auto arm = ctx.arm();
  std::string same_name;  ///< a trust certificate named trust_certificate_name holding another key
  for (const auto& item : arm.list(arm.coordinates().instance_path() + "/serverTrustCertificates", c.api_version)) {
    const Value* n = item.get("name");
    const Value* props = item.get("properties");
    const Value* blob = props != nullptr ? props->get("publicBlob") : nullptr;
    std::string name = n != nullptr && n->is_string() ? n->as_string() : std::string();
    std::string key = blob != nullptr && blob->is_string() ? normalize_blob(blob->as_string()) : std::string();
    if (key == c.public_key) {
      s.trusted_on_instance = true;
      s.trusted_as = name;
      break;
    }
    if (same_name.empty() && iequals(name, c.trust_certificate_name)) same_name = name;
  }
  if (!s.trusted_on_instance && !same_name.empty())
    throw StepError("the managed instance already has a server trust certificate named \"" + same_name +
                    "\" holding another public key; delete it (DELETE .../serverTrustCertificates/" + same_name +
                    ") if it is stale, or set trust_certificate_name to another name");
  // 2. The instance's certificate on SQL Server: under its FQDN, or under
  // <FQDN>_<suffix> after a rotation (rotate-certificates installs the new
  // one beside the old), whichever holds the current one.
  auto sql = ctx.sql(c.sqlserver_target);
  auto held = instance_certificates_on_sqlserver(sql, c.instance_fqdn);
  if (!held.empty()) {
    s.instance_blob = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);
    for (const auto& h : held) s.instance_cert_on_sqlserver |= h.blob == s.instance_blob;
    if (!s.instance_cert_on_sqlserver)
      throw StepError("SQL Server has a certificate " + tsql::quote_identifier(held.front().name) +
                      " that is not the managed instance's current endpoint certificate (it was rotated); run the "
                      "rotate-certificates workflow (milink run rotate-certificates), which installs the current one "
                      "and drops the old one once the links use it");
    if (warn && held.size() > 1)
      ctx.warn("SQL Server still holds an earlier certificate of the managed instance beside the current one; the "
               "rotate-certificates workflow drops it once the links use the current one");
  }
  read_roots(c, ctx, s, warn);
  return s;
}

void MiCertImport::read_roots(const Config& c, milink::sdk::Context& ctx, State& s, bool warn) {
  // 3. Azure's roots.
  if (c.roots != Roots::No) {
    auto sql = ctx.sql(c.sqlserver_target);
    s.add_issuer_available = has_add_issuer(sql);
    for (const auto& root : azure_roots()) {
      auto n = sql.scalar("SELECT COUNT(*) FROM master.sys.certificates WHERE name = ?", {SqlValue::nvarchar(root.name)});
      if (!n || n->as_int64() == 0) s.missing_roots.push_back(root.name);
    }
    if (!s.missing_roots.empty() && !s.add_issuer_available) {
      if (c.roots == Roots::Yes)
        throw StepError("trust_azure_roots is yes but SQL Server has no sp_certificate_add_issuer (SQL Server 2019 CU20 "
                        "15.0.4312.2 or later, 2022 and 2025 have it, and 2016 SP3 / 2017 CU31 with the Azure Connect "
                        "feature pack); update SQL Server or install the pack, or set trust_azure_roots: auto");
      if (warn)
        ctx.warn("SQL Server has no sp_certificate_add_issuer (no Azure Connect feature pack, or 2019 before CU20): "
                 "Azure's root CAs are not trusted; "
                 "the link relies on the instance's own certificate, which must be re-imported when Azure rotates it");
      s.missing_roots.clear();
    }
  }
}

void MiCertImport::set_outputs(const Config& c, milink::sdk::Context& ctx, const State& s) {
  ctx.output("trust_certificate_name", Value(s.trusted_as.empty() ? c.trust_certificate_name : s.trusted_as));
  ctx.output("instance_certificate_name", Value(c.instance_fqdn));
}

milink::sdk::Observation MiCertImport::observe(const Config& c, milink::sdk::Context& ctx) {
  state_ = inspect(c, ctx);
  std::vector<std::string> todo;
  if (!state_->trusted_on_instance) todo.push_back("the instance does not trust " + tsql::quote_identifier(c.certificate_name));
  if (!state_->instance_cert_on_sqlserver)
    todo.push_back("SQL Server has no certificate " + tsql::quote_identifier(c.instance_fqdn));
  if (!state_->missing_roots.empty()) todo.push_back("Azure's root CAs are not trusted on SQL Server");
  if (todo.empty()) {
    set_outputs(c, ctx, *state_);
    std::string how = iequals(state_->trusted_as, c.trust_certificate_name)
                          ? std::string()
                          : " (the instance trusts it as \"" + state_->trusted_as + "\")";
    return milink::sdk::Observation::satisfied("trust established both ways" + how);
  }
  std::string why;
  for (const auto& t : todo) why += (why.empty() ? "" : "; ") + t;
  return milink::sdk::Observation::needs_change(why);
}

milink::sdk::Plan MiCertImport::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  // Not observed (the certificate to trust is only made by an earlier step):
  // a plan that may read (milink plan, --dry-run) still reads the instance's
  // certificate and SQL Server's roots, so its script runs as it is. When
  // nothing can be read (milink plan --offline) both stay open: a
  // placeholder, and roots "when the server has sp_certificate_add_issuer".
  std::string read_blob;
  std::optional<State> roots_seen;
  if (!state_) {
    try {
      read_blob = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);
    } catch (const std::exception&) {
      read_blob.clear();
    }
    try {
      State s;
      read_roots(c, ctx, s, false);
      roots_seen = s;
    } catch (const std::exception&) {
      roots_seen.reset();
    }
  }
  const std::optional<State>& roots = state_ ? state_ : roots_seen;
  bool upload = !state_ || !state_->trusted_on_instance;
  bool install = !state_ || !state_->instance_cert_on_sqlserver;
  if (upload) {
    auto arm = ctx.arm();
    std::string path = arm.coordinates().instance_path() + "/serverTrustCertificates/" +
                       milink::sdk::url_encode(c.trust_certificate_name);
    p.actions.push_back(milink::sdk::Action::http(
        "PUT", arm.url(path, c.api_version), Value(Object{{"properties", Value(Object{{"publicBlob", Value(c.public_key)}})}}),
        "trust SQL Server's certificate " + tsql::quote_identifier(c.certificate_name) + " on the managed instance"));
  }
  if (install) {
    std::string blob = state_ && !state_->instance_blob.empty() ? state_->instance_blob
                       : !read_blob.empty()                      ? read_blob
                                                                 : std::string("<instance endpoint certificate>");
    if (c.source == InstanceCertificateSource::Tsql) {
      p.actions.push_back(milink::sdk::Action::sql_batch(c.mi_target, "read the instance's endpoint certificate",
                                                         "EXEC sp_get_endpoint_certificate @endpoint_type = 4;"));
    } else {
      auto arm = ctx.arm();
      p.actions.push_back(milink::sdk::Action::http(
          "GET", arm.url(arm.coordinates().instance_path() + "/endpointCertificates/DATABASE_MIRRORING", c.api_version),
          Value(), "read the instance's endpoint certificate"));
    }
    p.actions.push_back(milink::sdk::Action::sql_batch(
        c.sqlserver_target, "install the instance's certificate as " + tsql::quote_identifier(c.instance_fqdn),
        instance_certificate_sql(c.instance_fqdn, blob)));
  }
  if (c.roots != Roots::No) {
    for (const auto& root : azure_roots()) {
      bool missing = !roots;
      if (roots)
        for (const auto& m : roots->missing_roots) missing |= m == root.name;
      if (missing)
        p.actions.push_back(milink::sdk::Action::sql_batch(
            c.sqlserver_target,
            std::string("trust ") + root.subject + " for " + kAzureIssuerPattern +
                (c.roots == Roots::Auto && !roots ? " (when the server has sp_certificate_add_issuer)" : ""),
            azure_root_sql(root.name, root.blob)));
    }
  }
  return p;
}

void MiCertImport::apply(const Config& c, milink::sdk::Context& ctx) {
  State s = inspect(c, ctx, false);  // again: a resumed run may find part of it done
  if (!s.trusted_on_instance) {
    ctx.progress("uploading " + tsql::quote_identifier(c.certificate_name) + " to the managed instance", 0.1);
    auto arm = ctx.arm();
    std::string path = arm.coordinates().instance_path() + "/serverTrustCertificates/" +
                       milink::sdk::url_encode(c.trust_certificate_name);
    arm.put(path, c.api_version, Value(Object{{"properties", Value(Object{{"publicBlob", Value(c.public_key)}})}}));
    s.trusted_as = c.trust_certificate_name;
    ctx.info("the managed instance trusts " + tsql::quote_identifier(c.certificate_name) + " as \"" +
             c.trust_certificate_name + "\"");
  }
  auto sql = ctx.sql(c.sqlserver_target);
  if (!s.instance_cert_on_sqlserver) {
    ctx.progress("reading the instance's endpoint certificate", 0.4);
    std::string blob = fetch_instance_certificate(c.source, ctx, c.mi_target, c.api_version);
    ctx.progress("installing the instance's certificate on SQL Server", 0.6);
    sql.run(instance_certificate_sql(c.instance_fqdn, blob), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
    ctx.info("SQL Server trusts the managed instance's certificate as " + tsql::quote_identifier(c.instance_fqdn));
  }
  for (const auto& root : azure_roots()) {
    bool missing = false;
    for (const auto& m : s.missing_roots) missing |= m == root.name;
    if (!missing) continue;
    ctx.progress(std::string("trusting ") + root.subject, 0.8);
    sql.run(azure_root_sql(root.name, root.blob), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
  }
  set_outputs(c, ctx, s);
}

}  // namespace milink::link
