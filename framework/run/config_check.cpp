#include "run/config_check.hpp"

#include "arm/arm_client.hpp"
#include "arm/arm_setup.hpp"
#include "expr/expression.hpp"
#include "expr/values.hpp"
#include "run/param_resolver.hpp"
#include "run/provider_pool.hpp"
#include "sql/sql_service.hpp"
#include "sql/target_settings.hpp"

#include <milink/sdk/credential.hpp>
#include <milink/sdk/json.hpp>

#include <cctype>
#include <functional>
#include <optional>

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;
using milink::workflow::StepDef;
using milink::workflow::ValidatedWorkflow;

namespace {

/// before_run_value of one string: a template whose every reference is
/// known (inputs; config, with a config file) is evaluated; one that reads
/// anything else is evaluated with that root as a Value::unknown, so that a
/// single expression keeps its placeholder ("steps.cert.outputs.name"),
/// while text mixing a placeholder in is a placeholder as a whole.
Value before_run_string(const std::string& text, const ValidatedWorkflow& v) {
  if (!milink::expr::Template::contains_expression(text)) return Value(text);
  try {
    auto t = milink::expr::Template::parse(text);
    Object scope;
    bool all_known = true;
    for (const auto& r : t.references()) {
      if (r.path.empty()) continue;
      const std::string& root = r.path[0];
      if (root == "inputs") {
        scope.set(root, Value(v.inputs));
      } else if (root == "config" && !v.config->file.empty()) {
        scope.set(root, v.config->root);
      } else {
        scope.set(root, Value::unknown(root));
        all_known = false;
      }
    }
    if (!all_known && !t.is_single_expression()) return Value::unknown(text);
    return t.evaluate(scope);
  } catch (const std::exception&) {
    return Value::unknown(text);  // decided, and reported, when the step runs
  }
}

}  // namespace

Value before_run_value(const Value& raw, const ValidatedWorkflow& v) {
  return map_strings(raw, [&](const std::string& s) { return before_run_string(s, v); });
}

std::optional<Value> known_param(const StepDef& s, const milink::sdk::StepSpec& spec, const std::string& name,
                                 const ValidatedWorkflow& v) {
  const Value* raw = s.with.find(name);
  if (raw == nullptr) {
    const auto* p = spec.param(name);
    if (p == nullptr || p->fallback.is_null()) return std::nullopt;
    return p->fallback;
  }
  Value got = before_run_value(*raw, v);
  if (milink::expr::has_unknown(got)) return std::nullopt;
  return got;
}

namespace {

void collect(const std::vector<StepDef>& steps, const ValidatedWorkflow& v, ConfigRequirements& out) {
  for (const auto& s : steps) {
    if (s.is_group()) {
      collect(s.steps, v, out);
      continue;
    }
    auto it = v.steps.find(s.pointer);
    if (it == v.steps.end()) continue;
    const auto& spec = it->second.factory->spec();
    const std::string who = s.id + " (" + s.uses;
    if (spec.arm && out.arm_step.empty()) out.arm_step = who + ")";
    for (const auto& use : spec.sql_targets) {
      if (!use.when_param.empty()) {
        auto cond = known_param(s, spec, use.when_param, v);
        if (cond && !(cond->is_string() && cond->as_string() == use.when_value)) continue;
      }
      auto target = known_param(s, spec, use.param, v);
      if (!target || !target->is_string() || target->as_string().empty()) continue;
      out.sql_targets.emplace(target->as_string(), who + ", " + use.param + ")");
    }
  }
}

/// Entra tenant IDs are GUIDs or domain names (the same rule as the
/// credential providers, which check a tenant given to them directly).
bool plausible_tenant(const std::string& t) {
  for (unsigned char c : t)
    if (!std::isalnum(c) && c != '-' && c != '.') return false;
  return !t.empty();
}

void check_azure(const ValidatedWorkflow& v, const std::string& step, const milink::host::Registry& registry,
                 Redactor& redactor, bool start_credential, milink::workflow::Diagnostics& diags) {
  const auto s = milink::arm::read_azure_settings(v.config->root, v.config->file);
  const std::string why = "step " + step + " calls Azure Resource Manager";
  if (!s.present) {
    diags.error("/azure", "the config has no \"azure\" section; " + why,
                "add \"azure\": {\"subscription_id\": ..., \"resource_group\": ..., \"instance_name\": ..., "
                "\"credential\": ...} (docs/real-azure.md)");
    return;
  }
  const std::pair<const char*, const char*> required[] = {
      {"subscription_id", "the ID of the subscription that holds the managed instance"},
      {"resource_group", "the resource group of the managed instance"},
      {"instance_name", "the managed instance's name (without .database.windows.net)"},
  };
  const std::string* values[] = {&s.subscription_id, &s.resource_group, &s.instance_name};
  for (std::size_t i = 0; i < 3; ++i)
    if (values[i]->empty())
      diags.error(std::string("/azure/") + required[i].first,
                  std::string("azure.") + required[i].first + " is not set; " + why,
                  std::string("set it to ") + required[i].second);
  std::string trimmed, error;
  milink::http::Url origin;
  if (!milink::arm::parse_arm_endpoint(s.arm_endpoint, trimmed, origin, error))
    diags.error("/azure/arm_endpoint", "azure.arm_endpoint: " + error, "an https:// URL such as https://management.azure.com");
  if (!s.tenant_id.empty() && !plausible_tenant(s.tenant_id))
    diags.error("/azure/tenant_id", "azure.tenant_id \"" + s.tenant_id + "\" is not a tenant ID or domain",
                "use the Entra tenant's ID (a GUID) or its domain: letters, digits, '-' and '.' only");
  if (s.credential.empty()) {
    diags.error("/azure/credential", "azure.credential is not set; " + why,
                "name the provider instance under \"providers\" that gets Azure tokens, e.g. \"azure\": "
                "{\"credential\": \"az\"}, \"providers\": {\"az\": {\"use\": \"azure-cli\"}}");
    return;
  }
  if (!start_credential) {
    // validate: the instance exists and is a credential provider. Starting it
    // would read the files and variables of the machine that runs.
    const auto configured = v.providers.find(s.credential);
    const milink::host::Registry::ProviderEntry* entry =
        configured != v.providers.end() ? &configured->second : registry.find_provider("credential", s.credential);
    if (v.config->provider(s.credential) != nullptr && configured == v.providers.end()) return;  // reported already
    if (entry == nullptr)
      diags.error("/azure/credential",
                  "azure.credential \"" + s.credential + "\" names no provider instance under \"providers\" and no "
                  "credential provider",
                  "add {\"providers\": {\"" + s.credential +
                      "\": {\"use\": \"<provider>\"}}} to the config (milink plugins list shows the providers)");
    else if (entry->factory->spec().kind != "credential")
      diags.error("/azure/credential",
                  "azure.credential \"" + s.credential + "\" is a " + entry->factory->spec().kind +
                      " provider, not a credential provider",
                  "name a credential provider");
    return;
  }
  // run: started the way the run starts it, so a provider that refuses its
  // parameters, its files or its variables stops the run now; it makes no
  // request until asked for a token.
  ProviderPool pool(*v.config, v.providers, registry, redactor);
  std::string perr;
  milink::sdk::Provider* p = pool.get("credential", s.credential, perr);
  if (p == nullptr) {
    const auto* inst = v.config->provider(s.credential);
    diags.error(inst != nullptr ? inst->pointer : "/azure/credential",
                "azure.credential \"" + s.credential + "\": " + perr,
                inst != nullptr ? "fix the provider's parameters under " + inst->pointer + "/with"
                                : "name a provider instance under \"providers\" (milink plugins list shows the providers)");
    return;
  }
  if (milink::sdk::provider_cast<milink::sdk::CredentialProvider>(p) == nullptr)
    diags.error("/azure/credential",
                "azure.credential \"" + s.credential + "\" implements '" + p->interface_id() + "', not '" +
                    milink::sdk::CredentialProvider::kInterface + "'",
                "name a credential provider");
}

/// A secondary replica's target, sqlserver.replicas.<name>: the name must be
/// one of /sqlserver/replicas (the config loader checks the entries themselves).
void check_replica_target(const ValidatedWorkflow& v, const std::string& target, const std::string& step,
                          milink::workflow::Diagnostics& diags) {
  const std::string name = target.substr(std::string(milink::sql::kReplicaTargetPrefix).size());
  const Value* replicas = v.config->root.get("sqlserver");
  replicas = replicas != nullptr && replicas->is_object() ? replicas->get("replicas") : nullptr;
  std::string configured;
  if (replicas != nullptr && replicas->is_array())
    for (const Value& r : replicas->as_array()) {
      const Value* n = r.is_object() ? r.get("name") : nullptr;
      if (n == nullptr || !n->is_string()) continue;
      if (n->as_string() == name) return;
      configured += (configured.empty() ? "" : ", ") + n->as_string();
    }
  diags.error(replicas != nullptr ? "/sqlserver/replicas" : "/sqlserver",
              "step " + step + " connects to SQL target \"" + target + "\", but /sqlserver/replicas has no replica named \"" +
                  name + "\" (configured: " + (configured.empty() ? std::string("none") : configured) + ")",
              "add {\"name\": \"" + name + "\", \"host\": ...} to sqlserver.replicas in the config (with "
              "sqlserver.availability_group), or make the step's target name a configured replica");
}

void check_sql_target(const ValidatedWorkflow& v, const std::string& target, const std::string& step,
                      milink::workflow::Diagnostics& diags) {
  if (target.rfind(milink::sql::kReplicaTargetPrefix, 0) == 0) {
    check_replica_target(v, target, step, diags);
    return;
  }
  const std::string pointer = milink::sdk::json_pointer_join("", target);
  const Value* section = v.config->root.get(target);
  if (section == nullptr || !section->is_object()) {
    diags.error(pointer, "the config has no \"" + target + "\" section; step " + step + " connects to it",
                "add \"" + target + "\": {\"host\": ..., \"user\": ..., \"password\": {\"from_env\": ...}} "
                "(docs/sql-connections.md)");
    return;
  }
  milink::sql::TargetSettings settings;
  std::string error;
  if (!milink::sql::read_target_settings(target, section->as_object(), settings, error, v.config->file))
    diags.error(pointer, error + "; step " + step + " connects to it");
}

}  // namespace

std::vector<std::string> ConfigRequirements::describe() const {
  std::vector<std::string> out;
  for (const auto& [target, step] : sql_targets)
    out.push_back(target + ": host, user, password (and port, encryption...) to connect with T-SQL; used by " + step);
  if (!arm_step.empty())
    out.push_back("azure: subscription_id, resource_group, instance_name and credential (a credential provider "
                  "instance under providers, with its parameters); used by " + arm_step);
  return out;
}

ConfigRequirements config_requirements(const ValidatedWorkflow& v) {
  ConfigRequirements out;
  collect(v.workflow->steps, v, out);
  return out;
}

void check_config_requirements(const ValidatedWorkflow& v, const ConfigRequirements& needs,
                               const milink::host::Registry& registry, Redactor& redactor, bool start_credential) {
  milink::workflow::Diagnostics diags(v.config->file.empty() ? std::string("(no config: pass -c CONFIG)")
                                                             : v.config->file,
                                      &v.config->map);
  for (const auto& [target, step] : needs.sql_targets) check_sql_target(v, target, step, diags);
  if (!needs.arm_step.empty()) check_azure(v, needs.arm_step, registry, redactor, start_credential, diags);
  if (!diags.empty()) throw milink::workflow::InvalidInput(diags.list());
}

}  // namespace milink::run
