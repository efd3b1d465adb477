#include "mirroring_endpoint.hpp"

#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec MirroringEndpoint::spec() {
  milink::sdk::StepSpec s;
  s.uses = "mirroring-endpoint";
  s.summary = "Creates SQL Server's database mirroring endpoint, or checks and (optionally) alters an existing one";
  s.doc =
      "Creates a DATABASE_MIRRORING endpoint (LISTENER_PORT = port, AUTHENTICATION = CERTIFICATE, ENCRYPTION = "
      "REQUIRED ALGORITHM AES) when there is none. An existing endpoint must authenticate with the certificate "
      "(sqlserver-cert names the certificate an existing endpoint already authenticates with, so it is kept), "
      "require encryption with AES and be started; existing_endpoint: alter changes only what does not fit "
      "(keeping Windows authentication beside the certificate, RC4 next to AES, the port and LISTENER_IP), "
      "refuse stops with the reasons.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("certificate_name").required().doc("The certificate the endpoint authenticates with"),
      Param::integer("port").defaults_to(Value(5022)).doc("LISTENER_PORT (config sqlserver.endpoint_port)"),
      Param::string("endpoint_name")
          .defaults_to(Value("database_mirroring_endpoint"))
          .doc("Name of the endpoint to create"),
      Param::string("host")
          .required()
          .doc("Host name or IP the managed instance reaches SQL Server at (config sqlserver.fqdn)"),
      Param::string("existing_endpoint")
          .defaults_to(Value("refuse"))
          .choices({"alter", "refuse"})
          .doc("What to do with an existing endpoint that does not meet the link's conditions: alter or refuse"),
  };
  s.outputs = {Output::string("endpoint_name").doc("The endpoint's name"),
               Output::string("certificate_name").doc("The certificate the endpoint authenticates with"),
               Output::string("url").doc("TCP://host:port, for the AG, the DAG and the link"),
               Output::integer("port").doc("The endpoint's port")};
  s.sql_targets = {{"target"}};
  return s;
}

MirroringEndpoint::Config MirroringEndpoint::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.certificate_name = p.string("certificate_name");
  if (c.certificate_name.empty() || c.certificate_name.front() != '<') check_sysname(c.certificate_name, "certificate_name");
  c.port = p.integer("port");
  if (c.port < 1 || c.port > 65535) throw ConfigError("port", "port " + std::to_string(c.port) + " is not a TCP port (1-65535)");
  c.endpoint_name = p.string("endpoint_name");
  check_sysname(c.endpoint_name, "endpoint_name");
  c.host = p.string("host");
  if (c.host.empty() || c.host.find_first_of(" /:;'\"[]") != std::string::npos)
    throw ConfigError("host", "\"" + c.host + "\" is not a host name or IPv4 address; set sqlserver.fqdn in the config");
  c.alter_existing = p.string("existing_endpoint") == "alter";
  return c;
}

std::string MirroringEndpoint::create_sql(const Config& c) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints)\n    CREATE ENDPOINT " +
         tsql::quote_identifier(c.endpoint_name) +
         "\n        STATE = STARTED\n        AS TCP (LISTENER_PORT = " + std::to_string(c.port) +
         ", LISTENER_IP = ALL)\n        FOR DATABASE_MIRRORING (\n            ROLE = ALL,\n            AUTHENTICATION = CERTIFICATE " +
         tsql::quote_identifier(c.certificate_name) + ",\n            ENCRYPTION = REQUIRED ALGORITHM AES\n        );";
}

std::string MirroringEndpoint::alter_sql(const Config& c, const EndpointState& e) { return e.alter_sql(c.certificate_name); }

void MirroringEndpoint::judge(const Config& c, const EndpointState& e) const {
  if (e.port != c.port)
    throw StepError("the existing mirroring endpoint " + tsql::quote_identifier(e.name) + " listens on port " +
                    std::to_string(e.port) + ", not " + std::to_string(c.port) + "; set sqlserver.endpoint_port to " +
                    std::to_string(e.port) + " in the config (SQL Server keeps one mirroring endpoint)");
  auto problems = e.problems(c.certificate_name);
  if (problems.empty() || c.alter_existing) return;
  std::string list;
  for (const auto& p : problems) list += (list.empty() ? "" : "; ") + p;
  throw StepError("the existing mirroring endpoint " + tsql::quote_identifier(e.name) + " " + list +
                  ". The link needs certificate authentication with AES. Set existing_endpoint: alter to let milink "
                  "run ALTER ENDPOINT (only what does not fit; Windows authentication stays available beside the "
                  "certificate), or alter it yourself:\n" + alter_sql(c, e));
}

void MirroringEndpoint::set_outputs(const Config& c, milink::sdk::Context& ctx, const std::string& name, long long port) {
  ctx.output("endpoint_name", Value(name));
  ctx.output("certificate_name", Value(c.certificate_name));
  ctx.output("url", Value(endpoint_url(c.host, port)));
  ctx.output("port", Value(static_cast<std::int64_t>(port)));
}

milink::sdk::Observation MirroringEndpoint::observe(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  existing_ = EndpointState::read(sql);
  observed_ = true;
  if (!existing_) return milink::sdk::Observation::needs_change("SQL Server has no database mirroring endpoint");
  judge(c, *existing_);
  auto problems = existing_->problems(c.certificate_name);
  if (problems.empty()) {
    set_outputs(c, ctx, existing_->name, existing_->port);
    return milink::sdk::Observation::satisfied("endpoint " + tsql::quote_identifier(existing_->name) + " is ready (" +
                                               existing_->connection_auth_desc + ", " +
                                               existing_->encryption_algorithm_desc + ", port " +
                                               std::to_string(existing_->port) + ")");
  }
  std::string list;
  for (const auto& p : problems) list += (list.empty() ? "" : "; ") + p;
  return milink::sdk::Observation::needs_change("endpoint " + tsql::quote_identifier(existing_->name) + " " + list);
}

milink::sdk::Plan MirroringEndpoint::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  if (observed_ && existing_)
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "alter endpoint " + tsql::quote_identifier(existing_->name),
                                                       alter_sql(c, *existing_)));
  else
    p.actions.push_back(milink::sdk::Action::sql_batch(
        c.target, "create endpoint " + tsql::quote_identifier(c.endpoint_name) + " on port " + std::to_string(c.port) +
                      (observed_ ? "" : " (when SQL Server has none; an existing one is checked instead)"),
        create_sql(c)));
  // Observed: the endpoint apply() leaves (the existing one, altered, or the
  // new one) is known, so a plan's availability groups can name its URL.
  if (observed_) set_outputs(c, ctx, existing_ ? existing_->name : c.endpoint_name, existing_ ? existing_->port : c.port);
  return p;
}

void MirroringEndpoint::apply(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto e = EndpointState::read(sql);  // again: a resumed run may find it done
  if (!e) {
    ctx.progress("creating endpoint " + tsql::quote_identifier(c.endpoint_name), 0.5);
    sql.run(create_sql(c), {}, /*idempotent=*/true);  // guarded by IF NOT EXISTS
    ctx.info("created endpoint " + tsql::quote_identifier(c.endpoint_name) + " on port " + std::to_string(c.port));
  } else {
    judge(c, *e);
    if (!e->problems(c.certificate_name).empty()) {
      ctx.progress("altering endpoint " + tsql::quote_identifier(e->name), 0.5);
      sql.run(alter_sql(c, *e));
      ctx.info("altered endpoint " + tsql::quote_identifier(e->name) + " for certificate authentication with AES (" +
               tsql::quote_identifier(c.certificate_name) + ")");
    }
  }
  e = EndpointState::read(sql);
  if (!e) throw StepError("SQL Server still has no database mirroring endpoint after CREATE ENDPOINT");
  auto problems = e->problems(c.certificate_name);
  if (!problems.empty()) throw StepError("endpoint " + tsql::quote_identifier(e->name) + " " + problems.front() + " after the change");
  set_outputs(c, ctx, e->name, e->port);
}

}  // namespace milink::link
