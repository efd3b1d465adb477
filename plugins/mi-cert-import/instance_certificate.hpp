//===- plugins/mi-cert-import/instance_certificate.hpp - Where the instance's certificate comes from -*- C++ -*-===//
///
/// \file
/// The two strategies for reading the managed instance's endpoint
/// certificate: T-SQL on the instance (`sp_get_endpoint_certificate
/// @endpoint_type = 4`, the seed) or ARM (`endpointCertificates/DATABASE_MIRRORING`).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

enum class InstanceCertificateSource { Tsql, Arm };

/// The certificate as "0x" + upper-case DER hex. Throws StepError
/// (SqlException/ArmException) naming the source when it cannot be read.
std::string fetch_instance_certificate(InstanceCertificateSource source, milink::sdk::Context& ctx,
                                       const std::string& mi_target, const std::string& api_version);

/// Upper-case hex with a 0x prefix, whichever form \p blob came in ("0x3082..",
/// "3082..", lower case); "" when it is not hex.
std::string normalize_blob(const std::string& blob);

}  // namespace milink::link
