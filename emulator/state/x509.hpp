//===- emulator/state/x509.hpp - Real X.509 certificates ---------*- C++ -*-===//
///
/// \file
/// Certificates the emulated servers create and import: RSA keys and X.509
/// DER built with OpenSSL, so what CERTENCODED or sp_get_endpoint_certificate
/// returns parses anywhere (openssl x509 -inform DER, ARM's
/// serverTrustCertificates, ...).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace milink::emulator {

using milink::sdk::SqlDateTime;

/// What a certificate says about itself.
struct CertificateInfo {
  std::vector<std::uint8_t> der;
  std::string subject_dn;   ///< one line, "CN=x, O=y"
  std::string subject_cn;   ///< the common name, or empty
  std::string issuer_dn;
  std::string issuer_cn;
  std::vector<std::uint8_t> serial;  ///< big-endian bytes
  SqlDateTime not_before;
  SqlDateTime not_after;
  std::vector<std::uint8_t> sha1;  ///< thumbprint: SHA-1 of the DER
  int key_bits = 0;
  std::vector<std::string> dns_names;  ///< subjectAltName DNS entries
  bool self_signed = false;
};

struct CertificateRequest {
  std::string subject_cn;  ///< any length; not checked against X.520 limits (SQL Server allows 128)
  std::vector<std::pair<std::string, std::string>> extra_subject;  ///< e.g. {"O", "milink emulator"}
  SqlDateTime not_before;
  SqlDateTime not_after;
  std::vector<std::string> dns_names;
  bool is_ca = false;
  int key_bits = 2048;
};

struct GeneratedCertificate {
  CertificateInfo info;
  std::string private_key_pem;  ///< PKCS#8 PEM
};

/// Creates an RSA key and a certificate for it, signed (SHA-256) by
/// \p issuer, or self-signed when \p issuer is null. Throws
/// std::runtime_error when OpenSSL fails.
GeneratedCertificate generate_certificate(const CertificateRequest& request,
                                          const GeneratedCertificate* issuer = nullptr);

/// Parses DER bytes; nullopt unless they are exactly one X.509 certificate.
std::optional<CertificateInfo> parse_certificate_der(const std::vector<std::uint8_t>& der);

/// True when \p der is signed by the key of \p issuer_der.
bool certificate_signed_by(const std::vector<std::uint8_t>& der, const std::vector<std::uint8_t>& issuer_der);

/// True when \p private_key_pem is the private key of the certificate \p der.
bool private_key_matches(const std::vector<std::uint8_t>& der, const std::string& private_key_pem);

/// "ab 01 ..." : lower-case hex bytes separated by blanks (sys.certificates.cert_serial_number).
std::string serial_display(const std::vector<std::uint8_t>& serial);

}  // namespace milink::emulator
