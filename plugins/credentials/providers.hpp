//===- plugins/credentials/providers.hpp - The bundled credentials -*- C++ -*-===//
///
/// \file
/// The credential providers of plugin "milink-credentials". Each is
/// immutable once created (configuration and environment variables are
/// read in create()); get_token() keeps everything else in locals, so one
/// instance may serve several threads at once. Files that rotate (the
/// federated token, the certificate, static-token's file, the Arc key) are
/// re-read on every request.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "common.hpp"
#include "entra.hpp"

#include <milink/sdk/credential.hpp>
#include <milink/sdk/spec.hpp>

#include <memory>
#include <string>

namespace milink::credentials {

/// azure-cli: `az account get-access-token`.
class AzureCliCredential final : public sdk::CredentialProviderBase {
public:
  struct Options {
    std::string az_path;    ///< "" = search PATH for az
    std::string tenant_id;  ///< "" = the request's tenant (none: az's default)
    int timeout_seconds = 30;
  };
  explicit AzureCliCredential(Options o) : o_(std::move(o)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<AzureCliCredential> create(const sdk::Params& p);

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  Options o_;
};

/// client-secret: client-credentials grant with a secret.
class ClientSecretCredential final : public sdk::CredentialProviderBase {
public:
  ClientSecretCredential(EntraApp app, std::string secret) : app_(std::move(app)), secret_(std::move(secret)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<ClientSecretCredential> create(const sdk::Params& p);

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  EntraApp app_;
  std::string secret_;
};

/// client-certificate: client-credentials grant with a signed assertion.
class ClientCertificateCredential final : public sdk::CredentialProviderBase {
public:
  struct Options {
    EntraApp app;
    std::string certificate_path;
    std::string certificate_password;
    bool send_certificate_chain = false;
    std::string path_source = "certificate_path";  ///< named in errors
  };
  /// Loads the certificate once to fail early; it is re-read on every request.
  explicit ClientCertificateCredential(Options o);
  static sdk::ProviderSpec spec();
  static std::unique_ptr<ClientCertificateCredential> create(const sdk::Params& p);

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  Options o_;
};

/// workload-identity: client-credentials grant with a federated token file.
class WorkloadIdentityCredential final : public sdk::CredentialProviderBase {
public:
  struct Options {
    EntraApp app;
    std::string token_file;
  };
  explicit WorkloadIdentityCredential(Options o) : o_(std::move(o)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<WorkloadIdentityCredential> create(const sdk::Params& p);

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  Options o_;
};

/// managed-identity: App Service / Azure Arc / IMDS.
class ManagedIdentityCredential final : public sdk::CredentialProviderBase {
public:
  enum class Source { AppService, Arc, Imds };
  struct Options {
    Source source = Source::Imds;
    std::string endpoint;         ///< resolved endpoint URL
    std::string identity_header;  ///< App Service: X-IDENTITY-HEADER value (secret)
    std::string client_id, object_id, resource_id;  ///< user-assigned identity (at most one)
    std::string arc_key_directory = "/var/opt/azcmagent/tokens/";
    int max_retries = 3;
    int retry_delay_ms = 500;
    std::string why;  ///< how the source was chosen, for errors
  };
  explicit ManagedIdentityCredential(Options o) : o_(std::move(o)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<ManagedIdentityCredential> create(const sdk::Params& p);

  /// Chooses the source from the environment the way the Azure SDKs do.
  /// \p forced is "auto", "imds", "app-service" or "arc"; \p endpoint
  /// overrides the chosen source's endpoint when not empty.
  static Options choose(const std::string& forced, const std::string& endpoint);

  const Options& options() const noexcept { return o_; }

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  Options o_;
};

/// environment: EnvironmentCredential's selection over AZURE_* variables.
class EnvironmentCredential final : public sdk::CredentialProviderBase {
public:
  EnvironmentCredential(std::unique_ptr<sdk::CredentialProvider> inner, std::string description)
      : inner_(std::move(inner)), description_(std::move(description)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<EnvironmentCredential> create(const sdk::Params& p);
  /// Which credential the environment selected, e.g. "client secret (AZURE_CLIENT_SECRET)".
  const std::string& description() const noexcept { return description_; }

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  std::unique_ptr<sdk::CredentialProvider> inner_;
  std::string description_;
};

/// static-token: a token handed over in a variable or a file.
class StaticTokenCredential final : public sdk::CredentialProviderBase {
public:
  struct Options {
    std::string env_name;   ///< variable the token was read from ("" when file)
    std::string env_token;  ///< its value, read in create()
    std::string file;
    std::int64_t expires_in_seconds = 3600;
  };
  explicit StaticTokenCredential(Options o) : o_(std::move(o)) {}
  static sdk::ProviderSpec spec();
  static std::unique_ptr<StaticTokenCredential> create(const sdk::Params& p);

protected:
  sdk::AccessToken fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) override;

private:
  Options o_;
};

/// The `exp` claim of \p token when it is a JWT carrying one.
std::optional<std::int64_t> jwt_expiry(const std::string& token);

}  // namespace milink::credentials
