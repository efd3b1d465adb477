//===- milink/link/link_procedures.hpp - Which link procedures exist -*- C++ -*-===//
///
/// \file
/// Whether SQL Server can trust Azure's root CAs (sp_certificate_add_issuer)
/// and hand out its endpoint certificate (sp_get_endpoint_certificate) is
/// decided by whether those procedures exist, not by the version number:
/// 2019 CU20, 2022 and 2025 have them, and so do 2016 SP3 and 2017 CU31
/// once the Azure Connect feature pack is installed. Likewise a
/// multi-database link needs sp_multidb_milink (SQL Server 2022 CU27+, 2025
/// CU9+). mi-cert-import's `trust_azure_roots: auto` and preflight's version
/// and multi-database checks use this one reading.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/context.hpp>

namespace milink::link {

/// Which of the link's system procedures a server has.
struct LinkProcedures {
  bool certificate_add_issuer = false;    ///< sp_certificate_add_issuer
  bool get_endpoint_certificate = false;  ///< sp_get_endpoint_certificate
  bool multidb_milink = false;            ///< sp_multidb_milink (multi-database links)
};

/// Reads master.sys.all_objects of \p sql's server (one SELECT). Throws
/// what the query throws (a failed query is not "absent").
LinkProcedures read_link_procedures(milink::sdk::Sql& sql);

}  // namespace milink::link
