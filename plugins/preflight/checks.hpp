//===- plugins/preflight/checks.hpp - The checks, one file each -*- C++ -*-===//
///
/// \file
/// Each function runs one group of checks and records every result in the
/// Report. None of them changes anything: SQL is SELECT and DBCC
/// TRACESTATUS only, ARM is one GET, DNS is a lookup.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"
#include "report.hpp"

#include <milink/sdk/context.hpp>

#include <optional>
#include <string>

namespace milink::preflight {

/// What the server-level checks learnt, for the outputs and later checks.
struct ServerFacts {
  std::string server_name;      ///< @@SERVERNAME
  std::string product_version;  ///< SERVERPROPERTY('ProductVersion')
  std::string collation;        ///< SERVERPROPERTY('Collation')
  bool link_procedures = false; ///< sp_certificate_add_issuer and sp_get_endpoint_certificate exist
};

/// What the ARM check read of the managed instance ("" when unknown).
struct InstanceFacts {
  std::string database_format;  ///< properties.databaseFormat (the update policy)
  std::string tier;             ///< sku.tier: GeneralPurpose, BusinessCritical, ...
};

/// A session on \p target, or nullopt after recording FAIL \p check with
/// the connection error and what to check in the config.
std::optional<milink::sdk::Sql> connect(Report& report, const std::string& check, const std::string& target);

/// server_checks.cpp: version, edition, hadr, wsfc (2016 only),
/// trace_flags, master_key and server_name (when Config::server_name is set).
ServerFacts check_server(Report& report, const Config& cfg, milink::sdk::Sql& sql);

/// wsfc_check.cpp: on SQL Server 2016 (\p product_version 13.x), that the
/// server is a node of a Windows Server failover cluster (sys.dm_hadr_cluster):
/// 2016 has no CLUSTER_TYPE = NONE. Records nothing for other versions.
void check_wsfc(Report& report, milink::sdk::Sql& sql, const std::string& product_version);

/// certificate_check.cpp: expiry of \p certificate_name in master.
void check_certificate(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& certificate_name);

/// collation_check.cpp: SQL Server's collation against the managed instance's.
void check_collation(Report& report, const Config& cfg, const std::string& sqlserver_collation);

/// dns_check.cpp: Config::instance_fqdn resolves.
void check_dns(Report& report, const Config& cfg);

/// arm_check.cpp: the managed instance exists in ARM and the credential may
/// read it. Returns its update policy and service tier ("" when unknown).
InstanceFacts check_arm(Report& report, const Config& cfg);

/// failover_mode_check.cpp: which failover mode SQL Server's version
/// (\p product_version) and the instance's update policy
/// (\p database_format) allow, by arm-link's own `auto` rule; FAIL when
/// Config::failover_mode is manual and the pair does not allow it. Returns
/// "manual" or "none".
std::string check_failover_mode(Report& report, const Config& cfg, const std::string& product_version,
                                const std::string& database_format);

/// instance_ag_check.cpp: per database, no other link on the managed
/// instance uses the instance-side availability group name its link would
/// (one ARM GET of the instance's distributedAvailabilityGroups).
void check_instance_ag_names(Report& report, const Config& cfg);

/// database_checks.cpp: every database in Config::databases; \p instance
/// is what the ARM check learnt (empty without it).
void check_databases(Report& report, const Config& cfg, milink::sdk::Sql& sql, const InstanceFacts& instance);

/// database_features_check.cpp: the features the link cannot carry, which
/// Azure reports only after the AG and DAG exist: FILESTREAM, more than one
/// log file, a memory-optimized filegroup (not on General Purpose), and TDE
/// without its certificate on the managed instance (Config::mi_target).
/// \p db is the name, \p q its quoted form.
void check_database_features(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& db,
                             const std::string& q, const InstanceFacts& instance);

/// log_backup_check.cpp: no enabled, scheduled SQL Agent job backs up the
/// log of \p db while seeding runs (errors 1408/1412), unless trace flag
/// 12381 keeps the log.
void check_log_backup_jobs(Report& report, milink::sdk::Sql& sql, const std::string& db, const std::string& q);

/// The certificate name the link steps use: Cert_<@@SERVERNAME>_endpoint,
/// with a named instance's '\' replaced by '_'.
std::string default_certificate_name(const std::string& server_name);

}  // namespace milink::preflight
