//===- plugins/credentials/certificate.hpp - Client assertions ---*- C++ -*-===//
///
/// \file
/// Loading a client certificate with its private key (PEM, or PKCS#12 when
/// the file holds no PEM) and signing the client assertion JWT that Entra ID
/// accepts in place of a client secret.
///
/// JWT format (RFC 7523, Entra "certificate credentials"):
///   header  {"alg":"RS256","typ":"JWT","x5t":<b64url SHA-1 of DER>,
///            "x5t#S256":<b64url SHA-256 of DER>[,"x5c":[<b64 DER>...]]}
///   claims  {"aud":<token endpoint>,"iss":<client id>,"sub":<client id>,
///            "jti":<random GUID>,"nbf":now,"iat":now,"exp":now+600}
/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) is accepted by every Entra cloud
/// and by AD FS; x5t#S256 is included for endpoints that prefer SHA-256.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace milink::credentials {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const noexcept;
};

struct ClientCertificate {
  std::vector<std::string> chain_der;  ///< the certificate matching the key first, then the others in file order
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key;
  std::string x5t;       ///< base64url SHA-1 of chain_der[0]
  std::string x5t_s256;  ///< base64url SHA-256 of chain_der[0]
};

/// Loads \p path (PEM with CERTIFICATE blocks and one private key, possibly
/// encrypted with \p password; or PKCS#12). Throws CredentialError saying
/// what is wrong with the file (never the password).
ClientCertificate load_client_certificate(const std::string& path, const std::string& password);

constexpr std::int64_t kAssertionLifetimeSeconds = 600;

/// A signed client assertion for \p audience (the token endpoint URL).
std::string make_client_assertion(const ClientCertificate& cert, const std::string& audience,
                                  const std::string& client_id, bool send_chain, std::int64_t now);

}  // namespace milink::credentials
