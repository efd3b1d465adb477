//===- plugins/cert-rotation/links_connected.hpp - Step links-connected -*- C++ -*-===//
///
/// \file
/// `links-connected`: waits until every link between SQL Server and the
/// managed instance (each distributed AG on SQL Server whose other member is
/// the instance) is CONNECTED, e.g. after the endpoint's certificate was
/// switched. The timeout counts time without progress (no further link
/// connecting), not the total. Read-only.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

class LinksConnected {
public:
  struct Config {
    std::string target;
    std::string instance_fqdn;
    long long timeout_seconds = 600;
    long long poll_interval_ms = 2000;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::link
