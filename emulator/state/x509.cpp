#include "state/x509.hpp"

#include "state/time_util.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace milink::emulator {

namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using EntryPtr = std::unique_ptr<X509_NAME_ENTRY, Deleter<X509_NAME_ENTRY, X509_NAME_ENTRY_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
  char buf[256] = {0};
  unsigned long e = ERR_get_error();
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  throw std::runtime_error(std::string("OpenSSL: ") + what + (e ? std::string(": ") + buf : std::string()));
}

std::string name_line(X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order reversed to read like Windows shows it: "CN=x, O=y".
  X509_NAME_print_ex(bio.get(), name, 0, (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_SPC_EQ) | ASN1_STRFLGS_UTF8_CONVERT);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string common_name(X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  X509_NAME_ENTRY* e = X509_NAME_get_entry(name, idx);
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(e);
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

SqlDateTime from_asn1(const ASN1_TIME* t) {
  struct tm tm;
  std::memset(&tm, 0, sizeof tm);
  if (!ASN1_TIME_to_tm(t, &tm)) return SqlDateTime{};
  SqlDateTime d;
  d.year = tm.tm_year + 1900;
  d.month = tm.tm_mon + 1;
  d.day = tm.tm_mday;
  d.hour = tm.tm_hour;
  d.minute = tm.tm_min;
  d.second = tm.tm_sec;
  return d;
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  // Built by hand (UTF8String, no length table) so that subjects longer than
  // X.520's 64 characters still work, as SQL Server's do.
  ASN1_OBJECT* obj = OBJ_txt2obj(field, 0);
  if (!obj) fail("unknown name field");
  EntryPtr entry(X509_NAME_ENTRY_create_by_OBJ(nullptr, obj, V_ASN1_UTF8STRING,
                                               reinterpret_cast<const unsigned char*>(value.data()),
                                               static_cast<int>(value.size())));
  ASN1_OBJECT_free(obj);
  if (!entry || !X509_NAME_add_entry(name, entry.get(), -1, 0)) fail("X509_NAME_add_entry");
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) fail("X509_add_ext");
}

CertificateInfo describe(X509* x, const std::vector<std::uint8_t>& der) {
  CertificateInfo info;
  info.der = der;
  info.subject_dn = name_line(X509_get_subject_name(x));
  info.subject_cn = common_name(X509_get_subject_name(x));
  info.issuer_dn = name_line(X509_get_issuer_name(x));
  info.issuer_cn = common_name(X509_get_issuer_name(x));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr)) {
    info.serial.resize(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, info.serial.data());
    BN_free(bn);
  }
  info.not_before = from_asn1(X509_get0_notBefore(x));
  info.not_after = from_asn1(X509_get0_notAfter(x));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  X509_digest(x, EVP_sha1(), md, &mdlen);
  info.sha1.assign(md, md + mdlen);
  if (EVP_PKEY* pk = X509_get0_pubkey(x)) info.key_bits = EVP_PKEY_get_bits(pk);
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
      if (g->type == GEN_DNS) {
        const unsigned char* p = ASN1_STRING_get0_data(g->d.dNSName);
        info.dns_names.emplace_back(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(ASN1_STRING_length(g->d.dNSName)));
      }
    }
    GENERAL_NAMES_free(names);
  }
  info.self_signed = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
  return info;
}

X509Ptr x509_from_der(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x || p != der.data() + der.size()) return nullptr;
  return x;
}

PkeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

void set_time(ASN1_TIME* field, const SqlDateTime& t) {
  if (!ASN1_TIME_set(field, static_cast<time_t>(to_unix_seconds(t)))) fail("ASN1_TIME_set");
}

}  // namespace

GeneratedCertificate generate_certificate(const CertificateRequest& request, const GeneratedCertificate* issuer) {
  PkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(request.key_bits)));
  if (!key) fail("EVP_RSA_gen");
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);  // v3

  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7F;  // positive
  serial[0] |= 0x01;  // and 16 bytes long
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = BN_to_ASN1_INTEGER(bn, nullptr);
  X509_set_serialNumber(cert.get(), sn);
  ASN1_INTEGER_free(sn);
  BN_free(bn);

  set_time(X509_getm_notBefore(cert.get()), request.not_before);
  set_time(X509_getm_notAfter(cert.get()), request.not_after);

  NamePtr subject(X509_NAME_new());
  if (!request.subject_cn.empty()) add_name_entry(subject.get(), "CN", request.subject_cn);
  for (const auto& [field, value] : request.extra_subject) add_name_entry(subject.get(), field.c_str(), value);
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_pubkey(cert.get(), key.get());

  X509Ptr issuer_cert;
  PkeyPtr issuer_key;
  if (issuer) {
    issuer_cert = x509_from_der(issuer->info.der);
    issuer_key = key_from_pem(issuer->private_key_pem);
    if (!issuer_cert || !issuer_key) fail("issuer certificate or key");
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
  } else {
    X509_set_issuer_name(cert.get(), subject.get());
  }
  X509* signer_cert = issuer ? issuer_cert.get() : cert.get();
  if (request.is_ca) {
    add_extension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
  } else if (issuer || !request.dns_names.empty()) {
    add_extension(cert.get(), signer_cert, NID_basic_constraints, "CA:FALSE");
    add_extension(cert.get(), signer_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(cert.get(), signer_cert, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  if (!request.dns_names.empty()) {
    std::string san;
    for (const auto& d : request.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
    add_extension(cert.get(), signer_cert, NID_subject_alt_name, san);
  }
  if (issuer) add_extension(cert.get(), signer_cert, NID_authority_key_identifier, "keyid:always");

  if (!X509_sign(cert.get(), issuer ? issuer_key.get() : key.get(), EVP_sha256())) fail("X509_sign");

  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) fail("i2d_X509");
  std::vector<std::uint8_t> der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(cert.get(), &p);

  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) fail("PEM_write");
  char* data = nullptr;
  long plen = BIO_get_mem_data(bio.get(), &data);

  GeneratedCertificate out;
  out.info = describe(cert.get(), der);
  out.private_key_pem.assign(data, static_cast<std::size_t>(plen));
  return out;
}

std::optional<CertificateInfo> parse_certificate_der(const std::vector<std::uint8_t>& der) {
  if (der.empty()) return std::nullopt;
  X509Ptr x = x509_from_der(der);
  ERR_clear_error();
  if (!x) return std::nullopt;
  return describe(x.get(), der);
}

bool certificate_signed_by(const std::vector<std::uint8_t>& der, const std::vector<std::uint8_t>& issuer_der) {
  // A pure function of two certificates that the link simulation asks on
  // every statement for every link: parsing and verifying each time made a
  // 20-database emulator spend its time in OpenSSL. Remember the answers.
  static std::mutex mu;
  static std::map<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>, bool> known;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = known.find({der, issuer_der});
    if (it != known.end()) return it->second;
  }
  X509Ptr x = x509_from_der(der), i = x509_from_der(issuer_der);
  bool ok = false;
  if (x && i) {
    EVP_PKEY* pk = X509_get0_pubkey(i.get());
    ok = pk && X509_verify(x.get(), pk) == 1;
  }
  ERR_clear_error();
  std::lock_guard<std::mutex> lock(mu);
  if (known.size() > 4096) known.clear();  // bounded: certificates are few, but never unbounded
  known.emplace(std::make_pair(der, issuer_der), ok);
  return ok;
}

bool private_key_matches(const std::vector<std::uint8_t>& der, const std::string& private_key_pem) {
  X509Ptr x = x509_from_der(der);
  PkeyPtr k = key_from_pem(private_key_pem);
  bool ok = x && k && X509_check_private_key(x.get(), k.get()) == 1;
  ERR_clear_error();
  return ok;
}

std::string serial_display(const std::vector<std::uint8_t>& serial) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < serial.size(); ++i) {
    if (i) out += ' ';
    out += hex[serial[i] >> 4];
    out += hex[serial[i] & 0xF];
  }
  return out;
}

}  // namespace milink::emulator
