#include "identity/jwt.hpp"

#include <milink/sdk/json.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace milink::emulator::identity {

namespace {

EVP_PKEY* pkey(const std::shared_ptr<void>& p) { return static_cast<EVP_PKEY*>(p.get()); }

std::shared_ptr<void> wrap(EVP_PKEY* k) {
  return std::shared_ptr<void>(k, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

bool configure(EVP_PKEY_CTX* pctx, const std::string& alg) {
  if (alg == "RS256") return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  if (alg == "PS256")
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
  return false;
}

}  // namespace

RsaKey RsaKey::generate(int bits) {
  EVP_PKEY* k = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (!k) throw std::runtime_error("EVP_RSA_gen failed");
  RsaKey out;
  out.key_ = wrap(k);
  out.private_ = true;
  return out;
}

RsaKey RsaKey::from_private_pem(const std::string& pem) {
  RsaKey out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (k && EVP_PKEY_base_id(k) == EVP_PKEY_RSA) {
    out.key_ = wrap(k);
    out.private_ = true;
  } else if (k) {
    EVP_PKEY_free(k);
  }
  return out;
}

RsaKey RsaKey::from_certificate_der(const Bytes& der) {
  RsaKey out;
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x) {
    EVP_PKEY* k = X509_get_pubkey(x);
    if (k && EVP_PKEY_base_id(k) == EVP_PKEY_RSA) out.key_ = wrap(k);
    else if (k) EVP_PKEY_free(k);
    X509_free(x);
  }
  ERR_clear_error();
  return out;
}

std::string RsaKey::private_pem() const {
  if (!private_) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey(key_), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

Bytes RsaKey::sign(const std::string& alg, std::string_view input) const {
  if (alg != "RS256" && alg != "PS256") throw std::invalid_argument("unsupported JWT algorithm " + alg);
  if (!private_) throw std::logic_error("RsaKey::sign without a private key");
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  Bytes sig;
  if (EVP_DigestSignInit(md, &pctx, EVP_sha256(), nullptr, pkey(key_)) == 1 && configure(pctx, alg)) {
    std::size_t len = 0;
    if (EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
      sig.resize(len);
      if (EVP_DigestSign(md, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1)
        sig.resize(len);
      else
        sig.clear();
    }
  }
  EVP_MD_CTX_free(md);
  ERR_clear_error();
  if (sig.empty()) throw std::runtime_error("JWT signing failed");
  return sig;
}

bool RsaKey::verify(const std::string& alg, std::string_view input, const Bytes& signature) const {
  if (!key_ || (alg != "RS256" && alg != "PS256")) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), nullptr, pkey(key_)) == 1 && configure(pctx, alg) &&
            EVP_DigestVerify(md, signature.data(), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  ERR_clear_error();
  return ok;
}

std::string Jwt::claim(const std::string& name) const {
  const milink::sdk::Value* v = claims.find(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::string Jwt::header_value(const std::string& name) const {
  const milink::sdk::Value* v = header.find(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::optional<std::int64_t> Jwt::time_claim(const std::string& name) const {
  const milink::sdk::Value* v = claims.find(name);
  if (!v || !v->is_number()) return std::nullopt;
  return v->is_int() ? v->as_int() : static_cast<std::int64_t>(v->as_double());
}

std::optional<Jwt> parse_jwt(const std::string& token, std::string* error) {
  auto fail = [&](const std::string& e) -> std::optional<Jwt> {
    if (error) *error = e;
    return std::nullopt;
  };
  std::size_t d1 = token.find('.');
  std::size_t d2 = d1 == std::string::npos ? std::string::npos : token.find('.', d1 + 1);
  if (d1 == std::string::npos || d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos)
    return fail("not three dot-separated parts");
  auto h = http::base64url_decode(std::string_view(token).substr(0, d1));
  auto c = http::base64url_decode(std::string_view(token).substr(d1 + 1, d2 - d1 - 1));
  auto s = http::base64url_decode(std::string_view(token).substr(d2 + 1));
  if (!h || !c || !s) return fail("a part is not base64url");
  Jwt jwt;
  try {
    milink::sdk::Value hv = milink::sdk::parse_json(std::string(h->begin(), h->end()), "<jwt header>");
    milink::sdk::Value cv = milink::sdk::parse_json(std::string(c->begin(), c->end()), "<jwt claims>");
    if (!hv.is_object() || !cv.is_object()) return fail("header or claims is not a JSON object");
    jwt.header = hv.as_object();
    jwt.claims = cv.as_object();
  } catch (const std::exception& e) {
    return fail(std::string("header or claims is not JSON: ") + e.what());
  }
  jwt.signing_input = token.substr(0, d2);
  jwt.signature = std::move(*s);
  return jwt;
}

std::string sign_jwt(const milink::sdk::Object& header, const milink::sdk::Object& claims, const RsaKey& key,
                     const std::string& alg) {
  const milink::sdk::Value* named = header.find("alg");
  std::string input = http::base64url_encode(milink::sdk::Value(header).to_json()) + "." +
                      http::base64url_encode(milink::sdk::Value(claims).to_json());
  Bytes sig = key.sign(!alg.empty() ? alg : named && named->is_string() ? named->as_string() : "RS256", input);
  return input + "." + http::base64url_encode(sig);
}

}  // namespace milink::emulator::identity
