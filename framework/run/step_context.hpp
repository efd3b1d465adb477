//===- run/step_context.hpp - milink's side of StepContext ------*- C++ -*-===//
#pragma once

#include "run/redactor.hpp"

#include <milink/sdk/arm.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/spec.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace milink::sql {
class SqlService;
class OdbcSqlSession;
}
namespace milink::arm {
class ArmService;
}

namespace milink::run {

/// Looks up (creating on first use) a provider for a step.
using ProviderLookup =
    std::function<milink::sdk::Provider*(const std::string& kind, const std::string& name, std::string& error)>;
/// Receives step_log / step_progress events.
using EventEmitter = std::function<void(milink::sdk::Object event)>;

/// One step execution's context and services. Lives on the runner's stack
/// for the duration of the calls into the plugin.
class StepContextImpl final : public milink::sdk::StepContext, public milink::sdk::Services {
public:
  StepContextImpl(std::string key, const milink::sdk::StepSpec& spec, bool read_only, bool allow_unknown,
                  Redactor& redactor, EventEmitter emit, ProviderLookup providers,
                  const std::function<bool()>& cancelled);
  /// Closes the SQL sessions end_sql() did not give back.
  ~StepContextImpl() override;

  // StepContext
  const std::string& step_key() const noexcept override { return key_; }
  bool set_output(const std::string& name, const milink::sdk::Value& value, std::string& error) noexcept override;
  void progress(const std::string& message, double fraction) noexcept override;
  void add_secret(const std::string& text) noexcept override;
  bool read_only() const noexcept override { return read_only_; }
  milink::sdk::Services& services() noexcept override { return *this; }

  // Services
  void log(milink::sdk::LogLevel level, const std::string& message) noexcept override;
  bool cancelled() const noexcept override;
  milink::sdk::Provider* provider(const std::string& kind, const std::string& name,
                                  std::string& error) noexcept override;
  milink::sdk::SqlSession* sql(const std::string& target, std::string& error) noexcept override;
  milink::sdk::ArmClient* arm(std::string& error) noexcept override;
  milink::sdk::HttpClient& http() noexcept override;

  /// The run's SQL service (nullptr: no SQL, as in `milink plan`). Set
  /// before the first call into the plugin. Sessions taken from it belong
  /// to this step execution until end_sql(); the destructor closes them
  /// when end_sql() was not called.
  void use_sql(const milink::sql::SqlService* service) noexcept { sql_service_ = service; }
  /// The step execution is over: gives its SQL sessions back to the
  /// service's pool, to be reset and reused (\p succeeded), or closes them
  /// (it failed: a session may hold state half way through something).
  void end_sql(bool succeeded) noexcept;

  /// The run's HTTP client (nullptr: none, as in `milink plan`; requests
  /// are then refused). Set before the first call into the plugin.
  void use_http(milink::sdk::HttpClient* http) noexcept { http_ = http; }

  /// The run's ARM service (nullptr: no ARM, as in `milink plan`). This
  /// execution's ArmClient is made from it on first use and lives as long as
  /// the context; in a read-only context it sends only GET requests.
  void use_arm(milink::arm::ArmService* service, bool plan_only = false) noexcept {
    arm_service_ = service;
    arm_plan_only_ = plan_only;
  }

  milink::sdk::Object outputs() const;
  /// Names of declared outputs that were not set.
  std::vector<std::string> missing_outputs() const;
  /// The last progress message reported at fraction 1 (where apply ended),
  /// "" when none: the runner reports it as a changed step's message.
  std::string final_message() const;

private:
  std::string key_;
  const milink::sdk::StepSpec& spec_;
  bool read_only_;
  bool allow_unknown_;
  Redactor& redactor_;
  EventEmitter emit_;
  ProviderLookup providers_;
  const std::function<bool()>& cancelled_;
  mutable std::mutex mu_;
  milink::sdk::Object outputs_;
  std::string final_message_;  ///< guarded by mu_
  const milink::sql::SqlService* sql_service_ = nullptr;
  std::mutex sql_mu_;
  std::map<std::string, std::unique_ptr<milink::sql::OdbcSqlSession>> sql_sessions_;  ///< by target
  milink::sdk::HttpClient* http_ = nullptr;
  milink::arm::ArmService* arm_service_ = nullptr;
  bool arm_plan_only_ = false;  ///< `milink plan`: URLs for the plan, no calls
  std::mutex arm_mu_;
  std::unique_ptr<milink::sdk::ArmClient> arm_client_;
};

}  // namespace milink::run
