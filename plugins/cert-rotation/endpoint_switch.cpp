#include "endpoint_switch.hpp"

#include "rotation_state.hpp"

#include <milink/link/endpoint_state.hpp>
#include <milink/link/instance_certificate.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec EndpointCertificateSwitch::spec() {
  milink::sdk::StepSpec s;
  s.uses = "endpoint-certificate-switch";
  s.summary = "Switches SQL Server's mirroring endpoint to another certificate, once the managed instance trusts it";
  s.doc =
      "ALTER ENDPOINT ... FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [certificate_name]), keeping Windows "
      "authentication beside it and changing nothing else. Refused while the managed instance has no "
      "serverTrustCertificate holding the certificate's public key (run mi-cert-import first): the links would "
      "lose their trusted certificate.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("certificate_name").required().doc("The certificate the endpoint is to authenticate with"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version for serverTrustCertificates"),
  };
  s.outputs = {Output::string("certificate_name").doc("The certificate the endpoint authenticates with")};
  s.sql_targets = {{"target"}};
  return s;
}

EndpointCertificateSwitch::Config EndpointCertificateSwitch::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.certificate_name = p.string("certificate_name");
  if (c.certificate_name.empty() || c.certificate_name.front() != '<') check_sysname(c.certificate_name, "certificate_name");
  c.api_version = p.string("api_version");
  return c;
}

void EndpointCertificateSwitch::check_trusted(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto rs = sql.query(
      "SELECT CERTENCODED(certificate_id) AS blob, pvt_key_encryption_type FROM master.sys.certificates WHERE name = ?",
      {milink::sdk::SqlValue::nvarchar(c.certificate_name)});
  if (rs.rows.empty() || text(rs, 0, "pvt_key_encryption_type") == "NA")
    throw StepError("certificate " + tsql::quote_identifier(c.certificate_name) +
                    " is not in master with a private key, so the endpoint cannot authenticate with it");
  if (!trusts(read_trust(ctx, c.api_version), normalize_blob(text(rs, 0, "blob"))))
    throw StepError("the managed instance does not trust certificate " + tsql::quote_identifier(c.certificate_name) +
                    " (no serverTrustCertificate holds its public key); switching the endpoint to it now would "
                    "disconnect the links. Upload it first (the mi-cert-import step of rotate-certificates)");
}

milink::sdk::Observation EndpointCertificateSwitch::observe(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto e = EndpointState::read(sql);
  if (!e) throw StepError("SQL Server has no database mirroring endpoint to switch");
  if (e->uses_certificate() && iequals(e->certificate_name, c.certificate_name)) {
    ctx.output("certificate_name", Value(e->certificate_name));
    return milink::sdk::Observation::satisfied("endpoint " + tsql::quote_identifier(e->name) + " authenticates with " +
                                               tsql::quote_identifier(e->certificate_name));
  }
  check_trusted(c, ctx);
  alter_ = e->alter_sql(c.certificate_name);
  return milink::sdk::Observation::needs_change("endpoint " + tsql::quote_identifier(e->name) + " authenticates with " +
                                                tsql::quote_identifier(e->certificate_name) + ", not " +
                                                tsql::quote_identifier(c.certificate_name));
}

milink::sdk::Plan EndpointCertificateSwitch::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  std::string sql = !alter_.empty() ? alter_
                                    : "USE master;\nALTER ENDPOINT [<mirroring endpoint>]\n    FOR DATABASE_MIRRORING (\n        "
                                      "AUTHENTICATION = CERTIFICATE " + tsql::quote_identifier(c.certificate_name) + "\n    );";
  p.actions.push_back(milink::sdk::Action::sql_batch(
      c.target, "switch the mirroring endpoint to certificate " + tsql::quote_identifier(c.certificate_name), sql));
  return p;
}

void EndpointCertificateSwitch::apply(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto e = EndpointState::read(sql);  // again: a resumed run may find it done
  if (!e) throw StepError("SQL Server has no database mirroring endpoint to switch");
  if (!(e->uses_certificate() && iequals(e->certificate_name, c.certificate_name))) {
    check_trusted(c, ctx);
    std::string before = e->certificate_name;
    ctx.progress("switching endpoint " + tsql::quote_identifier(e->name) + " to " + tsql::quote_identifier(c.certificate_name), 0.5);
    sql.run(e->alter_sql(c.certificate_name));
    e = EndpointState::read(sql);
    if (!e || !iequals(e->certificate_name, c.certificate_name))
      throw StepError("the endpoint does not authenticate with " + tsql::quote_identifier(c.certificate_name) +
                      " after ALTER ENDPOINT");
    ctx.info("endpoint " + tsql::quote_identifier(e->name) + " now authenticates with " +
             tsql::quote_identifier(c.certificate_name) + " (was " + tsql::quote_identifier(before) + ")");
  }
  ctx.output("certificate_name", Value(e->certificate_name));
}

}  // namespace milink::link
