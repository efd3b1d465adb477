//===- emulator/identity/token_service.hpp - Entra's signing keys -*- C++ -*-===//
///
/// \file
/// What the emulated Entra ID signs with, and what ARM checks tokens
/// against: an RSA 2048 token-signing key with a self-signed certificate
/// (its base64url SHA-1 is the tokens' "x5t" and "kid", as Entra's are),
/// issuing v1.0 access tokens shaped like the ones ARM receives (aud, iss
/// https://sts.windows.net/{tenant}/, iat, nbf, exp, appid, appidacr, idp,
/// oid, sub, tid, uti, ver). A second key plays an external OIDC issuer (a
/// Kubernetes cluster, GitHub Actions) for workload identity federation: the
/// emulator mints the "federated tokens" such an issuer would write to
/// AZURE_FEDERATED_TOKEN_FILE, and trusts them when a federated credential
/// names that issuer.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "identity/jwt.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace milink::emulator::identity {

/// The claims of an access token the emulator issues.
struct TokenClaims {
  std::string tenant_id;
  std::string audience = "https://management.azure.com/";
  std::string app_id;       ///< appid: the client (service principal or managed identity)
  std::string object_id;    ///< oid and sub
  std::string appidacr = "1";  ///< "1" secret, "2" certificate/assertion, "0" managed identity
  std::int64_t issued_at = 0;   ///< 0: now
  std::int64_t not_before = 0;  ///< 0: issued_at
  std::int64_t expires_at = 0;  ///< 0: issued_at + 3599
  std::string resource_id;  ///< xms_mirid, for managed identities (optional)
};

/// Why a bearer token is not acceptable to ARM.
enum class TokenProblem { None, Malformed, BadSignature, Expired, NotYetValid, WrongAudience, WrongIssuer };

struct TokenCheck {
  TokenProblem problem = TokenProblem::None;
  std::string detail;         ///< for logs and messages (no token text)
  std::string audience;       ///< aud, when readable
  std::string issuer;         ///< iss, when readable
  std::string tenant_id;      ///< tid, when readable
  std::string app_id;
  std::string object_id;
  std::int64_t expires_at = 0;
  std::int64_t not_before = 0;
};

class TokenService {
public:
  TokenService();

  /// The issuer Entra puts in v1.0 tokens: "https://sts.windows.net/{tenant}/".
  static std::string issuer_for(const std::string& tenant_id);
  /// The audiences ARM accepts (its error message lists them in this order).
  static const std::vector<std::string>& arm_audiences();

  std::string mint(const TokenClaims& claims) const;
  /// Checks signature (RS256 by the token-signing key), lifetime with
  /// \p skew_seconds of tolerance, audience against arm_audiences() and the
  /// issuer's form. The tenant is for the caller to compare.
  TokenCheck check_arm_token(const std::string& token, std::int64_t now, int skew_seconds = 300) const;

  /// base64url SHA-1 of the token-signing certificate: the tokens' x5t and kid.
  const std::string& key_id() const { return kid_; }
  const Bytes& signing_certificate_der() const { return signing_cert_der_; }
  /// {"keys": [{"kty":"RSA","use":"sig","kid":...,"x5t":...,"n":...,"e":...,"x5c":[...]}]}
  milink::sdk::Value jwks() const;

  /// The emulated external OIDC issuer for workload identity federation.
  const std::string& federation_issuer() const { return federation_issuer_; }
  /// A token that issuer would hand a workload: iss, sub, aud, iat, nbf, exp, jti.
  std::string mint_federated_token(const std::string& subject, const std::string& audience,
                                   std::int64_t lifetime_seconds, std::int64_t not_before_offset = 0) const;
  /// True when \p jwt carries a valid RS256 signature of the federation issuer's key.
  bool federated_signature_valid(const Jwt& jwt) const;

private:
  RsaKey signing_key_;
  Bytes signing_cert_der_;
  std::string kid_;
  std::string jwks_n_, jwks_e_;
  /// Generated on first use (most runs never federate).
  const RsaKey& federation_key() const;
  mutable std::once_flag federation_once_;
  mutable RsaKey federation_key_;
  std::string federation_kid_;
  std::string federation_issuer_;
};

}  // namespace milink::emulator::identity
