#include "arm/arm_setup.hpp"

#include <milink/sdk/credential.hpp>

#include <filesystem>

namespace milink::arm {

using milink::sdk::Value;

namespace {
std::string str(const Value* section, const char* key) {
  const Value* v = section != nullptr ? section->get(key) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}
}  // namespace

AzureSettings read_azure_settings(const Value& config_root, const std::string& config_file) {
  AzureSettings s;
  const Value* az = config_root.get("azure");
  if (az == nullptr || !az->is_object()) return s;
  s.present = true;
  s.subscription_id = str(az, "subscription_id");
  s.resource_group = str(az, "resource_group");
  s.instance_name = str(az, "instance_name");
  s.tenant_id = str(az, "tenant_id");
  if (std::string v = str(az, "arm_endpoint"); !v.empty()) s.arm_endpoint = v;
  if (std::string v = str(az, "authority_host"); !v.empty()) s.authority_host = v;
  s.api_version = str(az, "api_version");
  s.credential = str(az, "credential");
  if (std::string v = str(az, "audience"); !v.empty()) s.audience = v;
  s.ca_file = str(az, "ca_file");
  if (!s.ca_file.empty()) {
    std::filesystem::path p(s.ca_file);
    if (p.is_relative() && !config_file.empty())
      p = std::filesystem::absolute(std::filesystem::path(config_file)).parent_path() / p;
    s.ca_file = p.lexically_normal().string();
  }
  return s;
}

milink::http::ClientOptions http_options(const AzureSettings& settings) {
  milink::http::ClientOptions o;
  o.ca_file = settings.ca_file;
  o.user_agent = std::string("milink/") + MILINK_VERSION;
  return o;
}

ArmService::ArmService(AzureSettings settings, std::string config_file, milink::http::Client& http,
                       ProviderLookup providers, TokenCache::SecretSink on_secret, ArmClientOptions options)
    : settings_(std::move(settings)),
      config_file_(std::move(config_file)),
      http_(http),
      providers_(std::move(providers)),
      on_secret_(std::move(on_secret)),
      options_(std::move(options)) {}

ArmService::~ArmService() = default;

bool ArmService::check(std::string& error, bool need_credential) const {
  std::string where = config_file_.empty() ? std::string("no config was given (-c)") : "config " + config_file_;
  if (!settings_.present) {
    error = "Azure Resource Manager is not configured: the config has no \"azure\" section (" + where +
            "). ARM steps need azure.subscription_id, azure.resource_group, azure.instance_name and "
            "azure.credential (the name of a credential provider instance under \"providers\")";
    return false;
  }
  const std::pair<const char*, const std::string*> required[] = {
      {"subscription_id", &settings_.subscription_id},
      {"resource_group", &settings_.resource_group},
      {"instance_name", &settings_.instance_name},
  };
  for (const auto& [key, value] : required) {
    if (value->empty()) {
      error = std::string("azure.") + key + " is not set in the " + where + "; ARM steps need it";
      return false;
    }
  }
  if (need_credential && settings_.credential.empty()) {
    error = "azure.credential is not set in the " + where +
            ": name the provider instance under \"providers\" that gets Azure tokens, e.g. "
            "\"azure\": {\"credential\": \"az\"}, \"providers\": {\"az\": {\"use\": \"azure-cli\"}}";
    return false;
  }
  std::string trimmed;
  milink::http::Url origin;
  return parse_arm_endpoint(settings_.arm_endpoint, trimmed, origin, error);
}

TokenCache* ArmService::tokens(std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_) return tokens_.get();
  std::string perr;
  milink::sdk::Provider* p = providers_ ? providers_("credential", settings_.credential, perr) : nullptr;
  if (p == nullptr) {
    error = "azure.credential \"" + settings_.credential + "\": " + (perr.empty() ? "no such provider" : perr);
    return nullptr;
  }
  auto* cred = milink::sdk::provider_cast<milink::sdk::CredentialProvider>(p);
  if (cred == nullptr) {
    error = "azure.credential \"" + settings_.credential + "\" implements '" + p->interface_id() + "', not '" +
            milink::sdk::CredentialProvider::kInterface + "': it must name a credential provider";
    return nullptr;
  }
  milink::sdk::TokenRequest req;
  std::string audience = settings_.audience;
  while (!audience.empty() && audience.back() == '/') audience.pop_back();
  req.resource = audience + "/";
  req.scope = audience + "/.default";
  std::string authority = settings_.authority_host;
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  req.authority_host = authority;
  req.tenant_id = settings_.tenant_id;
  token_http_ = std::make_unique<TokenHttpClient>(http_, options_, nullptr);
  tokens_ = std::make_unique<TokenCache>(*cred, settings_.credential, *token_http_, req, on_secret_);
  tokens_->set_unavailable([t = token_http_.get()] { return t->gave_up(); });
  return tokens_.get();
}

std::unique_ptr<milink::sdk::ArmClient> ArmService::open(ArmReporter reporter, bool read_only, std::string& error) {
  if (!check(error)) return nullptr;
  TokenCache* t = tokens(error);
  if (t == nullptr) return nullptr;
  return std::make_unique<ArmClientImpl>(target(), http_, t, std::move(reporter), options_, read_only);
}

ArmTarget ArmService::target() const {
  ArmTarget target;
  std::string trimmed;
  milink::http::Url origin;
  std::string ignored;
  target.coordinates.arm_endpoint =
      parse_arm_endpoint(settings_.arm_endpoint, trimmed, origin, ignored) ? trimmed : settings_.arm_endpoint;
  target.coordinates.subscription_id = settings_.subscription_id;
  target.coordinates.resource_group = settings_.resource_group;
  target.coordinates.instance_name = settings_.instance_name;
  target.default_api_version = settings_.api_version;
  return target;
}

std::unique_ptr<milink::sdk::ArmClient> ArmService::open_for_plan(std::string& error) const {
  if (!check(error, /*need_credential=*/false)) return nullptr;
  return std::make_unique<ArmPlanClient>(target());
}

}  // namespace milink::arm
