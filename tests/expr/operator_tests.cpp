// Logical, equality and ordering operators, and truthy().

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <cmath>
#include <string>

using milink::expr::Expression;
using milink::expr::ExprError;
using milink::expr::Scope;
using milink::expr::truthy;
using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

Value eval(const std::string& text, const Scope& scope = {}) { return Expression::parse(text).evaluate(scope); }

void check_eval_error(const std::string& text, const Scope& scope, const std::string& message, std::size_t offset) {
  INFO("expression: " << text);
  const Expression e = Expression::parse(text);
  try {
    e.evaluate(scope);
    FAIL("evaluated without an error");
  } catch (const ExprError& err) {
    CHECK(std::string(err.what()) == message);
    CHECK(err.offset() == offset);
  }
}

Scope sample() {
  return Scope{
      {"list", Value(Array{Value("a"), Value("b")})},
      {"same", Value(Array{Value("a"), Value("b")})},
      {"empty", Value(Array{})},
      {"obj", Value(Object{{"x", Value(1)}, {"y", Value(2)}})},
      {"reordered", Value(Object{{"y", Value(2)}, {"x", Value(1.0)}})},
  };
}

}  // namespace

TEST_CASE("|| returns the first truthy operand, else the last", "[expr][operators]") {
  CHECK(eval("'' || 'default'") == Value("default"));
  CHECK(eval("'set' || 'default'") == Value("set"));
  const Value zero_or_null = eval("0 || null");
  CHECK(zero_or_null.is_null());
  const Value n = eval("0 || 5");
  REQUIRE(n.kind() == Kind::Int);  // the operand itself, not a bool
  CHECK(n.as_int() == 5);
  CHECK(eval("false || false || 'third'") == Value("third"));
}

TEST_CASE("&& returns the first falsy operand, else the last", "[expr][operators]") {
  const Value zero = eval("0 && 'never'");
  REQUIRE(zero.kind() == Kind::Int);
  CHECK(zero.as_int() == 0);
  CHECK(eval("1 && 'yes'") == Value("yes"));
  CHECK(eval("'a' && '' && 'c'") == Value(""));
  CHECK(eval("true && 2.5") == Value(2.5));
}

TEST_CASE("&& and || short-circuit", "[expr][operators]") {
  // The right side is never evaluated, so its errors do not happen.
  CHECK(eval("true || missing.name") == Value(true));
  CHECK(eval("false && missing.name") == Value(false));
  check_eval_error("false || missing", {}, "unknown name 'missing'; nothing is available here", 9);
}

TEST_CASE("! returns a bool", "[expr][operators]") {
  CHECK(eval("!0") == Value(true));
  CHECK(eval("!0.0") == Value(true));
  CHECK(eval("!''") == Value(true));
  CHECK(eval("!null") == Value(true));
  CHECK(eval("!'x'") == Value(false));
  CHECK(eval("!'false'") == Value(false));  // a non-empty string is truthy
  CHECK(eval("!empty", sample()) == Value(false));  // so is an empty array
  const Value b = eval("!7");
  REQUIRE(b.kind() == Kind::Bool);
  CHECK_FALSE(b.as_bool());
}

TEST_CASE("== and != compare values strictly", "[expr][operators]") {
  const Scope s = sample();
  CHECK(eval("1 == 1") == Value(true));
  CHECK(eval("1 == 1.0") == Value(true));  // numbers compare numerically
  CHECK(eval("2 != 2.5") == Value(true));
  CHECK(eval("'abc' == 'abc'") == Value(true));
  CHECK(eval("'abc' == 'ABC'") == Value(false));  // case-sensitive
  CHECK(eval("1 == '1'") == Value(false));        // different kinds are unequal
  CHECK(eval("0 == false") == Value(false));
  CHECK(eval("null == null") == Value(true));
  CHECK(eval("null != ''") == Value(true));
  CHECK(eval("true != false") == Value(true));
  CHECK(eval("list == same", s) == Value(true));
  CHECK(eval("list != empty", s) == Value(true));
  CHECK(eval("obj == reordered", s) == Value(true));  // member order does not matter
  const Value b = eval("1 == 2");
  REQUIRE(b.kind() == Kind::Bool);
  CHECK_FALSE(b.as_bool());
}

TEST_CASE("< <= > >= order numbers and strings", "[expr][operators]") {
  CHECK(eval("1 < 2") == Value(true));
  CHECK(eval("2 < 1") == Value(false));
  CHECK(eval("3 <= 3") == Value(true));
  CHECK(eval("3 > 3") == Value(false));
  CHECK(eval("3 >= 3") == Value(true));
  CHECK(eval("2.5 > 2") == Value(true));
  CHECK(eval("-1 < 0.5") == Value(true));
  // Integers compare exactly, even past what a double holds.
  CHECK(eval("9007199254740993 > 9007199254740992") == Value(true));
  CHECK(eval("'abc' < 'abd'") == Value(true));
  CHECK(eval("'b' >= 'abc'") == Value(true));
  CHECK(eval("'B' < 'a'") == Value(true));  // byte order, case-sensitive
  CHECK(eval("'' <= ''") == Value(true));
}

TEST_CASE("ordering other kinds is an error", "[expr][operators]") {
  const Scope s = sample();
  check_eval_error("1 < 'a'", {}, "cannot compare integer with string", 2);
  check_eval_error("null > 0", {}, "cannot compare null with integer", 5);
  check_eval_error("true <= false", {}, "cannot compare bool with bool", 5);
  check_eval_error("1.5 >= list", s, "cannot compare number with array", 4);
  check_eval_error("obj < obj", s, "cannot compare object with object", 4);
}

TEST_CASE("truthy follows the if rules", "[expr][truthy]") {
  CHECK_FALSE(truthy(Value()));
  CHECK_FALSE(truthy(Value(false)));
  CHECK_FALSE(truthy(Value(0)));
  CHECK_FALSE(truthy(Value(0.0)));
  CHECK_FALSE(truthy(Value("")));
  CHECK_FALSE(truthy(Value(std::nan(""))));
  CHECK(truthy(Value(true)));
  CHECK(truthy(Value(1)));
  CHECK(truthy(Value(-1)));
  CHECK(truthy(Value(0.5)));
  CHECK(truthy(Value("x")));
  CHECK(truthy(Value("false")));
  CHECK(truthy(Value("0")));
  CHECK(truthy(Value(Array{})));
  CHECK(truthy(Value(Object{})));
}

TEST_CASE("truthy refuses an Unknown", "[expr][truthy]") {
  REQUIRE_THROWS_AS(truthy(Value::unknown("steps.cert.outputs.ok")), ExprError);
  REQUIRE_THROWS_WITH(truthy(Value::unknown("steps.cert.outputs.ok")),
                      "steps.cert.outputs.ok is only known at run time");
}
