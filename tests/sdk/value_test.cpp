// Tests of milink/sdk/value.hpp: Value and Object.
#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::kind_name;
using milink::sdk::Object;
using milink::sdk::parse_json;
using milink::sdk::Value;

namespace {

/// The what() of the std::logic_error \p fn throws; throws std::runtime_error
/// (failing the test) when it throws nothing.
std::string logic_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  throw std::runtime_error("expected a std::logic_error");
}

}  // namespace

TEST_CASE("Value kinds and predicates", "[value]") {
  CHECK(Value().kind() == Kind::Null);
  CHECK(Value(nullptr).kind() == Kind::Null);
  CHECK(Value(true).kind() == Kind::Bool);
  CHECK(Value(42).kind() == Kind::Int);
  CHECK(Value(std::int64_t{1} << 40).kind() == Kind::Int);
  CHECK(Value(2.5).kind() == Kind::Double);
  // A string literal is a string, not a bool.
  CHECK(Value("text").kind() == Kind::String);
  CHECK(Value(std::string("text")).kind() == Kind::String);
  CHECK(Value(Array{1, 2}).kind() == Kind::Array);
  CHECK(Value(Object{{"a", 1}}).kind() == Kind::Object);
  CHECK(Value::unknown("steps.cert.outputs.public_key").kind() == Kind::Unknown);

  CHECK(Value().is_null());
  CHECK(Value(false).is_bool());
  CHECK(Value(1).is_int());
  CHECK(Value(1).is_number());
  CHECK(Value(1.0).is_number());
  CHECK_FALSE(Value(1.0).is_int());
  CHECK_FALSE(Value("1").is_number());
  CHECK(Value("s").is_string());
  CHECK(Value(Array{}).is_array());
  CHECK(Value(Object{}).is_object());
  CHECK(Value::unknown("x").is_unknown());
  CHECK_FALSE(Value::unknown("x").is_string());
  CHECK_FALSE(Value().is_bool());
}

TEST_CASE("kind_name names every kind", "[value]") {
  CHECK(std::string(kind_name(Kind::Null)) == "null");
  CHECK(std::string(kind_name(Kind::Bool)) == "bool");
  CHECK(std::string(kind_name(Kind::Int)) == "integer");
  CHECK(std::string(kind_name(Kind::Double)) == "number");
  CHECK(std::string(kind_name(Kind::String)) == "string");
  CHECK(std::string(kind_name(Kind::Array)) == "array");
  CHECK(std::string(kind_name(Kind::Object)) == "object");
  CHECK(std::string(kind_name(Kind::Unknown)) == "unknown");
}

TEST_CASE("Value accessors return the held value", "[value]") {
  CHECK(Value(true).as_bool() == true);
  CHECK(Value(-7).as_int() == -7);
  CHECK(Value(std::numeric_limits<std::int64_t>::max()).as_int() == std::numeric_limits<std::int64_t>::max());
  CHECK(Value(2.5).as_double() == 2.5);
  // as_double also accepts an integer.
  CHECK(Value(3).as_double() == 3.0);
  CHECK(Value("abc").as_string() == "abc");
  // as_string is also the text of an Unknown.
  CHECK(Value::unknown("inputs.password").as_string() == "inputs.password");
  Value arr(Array{1, "two"});
  REQUIRE(arr.as_array().size() == 2);
  CHECK(arr.as_array()[1].as_string() == "two");
  Value obj(Object{{"k", 5}});
  CHECK(obj.as_object().find("k")->as_int() == 5);
}

TEST_CASE("Value accessors throw std::logic_error naming both kinds", "[value]") {
  CHECK(logic_error_of([] { Value("x").as_int(); }) == "value is string, not integer");
  CHECK(logic_error_of([] { Value(1.5).as_int(); }) == "value is number, not integer");
  CHECK(logic_error_of([] { Value(1).as_bool(); }) == "value is integer, not bool");
  CHECK(logic_error_of([] { Value().as_bool(); }) == "value is null, not bool");
  CHECK(logic_error_of([] { Value(true).as_double(); }) == "value is bool, not number");
  CHECK(logic_error_of([] { Value("1.5").as_double(); }) == "value is string, not number");
  CHECK(logic_error_of([] { Value().as_string(); }) == "value is null, not string");
  CHECK(logic_error_of([] { Value(7).as_string(); }) == "value is integer, not string");
  CHECK(logic_error_of([] { Value(1).as_array(); }) == "value is integer, not array");
  CHECK(logic_error_of([] { Value(Object{}).as_array(); }) == "value is object, not array");
  CHECK(logic_error_of([] { Value(Array{}).as_object(); }) == "value is array, not object");
  CHECK(logic_error_of([] { Value::unknown("x").as_int(); }) == "value is unknown, not integer");
  CHECK(logic_error_of([] { Value::unknown("x").as_object(); }) == "value is unknown, not object");
  CHECK(logic_error_of([] {
          Value v("s");
          v.mutable_array();
        }) == "value is string, not array");
  CHECK(logic_error_of([] {
          Value v(Array{});
          v.mutable_object();
        }) == "value is array, not object");
  CHECK_THROWS_AS(Value(2).as_string(), std::logic_error);
}

TEST_CASE("Object keeps insertion order and replaces in place", "[value][object]") {
  Object o{{"b", 1}, {"a", 2}};
  REQUIRE(o.size() == 2);
  CHECK_FALSE(o.empty());
  CHECK(o.contains("a"));
  CHECK_FALSE(o.contains("c"));
  CHECK(o.find("c") == nullptr);
  REQUIRE(o.find("b") != nullptr);
  CHECK(o.find("b")->as_int() == 1);

  o.set("c", 3);
  o.set("b", "replaced");  // stays first
  REQUIRE(o.size() == 3);
  auto it = o.begin();
  CHECK(it->first == "b");
  CHECK(it->second.as_string() == "replaced");
  ++it;
  CHECK(it->first == "a");
  ++it;
  CHECK(it->first == "c");

  CHECK(o.erase("a"));
  CHECK_FALSE(o.erase("a"));
  CHECK(o.size() == 2);
  CHECK(Value(o).to_json() == R"({"b":"replaced","c":3})");

  // A non-const find allows changing a member.
  *o.find("c") = 30;
  CHECK(o.find("c")->as_int() == 30);

  // Repeated keys in an initializer list: the last one wins.
  Object dup{{"k", 1}, {"k", 2}};
  CHECK(dup.size() == 1);
  CHECK(dup.find("k")->as_int() == 2);

  CHECK(Object{}.empty());
}

TEST_CASE("Value::get looks up object members", "[value]") {
  Value v(Object{{"name", "db"}, {"nested", Object{{"x", 1}}}});
  REQUIRE(v.get("name") != nullptr);
  CHECK(v.get("name")->as_string() == "db");
  CHECK(v.get("nested")->get("x")->as_int() == 1);
  CHECK(v.get("absent") == nullptr);
  CHECK(Value(Array{1}).get("0") == nullptr);
  CHECK(Value("name").get("name") == nullptr);
  CHECK(Value().get("x") == nullptr);
}

TEST_CASE("Values are copied on write", "[value][cow]") {
  SECTION("arrays") {
    Value a(Array{1, 2});
    Value b = a;
    // A copy shares the storage until written.
    CHECK(&a.as_array() == &b.as_array());
    b.mutable_array().push_back(3);
    CHECK(a.as_array().size() == 2);
    CHECK(b.as_array().size() == 3);
    CHECK(a == Value(Array{1, 2}));
    CHECK(b == Value(Array{1, 2, 3}));

    // Writing to the original after copying leaves the copy alone too.
    Value c = a;
    a.mutable_array()[0] = "changed";
    CHECK(c.as_array()[0].as_int() == 1);
    CHECK(a.as_array()[0].as_string() == "changed");
  }
  SECTION("objects") {
    Value a(Object{{"k", "v"}});
    Value b = a;
    b.mutable_object().set("k", "w");
    b.mutable_object().set("extra", true);
    CHECK(a.get("k")->as_string() == "v");
    CHECK(a.get("extra") == nullptr);
    CHECK(b.get("k")->as_string() == "w");
    CHECK(b.as_object().size() == 2);
  }
  SECTION("nested containers") {
    Value a(Object{{"list", Array{1, 2}}});
    Value b = a;
    b.mutable_object().find("list")->mutable_array().push_back(3);
    CHECK(a.get("list")->as_array().size() == 2);
    CHECK(b.get("list")->as_array().size() == 3);
  }
  SECTION("copy assignment") {
    Value a(Array{"x"});
    Value b;
    b = a;
    b.mutable_array().clear();
    CHECK(a.as_array().size() == 1);
    CHECK(b.as_array().empty());
  }
  SECTION("an unshared value is written in place") {
    Value a(Array{1});
    const Array* before = &a.as_array();
    a.mutable_array().push_back(2);
    CHECK(&a.as_array() == before);
    CHECK(a.as_array().size() == 2);
  }
  SECTION("moving keeps the contents") {
    Value a(Object{{"k", 1}});
    Value b(std::move(a));
    CHECK(b.get("k")->as_int() == 1);
    Value c;
    c = std::move(b);
    CHECK(c.get("k")->as_int() == 1);
  }
}

TEST_CASE("Value equality", "[value][equality]") {
  SECTION("numbers compare by value across int and double") {
    CHECK(Value(1) == Value(1.0));
    CHECK(Value(1.0) == Value(1));
    CHECK(Value(0) == Value(-0.0));
    CHECK(Value(1) != Value(1.5));
    CHECK(Value(2) == Value(std::int64_t{2}));
    CHECK(Value(2.5) == Value(2.5));
    CHECK(Value(2.5) != Value(2.25));
    // Large integers compare exactly as integers.
    CHECK(Value(std::int64_t{9007199254740993}) != Value(std::int64_t{9007199254740992}));
  }
  SECTION("kinds differ") {
    CHECK(Value(1) != Value("1"));
    CHECK(Value() != Value(false));
    CHECK(Value(0) != Value(false));
    CHECK(Value("") != Value());
    CHECK(Value(Array{}) != Value(Object{}));
    CHECK(Value::unknown("a") != Value("a"));
  }
  SECTION("scalars") {
    CHECK(Value() == Value(nullptr));
    CHECK(Value(true) == Value(true));
    CHECK(Value(true) != Value(false));
    CHECK(Value("abc") == Value(std::string("abc")));
    CHECK(Value("abc") != Value("abd"));
    CHECK(Value::unknown("a") == Value::unknown("a"));
    CHECK(Value::unknown("a") != Value::unknown("b"));
  }
  SECTION("arrays are ordered") {
    CHECK(Value(Array{1, "x"}) == Value(Array{1.0, "x"}));
    CHECK(Value(Array{1, 2}) != Value(Array{2, 1}));
    CHECK(Value(Array{1, 2}) != Value(Array{1, 2, 3}));
    CHECK(Value(Array{}) == Value(Array{}));
  }
  SECTION("objects ignore member order") {
    Value a(Object{{"x", 1}, {"y", Array{true}}});
    Value b(Object{{"y", Array{true}}, {"x", 1.0}});
    CHECK(a == b);
    CHECK(b == a);
    CHECK(Object{{"x", 1}, {"y", 2}} == Object{{"y", 2}, {"x", 1}});
    CHECK(a != Value(Object{{"x", 1}}));
    CHECK(Value(Object{{"x", 1}}) != a);
    CHECK(Value(Object{{"x", 1}}) != Value(Object{{"x", 2}}));
    CHECK(Value(Object{{"x", 1}}) != Value(Object{{"z", 1}}));
    CHECK(Value(Object{{"x", nullptr}}) != Value(Object{}));
    CHECK(Value(Object{}) == Value(Object{}));
  }
}

TEST_CASE("to_json renders compact JSON", "[value][render]") {
  CHECK(Value().to_json() == "null");
  CHECK(Value(true).to_json() == "true");
  CHECK(Value(false).to_json() == "false");
  CHECK(Value(42).to_json() == "42");
  CHECK(Value(-7).to_json() == "-7");
  CHECK(Value(std::numeric_limits<std::int64_t>::min()).to_json() == "-9223372036854775808");
  CHECK(Value(2.5).to_json() == "2.5");
  CHECK(Value(0.1).to_json() == "0.1");
  CHECK(Value(-0.25).to_json() == "-0.25");
  CHECK(Value(1.0).to_json() == "1");
  CHECK(Value(1e300).to_json() == "1e+300");
  CHECK(Value(1.0 / 3.0).to_json() == "0.3333333333333333");
  // JSON has no NaN or infinity.
  CHECK(Value(std::nan("")).to_json() == "null");
  CHECK(Value(std::numeric_limits<double>::infinity()).to_json() == "null");
  CHECK(Value(-std::numeric_limits<double>::infinity()).to_json() == "null");
  CHECK(Value("plain").to_json() == "\"plain\"");
  CHECK(Value("").to_json() == "\"\"");
  CHECK(Value(Array{}).to_json() == "[]");
  CHECK(Value(Object{}).to_json() == "{}");
  CHECK(Value(Array{1, "a", nullptr, Array{}}).to_json() == R"([1,"a",null,[]])");
  CHECK(Value(Object{{"b", 1}, {"a", Array{true, Object{}}}}).to_json() == R"({"b":1,"a":[true,{}]})");
}

TEST_CASE("to_json escapes strings", "[value][render]") {
  CHECK(Value("say \"hi\"").to_json() == R"("say \"hi\"")");
  CHECK(Value("C:\\dir").to_json() == R"("C:\\dir")");
  CHECK(Value("a\nb\tc\rd\be\ff").to_json() == R"("a\nb\tc\rd\be\ff")");
  // Other control characters become \u00XX.
  CHECK(Value(std::string("\x01", 1)).to_json() == R"("\u0001")");
  CHECK(Value(std::string("x\x1fy")).to_json() == R"("x\u001fy")");
  CHECK(Value(std::string("\0", 1)).to_json() == R"("\u0000")");
  CHECK(Value(std::string("\x0b")).to_json() == R"("\u000b")");
  // '/', DEL and UTF-8 pass through.
  CHECK(Value("a/b").to_json() == R"("a/b")");
  CHECK(Value("\x7f").to_json() == "\"\x7f\"");
  CHECK(Value("gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80").to_json() == "\"gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80\"");
  // Keys are escaped the same way.
  CHECK(Value(Object{{"k\"\n", 1}}).to_json() == R"({"k\"\n":1})");
}

TEST_CASE("to_pretty_json indents", "[value][render]") {
  Value v(Object{{"name", "x"},
                 {"list", Array{1, 2}},
                 {"empty", Array{}},
                 {"obj", Object{}},
                 {"nested", Object{{"k", nullptr}}}});
  CHECK(v.to_pretty_json() ==
        "{\n"
        "  \"name\": \"x\",\n"
        "  \"list\": [\n"
        "    1,\n"
        "    2\n"
        "  ],\n"
        "  \"empty\": [],\n"
        "  \"obj\": {},\n"
        "  \"nested\": {\n"
        "    \"k\": null\n"
        "  }\n"
        "}");
  CHECK(Value(Array{true, Array{"a"}}).to_pretty_json(4) ==
        "[\n"
        "    true,\n"
        "    [\n"
        "        \"a\"\n"
        "    ]\n"
        "]");
  // Scalars and empty containers read the same as compact JSON.
  CHECK(Value(5).to_pretty_json() == "5");
  CHECK(Value("s").to_pretty_json() == "\"s\"");
  CHECK(Value(Array{}).to_pretty_json() == "[]");
  // Indent 0 is compact.
  CHECK(v.to_pretty_json(0) == v.to_json());
}

TEST_CASE("Unknown renders as <what> in a JSON string", "[value][render]") {
  Value u = Value::unknown("steps.cert.outputs.public_key");
  CHECK(u.to_json() == "\"<steps.cert.outputs.public_key>\"");
  CHECK(u.to_pretty_json() == "\"<steps.cert.outputs.public_key>\"");
  CHECK(u.to_display() == "<steps.cert.outputs.public_key>");
  CHECK(Value(Object{{"key", u}}).to_json() == R"({"key":"<steps.cert.outputs.public_key>"})");
  CHECK(Value::unknown("a\"b").to_json() == R"("<a\"b>")");
}

TEST_CASE("to_display shows strings bare and the rest as JSON", "[value][render]") {
  CHECK(Value("hello").to_display() == "hello");
  CHECK(Value("a \"quoted\"\nline").to_display() == "a \"quoted\"\nline");
  CHECK(Value("").to_display() == "");
  CHECK(Value(42).to_display() == "42");
  CHECK(Value(2.5).to_display() == "2.5");
  CHECK(Value(true).to_display() == "true");
  CHECK(Value().to_display() == "null");
  CHECK(Value(Array{1, "a"}).to_display() == R"([1,"a"])");
  CHECK(Value(Object{{"a", "b"}}).to_display() == R"({"a":"b"})");
  CHECK(Value::unknown("inputs.x").to_display() == "<inputs.x>");
}

TEST_CASE("parse_json(to_json(v)) == v", "[value][json][roundtrip]") {
  Value v(Object{
      {"null", nullptr},
      {"t", true},
      {"f", false},
      {"int", 1433},
      {"max", std::numeric_limits<std::int64_t>::max()},
      {"min", std::numeric_limits<std::int64_t>::min()},
      {"doubles", Array{0.1, -2.5e300, 1e-7, 123456.789, 1.0 / 3.0, 5e-324, 1.7976931348623157e308}},
      {"strings", Array{"", "plain", "quote\" backslash\\ slash/", "\b\f\n\r\t",
                        std::string("ctl\x01\x1f\x7f", 6), std::string("nul\0x", 5),
                        "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"}},
      {"nested", Object{{"a", Array{Array{}, Object{}, Array{Object{{"deep", Array{1, 2, 3}}}}}}}},
      {"k\"ey\n", "escaped key"},
  });

  Value compact = parse_json(v.to_json());
  CHECK(compact == v);
  CHECK(compact.to_json() == v.to_json());
  Value pretty = parse_json(v.to_pretty_json());
  CHECK(pretty == v);
  CHECK(parse_json(v.to_pretty_json(3)) == v);

  // Integers stay integers through the round trip.
  CHECK(compact.get("max")->kind() == Kind::Int);
  CHECK(compact.get("min")->as_int() == std::numeric_limits<std::int64_t>::min());
  // Doubles read back bit-for-bit.
  const Array& d = compact.get("doubles")->as_array();
  const Array& orig = v.get("doubles")->as_array();
  REQUIRE(d.size() == orig.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    INFO("index " << i);
    CHECK(d[i].as_double() == orig[i].as_double());
  }
  // Strings with NUL and control characters survive.
  CHECK(compact.get("strings")->as_array()[5].as_string() == std::string("nul\0x", 5));

  // Round trip starting from text, too.
  const std::string text = R"({"a":[1,2.5,"x\u00e9",{"b":null}],"c":true})";
  CHECK(parse_json(text).to_json() == "{\"a\":[1,2.5,\"x\xC3\xA9\",{\"b\":null}],\"c\":true}");
}
