//===- plugins/remove-link/remove_link.hpp - Step remove-link ------*- C++ -*-===//
///
/// \file
/// `remove-link`: deletes the link in Azure (the managed instance's
/// `distributedAvailabilityGroups/<name>`), a long-running DELETE that it
/// waits for. The managed instance keeps a database that has seeded (it
/// leaves the link read-write); one still seeding is dropped by Azure.
/// Nothing there: satisfied, and it says so. Destructive: `milink run` asks
/// first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/link_api.hpp>
#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class RemoveLinkStep {
public:
  struct Config {
    std::string name;
    std::string api_version;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  std::optional<LinkView> found_;  ///< what observe() saw, for plan() under --dry-run
};

}  // namespace milink::link
