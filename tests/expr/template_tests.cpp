// ${{ }} templates: literal, single-expression (type-preserving) and mixed
// (interpolating) forms, and errors with offsets into the template.

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <string>

using milink::expr::ExprError;
using milink::expr::Scope;
using milink::expr::Template;
using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

Scope sample() {
  return Scope{
      {"inputs", Value(Object{{"port", Value(5022)},
                              {"name", Value("sql1")},
                              {"ratio", Value(0.5)},
                              {"on", Value(true)},
                              {"none", Value()},
                              {"list", Value(Array{Value("a"), Value("b")})}})},
      {"steps", Value(Object{{"cert", Value(Object{{"outputs", Value::unknown("steps.cert.outputs")}})}})},
  };
}

Value render(const std::string& text) { return Template::parse(text).evaluate(sample()); }

void check_parse_error(const std::string& text, const std::string& message, std::size_t offset) {
  INFO("template: " << text);
  try {
    Template::parse(text);
    FAIL("parsed without an error");
  } catch (const ExprError& e) {
    CHECK(std::string(e.what()) == message);
    CHECK(e.offset() == offset);
  }
}

void check_eval_error(const std::string& text, const std::string& message, std::size_t offset) {
  INFO("template: " << text);
  const Template t = Template::parse(text);
  try {
    t.evaluate(sample());
    FAIL("evaluated without an error");
  } catch (const ExprError& e) {
    CHECK(std::string(e.what()) == message);
    CHECK(e.offset() == offset);
  }
}

}  // namespace

TEST_CASE("contains_expression looks for ${{", "[expr][template]") {
  CHECK(Template::contains_expression("a ${{ b }}"));
  CHECK(Template::contains_expression("${{"));
  CHECK_FALSE(Template::contains_expression("$5 {x} ${ y } {{ z }}"));
  CHECK_FALSE(Template::contains_expression(""));
}

TEST_CASE("text without expressions is literal", "[expr][template]") {
  const Template t = Template::parse("cost: $5 {x} }} '");
  CHECK(t.is_literal());
  CHECK_FALSE(t.is_single_expression());
  CHECK(t.evaluate(sample()) == Value("cost: $5 {x} }} '"));

  const Template empty = Template::parse("");
  CHECK(empty.is_literal());
  CHECK(empty.evaluate(Scope{}) == Value(""));

  const Template def;
  CHECK(def.is_literal());
  CHECK(def.evaluate(Scope{}) == Value(""));
}

TEST_CASE("a single expression keeps its JSON type", "[expr][template]") {
  const Template t = Template::parse("${{ inputs.port }}");
  CHECK(t.is_single_expression());
  CHECK_FALSE(t.is_literal());
  const Value port = t.evaluate(sample());
  REQUIRE(port.kind() == Kind::Int);
  CHECK(port.as_int() == 5022);

  const Value list = render("${{inputs.list}}");
  REQUIRE(list.is_array());
  CHECK(list == Value(Array{Value("a"), Value("b")}));

  const Value obj = render("${{ inputs }}");
  REQUIRE(obj.is_object());
  CHECK(obj.get("name") != nullptr);

  CHECK(render("${{ inputs.ratio }}").kind() == Kind::Double);
  CHECK(render("${{ inputs.on }}") == Value(true));
  CHECK(render("${{ inputs.none }}").is_null());
  CHECK(render("${{\n  fromJSON('[1]')\n}}") == Value(Array{Value(1)}));
}

TEST_CASE("whitespace outside the braces makes text", "[expr][template]") {
  const Template t = Template::parse(" ${{ inputs.port }}");
  CHECK_FALSE(t.is_single_expression());
  CHECK(t.evaluate(sample()) == Value(" 5022"));
  CHECK_FALSE(Template::parse("${{ 1 }}\n").is_single_expression());
  // Two expressions side by side are text too.
  const Template two = Template::parse("${{ 1 }}${{ 2 }}");
  CHECK_FALSE(two.is_single_expression());
  CHECK(two.evaluate(Scope{}) == Value("12"));
}

TEST_CASE("mixed text interpolates display forms", "[expr][template]") {
  CHECK(render("port=${{ inputs.port }} on ${{ inputs.name }}") == Value("port=5022 on sql1"));
  CHECK(render("${{ inputs.ratio }}/${{ inputs.on }}/${{ inputs.none }}/") == Value("0.5/true/null/"));
  CHECK(render("list=${{ toJSON(inputs.list) }}") == Value("list=[\"a\",\"b\"]"));
  CHECK(render("${{ format('{0}:{1}', inputs.name, inputs.port) }} ok") == Value("sql1:5022 ok"));
}

TEST_CASE("an Unknown in mixed text reads as <what>", "[expr][template]") {
  const Value v = render("https://${{ steps.cert.outputs.host }}:5022");
  REQUIRE(v.is_string());
  CHECK(v.as_string() == "https://<steps.cert.outputs.host>:5022");

  const Value single = render("${{ steps.cert.outputs.host }}");
  REQUIRE(single.is_unknown());
  CHECK(single.as_string() == "steps.cert.outputs.host");
}

TEST_CASE("}} inside a string literal does not end the expression", "[expr][template]") {
  CHECK(render("${{ 'a}}b' }}") == Value("a}}b"));
  CHECK(render("x${{ format('{0}}}', 'y') }}") == Value("xy}"));
  CHECK(render("${{ 'it''s }} here' }}") == Value("it's }} here"));
}

TEST_CASE("template syntax errors", "[expr][template]") {
  check_parse_error("abc ${{ inputs.port", "unterminated '${{': no matching '}}'", 4);
  check_parse_error("x ${{ 'abc }}",
                    "unterminated '${{': no matching '}}' (a string literal inside it is not closed)", 2);
  check_parse_error("${{ 1 }} and ${{ 2 }", "unterminated '${{': no matching '}}'", 13);
  check_parse_error("a ${{  }} b", "empty expression in '${{ }}'", 2);
  check_parse_error("${{}}", "empty expression in '${{ }}'", 0);
}

TEST_CASE("expression errors have offsets into the template", "[expr][template]") {
  const std::string bad = "name: ${{ inputs.port == }}";
  check_parse_error(bad, "expected a value after '==', found end of expression", bad.find("}}"));
  const std::string bad_char = "a ${{ b # c }}";
  check_parse_error(bad_char, "unexpected character '#'", bad_char.find('#'));
  const std::string unknown_fn = "ok ${{ 1 }} ${{ nope(1) }}";
  check_parse_error(unknown_fn,
                    "unknown function 'nope'; known functions: contains, startsWith, endsWith, format, join, "
                    "toJSON, fromJSON, length, lower, upper",
                    unknown_fn.find("nope"));

  const std::string missing = "x=${{ inputs.nope }}";
  check_eval_error(missing, "inputs.nope is not set", missing.find("nope"));
  check_eval_error("${{ missing }}", "unknown name 'missing'; available: inputs, steps", 4);
  const std::string cmp = "n: ${{ 1 < 'a' }}";
  check_eval_error(cmp, "cannot compare integer with string", cmp.find('<'));
}

TEST_CASE("an array or object in mixed text asks for toJSON", "[expr][template]") {
  const std::string list = "items: ${{  inputs.list }}";
  check_eval_error(list,
                   "inputs.list is an array, which cannot be put in text; use toJSON(inputs.list) to embed it as JSON",
                   list.find("inputs"));
  check_eval_error("${{ inputs }}!",
                   "inputs is an object, which cannot be put in text; use toJSON(inputs) to embed it as JSON", 4);
}
