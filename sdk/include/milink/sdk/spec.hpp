//===- milink/sdk/spec.hpp - What a step or provider declares ---*- C++ -*-===//
///
/// \file
/// A step's spec is its public face: the name used in a workflow's `uses`,
/// a summary, typed parameters and typed outputs. milink validates every
/// workflow against the specs before anything runs, and `milink plugins
/// describe NAME` prints them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::sdk {

/// The type of a parameter or output.
enum class ValueType { String, Integer, Number, Boolean, Array, Object, Any };

/// "string", "integer", "number", "boolean", "array", "object", "any".
const char* value_type_name(ValueType t) noexcept;
/// Parses a name produced by value_type_name(); nullopt when unknown.
std::optional<ValueType> parse_value_type(const std::string& name) noexcept;
/// Whether \p v may stand where \p t is expected (an integer is a number;
/// an Unknown matches everything).
bool value_matches(const Value& v, ValueType t) noexcept;

struct ParamSpec {
  std::string name;        ///< snake_case key under `with`
  ValueType type = ValueType::String;
  bool required = false;
  Value fallback;          ///< default when absent; null = no default
  std::string doc;
  bool secret = false;     ///< redacted everywhere once resolved
  std::vector<std::string> choices;  ///< allowed string values; empty = any
};

struct OutputSpec {
  std::string name;
  ValueType type = ValueType::String;
  std::string doc;
  /// Secret outputs are redacted and never journaled; on resume milink
  /// re-runs the step's observe() to recover them.
  bool secret = false;
};

/// Declares a parameter with named settings, so that each setting is visible
/// where it is made (rather than counted out of an aggregate's positions):
///
///     Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server")
///     Param::string("client_secret").required().secret().doc("The client secret's value")
///     Param::string("mode").defaults_to(Value("auto")).choices({"auto", "yes", "no"}).doc("...")
///
/// Converts to ParamSpec wherever one is expected (StepSpec::params,
/// ProviderSpec::params). Header-only: it changes nothing in the ABI, and
/// writing a ParamSpec as an aggregate still works. check_spec() catches
/// contradictions (a required parameter with a default, a default outside
/// the choices).
class Param {
public:
  Param(std::string name, ValueType type) {
    spec_.name = std::move(name);
    spec_.type = type;
  }
  static Param string(std::string name) { return Param(std::move(name), ValueType::String); }
  static Param integer(std::string name) { return Param(std::move(name), ValueType::Integer); }
  static Param number(std::string name) { return Param(std::move(name), ValueType::Number); }
  static Param boolean(std::string name) { return Param(std::move(name), ValueType::Boolean); }
  static Param array(std::string name) { return Param(std::move(name), ValueType::Array); }
  static Param object(std::string name) { return Param(std::move(name), ValueType::Object); }
  static Param any(std::string name) { return Param(std::move(name), ValueType::Any); }

  /// A workflow must give it (no default).
  Param& required() {
    spec_.required = true;
    return *this;
  }
  /// The value used when a workflow leaves it out.
  Param& defaults_to(Value fallback) {
    spec_.fallback = std::move(fallback);
    return *this;
  }
  /// What it means, for `milink plugins describe` and the reference.
  Param& doc(std::string text) {
    spec_.doc = std::move(text);
    return *this;
  }
  /// Redacted everywhere once resolved (plans, journals, output).
  Param& secret() {
    spec_.secret = true;
    return *this;
  }
  /// The only string values allowed.
  Param& choices(std::vector<std::string> allowed) {
    spec_.choices = std::move(allowed);
    return *this;
  }

  const ParamSpec& spec() const noexcept { return spec_; }
  operator ParamSpec() const { return spec_; }

private:
  ParamSpec spec_;
};

/// Declares an output with named settings, as Param does for parameters:
///
///     Output::string("phase").doc("linked, failed_over or removed")
///     Output::string("token").secret().doc("...")
class Output {
public:
  Output(std::string name, ValueType type) {
    spec_.name = std::move(name);
    spec_.type = type;
  }
  static Output string(std::string name) { return Output(std::move(name), ValueType::String); }
  static Output integer(std::string name) { return Output(std::move(name), ValueType::Integer); }
  static Output number(std::string name) { return Output(std::move(name), ValueType::Number); }
  static Output boolean(std::string name) { return Output(std::move(name), ValueType::Boolean); }
  static Output array(std::string name) { return Output(std::move(name), ValueType::Array); }
  static Output object(std::string name) { return Output(std::move(name), ValueType::Object); }
  static Output any(std::string name) { return Output(std::move(name), ValueType::Any); }

  /// What it holds.
  Output& doc(std::string text) {
    spec_.doc = std::move(text);
    return *this;
  }
  /// Redacted and never journaled (see OutputSpec::secret).
  Output& secret() {
    spec_.secret = true;
    return *this;
  }

  const OutputSpec& spec() const noexcept { return spec_; }
  operator OutputSpec() const { return spec_; }

private:
  OutputSpec spec_;
};

/// A SQL target a step connects to (Context::sql()): the parameter whose
/// value names the config section of the target ("sqlserver",
/// "managed_instance"), and optionally the only case in which the step
/// connects to it.
struct SqlTargetUse {
  std::string param;         ///< a String parameter of the step naming the target
  std::string when_param{};  ///< empty: always; else only when this parameter...
  std::string when_value{};  ///< ...has this value (e.g. "instance_certificate_source" = "tsql")
};

struct StepSpec {
  std::string uses;     ///< lowercase, dotted or dashed: "sqlserver-cert"
  std::string summary;  ///< one line
  std::string doc;      ///< optional longer description
  std::vector<ParamSpec> params;
  std::vector<OutputSpec> outputs;
  /// A preflight check: observe() verifies prerequisites and fails the step
  /// (stopping the workflow before its first change) when one is missing;
  /// it never changes anything. `milink run --skip-preflight` skips such
  /// steps, with a warning. Default false.
  bool preflight = false;
  /// apply() may delete, drop or fail over things (a link, an availability
  /// group, a certificate). Its plan() must mark those actions
  /// (Action::destructive). Before a run changes anything, `milink run`
  /// dry-runs every step of a workflow that has such steps, lists the
  /// destructive actions they would take, and asks for "yes" on a terminal
  /// (or takes `--yes`; without a terminal it refuses). A destructive step
  /// whose actions were not confirmed that way is not applied: it fails.
  /// Default false.
  bool destructive = false;
  /// The step calls Azure Resource Manager (Context::arm()). Before a run
  /// makes its first change, and in `milink validate -c CONFIG`, milink
  /// checks the config's azure section and starts the credential provider
  /// it names when any step of the workflow declares this, so that a missing
  /// subscription or a wrong credential stops the run before it begins, not
  /// half-way. A step that calls Context::arm() without declaring it still
  /// works, but is only checked when it gets there. Default false.
  bool arm = false;
  /// The SQL targets the step connects to, checked like `arm`: the config
  /// section each names must exist and hold valid connection settings.
  /// Targets given by an expression that only a run can evaluate (a step's
  /// output, a loop variable) are checked when the step connects.
  std::vector<SqlTargetUse> sql_targets;

  const ParamSpec* param(const std::string& name) const;
  const OutputSpec* output(const std::string& name) const;
};

/// A provider is a cross-cutting strategy looked up by kind and name, e.g.
/// kind "credential", name "azure-cli".
struct ProviderSpec {
  std::string kind;
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;

  const ParamSpec* param(const std::string& name) const;
};

/// Checks a spec for the mistakes a plugin author can make (empty or
/// malformed names, duplicate parameters, a default of the wrong type...).
/// Returns an empty string when the spec is well formed, else the problem.
std::string check_spec(const StepSpec& spec);
std::string check_spec(const ProviderSpec& spec);

/// Whether \p name is a valid `uses`/provider name: lowercase letters,
/// digits, '-', '.' and '_', starting with a letter.
bool is_valid_plugin_name(const std::string& name) noexcept;
/// Whether \p name is snake_case: [a-z][a-z0-9_]*.
bool is_snake_case(const std::string& name) noexcept;

}  // namespace milink::sdk
