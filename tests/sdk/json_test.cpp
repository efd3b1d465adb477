// Tests of milink/sdk/json.hpp: parse_json, JsonError, SourceMap and
// json_pointer_join.
#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using milink::sdk::Array;
using milink::sdk::JsonError;
using milink::sdk::json_pointer_join;
using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::parse_json;
using milink::sdk::SourceLocation;
using milink::sdk::SourceMap;
using milink::sdk::Value;

namespace {

/// Parses \p text (named "t.json") and returns the JsonError it raises;
/// throws std::runtime_error (failing the test) when it parses fine.
JsonError parse_error(const std::string& text) {
  try {
    parse_json(text, "t.json");
  } catch (const JsonError& e) {
    return e;
  }
  throw std::runtime_error("expected a JsonError for: " + text);
}

std::string what_of(const std::string& text) { return parse_error(text).what(); }

}  // namespace

TEST_CASE("parse_json reads scalars", "[json]") {
  CHECK(parse_json("null").is_null());

  Value t = parse_json("true");
  REQUIRE(t.is_bool());
  CHECK(t.as_bool() == true);
  Value f = parse_json("false");
  REQUIRE(f.is_bool());
  CHECK(f.as_bool() == false);

  Value s = parse_json("\"hello\"");
  REQUIRE(s.is_string());
  CHECK(s.as_string() == "hello");
  CHECK(parse_json("\"\"").as_string().empty());

  // Raw UTF-8 passes through unchanged.
  CHECK(parse_json("\"h\xC3\xA9llo \xE2\x82\xAC\"").as_string() == "h\xC3\xA9llo \xE2\x82\xAC");

  // Surrounding whitespace of every allowed kind is skipped.
  Value ws = parse_json(" \t\r\n 42 \n\t ");
  REQUIRE(ws.is_int());
  CHECK(ws.as_int() == 42);
}

TEST_CASE("parse_json tells integers from doubles", "[json]") {
  SECTION("integers") {
    const std::vector<std::pair<std::string, std::int64_t>> cases = {
        {"0", 0},
        {"-0", 0},
        {"7", 7},
        {"-12", -12},
        {"1433", 1433},
        {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
        {"-9223372036854775808", std::numeric_limits<std::int64_t>::min()}};
    for (const auto& [text, expected] : cases) {
      INFO(text);
      Value v = parse_json(text);
      REQUIRE(v.kind() == Kind::Int);
      CHECK(v.as_int() == expected);
    }
  }
  SECTION("doubles") {
    const std::vector<std::pair<std::string, double>> cases = {
        {"3.5", 3.5},   {"-0.25", -0.25},  {"1.0", 1.0},       {"1e3", 1000.0},
        {"1E3", 1000.0}, {"2.5e-3", 0.0025}, {"-1.5E+2", -150.0}, {"0.1", 0.1}};
    for (const auto& [text, expected] : cases) {
      INFO(text);
      Value v = parse_json(text);
      REQUIRE(v.kind() == Kind::Double);
      CHECK(v.as_double() == expected);
      CHECK_THROWS_AS(v.as_int(), std::logic_error);
    }
  }
  SECTION("integers that overflow int64 become doubles") {
    Value big = parse_json("9223372036854775808");  // INT64_MAX + 1
    REQUIRE(big.kind() == Kind::Double);
    CHECK(big.as_double() == 9223372036854775808.0);

    Value small = parse_json("-9223372036854775809");  // INT64_MIN - 1
    REQUIRE(small.kind() == Kind::Double);
    CHECK(small.as_double() == -9223372036854775808.0);

    Value huge = parse_json("123456789012345678901234567890");
    REQUIRE(huge.kind() == Kind::Double);
    CHECK(huge.as_double() == Approx(1.2345678901234568e29));

    // Inside containers too.
    Value arr = parse_json("[1, 99999999999999999999]");
    REQUIRE(arr.as_array().size() == 2);
    CHECK(arr.as_array()[0].kind() == Kind::Int);
    CHECK(arr.as_array()[1].kind() == Kind::Double);
    CHECK(arr.as_array()[1].as_double() == 1e20);
  }
}

TEST_CASE("parse_json reads arrays and objects", "[json]") {
  SECTION("empty containers") {
    Value a = parse_json("[]");
    REQUIRE(a.is_array());
    CHECK(a.as_array().empty());
    Value a2 = parse_json("[ \n ]");
    REQUIRE(a2.is_array());
    CHECK(a2.as_array().empty());
    Value o = parse_json("{}");
    REQUIRE(o.is_object());
    CHECK(o.as_object().empty());
    Value o2 = parse_json("{ \t }");
    REQUIRE(o2.is_object());
    CHECK(o2.as_object().empty());
  }
  SECTION("mixed array") {
    Value a = parse_json("[1, 2.5, \"x\", true, false, null, [], {}]");
    REQUIRE(a.is_array());
    const Array& arr = a.as_array();
    REQUIRE(arr.size() == 8);
    CHECK(arr[0].kind() == Kind::Int);
    CHECK(arr[1].kind() == Kind::Double);
    CHECK(arr[2].kind() == Kind::String);
    CHECK(arr[3].kind() == Kind::Bool);
    CHECK(arr[4].kind() == Kind::Bool);
    CHECK(arr[5].kind() == Kind::Null);
    CHECK(arr[6].kind() == Kind::Array);
    CHECK(arr[7].kind() == Kind::Object);
    CHECK(a == Value(Array{1, 2.5, "x", true, false, nullptr, Array{}, Object{}}));
  }
  SECTION("object keeps member order") {
    Value v = parse_json(R"({"zeta": 1, "alpha": {"inner": [1, {"deep": "yes"}]}, "mid": null})");
    REQUIRE(v.is_object());
    const Object& o = v.as_object();
    REQUIRE(o.size() == 3);
    auto it = o.begin();
    CHECK(it->first == "zeta");
    ++it;
    CHECK(it->first == "alpha");
    ++it;
    CHECK(it->first == "mid");
    CHECK(o.find("mid")->is_null());
    const Value* inner = v.get("alpha")->get("inner");
    REQUIRE(inner != nullptr);
    REQUIRE(inner->as_array().size() == 2);
    CHECK(inner->as_array()[1].get("deep")->as_string() == "yes");
    // Compact output reproduces the input order.
    CHECK(v.to_json() == R"({"zeta":1,"alpha":{"inner":[1,{"deep":"yes"}]},"mid":null})");
  }
  SECTION("a key that is the empty string") {
    Value v = parse_json(R"({"": 1})");
    REQUIRE(v.get("") != nullptr);
    CHECK(v.get("")->as_int() == 1);
  }
}

TEST_CASE("parse_json decodes string escapes", "[json]") {
  CHECK(parse_json(R"("\"\\\/\b\f\n\r\t")").as_string() == "\"\\/\b\f\n\r\t");
  CHECK(parse_json(R"("a\nb")").as_string() == "a\nb");
  CHECK(parse_json(R"("\u0041\u0062c")").as_string() == "Abc");
  // Two- and three-byte UTF-8, upper and lower case hex digits.
  CHECK(parse_json(R"("\u00e9")").as_string() == "\xC3\xA9");
  CHECK(parse_json(R"("\u00E9")").as_string() == "\xC3\xA9");
  CHECK(parse_json(R"("\u20AC")").as_string() == "\xE2\x82\xAC");
  CHECK(parse_json(R"("\u07FF")").as_string() == "\xDF\xBF");
  CHECK(parse_json(R"("\u0800")").as_string() == "\xE0\xA0\x80");
  CHECK(parse_json(R"("\uFFFF")").as_string() == "\xEF\xBF\xBF");
  // Surrogate pairs become one four-byte UTF-8 sequence.
  CHECK(parse_json(R"("\uD83D\uDE00")").as_string() == "\xF0\x9F\x98\x80");  // U+1F600
  CHECK(parse_json(R"("\ud834\udd1e")").as_string() == "\xF0\x9D\x84\x9E");  // U+1D11E
  CHECK(parse_json(R"("\uD800\uDC00")").as_string() == "\xF0\x90\x80\x80");  // U+10000
  CHECK(parse_json(R"("\uDBFF\uDFFF")").as_string() == "\xF4\x8F\xBF\xBF");  // U+10FFFF
  // An escaped NUL is kept as a NUL byte.
  std::string nul = parse_json(R"("a\u0000b")").as_string();
  REQUIRE(nul.size() == 3);
  CHECK(nul[1] == '\0');
  // Escaped keys are decoded as well.
  Value o = parse_json(R"({"k\u00e9y": 1})");
  CHECK(o.get("k\xC3\xA9y") != nullptr);
}

TEST_CASE("JsonError carries source, location and message", "[json][errors]") {
  try {
    parse_json("{\n  \"a\": tru\n}", "workflow.json");
    FAIL("no JsonError raised");
  } catch (const JsonError& e) {
    CHECK(e.source() == "workflow.json");
    CHECK(e.location().line == 2);
    CHECK(e.location().column == 8);
    CHECK(e.message() == "invalid literal, expected 'true'");
    CHECK(std::string(e.what()) == "workflow.json:2:8: invalid literal, expected 'true'");
  }
  // The default source name.
  try {
    parse_json("[");
    FAIL("no JsonError raised");
  } catch (const JsonError& e) {
    CHECK(e.source() == "<json>");
    CHECK(std::string(e.what()) == "<json>:1:2: unexpected end of file, expected a value");
  }
  // JsonError is a std::runtime_error.
  CHECK_THROWS_AS(parse_json("}"), std::runtime_error);
}

TEST_CASE("parse_json error: unterminated string", "[json][errors]") {
  CHECK(what_of(R"({"a": "abc)") == "t.json:1:11: unterminated string");
  CHECK(what_of("{\n  \"a\": \"abc") == "t.json:2:12: unterminated string");
  CHECK(what_of("\"") == "t.json:1:2: unterminated string");
  // An unterminated key.
  CHECK(what_of(R"({"ab)") == "t.json:1:5: unterminated string");
  // A backslash as the very last character.
  CHECK(what_of("\"abc\\") == "t.json:1:6: unterminated string");
  CHECK(what_of("[\"\\") == "t.json:1:4: unterminated string");
}

TEST_CASE("parse_json error: trailing comma", "[json][errors]") {
  CHECK(what_of(R"({"a": 1,})") == "t.json:1:9: trailing comma before '}'");
  CHECK(what_of("[1, 2,]") == "t.json:1:7: trailing comma before ']'");
  CHECK(what_of("{\n  \"a\": 1,\n}") == "t.json:3:1: trailing comma before '}'");
  CHECK(what_of("[\n  1,\n  ]") == "t.json:3:3: trailing comma before ']'");
}

TEST_CASE("parse_json error: duplicate key points at the second key", "[json][errors]") {
  JsonError e = parse_error("{\n  \"name\": 1,\n  \"name\": 2\n}");
  CHECK(e.location().line == 3);
  CHECK(e.location().column == 3);
  CHECK(e.message() == "duplicate key \"name\"");
  CHECK(std::string(e.what()) == "t.json:3:3: duplicate key \"name\"");

  // Nested objects, and keys equal only after unescaping.
  CHECK(what_of(R"({"o": {"x": 1,  "x": 2}})") == "t.json:1:17: duplicate key \"x\"");
  CHECK(what_of(R"({"a": 1, "\u0061": 2})") == "t.json:1:10: duplicate key \"a\"");
  // The same key in sibling objects is fine.
  CHECK_NOTHROW(parse_json(R"([{"a": 1}, {"a": 2}])"));
}

TEST_CASE("parse_json error: missing ':' and other expectations", "[json][errors]") {
  CHECK(what_of(R"({"a" 1})") == "t.json:1:6: expected ':' after the key, found '1'");
  CHECK(what_of(R"({"a"})") == "t.json:1:5: expected ':' after the key, found '}'");
  CHECK(what_of(R"({"a")") == "t.json:1:5: unexpected end of file, expected ':' after the key");
  CHECK(what_of("[1 2]") == "t.json:1:4: expected ',' or ']', found '2'");
  CHECK(what_of(R"({"a": 1 "b": 2})") == "t.json:1:9: expected ',' or '}', found '\"'");
  CHECK(what_of("{1: 2}") == "t.json:1:2: expected a string key");
  CHECK(what_of("{'a': 2}") == "t.json:1:2: expected a string key");
}

TEST_CASE("parse_json error: unexpected end of file", "[json][errors]") {
  CHECK(what_of("") == "t.json:1:1: unexpected end of file, expected a value");
  CHECK(what_of("   \n  ") == "t.json:2:3: unexpected end of file, expected a value");
  CHECK(what_of(R"({"a": )") == "t.json:1:7: unexpected end of file, expected a value");
  CHECK(what_of(R"({"a": 1)") == "t.json:1:8: unexpected end of file, expected ',' or '}'");
  CHECK(what_of("[1, 2") == "t.json:1:6: unexpected end of file, expected ',' or ']'");
  CHECK(what_of("[1,") == "t.json:1:4: unexpected end of file, expected a value");
}

TEST_CASE("parse_json error: bad literals, numbers and characters", "[json][errors]") {
  CHECK(what_of("tru") == "t.json:1:1: invalid literal, expected 'true'");
  CHECK(what_of("[nul]") == "t.json:1:2: invalid literal, expected 'null'");
  CHECK(what_of("False") == "t.json:1:1: unexpected character 'F', expected a value");
  CHECK(what_of("+1") == "t.json:1:1: unexpected character '+', expected a value");
  CHECK(what_of("-") == "t.json:1:2: invalid number");
  CHECK(what_of("-a") == "t.json:1:2: invalid number");
  CHECK(what_of("1.") == "t.json:1:3: invalid number: digits expected after '.'");
  CHECK(what_of("1.e5") == "t.json:1:3: invalid number: digits expected after '.'");
  CHECK(what_of("1e") == "t.json:1:3: invalid number: digits expected in the exponent");
  CHECK(what_of("1e+") == "t.json:1:4: invalid number: digits expected in the exponent");
  CHECK(what_of(".5") == "t.json:1:1: unexpected character '.', expected a value");
  // A leading zero ends the number; the rest is extra text.
  CHECK(what_of("01") == "t.json:1:2: unexpected text after the JSON document");
}

TEST_CASE("parse_json error: control character in a string", "[json][errors]") {
  CHECK(what_of("\"a\tb\"") == "t.json:1:3: control character in a string (escape it)");
  CHECK(what_of("\"a\nb\"") == "t.json:1:3: control character in a string (escape it)");
  CHECK(what_of(std::string("[\n\"x\x01\"]")) == "t.json:2:3: control character in a string (escape it)");
  CHECK(what_of("{\"k\x1f\": 1}") == "t.json:1:4: control character in a string (escape it)");
  // 0x7f (DEL) is not a control character for JSON.
  CHECK(parse_json("\"\x7f\"").as_string() == "\x7f");
}

TEST_CASE("parse_json error: bad escape", "[json][errors]") {
  CHECK(what_of(R"("a\qb")") == "t.json:1:5: invalid escape '\\q'");
  CHECK(what_of(R"("\x41")") == "t.json:1:4: invalid escape '\\x'");
  CHECK(what_of(R"("\U0041")") == "t.json:1:4: invalid escape '\\U'");
  CHECK(what_of(R"("\u12G4")") == "t.json:1:6: invalid \\u escape");
  CHECK(what_of(R"("\u12")") == "t.json:1:6: invalid \\u escape");
  CHECK(what_of(R"("\u12)") == "t.json:1:6: invalid \\u escape");
}

TEST_CASE("parse_json error: unpaired surrogate", "[json][errors]") {
  // A high surrogate at the end of the string.
  CHECK(what_of(R"("\uD800")") == "t.json:1:8: unpaired surrogate in \\u escape");
  // A high surrogate followed by ordinary text.
  CHECK(what_of(R"("\uD83Dx")") == "t.json:1:8: unpaired surrogate in \\u escape");
  // A high surrogate followed by another escape.
  CHECK(what_of(R"("\uD800\n")") == "t.json:1:9: unpaired surrogate in \\u escape");
  // A high surrogate followed by a non-surrogate \u escape.
  CHECK(what_of(R"("\uD800\u0041")") == "t.json:1:14: unpaired surrogate in \\u escape");
  // Two high surrogates.
  CHECK(what_of(R"("\uD800\uD800")") == "t.json:1:14: unpaired surrogate in \\u escape");
  // A lone low surrogate.
  CHECK(what_of(R"("\uDC00")") == "t.json:1:8: unpaired surrogate in \\u escape");
  CHECK(what_of(R"("ab\uDFFF")") == "t.json:1:10: unpaired surrogate in \\u escape");
}

TEST_CASE("parse_json error: text after the document", "[json][errors]") {
  CHECK(what_of("{} x") == "t.json:1:4: unexpected text after the JSON document");
  CHECK(what_of("1 2") == "t.json:1:3: unexpected text after the JSON document");
  CHECK(what_of("[1]]") == "t.json:1:4: unexpected text after the JSON document");
  CHECK(what_of("null\n\n  ,") == "t.json:3:3: unexpected text after the JSON document");
  CHECK(what_of("truex") == "t.json:1:5: unexpected text after the JSON document");
}

TEST_CASE("parse_json error: nesting too deep", "[json][errors]") {
  // Depth 200 (the root is depth 0) is accepted...
  std::string ok = std::string(200, '[') + "1" + std::string(200, ']');
  Value v;
  REQUIRE_NOTHROW(v = parse_json(ok));
  CHECK(v.is_array());

  // ...one more level is not. The value at depth 201 is the 202nd '['.
  std::string arrays = std::string(201, '[') + "1" + std::string(201, ']');
  CHECK(what_of(arrays) == "t.json:1:202: nesting deeper than 200 levels");

  // Far deeper input fails at the same place instead of overflowing the stack.
  CHECK(what_of(std::string(100000, '[')) == "t.json:1:202: nesting deeper than 200 levels");

  std::string objects;
  for (int i = 0; i < 300; ++i) objects += "{\"a\":";
  JsonError e = parse_error(objects);
  CHECK(e.message() == "nesting deeper than 200 levels");
  CHECK(e.location().line == 1);
  CHECK(e.location().column == 201 * 5 + 1);
}

TEST_CASE("SourceMap records keys and array elements", "[json][sourcemap]") {
  const std::string text =
      "{\n"                       // 1
      "  \"name\": \"x\",\n"      // 2
      "  \"steps\": [\n"          // 3
      "    {\"id\": \"a\"},\n"    // 4
      "    5\n"                   // 5
      "  ],\n"                    // 6
      "  \"a/b\": {\"c~d\": 1}\n" // 7
      "}\n";
  SourceMap map;
  Value v = parse_json(text, "wf.json", &map);
  REQUIRE(v.is_object());

  auto at = [&](const std::string& pointer) {
    SourceLocation l = map.locate(pointer);
    return std::to_string(l.line) + ":" + std::to_string(l.column);
  };
  CHECK(at("") == "1:1");
  // Object members: the location of the key.
  CHECK(at("/name") == "2:3");
  CHECK(at("/steps") == "3:3");
  // Array elements: the location of the element.
  CHECK(at("/steps/0") == "4:5");
  CHECK(at("/steps/0/id") == "4:6");
  CHECK(at("/steps/1") == "5:5");
  // Keys with '/' and '~' are escaped in pointers.
  CHECK(at("/a~1b") == "7:3");
  CHECK(at("/a~1b/c~0d") == "7:11");

  // Unknown pointers fall back to the nearest ancestor that has a location.
  CHECK(at("/steps/0/with/port") == "4:5");
  CHECK(at("/steps/7") == "3:3");
  CHECK(at("/name/deeper/still") == "2:3");
  CHECK(at("/nowhere") == "1:1");
  CHECK(at("not-a-pointer") == "1:1");
}

TEST_CASE("SourceMap root location skips leading whitespace", "[json][sourcemap]") {
  SourceMap map;
  parse_json("\n\n   [10, 20]", "t.json", &map);
  SourceLocation root = map.locate("");
  CHECK(root.line == 3);
  CHECK(root.column == 4);
  SourceLocation second = map.locate("/1");
  CHECK(second.line == 3);
  CHECK(second.column == 9);
}

TEST_CASE("SourceMap without entries answers 0:0", "[json][sourcemap]") {
  SourceMap empty;
  CHECK(empty.locate("").line == 0);
  CHECK(empty.locate("/a/b").line == 0);
  CHECK(empty.locate("/a/b").column == 0);

  SourceMap manual;
  manual.add("/a", SourceLocation{4, 2});
  CHECK(manual.locate("/a/b/c").line == 4);
  CHECK(manual.locate("/a/b/c").column == 2);
  CHECK(manual.locate("/b").line == 0);
  // A later add replaces the earlier one.
  manual.add("/a", SourceLocation{9, 1});
  CHECK(manual.locate("/a").line == 9);
}

TEST_CASE("json_pointer_join escapes '~' and '/'", "[json][pointer]") {
  CHECK(json_pointer_join("", "a") == "/a");
  CHECK(json_pointer_join("/steps", "with") == "/steps/with");
  CHECK(json_pointer_join("", "a/b") == "/a~1b");
  CHECK(json_pointer_join("", "m~n") == "/m~0n");
  // '~' is escaped first, so "~1" in a key does not turn into '/'.
  CHECK(json_pointer_join("", "~1") == "/~01");
  CHECK(json_pointer_join("", "/~") == "/~1~0");
  CHECK(json_pointer_join("/x", "a/b~c") == "/x/a~1b~0c");
  CHECK(json_pointer_join("", "") == "/");
  CHECK(json_pointer_join("/steps", std::size_t{0}) == "/steps/0");
  CHECK(json_pointer_join("/steps", std::size_t{12}) == "/steps/12");
  CHECK(json_pointer_join("", std::size_t{3}) == "/3");
}
