// Tests of milink/sdk/params.hpp: typed access to a step's `with`.
#include <milink/sdk/params.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using milink::sdk::Array;
using milink::sdk::ConfigError;
using milink::sdk::Object;
using milink::sdk::Params;
using milink::sdk::Value;

namespace {

/// The ConfigError \p fn throws; throws std::runtime_error (failing the
/// test) when it throws nothing.
ConfigError config_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e;
  }
  throw std::runtime_error("expected a ConfigError");
}

Params sample() {
  return Params(Object{
      {"database", "db1"},
      {"port", 1433},
      {"ratio", 0.5},
      {"on", true},
      {"names", Array{"a", "b"}},
      {"none", Array{}},
      {"mixed", Array{"a", 1}},
      {"nothing", nullptr},
      {"later", Value::unknown("steps.cert.outputs.thumbprint")},
      {"later_list", Array{"a", Value::unknown("inputs.extra")}},
  });
}

}  // namespace

TEST_CASE("Params typed getters", "[params]") {
  Params p = sample();
  CHECK(p.string("database") == "db1");
  CHECK(p.integer("port") == 1433);
  CHECK(p.number("ratio") == 0.5);
  // An integer is a number.
  CHECK(p.number("port") == 1433.0);
  CHECK(p.boolean("on") == true);
  CHECK(p.strings("names") == std::vector<std::string>{"a", "b"});
  CHECK(p.strings("none").empty());
  CHECK(p.value("port") == Value(1433));
  CHECK(p.value("nothing").is_null());
  CHECK(p.all().size() == 10);
  CHECK(p.all().find("database")->as_string() == "db1");
}

TEST_CASE("Params::has ignores null and absent values", "[params]") {
  Params p = sample();
  CHECK(p.has("database"));
  CHECK(p.has("later"));
  CHECK_FALSE(p.has("nothing"));
  CHECK_FALSE(p.has("absent"));
  CHECK_FALSE(Params(Object{}).has("x"));
}

TEST_CASE("Params errors are ConfigErrors naming the field", "[params]") {
  Params p = sample();

  ConfigError missing = config_error([&] { p.value("absent"); });
  CHECK(missing.field() == "absent");
  CHECK(std::string(missing.what()) == "'absent' is not set");
  CHECK(std::string(config_error([&] { p.integer("absent"); }).what()) == "'absent' is not set");
  CHECK(std::string(config_error([&] { p.string("absent"); }).what()) == "'absent' is not set");

  ConfigError e = config_error([&] { p.string("port"); });
  CHECK(e.field() == "port");
  CHECK(std::string(e.what()) == "'port' must be a string, got integer");

  e = config_error([&] { p.integer("ratio"); });
  CHECK(e.field() == "ratio");
  CHECK(std::string(e.what()) == "'ratio' must be an integer, got number");

  e = config_error([&] { p.integer("database"); });
  CHECK(e.field() == "database");
  CHECK(std::string(e.what()) == "'database' must be an integer, got string");

  e = config_error([&] { p.number("on"); });
  CHECK(e.field() == "on");
  CHECK(std::string(e.what()) == "'on' must be a number, got bool");

  e = config_error([&] { p.boolean("port"); });
  CHECK(e.field() == "port");
  CHECK(std::string(e.what()) == "'port' must be a boolean, got integer");

  e = config_error([&] { p.strings("database"); });
  CHECK(e.field() == "database");
  CHECK(std::string(e.what()) == "'database' must be an array of strings, got string");

  // A bad element names the element's kind.
  e = config_error([&] { p.strings("mixed"); });
  CHECK(e.field() == "mixed");
  CHECK(std::string(e.what()) == "'mixed' must be an array of strings, got integer");

  e = config_error([&] { p.integer("nothing"); });
  CHECK(e.field() == "nothing");
  CHECK(std::string(e.what()) == "'nothing' must be an integer, got null");

  // ConfigError is a std::runtime_error.
  CHECK_THROWS_AS(p.boolean("database"), std::runtime_error);
  CHECK_THROWS_AS(p.boolean("database"), ConfigError);
}

TEST_CASE("Params getters explain run-time-only values", "[params][unknown]") {
  Params p = sample();
  const std::string expected =
      "'later' depends on <steps.cert.outputs.thumbprint>, which is only known at run time";
  for (const auto& get : std::vector<std::function<void()>>{
           [&] { p.integer("later"); },
           [&] { p.number("later"); },
           [&] { p.boolean("later"); },
           [&] { p.strings("later"); },
           [&] { p.optional_integer("later"); },
       }) {
    ConfigError e = config_error(get);
    CHECK(e.field() == "later");
    CHECK(std::string(e.what()) == expected);
  }
  // An Unknown element of a string list.
  ConfigError e = config_error([&] { p.strings("later_list"); });
  CHECK(e.field() == "later_list");
  CHECK(std::string(e.what()) == "'later_list' depends on <inputs.extra>, which is only known at run time");

  // string() hands plans the placeholder instead of failing.
  CHECK(p.string("later") == "<steps.cert.outputs.thumbprint>");
  CHECK(p.optional_string("later") == std::optional<std::string>("<steps.cert.outputs.thumbprint>"));
  CHECK(p.value("later").is_unknown());
}

TEST_CASE("Params optional getters", "[params]") {
  Params p = sample();
  std::optional<std::string> db = p.optional_string("database");
  REQUIRE(db.has_value());
  CHECK(*db == "db1");
  CHECK_FALSE(p.optional_string("absent").has_value());
  CHECK_FALSE(p.optional_string("nothing").has_value());

  std::optional<std::int64_t> port = p.optional_integer("port");
  REQUIRE(port.has_value());
  CHECK(*port == 1433);
  CHECK_FALSE(p.optional_integer("absent").has_value());
  CHECK_FALSE(p.optional_integer("nothing").has_value());

  // Present but of the wrong type is still an error.
  ConfigError e = config_error([&] { p.optional_integer("database"); });
  CHECK(e.field() == "database");
  CHECK(std::string(e.what()) == "'database' must be an integer, got string");
  e = config_error([&] { p.optional_string("port"); });
  CHECK(e.field() == "port");
  CHECK(std::string(e.what()) == "'port' must be a string, got integer");
}

TEST_CASE("ConfigError keeps field and message", "[params]") {
  ConfigError e("port", "'port' must be between 1 and 65535");
  CHECK(e.field() == "port");
  CHECK(std::string(e.what()) == "'port' must be between 1 and 65535");
  ConfigError no_field("", "general problem");
  CHECK(no_field.field().empty());
}
