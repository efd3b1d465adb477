// Tokenizer and parser: literals, precedence, and syntax errors with offsets.

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <string>

using milink::expr::Expression;
using milink::expr::ExprError;
using milink::expr::Scope;
using milink::sdk::Kind;
using milink::sdk::Value;

namespace {

Value eval(const std::string& text, const Scope& scope = {}) { return Expression::parse(text).evaluate(scope); }

/// Parses \p text and checks it fails with exactly \p message at \p offset.
void check_parse_error(const std::string& text, const std::string& message, std::size_t offset) {
  INFO("expression: " << text);
  try {
    Expression::parse(text);
    FAIL("parsed without an error");
  } catch (const ExprError& e) {
    CHECK(std::string(e.what()) == message);
    CHECK(e.offset() == offset);
  }
}

const char* kKnown =
    "known functions: contains, startsWith, endsWith, format, join, toJSON, fromJSON, length, lower, upper";

}  // namespace

TEST_CASE("literals keep their types", "[expr][lexer]") {
  CHECK(eval("'hello'") == Value("hello"));
  CHECK(eval("'it''s'") == Value("it's"));
  CHECK(eval("''") == Value(""));
  CHECK(eval("'''' ") == Value("'"));
  CHECK(eval("'a}}b'") == Value("a}}b"));

  const Value i = eval("42");
  REQUIRE(i.kind() == Kind::Int);
  CHECK(i.as_int() == 42);
  CHECK(eval("-7").as_int() == -7);
  CHECK(eval("9223372036854775807").as_int() == INT64_MAX);

  const Value d = eval("4.25");
  REQUIRE(d.kind() == Kind::Double);
  CHECK(d.as_double() == 4.25);
  CHECK(eval("-0.5").as_double() == -0.5);

  CHECK(eval("true") == Value(true));
  CHECK(eval("false") == Value(false));
  CHECK(eval("null").is_null());
  CHECK(eval("  \t\n 'padded'\r\n ") == Value("padded"));
}

TEST_CASE("identifiers may contain hyphens and digits", "[expr][lexer]") {
  const Scope scope{{"my-step_2", Value(1)}, {"a-1", Value("x")}, {"a", Value(5)}};
  CHECK(eval("my-step_2", scope) == Value(1));
  CHECK(eval("a-1", scope) == Value("x"));  // one identifier, not a minus one
  // Keywords are fine as property names.
  const Scope obj{{"o", Value(milink::sdk::Object{{"null", Value(3)}, {"true", Value(4)}})}};
  CHECK(eval("o.null", obj) == Value(3));
  CHECK(eval("o.true", obj) == Value(4));
}

TEST_CASE("Expression keeps its text", "[expr][parser]") {
  CHECK(Expression::parse(" a == 'b' ").text() == " a == 'b' ");
}

TEST_CASE("operator precedence and parentheses", "[expr][parser]") {
  CHECK(eval("true || false && false") == Value(true));     // && binds tighter
  CHECK(eval("(true || false) && false") == Value(false));
  CHECK(eval("!true == false") == Value(true));              // (!true) == false
  CHECK(eval("1 < 2 == 2 < 3") == Value(true));              // (1<2) == (2<3)
  CHECK(eval("1 == 1 && 2 == 3") == Value(false));
  CHECK(eval("!(1 == 1)") == Value(false));
  CHECK(eval("!!'x'") == Value(true));
  CHECK(eval("((((7))))") == Value(7));
}

TEST_CASE("tokenizer errors point at the offending text", "[expr][lexer]") {
  check_parse_error("'abc", "unterminated string literal (missing closing ')", 0);
  check_parse_error("a == 'it''s", "unterminated string literal (missing closing ')", 5);
  check_parse_error("\"x\"", "strings use single quotes: 'text', not \"text\"", 0);
  check_parse_error("\xE2\x80\x98x\xE2\x80\x99",
                    "unexpected character '\xE2\x80\x98'; strings use straight single quotes: 'text'", 0);
  check_parse_error("a # b", "unexpected character '#'", 2);
  check_parse_error("a = b", "unexpected '='; use '==' to compare", 2);
  check_parse_error("a & b", "unexpected '&'; use '&&' for a logical and", 2);
  check_parse_error("a | b", "unexpected '|'; use '||' for a logical or", 2);
  check_parse_error("x == 12abc", "invalid number '12abc'", 5);
  check_parse_error("1.", "invalid number '1.': expected digits after '.'", 0);
  check_parse_error("1.2.3", "invalid number '1.2.3'", 0);
  check_parse_error("99999999999999999999",
                    "integer 99999999999999999999 is out of range (-9223372036854775808 to 9223372036854775807)", 0);
}

TEST_CASE("parser errors name what was expected", "[expr][parser]") {
  check_parse_error("", "empty expression", 0);
  check_parse_error("   ", "empty expression", 3);
  check_parse_error("a ==", "expected a value after '==', found end of expression", 4);
  check_parse_error("a && || b", "expected a value after '&&', found '||'", 5);
  check_parse_error("!", "expected a value after '!', found end of expression", 1);
  check_parse_error("(a", "missing ')' to close the '(' at offset 0", 2);
  check_parse_error("(a b", "expected ')' to close the '(' at offset 0, found 'b'", 3);
  check_parse_error("a b", "unexpected 'b'; expected an operator or the end of the expression", 2);
  check_parse_error("a 'b'", "unexpected the string 'b'; expected an operator or the end of the expression", 2);
  check_parse_error("a)", "unexpected ')' with no matching '('", 1);
  check_parse_error("a]", "unexpected ']' with no matching '['", 1);
  check_parse_error("a[0", "missing ']' to close the '[' at offset 1", 3);
  check_parse_error("a[0 1]", "expected ']' to close the '[' at offset 1, found '1'", 4);
  check_parse_error("a[]", "expected a value after '[', found ']'", 2);
  check_parse_error("a.", "expected a property name after '.', found end of expression", 2);
  check_parse_error("a.'b'", "expected a property name after '.', found the string 'b'", 2);
  check_parse_error("a.b(1)", "unexpected '('; only the built-in functions can be called, e.g. contains(a, b)", 3);
}

TEST_CASE("function call syntax errors", "[expr][parser]") {
  check_parse_error("contains('a'", "missing ')' to close the call to contains() at offset 0", 12);
  check_parse_error("x || contains('a' 'b')",
                    "expected ',' or ')' in the call to contains() at offset 5, found the string 'b'", 18);
  check_parse_error("contains('a',)", "expected a value after ',', found ')'", 13);
  check_parse_error("foo(1)", std::string("unknown function 'foo'; ") + kKnown, 0);
  check_parse_error("a == tojson(b)",
                    std::string("unknown function 'tojson' (did you mean 'toJSON'? names are case-sensitive); ") +
                        kKnown,
                    5);
}

TEST_CASE("argument counts are checked when parsing", "[expr][parser]") {
  check_parse_error("contains('a')", "contains() expects 2 arguments, got 1; usage: contains(haystack, needle)", 0);
  check_parse_error("x && startsWith()",
                    "startsWith() expects 2 arguments, got 0; usage: startsWith(string, prefix)", 5);
  check_parse_error("join()", "join() expects 1 or 2 arguments, got 0; usage: join(array, separator = ',')", 0);
  check_parse_error("join(a, ',', 'x')",
                    "join() expects 1 or 2 arguments, got 3; usage: join(array, separator = ',')", 0);
  check_parse_error("format()", "format() expects at least 1 argument, got 0; usage: format('{0} {1}', a, b)", 0);
  check_parse_error("lower('a', 'b')", "lower() expects 1 argument, got 2; usage: lower(string)", 0);
}

TEST_CASE("absurd nesting is rejected instead of overflowing the stack", "[expr][parser]") {
  check_parse_error(std::string(100, '(') + "1" + std::string(100, ')'),
                    "expression is nested too deeply (more than 64 levels)", 64);
  check_parse_error(std::string(100, '!') + "a", "expression is nested too deeply (more than 64 levels)", 63);
  // 60 levels is fine.
  CHECK(eval(std::string(60, '(') + "1" + std::string(60, ')')) == Value(1));
  // 7,000 nested parentheses stop at the 65th.
  check_parse_error(std::string(7000, '(') + "1" + std::string(7000, ')'),
                    "expression is nested too deeply (more than 64 levels)", 64);
}

TEST_CASE("long operator and access chains are bounded like nesting", "[expr][parser]") {
  const std::string too_deep =
      "expression is too deep (more than 256 operators, accesses or calls inside one another); split it into "
      "smaller expressions";
  // A 40,000-term && chain builds a tree 40,000 levels tall without any
  // parentheses: it is refused at the 256th operator, not evaluated.
  std::string chain = "a";
  for (int i = 1; i < 40000; ++i) chain += " && a";
  check_parse_error(chain, too_deep, 256 * 5 - 3);
  std::string members = "a";
  for (int i = 0; i < 1000; ++i) members += ".b";
  check_parse_error(members, too_deep, 256 * 2);
  std::string indexes = "a";
  for (int i = 0; i < 1000; ++i) indexes += "[0]";
  check_parse_error(indexes, too_deep, 1 + 255 * 3);
  // Chains inside parentheses add up.
  std::string nested = "a";
  for (int i = 0; i < 60; ++i) nested = "(" + nested + " || a || a || a || a || a)";
  CHECK_THROWS_WITH(Expression::parse(nested), too_deep);
  // 255 operators are fine.
  std::string ok = "true";
  for (int i = 1; i < 256; ++i) ok += " && true";
  CHECK(eval(ok) == Value(true));
}
