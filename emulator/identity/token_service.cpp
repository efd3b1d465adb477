#include "identity/token_service.hpp"

#include "http/tls_material.hpp"
#include "state/time_util.hpp"
#include "state/x509.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace milink::emulator::identity {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

GeneratedCertificate self_signed(const std::string& cn) {
  CertificateRequest req;
  req.subject_cn = cn;
  req.extra_subject = {{"O", "milink emulator"}};
  SqlDateTime now = add_seconds(now_utc(), -clock_offset_seconds());  // the real clock: clients check it
  now.nanosecond = 0;
  req.not_before = add_days(now, -1);
  req.not_after = add_years(now, 5);
  return generate_certificate(req);
}

std::string bn_param_b64url(const std::string& key_pem, const char* name) {
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  std::string out;
  BIGNUM* bn = nullptr;
  if (k && EVP_PKEY_get_bn_param(k, name, &bn) == 1) {
    Bytes b(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, b.data());
    out = http::base64url_encode(b);
  }
  BN_free(bn);
  EVP_PKEY_free(k);
  ERR_clear_error();
  return out;
}

}  // namespace

TokenService::TokenService() {
  GeneratedCertificate signing = self_signed("milink emulator token signing");
  signing_key_ = RsaKey::from_private_pem(signing.private_key_pem);
  signing_cert_der_ = signing.info.der;
  kid_ = http::base64url_encode(http::sha1(signing_cert_der_));
  federation_kid_ = http::new_guid_lower();
  federation_issuer_ = "https://oidc.milink-emulator.invalid/" + federation_kid_.substr(0, 8) + "/";
  jwks_n_ = bn_param_b64url(signing.private_key_pem, OSSL_PKEY_PARAM_RSA_N);
  jwks_e_ = bn_param_b64url(signing.private_key_pem, OSSL_PKEY_PARAM_RSA_E);
}

std::string TokenService::issuer_for(const std::string& tenant_id) { return "https://sts.windows.net/" + tenant_id + "/"; }

const std::vector<std::string>& TokenService::arm_audiences() {
  static const std::vector<std::string> a = {"https://management.core.windows.net/", "https://management.core.windows.net",
                                             "https://management.azure.com/", "https://management.azure.com"};
  return a;
}

std::string TokenService::mint(const TokenClaims& c) const {
  std::int64_t iat = c.issued_at ? c.issued_at : http::unix_now();
  std::int64_t nbf = c.not_before ? c.not_before : iat;
  std::int64_t exp = c.expires_at ? c.expires_at : iat + 3599;
  Object header{{"typ", Value("JWT")}, {"alg", Value("RS256")}, {"x5t", Value(kid_)}, {"kid", Value(kid_)}};
  std::string iss = issuer_for(c.tenant_id);
  Object claims{{"aud", Value(c.audience)},
                {"iss", Value(iss)},
                {"iat", Value(iat)},
                {"nbf", Value(nbf)},
                {"exp", Value(exp)},
                {"aio", Value(http::base64url_encode(http::new_guid_lower()))},
                {"appid", Value(c.app_id)},
                {"appidacr", Value(c.appidacr)},
                {"idp", Value(iss)},
                {"idtyp", Value("app")},
                {"oid", Value(c.object_id)},
                {"rh", Value("0.emulator.")},
                {"sub", Value(c.object_id)},
                {"tid", Value(c.tenant_id)},
                {"uti", Value(http::base64url_encode(http::new_guid_lower()).substr(0, 22))},
                {"ver", Value("1.0")}};
  if (!c.resource_id.empty()) claims.set("xms_mirid", Value(c.resource_id));
  return sign_jwt(header, claims, signing_key_);
}

TokenCheck TokenService::check_arm_token(const std::string& token, std::int64_t now, int skew_seconds) const {
  TokenCheck out;
  std::string err;
  auto jwt = parse_jwt(token, &err);
  if (!jwt) {
    out.problem = TokenProblem::Malformed;
    out.detail = err;
    return out;
  }
  out.audience = jwt->claim("aud");
  out.issuer = jwt->claim("iss");
  out.tenant_id = jwt->claim("tid");
  out.app_id = jwt->claim("appid");
  out.object_id = jwt->claim("oid");
  out.expires_at = jwt->time_claim("exp").value_or(0);
  out.not_before = jwt->time_claim("nbf").value_or(0);
  std::string alg = jwt->header_value("alg");
  std::string kid = jwt->header_value("kid");
  if (kid.empty()) kid = jwt->header_value("x5t");
  if (alg != "RS256" || kid != kid_ || !signing_key_.verify(alg, jwt->signing_input, jwt->signature)) {
    out.problem = TokenProblem::BadSignature;
    out.detail = "signature does not verify with the emulator's token-signing key";
    return out;
  }
  if (!jwt->time_claim("exp")) {
    out.problem = TokenProblem::Malformed;
    out.detail = "no exp claim";
    return out;
  }
  if (out.expires_at + skew_seconds < now) {
    out.problem = TokenProblem::Expired;
    return out;
  }
  if (out.not_before > now + skew_seconds) {
    out.problem = TokenProblem::NotYetValid;
    return out;
  }
  bool audience_ok = false;
  for (const auto& a : arm_audiences())
    if (a == out.audience) audience_ok = true;
  if (!audience_ok) {
    out.problem = TokenProblem::WrongAudience;
    return out;
  }
  if (out.tenant_id.empty() || out.issuer != issuer_for(out.tenant_id)) {
    out.problem = TokenProblem::WrongIssuer;
    return out;
  }
  return out;
}

Value TokenService::jwks() const {
  Object key{{"kty", Value("RSA")},
             {"use", Value("sig")},
             {"kid", Value(kid_)},
             {"x5t", Value(kid_)},
             {"n", Value(jwks_n_)},
             {"e", Value(jwks_e_)},
             {"x5c", Value(Array{Value(http::base64_encode(signing_cert_der_))})}};
  return Value(Object{{"keys", Value(Array{Value(key)})}});
}

std::string TokenService::mint_federated_token(const std::string& subject, const std::string& audience,
                                               std::int64_t lifetime_seconds, std::int64_t not_before_offset) const {
  std::int64_t now = http::unix_now();
  Object header{{"alg", Value("RS256")}, {"kid", Value(federation_kid_)}, {"typ", Value("JWT")}};
  Object claims{{"aud", Value(Array{Value(audience)})},
                {"exp", Value(now + lifetime_seconds)},
                {"iat", Value(now)},
                {"iss", Value(federation_issuer_)},
                {"jti", Value(http::new_guid_lower())},
                {"nbf", Value(now + not_before_offset)},
                {"sub", Value(subject)}};
  return sign_jwt(header, claims, federation_key());
}

bool TokenService::federated_signature_valid(const Jwt& jwt) const {
  return jwt.header_value("alg") == "RS256" && federation_key().verify("RS256", jwt.signing_input, jwt.signature);
}

const RsaKey& TokenService::federation_key() const {
  std::call_once(federation_once_, [this] { federation_key_ = RsaKey::generate(2048); });
  return federation_key_;
}

}  // namespace milink::emulator::identity
