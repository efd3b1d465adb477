//===- plugins/preflight/version_check.hpp - Version and edition rules -*- C++ -*-===//
///
/// \file
/// The Managed Instance link's minimum SQL Server builds and editions
/// (mission-facts §2.1), as pure functions of what SERVERPROPERTY returns.
///
///   2014 and older          FAIL  not supported
///   2016 (13.x)             FAIL  below SP3 13.0.6300.2, or without the Azure Connect pack; PASS with it
///   2017 (14.x)             FAIL  below CU31 14.0.3456.2, or without the Azure Connect pack; PASS with it
///   2019 (15.x)             FAIL  below CU20 15.0.4312.2; PASS from CU20
///
/// The Azure Connect pack is detected by its procedures
/// (milink/link/link_procedures.hpp), not by a build number.
///   2022 (16.x)             FAIL  below RTM 16.0.1000.6 (pre-release); PASS
///   2025 (17.x)             FAIL  below RTM 17.0.1000.7 (pre-release); PASS
///   newer                   WARN  unknown to milink, assumed supported
///
///   Enterprise, Developer (and Evaluation, Enterprise Developer)   PASS
///   Standard (and Standard Developer)                              WARN  basic availability groups
///   Express, Web, anything else                                    FAIL
///
//===----------------------------------------------------------------------===//
#pragma once

#include "verdict.hpp"

#include <optional>
#include <string>

namespace milink::preflight {

/// major.minor.build.revision, as SERVERPROPERTY('ProductVersion') shows it.
struct ProductVersion {
  int major = 0, minor = 0, build = 0, revision = 0;

  /// Parses "15.0.4198.2" (also "15.0.4198"); nullopt when malformed.
  static std::optional<ProductVersion> parse(const std::string& text);
  std::string str() const;
  bool operator<(const ProductVersion& o) const;
};

/// "SQL Server 2019" for major 15, "SQL Server 13.x" for one without a name.
std::string release_name(int major);

/// The version rule. \p update_level is SERVERPROPERTY('ProductUpdateLevel')
/// ("CU20"; empty when NULL), used only for display. \p link_procedures:
/// sp_certificate_add_issuer and sp_get_endpoint_certificate both exist
/// (on 2016 and 2017 they come with the Azure Connect feature pack).
Finding evaluate_version(const std::string& product_version, const std::string& update_level, bool link_procedures);

/// The edition rule, from SERVERPROPERTY('Edition').
Finding evaluate_edition(const std::string& edition);

/// The multi-database link's rule: SQL Server 2022 CU27+ or 2025 CU9+
/// (detected by \p multidb_procedure: sys.sp_multidb_milink exists, not by a
/// build number) in Enterprise or Developer edition (Standard's basic
/// availability groups hold one database).
Finding evaluate_multi_database(const std::string& product_version, const std::string& edition, bool multidb_procedure);

}  // namespace milink::preflight
