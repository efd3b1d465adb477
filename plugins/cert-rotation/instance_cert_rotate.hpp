//===- plugins/cert-rotation/instance_cert_rotate.hpp - Step instance-cert-rotate -*- C++ -*-===//
///
/// \file
/// `instance-cert-rotate`: when Azure has rotated the managed instance's
/// endpoint certificate, installs the new one on SQL Server beside the old
/// one (named after the instance's FQDN when that name is free, else
/// `<FQDN>_<yyyymmdd>`), so SQL Server trusts both until certificate-retire
/// drops the old one once the links are connected. Reads the current
/// certificate as mi-cert-import does (ARM endpointCertificates, or
/// sp_get_endpoint_certificate on the instance). Warns when the instance's
/// certificate nears expiry (Azure renews it; milink cannot).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "rotation_state.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class InstanceCertRotate {
public:
  struct Config : InstanceSide {
    long long warn_days = 30;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  /// The name to install the current certificate under; "" when SQL Server holds it already (\p held_as then names it).
  std::string install_name(const Config& c, milink::sdk::Context& ctx, const std::string& blob, std::string& held_as);
  std::string blob_;
  std::string name_;
  bool observed_ = false;
};

}  // namespace milink::link
