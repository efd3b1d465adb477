//===- milink/sdk/credential.hpp - Getting an Azure token --------*- C++ -*-===//
///
/// \file
/// Providers of kind "credential" obtain Entra ID access tokens for Azure
/// Resource Manager. The bundled ones (plugins/credentials) are azure-cli,
/// client-secret, client-certificate, workload-identity, managed-identity,
/// environment and static-token; a team can add its own (a vault, say) as a
/// plugin without recompiling milink. milink caches tokens until shortly
/// before they expire, attaches them only to the configured ARM host, and
/// never prints or journals them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/http.hpp>
#include <milink/sdk/provider.hpp>

#include <cstdint>
#include <exception>
#include <string>

namespace milink::sdk {

struct AccessToken {
  std::string token;           ///< the bearer token; secret
  std::int64_t expires_on = 0; ///< Unix time (seconds) when it stops working
};

struct TokenRequest {
  std::string resource = "https://management.azure.com/";          ///< v1 resource (IMDS, az)
  std::string scope = "https://management.azure.com/.default";     ///< v2 scope (Entra token endpoint)
  std::string authority_host = "https://login.microsoftonline.com"; ///< sovereign clouds differ
  std::string tenant_id;  ///< from the config's azure.tenant_id; providers may have their own
};

/// The interface of provider kind "credential".
class CredentialProvider : public Provider {
public:
  static constexpr const char* kInterface = "milink.credential/1";
  const char* interface_id() const noexcept override { return kInterface; }

  /// Required. Obtains a token for \p request, using \p http for network
  /// calls (it verifies TLS and honours the config's CA bundle). On failure
  /// returns false with \p error saying what failed and what to check; the
  /// error must not contain secrets. Thread safety: may be called from
  /// several threads at once. milink caches the result; implementations
  /// need not.
  virtual bool get_token(const TokenRequest& request, HttpClient& http, AccessToken& out,
                         std::string& error) noexcept = 0;
};

/// Convenience base for provider authors: implement fetch(), which may
/// throw; get_token() turns exceptions into an error inside the plugin.
class CredentialProviderBase : public CredentialProvider {
public:
  bool get_token(const TokenRequest& request, HttpClient& http, AccessToken& out,
                 std::string& error) noexcept final {
    try {
      out = fetch(request, http);
      return true;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    return false;
  }

protected:
  virtual AccessToken fetch(const TokenRequest& request, HttpClient& http) = 0;
};

}  // namespace milink::sdk
