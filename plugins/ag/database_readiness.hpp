//===- plugins/ag/database_readiness.hpp - Can this database join an AG? -*- C++ -*-===//
///
/// \file
/// A database joins an availability group only in the FULL recovery model
/// and with a full backup that starts its log chain (else error 1475).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

struct DatabaseReadiness {
  bool exists = false;
  std::string state;            ///< ONLINE, ...
  std::string recovery_model;   ///< FULL, SIMPLE, BULK_LOGGED
  bool full_backup = false;     ///< a full backup that is not COPY_ONLY
  std::string in_group;         ///< the AG it already belongs to, "" when none

  static DatabaseReadiness read(milink::sdk::Sql& sql, const std::string& database);
};

}  // namespace milink::link
