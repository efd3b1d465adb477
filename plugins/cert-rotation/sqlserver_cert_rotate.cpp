#include "sqlserver_cert_rotate.hpp"

#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec SqlServerCertRotate::spec() {
  milink::sdk::StepSpec s;
  s.uses = "sqlserver-cert-rotate";
  s.summary = "Creates the next generation of SQL Server's endpoint certificate when the current one nears expiry";
  s.doc =
      "Reads the certificate SQL Server's mirroring endpoint authenticates with. When it expires within "
      "threshold_days, or with force (once a day: a certificate created by today's rotation counts as rotated), "
      "creates <base>_<yyyymmdd> (valid validity_days) beside it; otherwise changes nothing and says when the "
      "rotation is due. A later generation that exists already (a rotation stopped part-way) is used, not created "
      "again. Outputs the certificate the endpoint is to use and the earlier generations that certificate-retire "
      "removes once the links use it.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::integer("threshold_days")
          .defaults_to(Value(30))
          .doc("Rotate when the endpoint's certificate expires within this many days"),
      Param::boolean("force").defaults_to(Value(false)).doc("Rotate whatever the expiry (at most once a day)"),
      Param::integer("validity_days").defaults_to(Value(365)).doc("Validity of the new certificate, in days"),
  };
  s.outputs = {Output::string("certificate_name").doc("The certificate the endpoint is to authenticate with"),
               Output::string("public_key").doc("Its CERTENCODED, 0x hex"),
               Output::string("expiry").doc("Its expiry, YYYY-MM-DD"),
               Output::string("previous_certificate")
                   .doc("The certificate the endpoint used before this rotation (\"\" when none is under way)"),
               Output::boolean("rotating")
                   .doc("A rotation is under way (a new certificate the endpoint does not use yet)")};
  s.sql_targets = {{"target"}};
  return s;
}

SqlServerCertRotate::Config SqlServerCertRotate::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.threshold_days = p.integer("threshold_days");
  if (c.threshold_days < 0 || c.threshold_days > 3650)
    throw ConfigError("threshold_days", "threshold_days must be 0 to 3650 (got " + std::to_string(c.threshold_days) +
                                            "); it is how many days before expiry the certificate is rotated");
  c.force = p.boolean("force");
  c.validity_days = p.integer("validity_days");
  if (c.validity_days <= c.threshold_days || c.validity_days > 36500)
    throw ConfigError("validity_days", "validity_days must be more than threshold_days (" +
                                           std::to_string(c.threshold_days) + ") and at most 36500 (got " +
                                           std::to_string(c.validity_days) +
                                           "); otherwise the new certificate would be due for rotation at once");
  return c;
}

std::string SqlServerCertRotate::create_sql(const std::string& name, const Date& expiry) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + tsql::quote_literal(name) +
         ")\n    CREATE CERTIFICATE " + tsql::quote_identifier(name) + "\n        WITH SUBJECT = " +
         tsql::quote_literal("Certificate for " + name) + ",\n        EXPIRY_DATE = '" + expiry.compact() + "';";
}

bool SqlServerCertRotate::due(const Config& c, const CertificateGenerations& g, const Date& today, std::string& why) {
  const long long left = days_until(g.current.expiry, today);
  const std::string cert = tsql::quote_identifier(g.current.name);
  const std::string when = "certificate " + cert + " expires on " + g.current.expiry.iso() + " (in " +
                           std::to_string(left) + " days)";
  if (c.force) {
    if (g.current.generation_day == std::stoll(today.compact())) {
      why = cert + " was created by today's rotation; force rotates at most once a day";
      return false;
    }
    why = when + "; force: rotating";
    return true;
  }
  if (left <= c.threshold_days) {
    why = when + ", within threshold_days " + std::to_string(c.threshold_days);
    return true;
  }
  why = when + "; its rotation is due from " + Date::from_days(g.current.expiry.days() - c.threshold_days).iso() +
        " (threshold_days " + std::to_string(c.threshold_days) + ")";
  return false;
}

void SqlServerCertRotate::set_outputs(milink::sdk::Context& ctx, const OwnedCertificate& use,
                                      const CertificateGenerations& g, bool rotating) {
  ctx.output("certificate_name", Value(use.name));
  ctx.output("public_key", Value(use.blob));
  ctx.output("expiry", Value(use.expiry.iso()));
  ctx.output("previous_certificate", Value(rotating ? g.current.name : (g.older.empty() ? "" : g.older.back().name)));
  ctx.output("rotating", Value(rotating));
}

milink::sdk::Observation SqlServerCertRotate::observe(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  seen_ = read_generations(sql);
  const auto& g = *seen_;
  if (g.newer) {
    set_outputs(ctx, *g.newer, g, true);
    return milink::sdk::Observation::satisfied("rotation under way: " + tsql::quote_identifier(g.newer->name) +
                                               " exists, the endpoint still uses " + tsql::quote_identifier(g.current.name));
  }
  today_ = server_today(sql);
  std::string why;
  if (!due(c, g, *today_, why)) {
    set_outputs(ctx, g.current, g, false);
    return milink::sdk::Observation::satisfied(why);
  }
  new_name_ = next_generation_name(sql, g, *today_);
  return milink::sdk::Observation::needs_change(why + "; creating " + tsql::quote_identifier(new_name_));
}

milink::sdk::Plan SqlServerCertRotate::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  const Date today = today_.value_or(Date::today());  // milink plan connects nowhere
  std::string name = new_name_.empty() ? "<endpoint certificate>_" + today.compact() : new_name_;
  p.actions.push_back(milink::sdk::Action::sql_batch(
      c.target, "create the endpoint's next certificate " + tsql::quote_identifier(name),
      create_sql(name, Date::from_days(today.days() + c.validity_days))));
  return p;
}

void SqlServerCertRotate::apply(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto g = read_generations(sql);  // again: a resumed run may find it done
  if (!g.newer) {
    const Date today = server_today(sql);
    std::string why;
    if (!due(c, g, today, why)) {
      set_outputs(ctx, g.current, g, false);
      return;
    }
    std::string name = next_generation_name(sql, g, today);
    Date expiry = Date::from_days(today.days() + c.validity_days);
    ctx.progress("creating certificate " + tsql::quote_identifier(name), 0.5);
    sql.run(create_sql(name, expiry), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
    ctx.info("created certificate " + tsql::quote_identifier(name) + " expiring " + expiry.iso() + " to replace " +
             tsql::quote_identifier(g.current.name));
    g = read_generations(sql);
    if (!g.newer) throw StepError("certificate " + tsql::quote_identifier(name) + " is missing after CREATE CERTIFICATE");
  }
  set_outputs(ctx, *g.newer, g, true);
}

}  // namespace milink::link
