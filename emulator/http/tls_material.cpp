#include "http/tls_material.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <stdexcept>

namespace milink::emulator::http {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct NameFree {
  void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};

[[noreturn]] void fail(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error("server certificate: " + what + (e ? std::string(": ") + buf : std::string()));
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace

ServerTlsMaterial issue_server_certificate(const GeneratedCertificate& ca, const std::vector<std::string>& dns_names,
                                           const std::vector<std::string>& ip_addresses) {
  const unsigned char* p = ca.info.der.data();
  std::unique_ptr<X509, X509Free> ca_cert(d2i_X509(nullptr, &p, static_cast<long>(ca.info.der.size())));
  std::unique_ptr<BIO, BioFree> kbio(BIO_new_mem_buf(ca.private_key_pem.data(), static_cast<int>(ca.private_key_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> ca_key(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
  if (!ca_cert || !ca_key) fail("unreadable CA");

  // An ECDSA P-256 key: what the client sees is the chain to the RSA CA;
  // generating it takes a millisecond where RSA 2048 takes a good fraction
  // of a second (every test process starts an emulator).
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) fail("EVP_EC_gen");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7F) | 0x01);
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = BN_to_ASN1_INTEGER(bn, nullptr);
  X509_set_serialNumber(cert.get(), sn);
  ASN1_INTEGER_free(sn);
  BN_free(bn);
  std::time_t now = std::time(nullptr);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), now - 86400);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), now + 365L * 86400);
  std::unique_ptr<X509_NAME, NameFree> subject(X509_NAME_new());
  std::string cn = dns_names.empty() ? std::string("localhost") : dns_names.front();
  X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject.get(), "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("milink emulator"), -1, -1, 0);
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  X509_set_pubkey(cert.get(), key.get());
  add_ext(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  if (!san.empty()) add_ext(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  add_ext(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  add_ext(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  if (!X509_sign(cert.get(), ca_key.get(), EVP_sha256())) fail("X509_sign");

  ServerTlsMaterial out;
  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) fail("i2d_X509");
  out.certificate_der.resize(static_cast<std::size_t>(len));
  unsigned char* w = out.certificate_der.data();
  i2d_X509(cert.get(), &w);
  out.certificate_pem = der_to_pem(out.certificate_der);
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) fail("PEM_write");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  out.private_key_pem.assign(data, static_cast<std::size_t>(n));
  out.ca_pem = der_to_pem(ca.info.der);
  return out;
}

std::string der_to_pem(const Bytes& der, const std::string& label) {
  std::string b64 = base64_encode(der);
  std::string out = "-----BEGIN " + label + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END " + label + "-----\n";
  return out;
}

std::optional<Bytes> certificate_pem_to_der(const std::string& pem) {
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  std::size_t b = pem.find(begin);
  if (b == std::string::npos) return std::nullopt;
  std::size_t e = pem.find(end, b);
  if (e == std::string::npos) return std::nullopt;
  std::string body;
  for (std::size_t i = b + begin.size(); i < e; ++i)
    if (!std::isspace(static_cast<unsigned char>(pem[i]))) body += pem[i];
  return base64_decode(body);
}

Bytes sha1(const Bytes& data) {
  Bytes out(SHA_DIGEST_LENGTH);
  SHA1(data.data(), data.size(), out.data());
  return out;
}

Bytes sha256(const Bytes& data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

}  // namespace milink::emulator::http
