//===- milink/link/instance_certificate.hpp - Where the instance's certificate comes from -*- C++ -*-===//
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
#include <vector>

namespace milink::link {

enum class InstanceCertificateSource { Tsql, Arm };

/// The certificate as "0x" + upper-case DER hex. Throws StepError
/// (SqlException/ArmException) naming the source when it cannot be read.
std::string fetch_instance_certificate(InstanceCertificateSource source, milink::sdk::Context& ctx,
                                       const std::string& mi_target, const std::string& api_version);

/// A certificate of the managed instance held on SQL Server (public key only).
struct HeldInstanceCertificate {
  std::string name;
  std::string blob;        ///< CERTENCODED, normalized
  std::string expiry;      ///< YYYY-MM-DD
};

/// Whether \p name names one of the instance's certificates on SQL Server:
/// its FQDN (what the docs require), or `<FQDN>_<suffix>`, the name a
/// rotation gives the new one while the old one still holds the FQDN.
bool is_instance_certificate_name(const std::string& name, const std::string& fqdn);

/// The instance's certificates in SQL Server's master (named as above, no
/// private key), the one named exactly \p fqdn first.
std::vector<HeldInstanceCertificate> instance_certificates_on_sqlserver(milink::sdk::Sql& sql, const std::string& fqdn);

/// `CREATE CERTIFICATE [name] FROM BINARY = blob` in master, guarded by IF NOT
/// EXISTS (the instance's certificate installed on SQL Server).
std::string instance_certificate_sql(const std::string& name, const std::string& blob);

/// `DROP CERTIFICATE [name]` in master, guarded by IF EXISTS.
std::string drop_certificate_sql(const std::string& name);

/// Upper-case hex with a 0x prefix, whichever form \p blob came in ("0x3082..",
/// "3082..", lower case); "" when it is not hex.
std::string normalize_blob(const std::string& blob);

}  // namespace milink::link
