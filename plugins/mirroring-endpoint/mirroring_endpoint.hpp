//===- plugins/mirroring-endpoint/mirroring_endpoint.hpp - Step mirroring-endpoint -*- C++ -*-===//
///
/// \file
/// `mirroring-endpoint`: creates a DATABASE_MIRRORING endpoint (port,
/// certificate, AES) when SQL Server has none. When one exists it checks the
/// seed's conditions; then, as `existing_endpoint` says, it alters only what
/// does not fit (Windows authentication kept beside the certificate, so
/// existing AGs keep working; AES, keeping RC4 when it was there; never the
/// port or LISTENER_IP) or refuses, explaining what is wrong and how to fix
/// it. An endpoint that already authenticates with a certificate keeps it:
/// sqlserver-cert names that certificate, so it is the one given here.
/// Outputs the endpoint URL the AG, the DAG and the link use.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/endpoint_state.hpp>

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class MirroringEndpoint {
public:
  struct Config {
    std::string target;
    std::string certificate_name;
    long long port = 5022;
    std::string endpoint_name;
    std::string host;
    bool alter_existing = false;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  static std::string create_sql(const Config& c);
  static std::string alter_sql(const Config& c, const EndpointState& e);

private:
  /// Throws when an existing endpoint cannot be used as it is and the
  /// strategy is refuse, or when its port differs from the configured one.
  void judge(const Config& c, const EndpointState& e) const;
  void set_outputs(const Config& c, milink::sdk::Context& ctx, const std::string& name, long long port);
  bool observed_ = false;
  std::optional<EndpointState> existing_;
};

}  // namespace milink::link
