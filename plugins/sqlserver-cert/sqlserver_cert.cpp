#include "sqlserver_cert.hpp"

#include <milink/link/endpoint_state.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {
const char* kMasterKeyName = "##MS_DatabaseMasterKey##";
}

milink::sdk::StepSpec SqlServerCert::spec() {
  milink::sdk::StepSpec s;
  s.uses = "sqlserver-cert";
  s.summary = "Creates the master key and SQL Server's endpoint certificate (when missing)";
  s.doc =
      "Creates the database master key in master when it is missing (from master_key_password) and the certificate "
      "the database mirroring endpoint authenticates with, by default Cert_<@@SERVERNAME>_endpoint. An expiry in the "
      "past is refused; an existing certificate that expires within warn_days gets a warning, an expired one fails. "
      "When SQL Server's mirroring endpoint already authenticates with a certificate (use_endpoint_certificate), "
      "that certificate is kept and named in the outputs, and nothing is created: switching it would break the "
      "availability groups that trust it.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target (config section) of SQL Server"),
      Param::string("master_key_password")
          .secret()
          .doc("Password for CREATE MASTER KEY, needed only when master has no database master key"),
      Param::string("certificate_name")
          .defaults_to(Value(""))
          .doc("Certificate name; default Cert_<@@SERVERNAME>_endpoint"),
      Param::string("server_name")
          .defaults_to(Value(""))
          .doc("SQL Server's name (@@SERVERNAME), so milink plan can name the certificate without connecting"),
      Param::string("subject").defaults_to(Value("")).doc("Certificate subject; default \"Certificate for <name>\""),
      Param::string("expiry_date").defaults_to(Value("")).doc("Expiry as YYYY-MM-DD; default today + validity_days"),
      Param::integer("validity_days").defaults_to(Value(365)).doc("Validity when expiry_date is not given"),
      Param::integer("warn_days")
          .defaults_to(Value(30))
          .doc("Warn when an existing certificate expires within this many days"),
      Param::boolean("use_endpoint_certificate")
          .defaults_to(Value(true))
          .doc("Keep the certificate an existing mirroring endpoint authenticates with (its name goes to the outputs) "
               "instead of creating certificate_name"),
  };
  s.outputs = {Output::string("name").doc("The certificate's name"),
               Output::string("public_key").doc("CERTENCODED of the certificate, 0x hex (the public part only)"),
               Output::string("thumbprint").doc("SHA-1 thumbprint, 0x hex"),
               Output::string("expiry").doc("Expiry date, YYYY-MM-DD"),
               Output::string("server_name").doc("@@SERVERNAME")};
  s.sql_targets = {{"target"}};
  return s;
}

SqlServerCert::Config SqlServerCert::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.master_key_password = p.optional_string("master_key_password");
  if (c.master_key_password && c.master_key_password->empty())
    throw ConfigError("master_key_password", "the master key password is empty; give a strong password or leave it out");
  c.certificate_name = p.string("certificate_name");
  if (!c.certificate_name.empty()) {
    check_sysname(c.certificate_name, "certificate_name");
    if (c.certificate_name.find('\\') != std::string::npos)
      throw ConfigError("certificate_name", "the certificate name \"" + c.certificate_name +
                                                "\" contains '\\', which the link does not accept; use '_' instead");
  }
  c.server_name = p.string("server_name");
  c.subject = p.string("subject");
  c.warn_days = p.integer("warn_days");
  c.use_endpoint_certificate = p.boolean("use_endpoint_certificate");
  std::string expiry = p.string("expiry_date");
  if (expiry.empty()) {
    long long days = p.integer("validity_days");
    if (days < 1) throw ConfigError("validity_days", "validity_days must be at least 1 (got " + std::to_string(days) + ")");
    c.expiry = Date::from_days(Date::today().days() + days);
  } else {
    auto d = Date::parse(expiry);
    if (!d) throw ConfigError("expiry_date", "\"" + expiry + "\" is not a date; write YYYY-MM-DD, e.g. 2027-03-30");
    if (days_until(*d) <= 0)
      throw ConfigError("expiry_date", "the expiry date " + expiry + " is not in the future (today is " +
                                           Date::today().iso() + "); choose a later date");
    c.expiry = *d;
  }
  return c;
}

std::string SqlServerCert::master_key_sql(const std::string& password) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = " + tsql::quote_literal(kMasterKeyName) +
         ")\n    CREATE MASTER KEY ENCRYPTION BY PASSWORD = " + tsql::quote_literal(password) + ";";
}

std::string SqlServerCert::certificate_sql(const std::string& name, const std::string& subject, const Date& expiry) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + tsql::quote_literal(name) +
         ")\n    CREATE CERTIFICATE " + tsql::quote_identifier(name) + "\n        WITH SUBJECT = " +
         tsql::quote_literal(subject) + ",\n        EXPIRY_DATE = '" + expiry.compact() + "';";
}

SqlServerCert::Found SqlServerCert::inspect(const Config& c, milink::sdk::Context& ctx, std::string& name,
                                            bool warn_server_name) {
  auto sql = ctx.sql(c.target);
  Found f;
  auto server = sql.scalar("SELECT @@SERVERNAME");
  std::string server_name = server && !server->is_null() ? server->as_string() : std::string();
  if (warn_server_name && !c.server_name.empty() && !iequals(c.server_name, server_name))
    ctx.warn("the config names SQL Server \"" + c.server_name + "\" but @@SERVERNAME is \"" + server_name +
             "\"; using \"" + server_name + "\"");
  name = c.certificate_name.empty() ? default_certificate_name(server_name) : c.certificate_name;
  if (c.use_endpoint_certificate) {
    auto endpoint = EndpointState::read(sql);
    if (endpoint && endpoint->uses_certificate()) {
      if (warn_server_name && !iequals(endpoint->certificate_name, name))
        ctx.warn("the mirroring endpoint " + tsql::quote_identifier(endpoint->name) + " authenticates with certificate " +
                 tsql::quote_identifier(endpoint->certificate_name) + "; keeping it (not " + tsql::quote_identifier(name) +
                 "), so the availability groups that trust it keep working");
      name = endpoint->certificate_name;
    }
  }

  auto dmk = sql.scalar("SELECT COUNT(*) FROM master.sys.symmetric_keys WHERE name = ?",
                        {SqlValue::nvarchar(kMasterKeyName)});
  f.master_key = dmk && dmk->as_int64() > 0;

  auto rs = sql.query(
      "SELECT name, CERTENCODED(certificate_id) AS public_key, thumbprint, expiry_date, pvt_key_encryption_type_desc "
      "FROM master.sys.certificates WHERE name = ?",
      {SqlValue::nvarchar(name)});
  if (rs.rows.empty()) return f;
  f.certificate = true;
  std::string key_type = text(rs, 0, "pvt_key_encryption_type_desc");
  if (key_type == "NO_PRIVATE_KEY")
    throw StepError("certificate " + tsql::quote_identifier(name) +
                    " exists in master without a private key (it was imported FROM BINARY), so an endpoint cannot "
                    "authenticate with it; set certificate_name to another name, or drop it");
  const SqlValue& exp = rs.at(0, "expiry_date");
  Date expiry = exp.is_null() ? Date{} : Date::of(exp.as_datetime());
  long long left = days_until(expiry);
  if (left < 0)
    throw StepError("certificate " + tsql::quote_identifier(name) + " expired on " + expiry.iso() +
                    "; the link cannot authenticate with it. Rotate it with the rotate-certificates workflow (milink run "
                    "rotate-certificates), which creates a new one, has the managed instance trust it and switches "
                    "the endpoint to it");
  if (left <= c.warn_days)
    ctx.warn("certificate " + tsql::quote_identifier(name) + " expires on " + expiry.iso() + " (in " +
             std::to_string(left) + " days); rotate it before the link breaks (milink run rotate-certificates)");
  ctx.output("name", Value(name));
  ctx.output("public_key", Value(text(rs, 0, "public_key")));
  ctx.output("thumbprint", Value(text(rs, 0, "thumbprint")));
  ctx.output("expiry", Value(expiry.iso()));
  ctx.output("server_name", Value(server_name));
  return f;
}

milink::sdk::Observation SqlServerCert::observe(const Config& c, milink::sdk::Context& ctx) {
  found_ = inspect(c, ctx, name_);
  if (found_->certificate)
    return milink::sdk::Observation::satisfied("certificate " + tsql::quote_identifier(name_) + " exists");
  if (!found_->master_key && !c.master_key_password)
    throw StepError("master has no database master key and no master_key_password was given; pass one from a "
                    "secret (e.g. the workflow's master_key_password input, set in the config with "
                    "{\"from_env\": \"VAR\"})");
  std::string why = found_->master_key ? "" : "no database master key; ";
  return milink::sdk::Observation::needs_change(why + "certificate " + tsql::quote_identifier(name_) + " is missing");
}

milink::sdk::Plan SqlServerCert::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  std::string name = name_;
  if (name.empty())
    name = !c.certificate_name.empty() ? c.certificate_name
                                       : default_certificate_name(c.server_name.empty() ? "<@@SERVERNAME>" : c.server_name);
  std::string subject = c.subject.empty() ? "Certificate for " + name : c.subject;
  bool need_key = found_ ? !found_->master_key : true;
  // The password is a secret: a plan names it as a sqlcmd variable (set with
  // sqlcmd -v, or :setvar in SSMS's SQLCMD mode), so the script runs as it
  // is without holding it.
  if (need_key && c.master_key_password)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "create the database master key in master (when missing)",
                                                       master_key_sql("$(MILINK_MASTER_KEY_PASSWORD)")));
  p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "create the endpoint certificate " + tsql::quote_identifier(name),
                                                     certificate_sql(name, subject, c.expiry)));
  // Observed: the name is known (the public key only once it exists), so
  // a plan's later statements can name the certificate.
  if (found_) ctx.output("name", Value(name));
  return p;
}

void SqlServerCert::apply(const Config& c, milink::sdk::Context& ctx) {
  std::string name;
  Found f = inspect(c, ctx, name, false);  // again: a resumed run may find part of it done
  if (f.certificate) return;
  auto sql = ctx.sql(c.target);
  if (!f.master_key) {
    if (!c.master_key_password)
      throw StepError("master has no database master key and no master_key_password was given");
    ctx.progress("creating the database master key", 0.2);
    sql.run(master_key_sql(*c.master_key_password), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
  }
  std::string subject = c.subject.empty() ? "Certificate for " + name : c.subject;
  ctx.progress("creating certificate " + tsql::quote_identifier(name), 0.6);
  sql.run(certificate_sql(name, subject, c.expiry), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
  f = inspect(c, ctx, name, false);
  if (!f.certificate) throw StepError("certificate " + tsql::quote_identifier(name) + " is still missing after CREATE CERTIFICATE");
  ctx.info("created certificate " + tsql::quote_identifier(name) + " expiring " + c.expiry.iso());
}

}  // namespace milink::link
