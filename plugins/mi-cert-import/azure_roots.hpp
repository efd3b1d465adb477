//===- plugins/mi-cert-import/azure_roots.hpp - Azure's root CAs ---*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace milink::link {

struct AzureRoot {
  const char* name;     ///< certificate name on SQL Server (as Microsoft's New-MiLink.ps1 names them)
  const char* subject;  ///< for messages
  const char* blob;     ///< "0x" + DER hex
};

/// DigiCert Global Root G2 and Microsoft RSA Root Certificate Authority 2017.
const std::vector<AzureRoot>& azure_roots();

/// The issuer pattern sp_certificate_add_issuer is given for them.
inline constexpr const char* kAzureIssuerPattern = "*.database.windows.net";

}  // namespace milink::link
