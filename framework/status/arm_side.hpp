//===- status/arm_side.hpp - Azure's side of every link ---------*- C++ -*-===//
///
/// \file
/// Three GETs, whatever the number of links: the instance's links
/// (distributedAvailabilityGroups, one list), its trust certificates
/// (serverTrustCertificates) and its endpoint certificates
/// (endpointCertificates), each certificate's expiry read from its public
/// blob.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/dates.hpp>
#include <milink/link/link_api.hpp>
#include <milink/sdk/arm.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::status {

struct ArmLink {
  std::string name;  ///< the resource's name (the DAG's name)
  milink::link::LinkView view;
};

struct ArmCertificate {
  std::string name;
  std::optional<milink::link::Date> expiry;  ///< nullopt when the blob could not be read
};

struct ArmSide {
  std::vector<ArmLink> links;
  std::vector<ArmCertificate> trust_certificates;       ///< SQL Server certificates the instance trusts
  std::optional<ArmCertificate> endpoint_certificate;   ///< the instance's DATABASE_MIRRORING certificate
};

/// The expiry of a certificate given as ARM's publicBlob ("0x" + hex of the
/// DER certificate); nullopt when it is not a certificate.
std::optional<milink::link::Date> certificate_expiry(const std::string& public_blob);

/// Reads Azure's side with three list operations, each followed through
/// its nextLink pages (milink::sdk::list_all): one GET per page.
/// Throws std::runtime_error with ARM's error when one fails.
ArmSide read_arm_side(milink::sdk::ArmClient& arm, const std::string& api_version);

}  // namespace milink::status
