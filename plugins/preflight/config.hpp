//===- plugins/preflight/config.hpp - The preflight step's parameters -*- C++ -*-===//
///
/// \file
/// The typed parameters of `uses: "preflight"`, parsed once by configure().
/// spec_params() and spec_outputs() are the spec's halves that describe
/// them; parse_config() rejects bad values with ConfigError(field, message).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>
#include <milink/sdk/spec.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace milink::preflight {

struct Config {
  std::string sqlserver_target = "sqlserver";
  std::string mi_target = "managed_instance";
  bool server_checks = true;
  std::vector<std::string> databases;
  std::string server_name;       ///< "" = not checked
  std::string instance_fqdn;     ///< "" = not resolved (WARN when check_dns)
  bool check_dns = true;
  bool check_arm = true;
  /// With check_arm: whether this step lists the instance's links for the
  /// instance_ag_name check (a server-level step can check every database of
  /// the run with one list, so per-database steps need not each list them).
  bool check_instance_ag_names = true;
  /// Databases checked only for their instance-side AG name, besides
  /// `databases`.
  std::vector<std::string> instance_ag_name_databases;
  /// `databases` then `instance_ag_name_databases`, each name once.
  std::vector<std::string> instance_ag_name_checked() const;
  std::string api_version = "2025-01-01";
  bool check_collation = true;
  std::string certificate_name;  ///< "" = Cert_<@@SERVERNAME>_endpoint
  std::int64_t warn_days = 30;
  bool allow_prepare_database = false;
  std::string ag_name_pattern = "AG_{db}";
  bool existing_ag = false;  ///< ag_name_pattern names an existing AG (the customer's), not one the workflow creates
  std::string link_name_pattern = "DAG_{db}";           ///< the database's own link (= its DAG)
  std::string instance_ag_name_pattern = "AG_{db}_MI";  ///< its instance-side AG name (dag's default)
  std::string failover_mode = "auto";  ///< what the workflow asks of arm-link: auto, manual or none
  bool multi_database = false;         ///< the workflow makes one multi-database link
};

std::vector<milink::sdk::ParamSpec> spec_params();
std::vector<milink::sdk::OutputSpec> spec_outputs();

/// Builds the Config; throws milink::sdk::ConfigError naming the parameter.
Config parse_config(const milink::sdk::Params& p);

}  // namespace milink::preflight
