// Key functions of every polymorphic SDK type. Defining each virtual
// destructor here, in libmilink_sdk.so with default visibility, gives each
// type a single type_info shared by milink and every plugin (see
// docs/abi-policy.md, "type_info across modules").
#include <milink/sdk/arm.hpp>
#include <milink/sdk/http.hpp>
#include <milink/sdk/plugin.hpp>
#include <milink/sdk/provider.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/sql.hpp>
#include <milink/sdk/step.hpp>

namespace milink::sdk {

Services::~Services() = default;
SqlSession::~SqlSession() = default;
HttpClient::~HttpClient() = default;
ArmClient::~ArmClient() = default;
StepContext::~StepContext() = default;
StepInstance::~StepInstance() = default;
StepFactory::~StepFactory() = default;
Provider::~Provider() = default;
ProviderFactory::~ProviderFactory() = default;

PluginRegistrar::PluginRegistrar() = default;
PluginRegistrar::~PluginRegistrar() = default;

void PluginRegistrar::add_step_factory(std::shared_ptr<StepFactory> f) {
  if (f) steps_.push_back(std::move(f));
}

void PluginRegistrar::add_provider_factory(std::shared_ptr<ProviderFactory> f) {
  if (f) providers_.push_back(std::move(f));
}

void PluginRegistrar::fail(const std::string& message) { errors_.push_back(message); }

Action Action::sql_batch(std::string target, std::string description, std::string sql) {
  Action a;
  a.kind = Kind::Sql;
  a.target = std::move(target);
  a.description = std::move(description);
  a.sql = std::move(sql);
  return a;
}

Action Action::http(std::string method, std::string url, Value body, std::string description, std::string target) {
  Action a;
  a.kind = Kind::Http;
  a.target = std::move(target);
  a.description = std::move(description);
  a.method = std::move(method);
  a.url = std::move(url);
  a.body = std::move(body);
  return a;
}

Action Action::note(std::string target, std::string description) {
  Action a;
  a.kind = Kind::Note;
  a.target = std::move(target);
  a.description = std::move(description);
  return a;
}

Action Action::marked_destructive() && {
  destructive = true;
  return std::move(*this);
}

}  // namespace milink::sdk
