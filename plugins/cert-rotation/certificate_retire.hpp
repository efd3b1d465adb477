//===- plugins/cert-rotation/certificate_retire.hpp - Step certificate-retire -*- C++ -*-===//
///
/// \file
/// `certificate-retire`: the last step of a rotation, once the links use the
/// new certificates. On the instance it deletes the trust certificates that
/// hold SQL Server's earlier endpoint certificates (the generations older
/// than the one the endpoint uses, see rotation_state.hpp), then drops those
/// certificates on SQL Server; it drops the instance's earlier certificates
/// on SQL Server (those named after its FQDN that are not its current one).
/// Refused, changing nothing, while a link is not CONNECTED, the instance
/// does not trust the endpoint's current certificate, or SQL Server does not
/// hold the instance's current one: the links must never be left without a
/// trusted certificate. Destructive: `milink run` asks first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "rotation_state.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

class CertificateRetire {
public:
  using Config = InstanceSide;

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  struct Found {
    std::vector<std::string> trust_to_delete;        ///< serverTrustCertificates names
    std::vector<std::string> sqlserver_to_drop;      ///< SQL Server's earlier endpoint certificates
    std::vector<std::string> instance_to_drop;       ///< the instance's earlier certificates on SQL Server
    bool empty() const { return trust_to_delete.empty() && sqlserver_to_drop.empty() && instance_to_drop.empty(); }
  };
  /// What is to be retired; throws StepError when retiring it now is unsafe.
  Found inspect(const Config& c, milink::sdk::Context& ctx);
  std::optional<Found> found_;
};

}  // namespace milink::link
