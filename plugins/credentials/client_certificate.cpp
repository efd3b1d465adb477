// client-certificate: a service principal's certificate, proven with a
// signed client assertion (RS256 JWT, see certificate.hpp) at the Entra ID
// v2.0 token endpoint.
#include "certificate.hpp"
#include "providers.hpp"

namespace milink::credentials {

sdk::ProviderSpec ClientCertificateCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "client-certificate";
  s.summary = "A service principal's certificate (signed client assertion, Entra ID client-credentials grant)";
  s.params = {
      sdk::Param::string("tenant_id").doc("Tenant ID; default: the config's azure.tenant_id"),
      sdk::Param::string("client_id").required().doc("Application (client) ID of the app registration"),
      sdk::Param::string("certificate_path")
          .required()
          .doc("PEM file with the certificate and its private key (a PKCS#12/PFX file works too); re-read on every request"),
      sdk::Param::string("certificate_password").secret().doc("Password of an encrypted private key or PFX file"),
      sdk::Param::boolean("send_certificate_chain")
          .defaults_to(sdk::Value(false))
          .doc("Send the certificate chain (x5c) for subject name/issuer authentication"),
      sdk::Param::string("authority_host")
          .doc("Entra ID authority, e.g. https://login.microsoftonline.us; default: the config's azure.authority_host"),
  };
  return s;
}

ClientCertificateCredential::ClientCertificateCredential(Options o) : o_(std::move(o)) {
  if (o_.app.client_id.empty()) throw CredentialError("no client ID: set client_id to the application (client) ID");
  if (o_.certificate_path.empty())
    throw CredentialError("no certificate: set " + o_.path_source + " to a PEM file with the certificate and its key");
  if (!o_.app.tenant_id.empty()) check_tenant_id(o_.app.tenant_id, o_.app.tenant_source);
  if (!o_.app.authority_host.empty()) normalize_authority(o_.app.authority_host, o_.app.authority_source);
  try {
    load_client_certificate(o_.certificate_path, o_.certificate_password);
  } catch (const CredentialError& e) {
    throw CredentialError(redact(e.what(), {o_.certificate_password}));
  }
}

std::unique_ptr<ClientCertificateCredential> ClientCertificateCredential::create(const sdk::Params& p) {
  Options o;
  o.app.tenant_id = param_or_empty(p, "tenant_id");
  o.app.client_id = param_or_empty(p, "client_id");
  o.app.authority_host = param_or_empty(p, "authority_host");
  o.certificate_path = param_or_empty(p, "certificate_path");
  o.certificate_password = param_or_empty(p, "certificate_password");
  o.send_certificate_chain = p.has("send_certificate_chain") && p.boolean("send_certificate_chain");
  if (o.app.client_id.empty()) throw sdk::ConfigError("client_id", "client_id is required");
  if (o.certificate_path.empty()) throw sdk::ConfigError("certificate_path", "certificate_path is required");
  return std::make_unique<ClientCertificateCredential>(std::move(o));
}

sdk::AccessToken ClientCertificateCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) {
  const std::string endpoint = token_endpoint(o_.app, request);
  std::string assertion;
  try {
    ClientCertificate cert = load_client_certificate(o_.certificate_path, o_.certificate_password);
    assertion = make_client_assertion(cert, endpoint, o_.app.client_id, o_.send_certificate_chain, unix_now());
  } catch (const CredentialError& e) {
    throw CredentialError(redact(e.what(), {o_.certificate_password}));
  }
  return request_client_credentials(http, endpoint, request, o_.app.client_id,
                                    {{"client_assertion_type", kJwtBearerAssertionType}, {"client_assertion", assertion}},
                                    "client certificate", {assertion, o_.certificate_password});
}

}  // namespace milink::credentials
