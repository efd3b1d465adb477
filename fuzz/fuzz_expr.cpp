// fuzz_expr: the ${{ }} template and expression parser and the evaluator
// (framework/expr). Parse errors and evaluation errors are ExprError; a
// parsed template is evaluated against a scope with inputs, config, steps
// and a loop variable, so accessors, operators and functions all run.
#include "expr/expression.hpp"

#include <milink/sdk/json.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

namespace {

const milink::expr::Scope& scope() {
  static const milink::expr::Scope s = [] {
    auto v = milink::sdk::parse_json(R"({
      "inputs": {"name": "db1", "count": 3, "ratio": 0.5, "on": true, "none": null,
                 "list": ["a", "b", 1, 2.5, false], "obj": {"k": "v", "n": {"m": [1, {"x": "y"}]}}},
      "config": {"sqlserver": {"name": "sql1", "fqdn": "sql1.contoso.com", "port": 1433},
                 "databases": ["db1", "db2"]},
      "steps": {"cert": {"status": "success", "outputs": {"name": "c1", "thumbprint": "ABCD"}}},
      "item": {"database": "db2", "index": 1}
    })", "scope.json");
    return v.as_object();
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto t = milink::expr::Template::parse(text);
    t.references();
    auto v = t.evaluate(scope());
    try {
      milink::expr::truthy(v);
    } catch (const milink::expr::ExprError&) {
    }
  } catch (const milink::expr::ExprError&) {
  } catch (const std::exception&) {
    // Value accessors raise their own errors for a wrong type; those are
    // reported, not crashes.
  }
  try {
    auto e = milink::expr::Expression::parse(text);
    e.references();
    e.evaluate(scope());
  } catch (const std::exception&) {
  }
  return 0;
}
