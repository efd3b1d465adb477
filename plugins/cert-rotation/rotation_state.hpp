//===- plugins/cert-rotation/rotation_state.hpp - What a rotation reads -*- C++ -*-===//
///
/// \file
/// The state every rotation step reads from the servers (never from a
/// journal, so each step can be re-run or resumed at any point):
///  - SQL Server's endpoint certificate and its *generations*: a rotation
///    names the new certificate `<base>_<yyyymmdd>` (`_<n>` after it for a
///    second rotation the same day), so the certificates with private keys
///    named `<base>` or `<base>_<yyyymmdd>[_<n>]` are ordered: older than
///    the endpoint's are retired once the links use the endpoint's, a newer
///    one is a rotation under way (created, the endpoint not switched yet);
///  - the instance's trust certificates (serverTrustCertificates);
///  - the links on SQL Server to the instance and whether each is connected.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/dates.hpp>
#include <milink/link/endpoint_state.hpp>
#include <milink/link/instance_certificate.hpp>
#include <milink/link/trust_certificates.hpp>
#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

/// Where the steps find both servers and the instance's certificate: the
/// parameters instance-cert-rotate and certificate-retire share.
struct InstanceSide {
  std::string sqlserver_target;
  std::string mi_target;
  std::string instance_fqdn;
  InstanceCertificateSource source = InstanceCertificateSource::Arm;
  std::string api_version;

  /// sqlserver_target, mi_target, instance_fqdn, instance_certificate_source, api_version.
  static std::vector<milink::sdk::ParamSpec> params();
  /// Reads and checks them (ConfigError naming the field).
  static InstanceSide read(const milink::sdk::Params& p);
};

/// A certificate with a private key in SQL Server's master.
struct OwnedCertificate {
  std::string name;
  std::string blob;  ///< CERTENCODED, 0x upper-case hex
  Date expiry;
  long long generation_day = 0;  ///< yyyymmdd of its rotation suffix; 0 for the base name
  long long generation_n = 0;    ///< 1 for `_<yyyymmdd>`, n for `_<yyyymmdd>_<n>`
  bool newer_than(const OwnedCertificate& o) const {
    return generation_day != o.generation_day ? generation_day > o.generation_day : generation_n > o.generation_n;
  }
};

struct CertificateGenerations {
  EndpointState endpoint;
  std::string base;                      ///< the name without a rotation suffix
  OwnedCertificate current;              ///< what the endpoint authenticates with
  std::optional<OwnedCertificate> newer; ///< the newest later generation: a rotation under way
  std::vector<OwnedCertificate> older;   ///< earlier generations: retired once the links use current
};

/// Reads the endpoint and its certificate's generations. Throws StepError
/// when SQL Server has no mirroring endpoint or it does not authenticate
/// with a certificate (nothing to rotate: set up the link first).
CertificateGenerations read_generations(milink::sdk::Sql& sql);

/// The name of a new generation for today: `<base>_<yyyymmdd>`, or
/// `_<n>` after it when that name is taken.
std::string next_generation_name(milink::sdk::Sql& sql, const CertificateGenerations& g, const Date& today);

/// A link as SQL Server sees it: a distributed AG whose remote member is the
/// instance (its endpoint URL names \p instance_fqdn).
struct LinkConnection {
  std::string dag;
  bool connected = false;
  std::string last_error;  ///< "error N: text" when disconnected and known
};
std::vector<LinkConnection> read_links(milink::sdk::Sql& sql, const std::string& instance_fqdn);
/// "[DAG_a] (error 35201: ...), [DAG_b]" for the links not connected.
std::string disconnected_list(const std::vector<LinkConnection>& links);

}  // namespace milink::link
