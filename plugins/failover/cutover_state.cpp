#include "cutover_state.hpp"

#include "link_sides.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::Observation;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {

struct Phase {
  std::string name;  ///< linked / failed_over / removed
  std::string why;   ///< what was seen, for the log
};

/// The database's state on the managed instance: "" when it is not there.
std::string instance_state(const CutoverStateStep::Config& c, milink::sdk::Context& ctx) {
  auto rs = ctx.sql(c.instance_target)
                .query("SELECT state_desc FROM sys.databases WHERE name = ?", {SqlValue::nvarchar(c.database)});
  return rs.rows.empty() ? std::string() : text(rs, 0, "state_desc");
}

Phase read_phase(const CutoverStateStep::Config& c, milink::sdk::Context& ctx) {
  LinkSides s = read_sides(ctx, c.target, c.name, c.api_version);
  const std::string db = tsql::quote_identifier(c.database);
  if (s.link)
    return s.instance_primary() ? Phase{"failed_over", "the link \"" + c.name + "\" exists and " + s.roles()}
                                : Phase{"linked", "the link \"" + c.name + "\" exists and " + s.roles()};
  const std::string state = instance_state(c, ctx);
  if (state == "ONLINE")
    return {"removed", "no link \"" + c.name + "\" on managed instance " + s.instance + ", and " + db +
                           " is ONLINE there on its own" +
                           (s.dag ? " (the DAG " + tsql::quote_identifier(c.name) + " is still on " + s.server + ")" : "")};
  throw StepError("database " + db + " has no link \"" + c.name + "\" on managed instance " + s.instance + " and " +
                  (state.empty() ? std::string("is not on the instance") : "is " + state + " there") +
                  (s.dag ? " (SQL Server still has the DAG " + tsql::quote_identifier(c.name) +
                               ": a half-built link; remove it with workflows/remove-link.json)"
                         : "") +
                  ": there is nothing to cut over. Create the link first (workflows/replicate-database.json), or check "
                  "the database name and the link's name");
}

}  // namespace

milink::sdk::StepSpec CutoverStateStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "cutover-state";
  s.summary = "Reads where a database's cutover stands: linked, failed over, or removed (reads only)";
  s.doc =
      "Reads the link in Azure (GET .../distributedAvailabilityGroups/<name>: instanceLinkRole), the DAG's roles on "
      "SQL Server and, when the link is gone, the database on the managed instance (sys.databases). Output phase: "
      "linked (SQL Server is the link's primary), failed_over (the instance is primary, the link still exists) or "
      "removed (no link; the database is ONLINE on the instance on its own); cut_over is true for the last two. "
      "A migration workflow runs it first and skips the steps the cutover has already done, so a second run after "
      "the link was removed changes nothing. A database with neither a link nor a copy on the instance is an error "
      "that says to create the link first. Changes nothing.";
  s.params = {
      Param::string("database").required().doc("The database being cut over"),
      Param::string("name")
          .defaults_to(Value(""))
          .doc("The link's name (the DAG's name on SQL Server); default DAG_<database>"),
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("instance_target").defaults_to(Value("managed_instance")).doc("SQL target of the managed instance"),
      Param::string("api_version").defaults_to(Value(kDefaultLinkApiVersion)).doc("ARM api-version for the link"),
  };
  s.outputs = {
      Output::string("phase").doc("linked, failed_over or removed"),
      Output::boolean("cut_over")
          .doc("True when the managed instance already holds the primary copy (failed_over or removed)"),
  };
  s.arm = true;
  s.sql_targets = {{"target"}, {"instance_target"}};
  return s;
}

CutoverStateStep::Config CutoverStateStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.database = p.string("database");
  check_sysname(c.database, "database");
  c.name = p.string("name").empty() ? expand_name("DAG_{db}", {{"db", c.database}}, "database") : p.string("name");
  check_sysname(c.name, "name");
  c.target = p.string("target");
  c.instance_target = p.string("instance_target");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  return c;
}

Observation CutoverStateStep::observe(const Config& c, milink::sdk::Context& ctx) {
  Phase ph = read_phase(c, ctx);
  ctx.output("phase", Value(ph.name));
  ctx.output("cut_over", Value(ph.name != "linked"));
  return Observation::satisfied(tsql::quote_identifier(c.database) + ": " + ph.name + " (" + ph.why + ")");
}

milink::sdk::Plan CutoverStateStep::plan(const Config&, milink::sdk::Context&) { return {}; }

void CutoverStateStep::apply(const Config& c, milink::sdk::Context& ctx) { observe(c, ctx); }

}  // namespace milink::link
