// Names, member access and indexing: values keep their types, and missing
// or mistyped paths are errors that name the full path.

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <string>

using milink::expr::Expression;
using milink::expr::ExprError;
using milink::expr::Scope;
using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

Scope sample() {
  return Scope{
      {"inputs", Value(Object{{"port", Value(5022)},
                              {"name", Value("sql1")},
                              {"list", Value(Array{Value("a"), Value("b"), Value("c")})},
                              {"nested", Value(Object{{"x", Value()}})},
                              {"no such", Value("spaced")}})},
      {"config", Value(Object{{"key", Value("port")}, {"idx", Value(2)}})},
      {"steps", Value(Object{{"cert", Value(Object{{"outputs", Value(Object{{"thumbprint", Value("AB12")}})},
                                                   {"status", Value("success")}})},
                             {"my-step", Value(Object{{"outputs", Value(Object{{"x", Value(1)}})}})}})},
  };
}

Value eval(const std::string& text, const Scope& scope = sample()) {
  return Expression::parse(text).evaluate(scope);
}

void check_eval_error(const std::string& text, const std::string& message, std::size_t offset,
                      const Scope& scope = sample()) {
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

}  // namespace

TEST_CASE("member access and indexing read the scope", "[expr][access]") {
  const Value port = eval("inputs.port");
  REQUIRE(port.kind() == Kind::Int);
  CHECK(port.as_int() == 5022);
  CHECK(eval("inputs['port']") == Value(5022));
  CHECK(eval("inputs['no such']") == Value("spaced"));
  CHECK(eval("inputs.list[1]") == Value("b"));
  CHECK(eval("inputs.list[0 ]") == Value("a"));
  CHECK(eval("steps.cert.outputs.thumbprint") == Value("AB12"));
  CHECK(eval("steps['cert'].outputs['thumbprint']") == Value("AB12"));
  CHECK(eval("steps.my-step.outputs.x") == Value(1));
  CHECK(eval("(steps.cert).status") == Value("success"));
  CHECK(eval("inputs.nested.x").is_null());
}

TEST_CASE("computed indexes", "[expr][access]") {
  CHECK(eval("inputs[config.key]") == Value(5022));
  CHECK(eval("inputs.list[config.idx]") == Value("c"));
  CHECK(eval("inputs.list[length(inputs.list) == 3 && 1]") == Value("b"));
}

TEST_CASE("access keeps arrays and objects whole", "[expr][access]") {
  const Value list = eval("inputs.list");
  REQUIRE(list.is_array());
  CHECK(list.as_array().size() == 3);
  const Value cert = eval("steps.cert");
  REQUIRE(cert.is_object());
  CHECK(cert.get("status") != nullptr);
  CHECK(eval("steps") == *sample().find("steps"));
}

TEST_CASE("an unknown root names what is available", "[expr][access]") {
  check_eval_error("nope.x", "unknown name 'nope'; available: inputs, config, steps", 0);
  check_eval_error("1 == 1 && Inputs.port", "unknown name 'Inputs'; available: inputs, config, steps", 10);
  check_eval_error("x", "unknown name 'x'; nothing is available here", 0, Scope{});
  check_eval_error("toJSON",
                   "unknown name 'toJSON'; available: inputs, config, steps (toJSON is a function: call it as "
                   "toJSON(...))",
                   0);
}

TEST_CASE("a missing member names the full path", "[expr][access]") {
  check_eval_error("steps.cert.outputs.key", "steps.cert.outputs.key is not set", 19);
  check_eval_error("steps.nope.status", "steps.nope is not set", 6);
  check_eval_error("inputs['missing key']", "inputs['missing key'] is not set", 6);
  check_eval_error("steps['cert'].outputs['thumb']", "steps.cert.outputs.thumb is not set", 21);
  check_eval_error("inputs[config.idx == 2 && 'nah']", "inputs.nah is not set", 6);
  check_eval_error("fromJSON('{}').a", "fromJSON('{}').a is not set", 15);
}

TEST_CASE("config.settings is free-form: an unset key reads as null, elsewhere it is an error", "[expr][access]") {
  Scope with_settings = sample();
  with_settings.set("config", Value(Object{{"settings", Value(Object{{"emulator", Value(true)}})}}));
  CHECK(eval("config.settings.emulator", with_settings) == Value(true));
  CHECK(eval("config.settings.other", with_settings).is_null());
  CHECK(eval("config.settings['other'].deeper", with_settings).is_null());
  CHECK(eval("!config.settings.other", with_settings) == Value(true));
  // No settings section at all: still null.
  CHECK(eval("config.settings.emulator").is_null());
  CHECK(eval("config.settings.emulator || 'fallback'") == Value("fallback"));
  // Only settings is lenient.
  check_eval_error("config.other", "config.other is not set", 7);
}

TEST_CASE("reading a member of something that is not an object", "[expr][access]") {
  check_eval_error("inputs.nested.x.y", "inputs.nested.x is null, not an object", 16);
  check_eval_error("inputs.port.value", "inputs.port is an integer, not an object", 12);
  check_eval_error("inputs.list.x", "inputs.list is an array, not an object", 12);
  check_eval_error("inputs.name.length", "inputs.name is a string, not an object", 12);
}

TEST_CASE("indexing errors", "[expr][access]") {
  check_eval_error("inputs.list[3]", "inputs.list[3] is out of range: inputs.list has 3 elements", 11);
  check_eval_error("inputs.list[-1]", "inputs.list[-1] is out of range: inputs.list has 3 elements", 11);
  check_eval_error("fromJSON('[1]')[1]", "fromJSON('[1]')[1] is out of range: fromJSON('[1]') has 1 element", 15);
  check_eval_error("inputs.list['a']", "inputs.list is an array; index it with an integer, not a string", 11);
  check_eval_error("inputs[0]", "inputs is an object; index it with a string key, not an integer", 6);
  check_eval_error("inputs.list[true]", "an index must be a string or an integer, got a bool", 11);
  check_eval_error("inputs.list[1.0]", "an index must be a string or an integer, got a number", 11);
  check_eval_error("inputs.name[0]", "inputs.name is a string, not an array or an object", 11);
  check_eval_error("inputs.nested.x['y']", "inputs.nested.x is null, not an array or an object", 15);
}

TEST_CASE("a default-constructed Expression cannot be evaluated", "[expr][access]") {
  const Expression e;
  REQUIRE_THROWS_WITH(e.evaluate(Scope{}), "empty expression");
  CHECK(e.references().empty());
}
