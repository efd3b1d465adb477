// acme.mirroring-endpoint: a third party's replacement for the bundled
// mirroring-endpoint step, built only against the SDK. It takes the same
// parameters (so a workflow swaps strategies by changing `uses` alone) and
// gives the same `url` output, but creates the DATABASE_MIRRORING endpoint
// its own way: named acme_hadr, created STOPPED with certificate
// authentication and AES, then started once SQL Server shows it configured
// as wanted. An endpoint of another name is never touched: SQL Server keeps
// one mirroring endpoint, so the step refuses and says why.
#include <milink/sdk/plugin.hpp>
#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::ValueType;
namespace tsql = milink::sdk::tsql;

struct Endpoint {
  std::string name;
  std::string state;           // STARTED / STOPPED / DISABLED
  std::string auth;            // connection_auth_desc
  std::string algorithm;       // encryption_algorithm_desc
  bool encrypted = false;
  std::string certificate;     // "" without one
  long long port = 0;
};

std::string text_of(const milink::sdk::SqlResultSet& rs, const std::string& column) {
  const SqlValue& v = rs.at(0, column);
  if (v.is_null()) return {};
  if (v.type() == milink::sdk::SqlType::NVarChar) return v.as_string();
  return v.to_display();
}

long long int_of(const milink::sdk::SqlResultSet& rs, const std::string& column) {
  const SqlValue& v = rs.at(0, column);
  if (v.is_null()) return 0;
  if (v.type() == milink::sdk::SqlType::Bit) return v.as_bool() ? 1 : 0;
  return v.as_int64();
}

class AcmeMirroringEndpoint {
public:
  struct Config {
    std::string target;
    std::string certificate_name;
    long long port = 5022;
    std::string endpoint_name;
    std::string host;
  };

  static milink::sdk::StepSpec spec() {
    milink::sdk::StepSpec s;
    s.uses = "acme.mirroring-endpoint";
    s.summary = "ACME's DATABASE_MIRRORING endpoint: acme_hadr, certificate authentication, AES";
    s.doc =
        "Creates the endpoint STOPPED, checks it, then starts it. Takes the parameters of the bundled "
        "mirroring-endpoint step; existing_endpoint is accepted and ignored (an endpoint of another name is refused).";
    s.params = {
        {"target", ValueType::String, false, Value("sqlserver"), "SQL target of SQL Server", false, {}},
        {"certificate_name", ValueType::String, true, Value(), "The certificate the endpoint authenticates with", false, {}},
        {"port", ValueType::Integer, false, Value(5022), "LISTENER_PORT", false, {}},
        {"endpoint_name", ValueType::String, false, Value("acme_hadr"), "The endpoint's name", false, {}},
        {"host", ValueType::String, true, Value(), "Host the managed instance reaches SQL Server at", false, {}},
        {"existing_endpoint", ValueType::String, false, Value("refuse"), "Accepted for compatibility; ignored", false,
         {"alter", "refuse"}},
    };
    s.outputs = {{"endpoint_name", ValueType::String, "The endpoint's name", false},
                 {"url", ValueType::String, "TCP://host:port", false},
                 {"port", ValueType::Integer, "The endpoint's port", false}};
    return s;
  }

  static Config configure(const milink::sdk::Params& p) {
    Config c;
    c.target = p.string("target");
    c.certificate_name = p.string("certificate_name");
    if (c.certificate_name.empty()) throw ConfigError("certificate_name", "the certificate name is empty");
    c.port = p.integer("port");
    if (c.port < 1 || c.port > 65535) throw ConfigError("port", std::to_string(c.port) + " is not a TCP port");
    c.endpoint_name = p.string("endpoint_name");
    if (c.endpoint_name.empty()) throw ConfigError("endpoint_name", "the endpoint name is empty");
    c.host = p.string("host");
    if (c.host.empty() || c.host.find_first_of(" /:;'\"[]") != std::string::npos)
      throw ConfigError("host", "\"" + c.host + "\" is not a host name");
    return c;
  }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx) {
    auto sql = ctx.sql(c.target);
    observed_ = true;
    existing_ = read(sql);
    if (!existing_) return milink::sdk::Observation::needs_change("SQL Server has no database mirroring endpoint");
    check_ours(c, *existing_);
    std::string wrong = problem(c, *existing_);
    if (wrong.empty()) {
      outputs(c, ctx);
      return milink::sdk::Observation::satisfied("endpoint " + tsql::quote_identifier(c.endpoint_name) + " is ready");
    }
    return milink::sdk::Observation::needs_change("endpoint " + tsql::quote_identifier(c.endpoint_name) + " " + wrong);
  }

  milink::sdk::Plan plan(const Config& c, milink::sdk::Context&) {
    milink::sdk::Plan p;
    if (!observed_ || !existing_)
      p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "create endpoint " + tsql::quote_identifier(c.endpoint_name) +
                                                                       " (stopped)",
                                                         create_sql(c)));
    else if (!configured(c, *existing_))
      p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "reconfigure " + tsql::quote_identifier(c.endpoint_name),
                                                         configure_sql(c)));
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "start " + tsql::quote_identifier(c.endpoint_name), start_sql(c)));
    return p;
  }

  void apply(const Config& c, milink::sdk::Context& ctx) {
    auto sql = ctx.sql(c.target);
    auto e = read(sql);  // again: a resumed run may find it half done
    if (!e) {
      ctx.progress("creating endpoint " + tsql::quote_identifier(c.endpoint_name) + " stopped", 0.3);
      sql.run(create_sql(c));
      e = read(sql);
      if (!e) throw StepError("SQL Server has no mirroring endpoint after CREATE ENDPOINT");
    }
    check_ours(c, *e);
    if (!configured(c, *e)) {
      ctx.progress("reconfiguring endpoint " + tsql::quote_identifier(c.endpoint_name), 0.5);
      sql.run(configure_sql(c));
      e = read(sql);
      if (!e || !configured(c, *e)) throw StepError("endpoint " + tsql::quote_identifier(c.endpoint_name) + " is not configured after ALTER ENDPOINT");
    }
    if (e->state != "STARTED") {
      ctx.progress("starting endpoint " + tsql::quote_identifier(c.endpoint_name), 0.8);
      sql.run(start_sql(c));
      e = read(sql);
    }
    std::string wrong = e ? problem(c, *e) : std::string("is missing");
    if (!wrong.empty()) throw StepError("endpoint " + tsql::quote_identifier(c.endpoint_name) + " " + wrong);
    ctx.info("ACME endpoint " + tsql::quote_identifier(c.endpoint_name) + " listens on port " + std::to_string(c.port));
    outputs(c, ctx);
  }

private:
  static std::optional<Endpoint> read(milink::sdk::Sql& sql) {
    auto rs = sql.query(
        "SELECT e.name, e.state_desc, e.connection_auth_desc, e.is_encryption_enabled, e.encryption_algorithm_desc, "
        "c.name AS certificate_name, t.port "
        "FROM master.sys.database_mirroring_endpoints AS e "
        "JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id "
        "LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id");
    if (rs.rows.empty()) return std::nullopt;
    Endpoint e;
    e.name = text_of(rs, "name");
    e.state = text_of(rs, "state_desc");
    e.auth = text_of(rs, "connection_auth_desc");
    e.encrypted = int_of(rs, "is_encryption_enabled") != 0;
    e.algorithm = text_of(rs, "encryption_algorithm_desc");
    e.certificate = text_of(rs, "certificate_name");
    e.port = int_of(rs, "port");
    return e;
  }

  static void check_ours(const Config& c, const Endpoint& e) {
    if (e.name != c.endpoint_name)
      throw StepError("SQL Server already has the mirroring endpoint " + tsql::quote_identifier(e.name) +
                      " and keeps only one; ACME's strategy uses its own endpoint " +
                      tsql::quote_identifier(c.endpoint_name) + ". Use the bundled mirroring-endpoint step instead");
  }

  static bool configured(const Config& c, const Endpoint& e) {
    return e.auth == "CERTIFICATE" && e.certificate == c.certificate_name && e.encrypted && e.algorithm == "AES" &&
           e.port == c.port;
  }

  static std::string problem(const Config& c, const Endpoint& e) {
    if (!configured(c, e))
      return "is not CERTIFICATE " + tsql::quote_identifier(c.certificate_name) + " with AES on port " + std::to_string(c.port);
    if (e.state != "STARTED") return "is " + e.state;
    return {};
  }

  static std::string tcp(const Config& c) {
    return "AS TCP (LISTENER_PORT = " + std::to_string(c.port) + ", LISTENER_IP = ALL)";
  }
  static std::string mirroring(const Config& c) {
    return "FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = CERTIFICATE " + tsql::quote_identifier(c.certificate_name) +
           ", ENCRYPTION = REQUIRED ALGORITHM AES)";
  }
  static std::string create_sql(const Config& c) {
    return "USE master;\nCREATE ENDPOINT " + tsql::quote_identifier(c.endpoint_name) + "\n    STATE = STOPPED\n    " + tcp(c) +
           "\n    " + mirroring(c) + ";";
  }
  static std::string configure_sql(const Config& c) {
    return "USE master;\nALTER ENDPOINT " + tsql::quote_identifier(c.endpoint_name) + "\n    STATE = STOPPED\n    " + tcp(c) +
           "\n    " + mirroring(c) + ";";
  }
  static std::string start_sql(const Config& c) {
    return "USE master;\nALTER ENDPOINT " + tsql::quote_identifier(c.endpoint_name) + " STATE = STARTED;";
  }

  void outputs(const Config& c, milink::sdk::Context& ctx) {
    ctx.output("endpoint_name", Value(c.endpoint_name));
    ctx.output("url", Value("TCP://" + c.host + ":" + std::to_string(c.port)));
    ctx.output("port", Value(static_cast<std::int64_t>(c.port)));
  }

  bool observed_ = false;
  std::optional<Endpoint> existing_;
};

}  // namespace

MILINK_PLUGIN("acme-linksteps", "1.0.0") { registrar.add_step<AcmeMirroringEndpoint>(); }
