// Test plugin "milink-sqltest-steps": one step that reaches SQL through
// Context::sql, so the runner's wiring of Services::sql is tested the way
// real plugins use it.
//
// sqltest.run: observe() runs `observe_sql` (idempotent) and reports its
// first value; apply() runs `apply_sql` and reports its row count. With an
// empty apply_sql, observe() says satisfied.
#include <milink/sdk/sdk.hpp>

namespace sqltestplugin {

using milink::sdk::Value;

class RunStep {
public:
  struct Config {
    std::string target;
    std::string observe_sql;
    std::string apply_sql;
  };

  static milink::sdk::StepSpec spec() {
    milink::sdk::StepSpec s;
    s.uses = "sqltest.run";
    s.summary = "Runs T-SQL through the SQL service (tests)";
    s.params = {{"target", milink::sdk::ValueType::String, false, Value("sqlserver"), "SQL target", false, {}},
                {"observe_sql", milink::sdk::ValueType::String, true, Value(), "Read in observe()", false, {}},
                {"apply_sql", milink::sdk::ValueType::String, false, Value(""), "Change in apply()", false, {}}};
    s.outputs = {{"first", milink::sdk::ValueType::String, "First value read by observe()", false},
                 {"rows_affected", milink::sdk::ValueType::Integer, "Row count of apply_sql", false}};
    return s;
  }

  static Config configure(const milink::sdk::Params& p) {
    return Config{p.string("target"), p.string("observe_sql"), p.string("apply_sql")};
  }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx) {
    auto v = ctx.sql(c.target).scalar(c.observe_sql);
    first_ = v ? v->to_display() : std::string("(no row)");
    if (c.apply_sql.empty()) {
      ctx.output("first", Value(first_));
      ctx.output("rows_affected", Value(0));
      return milink::sdk::Observation::satisfied("nothing to apply");
    }
    return milink::sdk::Observation::needs_change("apply_sql is set");
  }

  milink::sdk::Plan plan(const Config& c, milink::sdk::Context&) {
    milink::sdk::Plan p;
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "apply", c.apply_sql));
    return p;
  }

  void apply(const Config& c, milink::sdk::Context& ctx) {
    milink::sdk::SqlResult r = ctx.sql(c.target).run(c.apply_sql);
    ctx.output("first", Value(first_));
    ctx.output("rows_affected", Value(r.rows_affected));
  }

private:
  std::string first_;
};

}  // namespace sqltestplugin

MILINK_PLUGIN("milink-sqltest-steps", "1.0.0") { registrar.add_step<sqltestplugin::RunStep>(); }
