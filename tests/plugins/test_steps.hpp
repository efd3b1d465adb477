//===- tests/plugins/test_steps.hpp - Steps that record their calls -*- C++ -*-===//
///
/// \file
/// Test plugin "milink-test-steps". Its steps keep their "remote state" as
/// files in $MILINK_TEST_STATE (default .milink/test-state), so observe()
/// can tell a finished step from a new one exactly as a real plugin would
/// query a server, and append one JSON line per call to $MILINK_TEST_RECORD
/// (when set), so tests can assert what was called, when, and how often.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace testplugin {

/// test.record: writes a marker for its key; observe finds it.
class RecordStep {
public:
  struct Config {
    std::string message;
    std::string marker;  ///< empty: the step key
    bool fail = false;
    std::int64_t sleep_ms = 0;
    std::string password;
    bool has_password = false;
  };
  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

/// test.items: outputs the array it is given (for for_each over outputs).
class ItemsStep {
public:
  struct Config {
    milink::sdk::Value items;
  };
  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

/// test.check: a preflight check (spec.preflight). observe() fails with a
/// message when `fail` is true, and is satisfied otherwise (output
/// `checked`); it never changes anything.
class CheckStep {
public:
  struct Config {
    std::string what;
    bool fail = false;
    std::string blame;  ///< when failing: throw ConfigError(blame) instead of StepError
  };
  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

/// test.erase: a destructive step (StepSpec::destructive) that deletes the
/// file `path` (relative to the working directory). observe() is satisfied
/// when the file is gone, or, with hide_in_dry_run, in any read-only run (a
/// step that turns destructive only at apply time: the runner must refuse it).
class EraseStep {
public:
  struct Config {
    std::string path;
    bool hide_in_dry_run = false;
  };
  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

/// The interface of provider kind "test-greeting".
class Prefixer : public milink::sdk::Provider {
public:
  static constexpr const char* kInterface = "milink.test.prefixer/1";
  const char* interface_id() const noexcept override { return kInterface; }
  virtual std::string greet(const std::string& name) const = 0;
};

/// Provider test.prefixer: greets with a configured prefix.
class PrefixProvider final : public Prefixer {
public:
  explicit PrefixProvider(std::string prefix) : prefix_(std::move(prefix)) {}
  static milink::sdk::ProviderSpec spec();
  static std::unique_ptr<PrefixProvider> create(const milink::sdk::Params& p);
  std::string greet(const std::string& name) const override { return prefix_ + ", " + name; }

private:
  std::string prefix_;
};

/// test.greet: asks a test-greeting provider for a greeting.
class GreetStep {
public:
  struct Config {
    std::string provider;
    std::string name;
  };
  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

/// Appends a record of a call to $MILINK_TEST_RECORD, if set.
void record_call(const std::string& op, const std::string& key, const milink::sdk::Object& extra);
std::int64_t now_ms();

}  // namespace testplugin
