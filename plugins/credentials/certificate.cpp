#include "certificate.hpp"

#include "common.hpp"

#include <milink/sdk/base64.hpp>
#include <milink/sdk/value.hpp>

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstring>

namespace milink::credentials {

void PkeyDeleter::operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }

namespace {

constexpr auto kUrl = sdk::base64::Alphabet::url;

struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

constexpr std::size_t kMaxCertificateFile = 1 << 20;

/// Password callback: never prompts on a terminal (OpenSSL would without one).
int password_cb(char* buf, int size, int /*rwflag*/, void* u) {
  const std::string* pw = static_cast<const std::string*>(u);
  if (pw == nullptr || pw->empty()) return -1;
  if (static_cast<int>(pw->size()) > size) return -1;
  std::memcpy(buf, pw->data(), pw->size());
  return static_cast<int>(pw->size());
}

std::string der_of(X509* x) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(x, &buf);
  if (len <= 0) throw CredentialError("cannot encode the certificate as DER");
  std::string out(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string digest(const std::string& data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) throw CredentialError("hashing failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

struct Loaded {
  std::vector<X509Ptr> certs;
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key;
};

Loaded load_pem(const std::string& text, const std::string& path, const std::string& password) {
  Loaded out;
  {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    for (;;) {
      X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
      if (x == nullptr) break;
      out.certs.emplace_back(x);
    }
    ERR_clear_error();  // the loop ends with "no start line"
  }
  if (out.certs.empty())
    throw CredentialError("the certificate file " + path +
                          " holds no PEM CERTIFICATE block; it must contain the certificate and its private key");
  const bool encrypted = text.find("ENCRYPTED") != std::string::npos;
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, password_cb, const_cast<std::string*>(&password));
  ERR_clear_error();
  if (k == nullptr) {
    if (encrypted && password.empty())
      throw CredentialError("the private key in " + path + " is encrypted; set certificate_password");
    if (encrypted)
      throw CredentialError("the private key in " + path + " could not be decrypted; check certificate_password");
    if (text.find("PRIVATE KEY") == std::string::npos)
      throw CredentialError("the certificate file " + path +
                            " holds no private key; put the certificate and its PEM private key in one file");
    throw CredentialError("the private key in " + path + " could not be read (unsupported or damaged PEM)");
  }
  out.key.reset(k);
  return out;
}

Loaded load_pkcs12(const std::string& data, const std::string& path, const std::string& password) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  PKCS12* p12 = d2i_PKCS12_bio(bio.get(), nullptr);
  if (p12 == nullptr) {
    ERR_clear_error();
    throw CredentialError("the certificate file " + path + " is neither PEM nor PKCS#12 (PFX)");
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  int ok = PKCS12_parse(p12, password.c_str(), &key, &cert, &ca);
  PKCS12_free(p12);
  unsigned long err = ok == 1 ? 0 : ERR_peek_last_error();
  ERR_clear_error();
  if (ok != 1) {
    if (ERR_GET_REASON(err) == PKCS12_R_MAC_VERIFY_FAILURE)
      throw CredentialError("the PKCS#12 file " + path + " could not be opened: check certificate_password");
    throw CredentialError("the PKCS#12 file " + path +
                          " could not be read (wrong certificate_password, or legacy RC2/3DES encryption: convert it "
                          "with `openssl pkcs12 -legacy -in FILE -nodes -out cert.pem`)");
  }
  Loaded out;
  out.key.reset(key);
  if (cert != nullptr) out.certs.emplace_back(cert);
  if (ca != nullptr) {
    for (int i = 0; i < sk_X509_num(ca); ++i) out.certs.emplace_back(sk_X509_value(ca, i));
    sk_X509_free(ca);  // the certificates now belong to out.certs
  }
  if (!out.key) throw CredentialError("the PKCS#12 file " + path + " holds no private key");
  if (out.certs.empty()) throw CredentialError("the PKCS#12 file " + path + " holds no certificate");
  return out;
}

}  // namespace

ClientCertificate load_client_certificate(const std::string& path, const std::string& password) {
  if (path.empty()) throw CredentialError("no certificate: set certificate_path to a PEM file with the certificate and its key");
  const std::string data = read_small_file(path, kMaxCertificateFile, "certificate file");
  Loaded l = data.find("-----BEGIN") != std::string::npos ? load_pem(data, path, password)
                                                          : load_pkcs12(data, path, password);
  if (EVP_PKEY_get_base_id(l.key.get()) != EVP_PKEY_RSA)
    throw CredentialError("the private key in " + path + " is not an RSA key; Entra ID client certificates must be RSA");

  // The certificate the assertion names is the one whose public key matches.
  std::size_t leaf = l.certs.size();
  for (std::size_t i = 0; i < l.certs.size(); ++i) {
    EVP_PKEY* pub = X509_get0_pubkey(l.certs[i].get());
    if (pub != nullptr && EVP_PKEY_eq(pub, l.key.get()) == 1) {
      leaf = i;
      break;
    }
  }
  ERR_clear_error();
  if (leaf == l.certs.size())
    throw CredentialError("no certificate in " + path + " matches its private key; is it the right key?");

  ClientCertificate out;
  out.chain_der.push_back(der_of(l.certs[leaf].get()));
  for (std::size_t i = 0; i < l.certs.size(); ++i)
    if (i != leaf) out.chain_der.push_back(der_of(l.certs[i].get()));
  out.x5t = sdk::base64::encode(digest(out.chain_der[0], EVP_sha1()), kUrl);
  out.x5t_s256 = sdk::base64::encode(digest(out.chain_der[0], EVP_sha256()), kUrl);
  out.key = std::move(l.key);
  return out;
}

std::string make_client_assertion(const ClientCertificate& cert, const std::string& audience,
                                  const std::string& client_id, bool send_chain, std::int64_t now) {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("x5t", cert.x5t);
  token.header().set("x5t#S256", cert.x5t_s256);
  if (send_chain) {
    Poco::JSON::Array::Ptr x5c = new Poco::JSON::Array;
    for (const auto& der : cert.chain_der) x5c->add(sdk::base64::encode(der));
    token.header().set("x5c", x5c);
  }
  // Whole seconds, as integers (Token's own time setters write fractions).
  Poco::JSON::Object& claims = token.payload();
  claims.set("aud", audience);
  claims.set("iss", client_id);
  claims.set("sub", client_id);
  claims.set("jti", random_guid());
  claims.set("nbf", static_cast<Poco::Int64>(now));
  claims.set("iat", static_cast<Poco::Int64>(now));
  claims.set("exp", static_cast<Poco::Int64>(now + kAssertionLifetimeSeconds));
  try {
    // EVPPKey copies the key; the certificate keeps its own.
    Poco::SharedPtr<Poco::Crypto::RSAKey> key(new Poco::Crypto::RSAKey(Poco::Crypto::EVPPKey(cert.key.get())));
    Poco::JWT::Signer signer(key);
    signer.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
    return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
  } catch (const Poco::Exception&) {
    throw CredentialError("signing the client assertion with the certificate's private key failed");
  }
}

}  // namespace milink::credentials
