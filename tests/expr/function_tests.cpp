// The built-in functions, and the errors for arguments of the wrong kind.

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
      {"list", Value(Array{Value("a"), Value("b"), Value("c")})},
      {"nums", Value(Array{Value(1), Value(2.5), Value(3)})},
      {"mixed", Value(Array{Value(1), Value(true), Value(), Value("x"), Value(1.5)})},
      {"nested", Value(Array{Value("a"), Value(Object{{"k", Value(1)}})})},
      {"empty", Value(Array{})},
      {"obj", Value(Object{{"a", Value(1)}, {"b", Value(Array{Value(true), Value()})}})},
  };
}

Value eval(const std::string& text) { return Expression::parse(text).evaluate(sample()); }

void check_eval_error(const std::string& text, const std::string& message, std::size_t offset = 0) {
  INFO("expression: " << text);
  const Expression e = Expression::parse(text);
  try {
    e.evaluate(sample());
    FAIL("evaluated without an error");
  } catch (const ExprError& err) {
    CHECK(std::string(err.what()) == message);
    CHECK(err.offset() == offset);
  }
}

}  // namespace

TEST_CASE("contains finds substrings and array elements", "[expr][functions]") {
  CHECK(eval("contains('hello', 'ell')") == Value(true));
  CHECK(eval("contains('hello', 'ELL')") == Value(false));  // case-sensitive
  CHECK(eval("contains('hello', '')") == Value(true));
  CHECK(eval("contains(list, 'b')") == Value(true));
  CHECK(eval("contains(list, 'z')") == Value(false));
  CHECK(eval("contains(nums, 2.5)") == Value(true));
  CHECK(eval("contains(nums, 3.0)") == Value(true));  // numeric equality
  CHECK(eval("contains(nums, '1')") == Value(false));
  CHECK(eval("contains(empty, null)") == Value(false));
  check_eval_error("contains(42, 'x')", "contains() expects a string or an array as argument 1, got an integer");
  check_eval_error("1 == 1 && contains('a', 1)",
                   "contains() expects a string as argument 2 when argument 1 is a string, got an integer", 10);
  check_eval_error("contains(obj, 'a')", "contains() expects a string or an array as argument 1, got an object");
}

TEST_CASE("startsWith and endsWith", "[expr][functions]") {
  CHECK(eval("startsWith('hello', 'he')") == Value(true));
  CHECK(eval("startsWith('hello', 'lo')") == Value(false));
  CHECK(eval("startsWith('he', 'hello')") == Value(false));
  CHECK(eval("startsWith('x', '')") == Value(true));
  CHECK(eval("endsWith('hello', 'lo')") == Value(true));
  CHECK(eval("endsWith('hello', 'he')") == Value(false));
  CHECK(eval("endsWith('lo', 'hello')") == Value(false));
  CHECK(eval("endsWith('Hello', 'LO')") == Value(false));
  check_eval_error("startsWith(1, 'a')", "startsWith() expects a string as argument 1, got an integer");
  check_eval_error("endsWith('a', null)", "endsWith() expects a string as argument 2, got null");
}

TEST_CASE("format substitutes numbered placeholders", "[expr][functions]") {
  CHECK(eval("format('{0}-{1}', 'a', 2)") == Value("a-2"));
  CHECK(eval("format('{1}{0}{1}', 'a', 'b')") == Value("bab"));
  CHECK(eval("format('{{literal}} {0}', true)") == Value("{literal} true"));
  CHECK(eval("format('{0}{{', 1.5)") == Value("1.5{"));
  CHECK(eval("format('}}{0}}}', null)") == Value("}null}"));
  CHECK(eval("format('no placeholders')") == Value("no placeholders"));
  CHECK(eval("format('{0}', 'unused', 'extra')") == Value("unused"));
  const Value r = eval("format('{0}', 7)");
  REQUIRE(r.kind() == Kind::String);
  CHECK(r.as_string() == "7");
}

TEST_CASE("format errors", "[expr][functions]") {
  check_eval_error("format('{2}', 'a')",
                   "format() has no argument for placeholder {2}: 1 argument follows the format string");
  check_eval_error("format('{0}')", "format() has no argument for placeholder {0}: 0 arguments follow the format string");
  check_eval_error("format('a{0', 1)",
                   "format() found an unmatched '{' at position 1 of the format string; write '{{' for a literal '{'");
  check_eval_error("format('a}', 1)",
                   "format() found an unmatched '}' at position 1 of the format string; write '}}' for a literal '}'");
  check_eval_error("format('{x}', 1)",
                   "format() found an invalid placeholder '{x}' in the format string; use {0}, {1}, ... and '{{' "
                   "for a literal '{'");
  check_eval_error("format('{}', 1)",
                   "format() found an invalid placeholder '{}' in the format string; use {0}, {1}, ... and '{{' "
                   "for a literal '{'");
  check_eval_error("format('{0}', list)", "format() argument {0} is an array; wrap it in toJSON() to put it in text");
  check_eval_error("format(1)", "format() expects a string as argument 1, got an integer");
}

TEST_CASE("format and join refuse to make more than 1 MiB of text", "[expr][functions]") {
  const std::string limit = "would make more than 1048576 bytes of text (1 MiB, the limit)";
  // Each level doubles the text: 2^40 bytes without the limit.
  std::string doubling = "'x'";
  for (int i = 0; i < 40; ++i) doubling = "format('{0}{0}', " + doubling + ")";
  const Expression e = Expression::parse(doubling);
  CHECK_THROWS_WITH(e.evaluate(sample()), "format() " + limit);
  // 20 levels (1 MiB exactly) are still fine.
  std::string fits = "'x'";
  for (int i = 0; i < 20; ++i) fits = "format('{0}{0}', " + fits + ")";
  CHECK(eval(fits).as_string().size() == 1024u * 1024u);
  std::string half = "'x'";
  for (int i = 0; i < 19; ++i) half = "format('{0}{0}', " + half + ")";
  // list has three elements: two 512 KiB separators go past the limit.
  CHECK_THROWS_WITH(Expression::parse("join(list, " + half + ")").evaluate(sample()), "join() " + limit);
}

TEST_CASE("join", "[expr][functions]") {
  CHECK(eval("join(list)") == Value("a,b,c"));
  CHECK(eval("join(list, ' | ')") == Value("a | b | c"));
  CHECK(eval("join(list, '')") == Value("abc"));
  CHECK(eval("join(mixed, ';')") == Value("1;true;null;x;1.5"));
  CHECK(eval("join(empty)") == Value(""));
  check_eval_error("join('abc')", "join() expects an array as argument 1, got a string");
  check_eval_error("join(list, 1)", "join() expects a string as argument 2, got an integer");
  check_eval_error("join(nested)",
                   "join() cannot join element 1, which is an object; only strings, numbers, booleans and null can be "
                   "joined");
}

TEST_CASE("toJSON renders compact JSON", "[expr][functions]") {
  CHECK(eval("toJSON(obj)") == Value("{\"a\":1,\"b\":[true,null]}"));
  CHECK(eval("toJSON(list)") == Value("[\"a\",\"b\",\"c\"]"));
  CHECK(eval("toJSON('it''s \"q\"')") == Value("\"it's \\\"q\\\"\""));
  CHECK(eval("toJSON(1)") == Value("1"));
  CHECK(eval("toJSON(2.5)") == Value("2.5"));
  CHECK(eval("toJSON(null)") == Value("null"));
}

TEST_CASE("fromJSON parses JSON text into typed values", "[expr][functions]") {
  const Value o = eval("fromJSON('{\"a\": [1, 2.5], \"b\": {\"c\": null}}')");
  REQUIRE(o.is_object());
  CHECK(o == Value(Object{{"a", Value(Array{Value(1), Value(2.5)})}, {"b", Value(Object{{"c", Value()}})}}));
  const Value i = eval("fromJSON('42')");
  REQUIRE(i.kind() == Kind::Int);
  CHECK(i.as_int() == 42);
  CHECK(eval("fromJSON('\"s\"')") == Value("s"));
  CHECK(eval("fromJSON('[true]')[0]") == Value(true));
  CHECK(eval("fromJSON('{\"a\":{\"b\":[10,20]}}').a.b[1]") == Value(20));
  CHECK(eval("fromJSON(toJSON(obj)) == obj") == Value(true));
  check_eval_error("fromJSON('{')",
                   "fromJSON() got invalid JSON (line 1, column 2): expected a string key");
  check_eval_error("fromJSON('')",
                   "fromJSON() got invalid JSON (line 1, column 1): unexpected end of file, expected a value");
  check_eval_error("fromJSON(1)", "fromJSON() expects a string as argument 1, got an integer");
}

TEST_CASE("length of strings, arrays and objects", "[expr][functions]") {
  const Value n = eval("length('hello')");
  REQUIRE(n.kind() == Kind::Int);
  CHECK(n.as_int() == 5);
  CHECK(eval("length('')") == Value(0));
  CHECK(eval("length('h\xC3\xA9llo')") == Value(5));  // characters, not bytes
  CHECK(eval("length(list)") == Value(3));
  CHECK(eval("length(empty)") == Value(0));
  CHECK(eval("length(obj)") == Value(2));
  check_eval_error("length(1)", "length() expects a string, an array or an object, got an integer");
  check_eval_error("length(null)", "length() expects a string, an array or an object, got null");
}

TEST_CASE("lower and upper", "[expr][functions]") {
  CHECK(eval("lower('AbC-9_Z')") == Value("abc-9_z"));
  CHECK(eval("upper('AbC-9_z')") == Value("ABC-9_Z"));
  CHECK(eval("lower('\xC3\x89T\xC3\x89')") == Value("\xC3\x89t\xC3\x89"));  // ASCII letters only
  CHECK(eval("upper('')") == Value(""));
  check_eval_error("lower(1)", "lower() expects a string as argument 1, got an integer");
  check_eval_error("upper(list)", "upper() expects a string as argument 1, got an array");
}

TEST_CASE("function results combine with operators", "[expr][functions]") {
  CHECK(eval("length(list) > 2 && contains(list, 'a')") == Value(true));
  CHECK(eval("upper(join(list, '')) == 'ABC'") == Value(true));
  CHECK(eval("format('{0}:{1}', lower('HOST'), length(list))") == Value("host:3"));
}
