//===- tests/credentials/cred_support.hpp - Credential test helpers -*- C++ -*-===//
///
/// \file
/// A scripted HttpClient that records requests, an environment guard, the
/// credentials plugin loaded through milink's registry, test certificates
/// made with OpenSSL, and JWT decoding/verification.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"

#include <milink/sdk/credential.hpp>
#include <milink/sdk/http.hpp>
#include <milink/sdk/value.hpp>

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace credtest {

using milink::sdk::AccessToken;
using milink::sdk::CredentialProvider;
using milink::sdk::HttpHeader;
using milink::sdk::HttpRequest;
using milink::sdk::HttpResponse;
using milink::sdk::Object;
using milink::sdk::TokenRequest;
using milink::sdk::Value;

constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char* kClient = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/// An HttpClient that answers from a script and records every request.
/// Thread-safe.
class FakeHttp final : public milink::sdk::HttpClient {
public:
  /// Queues one response.
  FakeHttp& respond(int status, std::string body, std::vector<HttpHeader> headers = {});
  /// Queues a transport failure (no response).
  FakeHttp& fail(std::string error);
  /// Answers every request once the queue is empty.
  FakeHttp& always(int status, std::string body);

  bool send(const HttpRequest& request, HttpResponse& response, std::string& error) noexcept override;

  std::vector<HttpRequest> requests() const;
  std::size_t count() const;
  HttpRequest last() const;

private:
  struct Scripted {
    int status = 0;
    std::vector<HttpHeader> headers;
    std::string body;
    std::string transport_error;
  };
  mutable std::mutex mu_;
  std::deque<Scripted> script_;
  std::optional<Scripted> fallback_;
  std::vector<HttpRequest> requests_;
};

/// A token endpoint body: {"token_type":"Bearer","expires_in":N,"ext_expires_in":N,"access_token":T}.
std::string entra_token_body(const std::string& token, int expires_in = 3599);
/// An Entra error body, with Trace/Correlation lines like the real service.
std::string entra_error_body(const std::string& error, const std::string& description);

/// Sets and unsets environment variables, restoring them on destruction.
/// Every variable a credential provider reads is cleared first, so the
/// machine's own environment cannot leak into a test.
class EnvGuard {
public:
  EnvGuard();
  ~EnvGuard();
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;
  EnvGuard& set(const std::string& name, const std::string& value);
  EnvGuard& unset(const std::string& name);

private:
  std::map<std::string, std::optional<std::string>> saved_;
  void save(const std::string& name);
};

/// The credentials plugin file and the bundled plugin directory.
std::filesystem::path plugin_file();
std::filesystem::path bundled_plugin_dir();

/// A registry holding only the credentials plugin (loaded once).
milink::host::Registry& registry();

/// A created provider (keeps the plugin loaded) with its credential interface.
struct Cred {
  milink::host::ProviderHandle handle;
  milink::sdk::Status status;
  CredentialProvider* operator->() const;
  CredentialProvider& operator*() const;
};

/// Creates provider \p name with \p params through the registry.
Cred make(const std::string& name, Object params = {});

struct Got {
  bool ok = false;
  AccessToken token;
  std::string error;
};
TokenRequest default_request();
Got get(CredentialProvider& c, milink::sdk::HttpClient& http, const TokenRequest& req = default_request());

std::int64_t now();

/// application/x-www-form-urlencoded (or a URL query) decoded, in order.
std::vector<std::pair<std::string, std::string>> parse_form(const std::string& body);
std::map<std::string, std::string> form_map(const std::string& body);
/// The header called \p name in \p r (case-insensitive), or nullopt.
std::optional<std::string> header(const HttpRequest& r, const std::string& name);

// ---- certificates -------------------------------------------------------

/// An RSA key with a certificate (self-signed, or signed by \p issuer).
struct TestCert {
  std::shared_ptr<void> key;   ///< EVP_PKEY
  std::shared_ptr<void> x509;  ///< X509
  std::string cert_pem;
  std::string key_pem;  ///< unencrypted PKCS#8
  std::string der;
};
TestCert make_cert(const std::string& cn, const TestCert* issuer = nullptr);
/// The two certificates every test uses (generated once).
const TestCert& leaf_cert();
const TestCert& ca_cert();
const TestCert& signed_leaf_cert();  ///< signed by ca_cert()
std::string encrypted_key_pem(const TestCert& c, const std::string& password);
std::string pfx(const TestCert& c, const std::string& password);
std::string sha1(const std::string& data);
std::string sha256(const std::string& data);
std::string b64url(const std::string& data);
std::string b64(const std::string& data);
std::string unb64url(const std::string& text);

/// A JWT read with Poco::JWT.
struct Jwt {
  Object header;
  Object claims;
  std::string token;      ///< as sent
  std::string signature;  ///< raw bytes
};
Jwt decode_jwt(const std::string& token);
/// Whether \p token carries a valid RS256 signature by \p cert_der's key (Poco::JWT).
bool verify_rs256(const std::string& cert_der, const std::string& token);
/// An unsigned JWT ("alg": "none") with the given claims (for static-token).
std::string make_unsigned_jwt(const Object& claims);

/// Writes an executable shell script.
void write_script(const std::filesystem::path& p, const std::string& text);

}  // namespace credtest
