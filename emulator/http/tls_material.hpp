//===- emulator/http/tls_material.hpp - The HTTPS listeners' certificate -*- C++ -*-===//
///
/// \file
/// The Azure side's HTTPS listeners present a server certificate for
/// "localhost", 127.0.0.1 and ::1 (subjectAltName DNS and IP entries),
/// issued by the emulated world's root CA ("milink emulator root CA", RSA,
/// EmulatorWorld::root_ca). Clients trust that CA through the config's
/// azure.ca_file (AzureEmulator::write_ca), never by turning verification off.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/encoding.hpp"
#include "state/x509.hpp"

#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::http {

struct ServerTlsMaterial {
  std::string certificate_pem;
  std::string private_key_pem;  ///< PKCS#8
  Bytes certificate_der;
  std::string ca_pem;           ///< the issuer, PEM
};

/// Issues a server certificate (ECDSA P-256 key, serverAuth, signed with
/// SHA-256 by the RSA \p ca), valid from a day ago for a year. Throws std::runtime_error when
/// OpenSSL fails.
ServerTlsMaterial issue_server_certificate(const GeneratedCertificate& ca, const std::vector<std::string>& dns_names,
                                           const std::vector<std::string>& ip_addresses);

/// "-----BEGIN CERTIFICATE-----\n...base64 in 64-column lines...\n-----END CERTIFICATE-----\n"
std::string der_to_pem(const Bytes& der, const std::string& label = "CERTIFICATE");
/// The DER of the first "-----BEGIN CERTIFICATE-----" block, or nullopt.
std::optional<Bytes> certificate_pem_to_der(const std::string& pem);

/// SHA-1 / SHA-256 of \p data.
Bytes sha1(const Bytes& data);
Bytes sha256(const Bytes& data);

}  // namespace milink::emulator::http
