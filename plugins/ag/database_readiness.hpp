//===- plugins/ag/database_readiness.hpp - Can this database join an AG? -*- C++ -*-===//
///
/// \file
/// A database joins an availability group only in the FULL recovery model
/// and with its log chain started (else error 1475): a full backup without
/// COPY_ONLY, or, after a switch from SIMPLE, a differential backup on top of
/// an existing full one (the recovery-model docs: "take a full or
/// differential database backup to start the log chain"). A differential
/// keeps the user's differential base, so their differential backups go on.
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
  /// A full or differential backup, not COPY_ONLY, taken outside the SIMPLE
  /// recovery model: the log chain has started.
  bool log_chain = false;
  /// When the newest full backup that is not COPY_ONLY finished (any recovery
  /// model): the base a differential backup builds on; "" when none.
  std::string differential_base;
  std::string in_group;         ///< the AG it already belongs to, "" when none

  static DatabaseReadiness read(milink::sdk::Sql& sql, const std::string& database);
};

}  // namespace milink::link
