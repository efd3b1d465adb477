// Tests of milink/sdk/spec.hpp: value types, name rules and check_spec.
#include <milink/sdk/spec.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using milink::sdk::Array;
using milink::sdk::check_spec;
using milink::sdk::is_snake_case;
using milink::sdk::is_valid_plugin_name;
using milink::sdk::Object;
using milink::sdk::OutputSpec;
using milink::sdk::ParamSpec;
using milink::sdk::parse_value_type;
using milink::sdk::ProviderSpec;
using milink::sdk::StepSpec;
using milink::sdk::Value;
using milink::sdk::value_matches;
using milink::sdk::value_type_name;
using milink::sdk::ValueType;

namespace {

const std::vector<ValueType> kAllTypes = {ValueType::String,  ValueType::Integer, ValueType::Number,
                                          ValueType::Boolean, ValueType::Array,   ValueType::Object,
                                          ValueType::Any};

ParamSpec param(std::string name, ValueType type = ValueType::String, Value fallback = Value(),
                bool required = false) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.fallback = std::move(fallback);
  p.required = required;
  return p;
}

OutputSpec output(std::string name, ValueType type = ValueType::String) {
  OutputSpec o;
  o.name = std::move(name);
  o.type = type;
  return o;
}

/// A well-formed step spec the tests then break one way at a time.
StepSpec good_step() {
  StepSpec s;
  s.uses = "sqlserver-cert";
  s.summary = "Creates a certificate";
  s.params = {param("database"), param("port", ValueType::Integer, 1433), param("name", ValueType::String, Value(), true)};
  s.params.back().secret = true;
  ParamSpec mode = param("mode", ValueType::String, "sync");
  mode.choices = {"sync", "async"};
  s.params.push_back(mode);
  s.outputs = {output("thumbprint"), output("public_key")};
  return s;
}

ProviderSpec good_provider() {
  ProviderSpec p;
  p.kind = "credential";
  p.name = "azure-cli";
  p.summary = "Signs in with the Azure CLI";
  p.params = {param("tenant"), param("timeout_s", ValueType::Number, 30)};
  return p;
}

}  // namespace

TEST_CASE("value_type_name and parse_value_type round trip", "[spec]") {
  CHECK(std::string(value_type_name(ValueType::String)) == "string");
  CHECK(std::string(value_type_name(ValueType::Integer)) == "integer");
  CHECK(std::string(value_type_name(ValueType::Number)) == "number");
  CHECK(std::string(value_type_name(ValueType::Boolean)) == "boolean");
  CHECK(std::string(value_type_name(ValueType::Array)) == "array");
  CHECK(std::string(value_type_name(ValueType::Object)) == "object");
  CHECK(std::string(value_type_name(ValueType::Any)) == "any");
  for (ValueType t : kAllTypes) {
    INFO(value_type_name(t));
    auto parsed = parse_value_type(value_type_name(t));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == t);
  }
  CHECK_FALSE(parse_value_type("").has_value());
  CHECK_FALSE(parse_value_type("String").has_value());
  CHECK_FALSE(parse_value_type("int").has_value());
  CHECK_FALSE(parse_value_type("bool").has_value());
  CHECK_FALSE(parse_value_type("string ").has_value());
}

TEST_CASE("value_matches", "[spec]") {
  // An integer is also a number; a double is not an integer.
  CHECK(value_matches(Value(5), ValueType::Integer));
  CHECK(value_matches(Value(5), ValueType::Number));
  CHECK(value_matches(Value(5.5), ValueType::Number));
  CHECK_FALSE(value_matches(Value(5.5), ValueType::Integer));
  CHECK_FALSE(value_matches(Value(5.0), ValueType::Integer));
  CHECK_FALSE(value_matches(Value(5), ValueType::String));
  CHECK_FALSE(value_matches(Value(5), ValueType::Boolean));

  CHECK(value_matches(Value("s"), ValueType::String));
  CHECK_FALSE(value_matches(Value("5"), ValueType::Integer));
  CHECK_FALSE(value_matches(Value("true"), ValueType::Boolean));
  CHECK(value_matches(Value(true), ValueType::Boolean));
  CHECK_FALSE(value_matches(Value(true), ValueType::Integer));
  CHECK(value_matches(Value(Array{}), ValueType::Array));
  CHECK_FALSE(value_matches(Value(Array{}), ValueType::Object));
  CHECK(value_matches(Value(Object{}), ValueType::Object));
  CHECK_FALSE(value_matches(Value(Object{}), ValueType::Array));
  CHECK_FALSE(value_matches(Value(), ValueType::String));
  CHECK_FALSE(value_matches(Value(), ValueType::Object));

  // Any takes everything; an Unknown matches every type.
  for (const Value& v : {Value(), Value(1), Value(1.5), Value("s"), Value(false), Value(Array{}), Value(Object{})})
    CHECK(value_matches(v, ValueType::Any));
  for (ValueType t : kAllTypes) {
    INFO(value_type_name(t));
    CHECK(value_matches(Value::unknown("steps.x.outputs.y"), t));
  }
}

TEST_CASE("is_valid_plugin_name", "[spec]") {
  for (const char* ok : {"a", "sqlserver-cert", "mi.link", "azure-cli", "step_2", "a1_b-c.d", "x-"}) {
    INFO(ok);
    CHECK(is_valid_plugin_name(ok));
  }
  for (const char* bad : {"", "Sql", "sqlServer", "1abc", "-a", ".a", "_a", "a b", "a/b", "a:b", "caf\xC3\xA9"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_plugin_name(bad));
  }
  CHECK(is_valid_plugin_name(std::string(64, 'a')));
  CHECK_FALSE(is_valid_plugin_name(std::string(65, 'a')));
}

TEST_CASE("is_snake_case", "[spec]") {
  for (const char* ok : {"a", "database", "port_1", "a__b", "trailing_", "x9"}) {
    INFO(ok);
    CHECK(is_snake_case(ok));
  }
  for (const char* bad : {"", "Database", "1a", "_a", "camelCase", "kebab-case", "dot.ted", "with space", "\xC3\xA9"}) {
    INFO(bad);
    CHECK_FALSE(is_snake_case(bad));
  }
}

TEST_CASE("StepSpec and ProviderSpec lookups", "[spec]") {
  StepSpec s = good_step();
  REQUIRE(s.param("port") != nullptr);
  CHECK(s.param("port")->type == ValueType::Integer);
  CHECK(s.param("port")->fallback == Value(1433));
  CHECK(s.param("missing") == nullptr);
  REQUIRE(s.output("public_key") != nullptr);
  CHECK(s.output("public_key")->name == "public_key");
  CHECK(s.output("database") == nullptr);

  ProviderSpec p = good_provider();
  REQUIRE(p.param("tenant") != nullptr);
  CHECK(p.param("tenant")->name == "tenant");
  CHECK(p.param("nope") == nullptr);
}

TEST_CASE("check_spec accepts a well-formed step", "[spec][check]") {
  CHECK(check_spec(good_step()) == "");

  StepSpec minimal;
  minimal.uses = "noop";
  minimal.summary = "Does nothing";
  CHECK(check_spec(minimal) == "");

  // Defaults that match: an integer for a number, anything for any, an
  // Unknown for anything.
  StepSpec s = good_step();
  s.params.push_back(param("ratio", ValueType::Number, 2));
  s.params.push_back(param("extra", ValueType::Any, Object{{"k", 1}}));
  s.params.push_back(param("later", ValueType::Integer, Value::unknown("inputs.port")));
  s.params.push_back(param("tags", ValueType::Array, Array{"a"}));
  // A parameter and an output may share a name.
  s.outputs.push_back(output("database"));
  CHECK(check_spec(s) == "");
}

TEST_CASE("check_spec rejects bad steps with exact messages", "[spec][check]") {
  SECTION("bad name") {
    StepSpec s = good_step();
    s.uses = "Bad Name";
    CHECK(check_spec(s) ==
          "step name 'Bad Name' is invalid: use lowercase letters, digits, '-', '.' or '_', starting with a letter");
    s.uses = "";
    CHECK(check_spec(s) ==
          "step name '' is invalid: use lowercase letters, digits, '-', '.' or '_', starting with a letter");
  }
  SECTION("sql_targets naming what is not a string parameter") {
    StepSpec s = good_step();
    s.sql_targets = {{"database"}, {"database", "mode", "sync"}};
    CHECK(check_spec(s) == "");
    s.sql_targets = {{"target"}};
    CHECK(check_spec(s) == "step 'sqlserver-cert': sql_targets names 'target', which is not a string parameter");
    s.sql_targets = {{"port"}};
    CHECK(check_spec(s) == "step 'sqlserver-cert': sql_targets names 'port', which is not a string parameter");
    s.sql_targets = {{"database", "source", "tsql"}};
    CHECK(check_spec(s) ==
          "step 'sqlserver-cert': sql_targets' condition names 'source', which is not a parameter");
  }
  SECTION("no summary") {
    StepSpec s = good_step();
    s.summary.clear();
    CHECK(check_spec(s) == "step 'sqlserver-cert' has no summary");
  }
  SECTION("duplicate parameter") {
    StepSpec s = good_step();
    s.params.push_back(param("database", ValueType::Integer));
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'database' is declared twice");
  }
  SECTION("parameter name not snake_case") {
    StepSpec s = good_step();
    s.params.push_back(param("Database"));
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter name 'Database' is not snake_case");
    s.params.back().name = "";
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter name '' is not snake_case");
    s.params.back().name = "retry-count";
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter name 'retry-count' is not snake_case");
  }
  SECTION("default of the wrong type") {
    StepSpec s = good_step();
    s.params.push_back(param("timeout", ValueType::Integer, "30"));
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'timeout' has a default of type string but is declared integer");
    s.params.back() = param("timeout", ValueType::Integer, 1.5);
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'timeout' has a default of type number but is declared integer");
    s.params.back() = param("enabled", ValueType::Boolean, 1);
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'enabled' has a default of type integer but is declared boolean");
    s.params.back() = param("label", ValueType::String, true);
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'label' has a default of type bool but is declared string");
    s.params.back() = param("items", ValueType::Array, Object{});
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'items' has a default of type object but is declared array");
  }
  SECTION("required and a default") {
    StepSpec s = good_step();
    s.params.push_back(param("mode2", ValueType::String, "x", true));
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'mode2' is required and also has a default; choose one");
  }
  SECTION("choices on a non-string parameter") {
    StepSpec s = good_step();
    ParamSpec level = param("level", ValueType::Integer);
    level.choices = {"1", "2"};
    s.params.push_back(level);
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'level' has choices but is not a string");
  }
  SECTION("a default outside the choices") {
    StepSpec s = good_step();
    ParamSpec mode = param("source", ValueType::String, "ssh");
    mode.choices = {"arm", "tsql"};
    s.params.push_back(mode);
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'source' defaults to \"ssh\", which is not one of its choices");
    s.params.back().fallback = Value("tsql");
    CHECK(check_spec(s) == "");
  }
  SECTION("output name not snake_case") {
    StepSpec s = good_step();
    s.outputs.push_back(output("PublicKey"));
    CHECK(check_spec(s) == "step 'sqlserver-cert': output name 'PublicKey' is not snake_case");
  }
  SECTION("duplicate output") {
    StepSpec s = good_step();
    s.outputs.push_back(output("thumbprint", ValueType::Integer));
    CHECK(check_spec(s) == "step 'sqlserver-cert': output 'thumbprint' is declared twice");
  }
  SECTION("the first problem is reported") {
    StepSpec s = good_step();
    s.summary.clear();
    s.params.push_back(param("database"));
    CHECK(check_spec(s) == "step 'sqlserver-cert' has no summary");
    s.summary = "x";
    s.outputs.push_back(output("thumbprint"));
    CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'database' is declared twice");
  }
}

TEST_CASE("check_spec for providers", "[spec][check]") {
  CHECK(check_spec(good_provider()) == "");

  SECTION("kind may be snake_case or a plugin name") {
    ProviderSpec p = good_provider();
    p.kind = "secret_store";
    CHECK(check_spec(p) == "");
    p.kind = "azure-cli";
    CHECK(check_spec(p) == "");
  }
  SECTION("bad kind") {
    ProviderSpec p = good_provider();
    p.kind = "Bad Kind";
    CHECK(check_spec(p) == "provider kind 'Bad Kind' is invalid");
    p.kind = "";
    CHECK(check_spec(p) == "provider kind '' is invalid");
  }
  SECTION("bad name") {
    ProviderSpec p = good_provider();
    p.name = "Azure CLI";
    CHECK(check_spec(p) ==
          "provider name 'Azure CLI' is invalid: use lowercase letters, digits, '-', '.' or '_', starting with a letter");
  }
  SECTION("no summary") {
    ProviderSpec p = good_provider();
    p.summary.clear();
    CHECK(check_spec(p) == "provider 'azure-cli' has no summary");
  }
  SECTION("parameter problems") {
    ProviderSpec p = good_provider();
    p.params.push_back(param("tenant"));
    CHECK(check_spec(p) == "provider 'azure-cli': parameter 'tenant' is declared twice");
    p.params.back() = param("Tenant2");
    CHECK(check_spec(p) == "provider 'azure-cli': parameter name 'Tenant2' is not snake_case");
    p.params.back() = param("retries", ValueType::Integer, "3");
    CHECK(check_spec(p) == "provider 'azure-cli': parameter 'retries' has a default of type string but is declared integer");
    p.params.back() = param("scope", ValueType::String, "x", true);
    CHECK(check_spec(p) == "provider 'azure-cli': parameter 'scope' is required and also has a default; choose one");
    p.params.back() = param("flag", ValueType::Boolean);
    p.params.back().choices = {"yes"};
    CHECK(check_spec(p) == "provider 'azure-cli': parameter 'flag' has choices but is not a string");
  }
}

TEST_CASE("Param and Output name each setting and build the same specs as the aggregates", "[spec]") {
  using milink::sdk::Output;
  using milink::sdk::Param;
  const ParamSpec plain = Param::string("target");
  CHECK(plain.name == "target");
  CHECK(plain.type == ValueType::String);
  CHECK_FALSE(plain.required);
  CHECK(plain.fallback.is_null());
  CHECK_FALSE(plain.secret);
  CHECK(plain.choices.empty());
  CHECK(plain.doc.empty());

  const ParamSpec full =
      Param::string("source").defaults_to(Value("arm")).choices({"arm", "tsql"}).doc("Where to read it from");
  CHECK(full.fallback.as_string() == "arm");
  CHECK(full.choices == std::vector<std::string>{"arm", "tsql"});
  CHECK(full.doc == "Where to read it from");

  const ParamSpec secret = Param::string("client_secret").required().secret();
  CHECK(secret.required);
  CHECK(secret.secret);
  CHECK(secret.fallback.is_null());

  CHECK(ParamSpec(Param::integer("n")).type == ValueType::Integer);
  CHECK(ParamSpec(Param::number("x")).type == ValueType::Number);
  CHECK(ParamSpec(Param::boolean("b")).type == ValueType::Boolean);
  CHECK(ParamSpec(Param::array("a")).type == ValueType::Array);
  CHECK(ParamSpec(Param::object("o")).type == ValueType::Object);
  CHECK(ParamSpec(Param::any("v")).type == ValueType::Any);

  const OutputSpec out = Output::boolean("seeded").secret().doc("Whether seeding completed");
  CHECK(out.name == "seeded");
  CHECK(out.type == ValueType::Boolean);
  CHECK(out.secret);
  CHECK(out.doc == "Whether seeding completed");

  // Both forms go into one spec, and check_spec judges the result alike.
  StepSpec s = good_step();
  s.params.push_back(Param::string("level").required().defaults_to(Value("x")));
  CHECK(check_spec(s) == "step 'sqlserver-cert': parameter 'level' is required and also has a default; choose one");
}
