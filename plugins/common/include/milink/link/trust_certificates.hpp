//===- milink/link/trust_certificates.hpp - The instance's trust -*- C++ -*-===//
///
/// \file
/// The managed instance's serverTrustCertificates (the SQL Server
/// certificates it trusts), read with every page of ARM's list, and the
/// certificate SQL Server's mirroring endpoint presents: what finds a trust
/// entry by the public key it holds, whatever it was named when uploaded.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

/// A trust certificate of the managed instance.
struct TrustEntry {
  std::string name;
  std::string blob;  ///< publicBlob, normalized (normalize_blob)
};

/// GET .../serverTrustCertificates, every page. Throws ArmException.
std::vector<TrustEntry> read_trust(milink::sdk::Context& ctx, const std::string& api_version);
/// The ARM path of one trust certificate.
std::string trust_path(milink::sdk::Context& ctx, const std::string& name);
/// Whether \p trust holds \p blob (an empty blob is never held).
bool trusts(const std::vector<TrustEntry>& trust, const std::string& blob);

/// The certificate SQL Server's DATABASE_MIRRORING endpoint authenticates
/// with: its name and CERTENCODED blob (normalized); both "" when there is
/// no endpoint or it authenticates without a certificate.
struct EndpointCertificate {
  std::string name;
  std::string blob;
};
EndpointCertificate endpoint_certificate(milink::sdk::Sql& sql);

}  // namespace milink::link
