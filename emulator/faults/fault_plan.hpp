//===- emulator/faults/fault_plan.hpp - Injected failures ---------*- C++ -*-===//
///
/// \file
/// Faults for tests and users' rehearsals, per service, firing on the Nth
/// request or with a probability; set at start (`--faults SPEC`) and
/// changeable at run time (FaultPlan::set, or POST /_emulator/faults on the
/// ARM port).
///
/// SPEC is a comma-separated list of rules `SERVICE:KIND[@N|@N+|~P]`:
///   SERVICE  arm | entra | imds | sql | mi   (sql/mi: the TDS servers)
///   KIND     429 | 500 | 503                 HTTP status (429 and 503 carry Retry-After: 1)
///            drop                            close the connection without answering (sql/mi: as reset)
///            latency=MS                      answer MS milliseconds late
///            reset                           (sql/mi) close the TDS connection
///            1205 | 40613 | ... (a number)   (sql/mi) fail the batch with that SQL error
///                                            (on sql/mi every number is an SQL error number)
///   @N       only the Nth request of that service (1-based), once
///   @N+      every request from the Nth on
///   ~P       each request with probability P (0..1)
///   (none)   every request
/// A rule `seed=N` (once, anywhere in the list) varies the probability
/// draws: the same seed injects the same faults, another seed others
/// (default 0).
/// e.g. "arm:429@1,arm:503@2,mi:1205~0.1,entra:latency=200", "seed=7,sql:1205~0.1".
/// Thread-safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::emulator {

enum class Service { Arm, Entra, Imds, Sql, Mi };
const char* service_name(Service s) noexcept;

struct Fault {
  enum class Kind { HttpStatus, Drop, Latency, Reset, SqlError };
  Kind kind = Kind::HttpStatus;
  int value = 0;  ///< HTTP status, latency in ms, or SQL error number
};

class FaultSpecError : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

class FaultPlan {
public:
  FaultPlan() = default;
  /// Throws FaultSpecError naming the bad rule and what is expected.
  explicit FaultPlan(const std::string& spec) { set(spec); }

  /// Replaces the rules (and resets the request counters).
  void set(const std::string& spec);
  std::string spec() const;

  /// Counts a request to \p service and returns the faults to apply, if any:
  /// every matching latency rule first, then at most one other fault (the
  /// first matching rule's). Latency combines with others: a request may get
  /// latency then a status. Probability draws are a hash of (seed, service,
  /// request number, rule), so reruns with the same seed inject the same
  /// faults.
  std::vector<Fault> next(Service service);

  /// How many requests \p service has seen (tests).
  std::uint64_t requests(Service service) const;

private:
  struct Rule {
    Service service;
    Fault fault;
    std::uint64_t nth = 0;   ///< 0: not positional
    bool from_nth = false;
    double probability = 1.0;
  };
  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  std::string spec_;
  std::map<Service, std::uint64_t> counts_;
  std::uint64_t seed_ = 0;  ///< `seed=N`: varies the probability draws
};

}  // namespace milink::emulator
