//===- plugins/network-check/config.hpp - network-check's parameters -*- C++ -*-===//
///
/// \file
/// The typed parameters of `uses: "network-check"`, parsed once by
/// configure(). Host names are checked here (letters, digits, '.', '-', and
/// ':' for IPv6), so nothing else can reach the PowerShell job steps.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>
#include <milink/sdk/spec.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace milink::netcheck {

struct Config {
  std::string sqlserver_target = "sqlserver";
  std::string mi_target = "managed_instance";
  std::string sqlserver_host;          ///< the address the instance dials (the link's partner endpoint host)
  std::int64_t endpoint_port = 5022;   ///< SQL Server's mirroring endpoint port
  std::string instance_fqdn;           ///< "" = the instance's DnsRecordName
  bool from_sqlserver = true;          ///< test SQL Server -> instance
  bool from_instance = true;           ///< test instance -> SQL Server
  std::int64_t timeout_seconds = 120;  ///< per job, from sp_start_job to its outcome row
  long long poll_interval_ms = 1000;
};

std::vector<milink::sdk::ParamSpec> spec_params();
std::vector<milink::sdk::OutputSpec> spec_outputs();

/// Builds the Config; throws milink::sdk::ConfigError naming the parameter.
Config parse_config(const milink::sdk::Params& p);

/// Whether \p host is a DNS name or an IP address literal: letters, digits,
/// '.', '-' and ':', 1 to 253 characters.
bool valid_host(const std::string& host);

}  // namespace milink::netcheck
