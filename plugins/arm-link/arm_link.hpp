//===- plugins/arm-link/arm_link.hpp - Step arm-link ------------------*- C++ -*-===//
///
/// \file
/// `arm-link`: creates the link in Azure, a `distributedAvailabilityGroups`
/// resource named like the DAG on SQL Server, in the body shape of the
/// chosen api-version (the seed's 2021-05-01-preview, or 2025-01-01 by
/// default). With `wait: completed` it waits for the long-running operation
/// (which ends when the database has seeded); with `wait: accepted` (the
/// default) it returns once ARM accepted the request and leaves watching
/// the connection and seeding to the verify step, which shows progress.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/link_api.hpp>
#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

class ArmLink {
public:
  struct Config {
    std::string name;
    LinkRequest request;  ///< instance_availability_group "" = the instance's name
    std::string api_version;
    bool wait_for_completion = false;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  static LinkRequest request(const Config& c, milink::sdk::Arm& arm);
  /// The link as ARM has it, or nullopt (404). Throws when one exists with
  /// other settings.
  std::optional<LinkView> inspect(const Config& c, milink::sdk::Context& ctx);
  void set_outputs(const Config& c, milink::sdk::Context& ctx, const LinkView& v);
};

}  // namespace milink::link
