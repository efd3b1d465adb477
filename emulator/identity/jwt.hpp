//===- emulator/identity/jwt.hpp - JSON Web Tokens, RS256 and PS256 -*- C++ -*-===//
///
/// \file
/// Compact-serialised JWTs (RFC 7519) signed with RSA: RS256
/// (RSASSA-PKCS1-v1_5 with SHA-256) and PS256 (RSASSA-PSS with SHA-256, MGF1
/// SHA-256, salt length 32), the two algorithms Entra ID accepts for client
/// assertions. The emulator signs its access tokens with RS256, as Entra does.
/// milink itself reads and signs JWTs with Poco::JWT; the emulator has this
/// module because Poco::JWT has no PS256, which Entra ID accepts. The tests
/// of the emulator's identity side sign and read tokens with it too.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/encoding.hpp"

#include <milink/sdk/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace milink::emulator::identity {

using http::Bytes;

/// An RSA key: private (can sign) or public only (from a certificate).
class RsaKey {
public:
  RsaKey() = default;
  /// A new key. Throws std::runtime_error when OpenSSL fails.
  static RsaKey generate(int bits = 2048);
  /// From a PEM private key (PKCS#1 or PKCS#8); invalid() when unreadable.
  static RsaKey from_private_pem(const std::string& pem);
  /// The public key of a DER certificate; invalid() when unreadable or not RSA.
  static RsaKey from_certificate_der(const Bytes& der);

  bool valid() const { return static_cast<bool>(key_); }
  bool has_private() const { return private_; }
  /// PKCS#8 PEM (private keys only).
  std::string private_pem() const;
  /// "RS256" or "PS256". Throws std::invalid_argument for other algorithms.
  Bytes sign(const std::string& alg, std::string_view input) const;
  bool verify(const std::string& alg, std::string_view input, const Bytes& signature) const;

private:
  std::shared_ptr<void> key_;  ///< EVP_PKEY
  bool private_ = false;
};

struct Jwt {
  milink::sdk::Object header;
  milink::sdk::Object claims;
  std::string signing_input;  ///< "<header b64url>.<payload b64url>"
  Bytes signature;

  /// A string claim or header member, or "" when absent or not a string.
  std::string claim(const std::string& name) const;
  std::string header_value(const std::string& name) const;
  /// A numeric claim (NumericDate), or nullopt.
  std::optional<std::int64_t> time_claim(const std::string& name) const;
};

/// Splits and decodes \p token; nullopt (with \p error set) when it is not
/// three base64url parts whose first two are JSON objects.
std::optional<Jwt> parse_jwt(const std::string& token, std::string* error = nullptr);

/// "<b64url(header)>.<b64url(claims)>.<b64url(signature)>", signed with
/// \p alg, or when empty the algorithm named by header.alg (tests pass
/// another to forge a token whose header lies).
std::string sign_jwt(const milink::sdk::Object& header, const milink::sdk::Object& claims, const RsaKey& key,
                     const std::string& alg = "");

}  // namespace milink::emulator::identity
