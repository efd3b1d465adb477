//===- bench/soak_run.hpp - One soak run: faults, a kill, a resume -*- C++ -*-===//
///
/// \file
/// One run of bench/soak: a fresh in-process emulator (fast profile) with
/// transient faults on ARM, Entra ID, SQL Server and the managed instance,
/// the real milink binary running workflows/replicate-database.json, maybe a
/// SIGKILL at a random moment followed by one `--resume`, then the end state
/// read from the emulator's state dump (soak_check.hpp). A run that fails is
/// re-run once with the faults off, to see that it converges.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "soak_check.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace soak {

struct RunSpec {
  int index = 0;
  std::uint64_t seed = 0;          ///< draws the fault kinds, the fault seed and the kill moment
  double fault_probability = 0.1;  ///< per request, on each of arm, entra, sql, mi
  bool kill = false;               ///< SIGKILL the first milink at a random moment, then --resume
  std::string workflow;            ///< path of replicate-database.json
  std::string keep_dir;            ///< where a failed run's files are copied ("" : nowhere)
};

struct RunResult {
  int index = 0;
  std::uint64_t seed = 0;
  std::string faults;              ///< the emulator's fault spec
  bool killed = false;             ///< the SIGKILL hit a running milink
  int killed_after_steps = 0;      ///< step_end records in the journal when it did
  bool resumed = false;
  /// --resume answered "no unfinished run" (the kill came before the journal's
  /// run_start or after its run_end) and a plain run followed instead.
  bool resume_refused = false;
  bool succeeded = false;          ///< exit 0 after at most one resume, and the expected end state
  std::string failed_service;      ///< arm | entra | sql | mi | "" (the failure names none) when it failed
  std::string failure;             ///< the failed step's reason, or the end-state problems
  bool rerun_converged = false;    ///< after a failure: a --resume without faults ended in the expected state
  int duplicates = 0;
  int retries = 0;                 ///< "retrying in" lines in milink's output (faults that fired and were retried)
  double seconds = 0;

  milink::sdk::Value to_json() const;
  static RunResult from_json(const milink::sdk::Value& v);
};

/// The fault spec of a run: `seed=N` and, for each service, one transient
/// fault kind drawn from \p seed with probability \p p (arm, entra: 429, 500,
/// 503 or drop; sql: 1205 or reset; mi: 40613, 1205 or reset).
std::string fault_spec(std::uint64_t seed, double p);

/// Which service a failed run's message names: "arm", "entra", "sql", "mi", or "".
std::string named_service(const std::string& message);

/// The inventory of a clean run (no faults, no kill); throws std::runtime_error
/// when that run fails or does not end healthy.
Inventory baseline(const std::string& workflow);

/// Runs \p spec against \p expected.
RunResult run_one(const RunSpec& spec, const Inventory& expected);

milink::sdk::Value inventory_to_json(const Inventory& inv);
Inventory inventory_from_json(const milink::sdk::Value& v);

}  // namespace soak
