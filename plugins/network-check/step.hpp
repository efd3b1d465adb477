//===- plugins/network-check/step.hpp - uses: "network-check" -----*- C++ -*-===//
///
/// \file
/// The documented two-way network test between SQL Server and the managed
/// instance, before anything changes (a preflight check: `milink run
/// --skip-preflight` skips it).
///
/// observe() runs it: SQL Server -> instance with a temporary Agent job on
/// SQL Server (Test-NetConnection to the instance's FQDN on 5022 and to its
/// primary node on its HadrPort, 11000-11999, both read from the instance's
/// sys.dm_hadr_fabric_config_parameters); instance -> SQL Server with a
/// temporary Agent job on the instance (Test-NetConnection to sqlserver_host
/// on endpoint_port), while a temporary DATABASE_MIRRORING endpoint listens
/// there when SQL Server has none. It logs one PASS/WARN/FAIL line per
/// direction and port, with the remedy; any FAIL fails the step, so the
/// workflow stops before its first change. The temporary jobs and endpoint
/// are removed on every path, Ctrl-C included; leftovers of a check that was
/// killed are removed at the start of the next one. Under --dry-run (a
/// read-only observe) nothing is created: observe() says so and plan()
/// lists what the test would do.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"

#include <milink/sdk/context.hpp>
#include <milink/sdk/result.hpp>
#include <milink/sdk/spec.hpp>

namespace milink::netcheck {

class NetworkCheckStep {
public:
  using Config = milink::netcheck::Config;

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p) { return parse_config(p); }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  /// Notes describing the test; connects nowhere.
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  /// Never needed: observe() passes or fails the step. Throws a StepError saying so.
  void apply(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::netcheck
