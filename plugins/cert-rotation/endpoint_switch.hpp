//===- plugins/cert-rotation/endpoint_switch.hpp - Step endpoint-certificate-switch -*- C++ -*-===//
///
/// \file
/// `endpoint-certificate-switch`: switches SQL Server's mirroring endpoint to
/// another certificate with `ALTER ENDPOINT ... FOR DATABASE_MIRRORING
/// (AUTHENTICATION = ...)`, changing nothing else (Windows authentication
/// beside the certificate, encryption, port and LISTENER_IP stay). It
/// refuses while the managed instance does not trust the new certificate
/// (serverTrustCertificates), so the links never face an untrusted one.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

class EndpointCertificateSwitch {
public:
  struct Config {
    std::string target;
    std::string certificate_name;
    std::string api_version;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  /// Throws unless \p c.certificate_name is in master with a private key and the instance trusts it.
  void check_trusted(const Config& c, milink::sdk::Context& ctx);
  std::string alter_;  ///< from observe(), for plan()
};

}  // namespace milink::link
