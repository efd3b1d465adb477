// Test plugin "milink-armtest": a credential provider and a step that uses
// Context::arm, so the runner's ARM wiring is tested the way real plugins
// use it.
//
// armtest.token (credential): tokens "tok.<seed>.SIGNATURE-<n>", valid 1 h.
// armtest.put: observe() GETs `path` (404: needs change; with put_in_observe
// it PUTs instead, which a dry run must refuse); plan() describes the PUT,
// or the reason ARM is unavailable; apply() PUTs `body` and reports the
// response's "echo" as an output and a log line.
#include <milink/sdk/sdk.hpp>

#include <atomic>
#include <chrono>

namespace armtestplugin {

using milink::sdk::Value;

class TokenProvider final : public milink::sdk::CredentialProviderBase {
public:
  explicit TokenProvider(std::string seed) : seed_(std::move(seed)) {}

  static milink::sdk::ProviderSpec spec() {
    milink::sdk::ProviderSpec s;
    s.kind = "credential";
    s.name = "armtest.token";
    s.summary = "Hands out test tokens (tests)";
    s.params = {{"seed", milink::sdk::ValueType::String, true, Value(), "Part of every token", false, {}}};
    return s;
  }
  static std::unique_ptr<TokenProvider> create(const milink::sdk::Params& p) {
    return std::make_unique<TokenProvider>(p.string("seed"));
  }

protected:
  milink::sdk::AccessToken fetch(const milink::sdk::TokenRequest& request, milink::sdk::HttpClient&) override {
    milink::sdk::AccessToken t;
    t.token = "tok." + seed_ + ".SIGNATURE-" + std::to_string(++n_);
    t.expires_on =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
        3600;
    return t;
  }

private:
  std::string seed_;
  std::atomic<int> n_{0};
};

class PutStep {
public:
  struct Config {
    std::string path;
    std::string api_version;
    Value body;
    bool put_in_observe = false;
  };

  static milink::sdk::StepSpec spec() {
    milink::sdk::StepSpec s;
    s.uses = "armtest.put";
    s.summary = "PUTs an ARM resource (tests)";
    s.params = {{"path", milink::sdk::ValueType::String, true, Value(), "Resource path", false, {}},
                {"api_version", milink::sdk::ValueType::String, false, Value(""), "api-version", false, {}},
                {"body", milink::sdk::ValueType::Object, false, Value(milink::sdk::Object{}), "Body", false, {}},
                {"put_in_observe", milink::sdk::ValueType::Boolean, false, Value(false), "Misbehave", false, {}}};
    s.outputs = {{"echo", milink::sdk::ValueType::String, "The response's echo", false},
                 {"state", milink::sdk::ValueType::String, "provisioningState", false}};
    return s;
  }

  static Config configure(const milink::sdk::Params& p) {
    return Config{p.string("path"), p.string("api_version"), p.value("body"), p.boolean("put_in_observe")};
  }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx) {
    milink::sdk::Arm arm = ctx.arm();
    if (c.put_in_observe) arm.put(c.path, c.api_version, c.body);
    milink::sdk::ArmResponse r = arm.get(c.path, c.api_version);
    if (r.status == 404) return milink::sdk::Observation::needs_change("the resource does not exist");
    report(ctx, r);
    return milink::sdk::Observation::satisfied("the resource exists");
  }

  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx) {
    milink::sdk::Plan p;
    try {
      milink::sdk::Arm arm = ctx.arm();
      p.actions.push_back(milink::sdk::Action::http("PUT", arm.url(c.path, c.api_version), c.body, "create it"));
    } catch (const milink::sdk::StepError& e) {
      p.actions.push_back(milink::sdk::Action::note("arm", std::string("no ARM: ") + e.what()));
    }
    return p;
  }

  void apply(const Config& c, milink::sdk::Context& ctx) {
    milink::sdk::ArmResponse r = ctx.arm().put(c.path, c.api_version, c.body);
    report(ctx, r);
  }

private:
  static void report(milink::sdk::Context& ctx, const milink::sdk::ArmResponse& r) {
    const Value* echo = r.body.get("echo");
    std::string e = echo != nullptr && echo->is_string() ? echo->as_string() : std::string();
    const Value* props = r.body.get("properties");
    const Value* state = props != nullptr ? props->get("provisioningState") : nullptr;
    ctx.info("ARM said: " + e);
    ctx.output("echo", Value(e));
    ctx.output("state", Value(state != nullptr && state->is_string() ? state->as_string() : std::string()));
  }
};

}  // namespace armtestplugin

MILINK_PLUGIN("milink-armtest", "1.0.0") {
  registrar.add_provider<armtestplugin::TokenProvider>();
  registrar.add_step<armtestplugin::PutStep>();
}
