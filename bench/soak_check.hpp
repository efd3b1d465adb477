//===- bench/soak_check.hpp - Is the emulator's world a linked database? -*- C++ -*-===//
///
/// \file
/// The end-state check of bench/soak: reads an emulator state dump
/// (Emulator::dump(), what `milink-emulator --dump-state` writes) after
/// workflows/replicate-database.json and says whether the database is linked
/// (the link healthy in ARM and on both SQL sides) with exactly one of each
/// object the workflow creates, and which objects exist more than once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <map>
#include <string>
#include <vector>

namespace soak {

/// What the dump holds of the link's objects, each kind by name.
struct Inventory {
  /// kind -> names, e.g. "sql_server endpoint" -> {"Hadr_endpoint"}. Kinds:
  /// sql_server certificate (in master) / endpoint / availability group /
  /// distributed availability group; managed_instance availability group /
  /// distributed availability group; arm link / trust certificate.
  std::map<std::string, std::vector<std::string>> objects;
  /// First lines of successful CREATE statements that ran more than once on
  /// either server (each creation of a name should run once).
  std::vector<std::string> repeated_creations;
};

Inventory inventory(const milink::sdk::Value& dump);

struct Verdict {
  bool healthy = false;               ///< the link HEALTHY in ARM and on both SQL sides
  std::vector<std::string> problems;  ///< why not the expected state, one line each ("" when it is)
  int duplicates = 0;                 ///< objects beyond one per name and kind, plus repeated creations
};

/// Compares the dump after a run with \p expected (the inventory of a clean
/// run: no faults, no kill): every kind must hold the same names, each once;
/// the link of \p database must be HEALTHY in ARM, and the distributed AG's
/// replicas on SQL Server and the managed instance connected and HEALTHY.
Verdict check(const milink::sdk::Value& dump, const Inventory& expected, const std::string& database);

}  // namespace soak
