#include "http/x509_text.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace milink::http {

std::string name_of(X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data != nullptr ? data : "", len > 0 ? static_cast<std::size_t>(len) : 0);
  BIO_free(bio);
  return out;
}

std::string alt_names(X509* cert) {
  std::string out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    std::string item;
    if (n->type == GEN_DNS) {
      const unsigned char* d = ASN1_STRING_get0_data(n->d.dNSName);
      item = "DNS:" + std::string(reinterpret_cast<const char*>(d), ASN1_STRING_length(n->d.dNSName));
    } else if (n->type == GEN_IPADD) {
      const unsigned char* d = ASN1_STRING_get0_data(n->d.iPAddress);
      int len = ASN1_STRING_length(n->d.iPAddress);
      if (len == 4) {
        item = "IP:" + std::to_string(d[0]) + "." + std::to_string(d[1]) + "." + std::to_string(d[2]) + "." +
               std::to_string(d[3]);
      } else {
        item = "IP:(IPv6)";
      }
    }
    if (!item.empty()) out += (out.empty() ? "" : ", ") + item;
  }
  GENERAL_NAMES_free(names);
  return out;
}

bool host_matches(X509* cert, const std::string& host) {
  if (host.empty()) return false;
  if (host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos)
    return X509_check_ip_asc(cert, host.c_str(), 0) == 1;
  return X509_check_host(cert, host.data(), host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
}

bool load_ca_file(const std::string& path, const std::string& setting, X509_STORE* store, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = setting + ": cannot read \"" + path + "\": " + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string pem = ss.str();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    error = setting + ": out of memory";
    return false;
  }
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, cert) == 1) ++count;
    X509_free(cert);
  }
  ERR_clear_error();  // the read loop ends with "no start line"
  BIO_free(bio);
  if (count == 0) {
    error = setting + ": \"" + path +
            "\" contains no PEM certificate (expected one or more \"-----BEGIN CERTIFICATE-----\" blocks)";
    return false;
  }
  return true;
}

}  // namespace milink::http
