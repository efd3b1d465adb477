//===- arm/arm_setup.hpp - ARM for a run ------------------------*- C++ -*-===//
///
/// \file
/// Run-wide: reads the config's `azure` section, gets the credential
/// provider named by azure.credential (through the runner's provider
/// mechanism, on first use), owns the token cache shared by every step, and
/// makes one ArmClient per step execution.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/arm_client.hpp"
#include "arm/token_cache.hpp"
#include "arm/token_http.hpp"
#include "http/http_client.hpp"

#include <milink/sdk/arm.hpp>
#include <milink/sdk/provider.hpp>
#include <milink/sdk/value.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace milink::arm {

/// The config's `azure` section, defaults applied.
struct AzureSettings {
  bool present = false;  ///< the config has an "azure" object
  std::string subscription_id;
  std::string resource_group;
  std::string instance_name;
  std::string tenant_id;
  std::string arm_endpoint = "https://management.azure.com";
  std::string authority_host = "https://login.microsoftonline.com";
  std::string ca_file;  ///< made absolute against the config file's directory
  std::string api_version;
  std::string credential;
  /// Token audience (v1 resource), independent of arm_endpoint so that an
  /// emulator or a proxy at another address still gets ARM tokens. Sovereign
  /// clouds set their own (e.g. https://management.chinacloudapi.cn/).
  std::string audience = "https://management.azure.com/";
};

/// Reads \p config_root's `azure` object; \p config_file (may be empty)
/// anchors a relative ca_file.
AzureSettings read_azure_settings(const milink::sdk::Value& config_root, const std::string& config_file);

/// The HTTP client options of a run with this config (its CA bundle).
milink::http::ClientOptions http_options(const AzureSettings& settings);

using ProviderLookup =
    std::function<milink::sdk::Provider*(const std::string& kind, const std::string& name, std::string& error)>;

class ArmService {
public:
  /// \p on_secret receives every token (the run's Redactor). \p config_file
  /// only names the config in errors.
  ArmService(AzureSettings settings, std::string config_file, milink::http::Client& http, ProviderLookup providers,
             TokenCache::SecretSink on_secret, ArmClientOptions options = {});
  ~ArmService();

  /// A client for one step execution, or nullptr and \p error naming the
  /// config key that is missing or wrong. \p read_only: dry run.
  std::unique_ptr<milink::sdk::ArmClient> open(ArmReporter reporter, bool read_only, std::string& error);

  /// For `milink plan`: coordinates and URLs only, no credential, no calls.
  /// nullptr and \p error when the azure section lacks the coordinates.
  std::unique_ptr<milink::sdk::ArmClient> open_for_plan(std::string& error) const;

  const AzureSettings& settings() const noexcept { return settings_; }

private:
  bool check(std::string& error, bool need_credential = true) const;
  ArmTarget target() const;
  TokenCache* tokens(std::string& error);

  AzureSettings settings_;
  std::string config_file_;
  milink::http::Client& http_;
  ProviderLookup providers_;
  TokenCache::SecretSink on_secret_;
  ArmClientOptions options_;
  std::mutex mu_;
  std::unique_ptr<TokenHttpClient> token_http_;  ///< token requests, retried; before tokens_, which uses it
  std::unique_ptr<TokenCache> tokens_;
};

}  // namespace milink::arm
