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
/// `failover_mode` (auto, manual, none) and `replication_mode` (async,
/// sync) go into the body: replicationMode in every api-version,
/// failoverMode from 2023-05-01-preview on (the old shape has none). A link
/// that exists but has failed (provisioningState Failed, replicaState
/// LinkCreationError or LinkInitError) is not taken as done: the step fails
/// and says to remove it (workflows/remove-link.json) and create it again.
///
/// `link_mode` MultiDatabase with `databases`: one link for several
/// databases (all in `ag_name`), only with an api-version that has linkMode
/// (2025-02-01-preview and later; configure refuses the combination
/// otherwise); the name must be lower-case letters, digits and hyphens.
/// Such a link's databases are changed by `link-databases`, so a different
/// databases[] on an existing MultiDatabase link is not a difference here.
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
    std::string failover_mode;  ///< "auto", "Manual" or "None"
    std::string sql_target;     ///< where auto reads SQL Server's version
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  LinkRequest request(const Config& c, milink::sdk::Arm& arm) const;
  /// failover_mode auto: Manual when SQL Server is 2022 or 2025 and the
  /// instance's update policy (databaseFormat) matches it, else None; logs
  /// which applies and why. Sets failover_mode_.
  void resolve_failover_mode(const Config& c, milink::sdk::Context& ctx);
  /// The link as ARM has it, or nullopt (404). Throws when one exists with
  /// other settings.
  std::optional<LinkView> inspect(const Config& c, milink::sdk::Context& ctx);
  void set_outputs(const Config& c, milink::sdk::Context& ctx, const LinkView& v);
  std::string failover_mode_;  ///< resolved (None/Manual); "" until observe()
};

}  // namespace milink::link
