// Unknown values (used by `milink plan`) propagate through every operation,
// describing the sub-expression that could not be computed.

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <string>

using milink::expr::Expression;
using milink::expr::ExprError;
using milink::expr::Scope;
using milink::expr::truthy;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

Scope sample() {
  return Scope{
      {"steps", Value(Object{{"cert", Value(Object{{"outputs", Value::unknown("steps.cert.outputs")},
                                                   {"status", Value("success")}})}})},
      {"inputs", Value(Object{{"u", Value::unknown("inputs.u")},
                              {"name", Value("sql1")},
                              {"list", Value(Array{Value("a"), Value::unknown("steps.x.outputs.y")})}})},
      {"matrix", Value::unknown("matrix")},
  };
}

Value eval(const std::string& text) { return Expression::parse(text).evaluate(sample()); }

/// Checks \p text evaluates to Value::unknown(\p what).
void check_unknown(const std::string& text, const std::string& what) {
  INFO("expression: " << text);
  const Value v = eval(text);
  REQUIRE(v.is_unknown());
  CHECK(v.as_string() == what);
}

}  // namespace

TEST_CASE("access below an Unknown extends its path", "[expr][unknown]") {
  check_unknown("steps.cert.outputs", "steps.cert.outputs");
  check_unknown("steps.cert.outputs.key", "steps.cert.outputs.key");
  check_unknown("steps.cert.outputs.a.b", "steps.cert.outputs.a.b");
  check_unknown("steps.cert.outputs['key']", "steps.cert.outputs.key");
  check_unknown("steps.cert.outputs['my key']", "steps.cert.outputs['my key']");
  check_unknown("steps.cert.outputs.list[0]", "steps.cert.outputs.list[0]");
  check_unknown("matrix.os", "matrix.os");
  check_unknown("inputs.list[1]", "steps.x.outputs.y");
  // Known parts of the scope stay known.
  CHECK(eval("steps.cert.status") == Value("success"));
  CHECK(eval("inputs.list[0]") == Value("a"));
}

TEST_CASE("an Unknown index makes the access Unknown", "[expr][unknown]") {
  check_unknown("inputs[inputs.u]", "inputs[inputs.u]");
  check_unknown("inputs.list[inputs.u]", "inputs.list[inputs.u]");
}

TEST_CASE("operators on an Unknown yield an Unknown of the sub-expression", "[expr][unknown]") {
  check_unknown("steps.cert.outputs.key == 'x'", "steps.cert.outputs.key == 'x'");
  check_unknown("'x' != inputs.u", "'x' != inputs.u");
  check_unknown("!inputs.u", "!inputs.u");
  check_unknown("inputs.u < 3", "inputs.u < 3");
  check_unknown("inputs.u || 'fallback'", "inputs.u || 'fallback'");
  check_unknown("inputs.u && true", "inputs.u && true");
  check_unknown("(inputs.u == 1) && true", "(inputs.u == 1) && true");
  check_unknown("inputs.name == 'sql1' && (inputs.u == 1)", "inputs.u == 1");
  // Arrays holding an Unknown cannot be compared either.
  check_unknown("inputs.list == inputs.list", "inputs.list == inputs.list");
}

TEST_CASE("a decided && or || does not look at an Unknown", "[expr][unknown]") {
  CHECK(eval("'set' || inputs.u") == Value("set"));
  CHECK(eval("false && inputs.u") == Value(false));
  check_unknown("'' || inputs.u", "inputs.u");  // the operand itself
  check_unknown("true && inputs.u", "inputs.u");
}

TEST_CASE("functions of an Unknown yield an Unknown of the call", "[expr][unknown]") {
  check_unknown("format('{0}!', inputs.u)", "format('{0}!', inputs.u)");
  check_unknown("length(steps.cert.outputs.key)", "length(steps.cert.outputs.key)");
  check_unknown("upper(inputs.u)", "upper(inputs.u)");
  check_unknown("fromJSON(inputs.u).a", "fromJSON(inputs.u).a");
  // An Unknown inside an array matters only when the function looks at it.
  check_unknown("toJSON(inputs.list)", "toJSON(inputs.list)");
  check_unknown("join(inputs.list, '-')", "join(inputs.list, '-')");
  check_unknown("contains(inputs.list, 'z')", "contains(inputs.list, 'z')");
  CHECK(eval("contains(inputs.list, 'a')") == Value(true));
  CHECK(eval("length(inputs.list)") == Value(2));
}

TEST_CASE("errors are still reported next to an Unknown", "[expr][unknown]") {
  REQUIRE_THROWS_WITH(eval("contains(inputs.u, nope)"), "unknown name 'nope'; available: steps, inputs, matrix");
  REQUIRE_THROWS_WITH(eval("inputs.u == inputs.missing"), "inputs.missing is not set");
  // The kind of the argument is wrong whatever the Unknown turns out to be.
  REQUIRE_THROWS_WITH(eval("inputs.list[true]"), "an index must be a string or an integer, got a bool");
}

TEST_CASE("an Unknown condition cannot be decided", "[expr][unknown]") {
  const Value v = eval("steps.cert.outputs.ok == 'yes'");
  REQUIRE(v.is_unknown());
  REQUIRE_THROWS_WITH(truthy(v), "steps.cert.outputs.ok == 'yes' is only known at run time");
}
