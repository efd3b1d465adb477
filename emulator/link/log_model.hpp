//===- emulator/link/log_model.hpp - A database's log over time ---*- C++ -*-===//
///
/// \file
/// The write workload of a database as LSNs over time. A database with
/// Database::workload_log_bytes_per_second > 0 generates that many bytes of
/// log per second while it is writable (ONLINE, not read-only); its LSN
/// (Database::next_lsn, what the DMVs show for the local replica) grows by
/// the bytes written. LogHistory remembers where the rate changed, so the
/// link simulator can ask what the primary's LSN was some time ago: an
/// asynchronous secondary hardens the primary's log with a delay.
///
/// The emulator's LSNs are byte offsets in the numeric form the DMVs use
/// (numeric(25,0)); real LSNs encode VLF, block and slot, so only their
/// order and equality mean anything (what plugins compare).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/server_state.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace milink::emulator {

class LogHistory {
public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// Brings \p db.next_lsn up to \p now at the rate in force since the last
  /// call, then records the rate from now on (the workload's while
  /// \p writable, else 0). A next_lsn changed by someone else (a backup, a
  /// failover) starts a new segment from its value.
  void fold(Database& db, bool writable, TimePoint now);
  /// The LSN at \p t (at most the last folded one); the first recorded LSN
  /// for times before the history.
  std::int64_t at(TimePoint t) const;
  /// True while log is being generated.
  bool active() const { return !marks_.empty() && marks_.back().rate > 0; }

private:
  struct Mark {
    TimePoint at;
    std::int64_t lsn;
    double rate;  ///< bytes per second from `at` on
  };
  std::vector<Mark> marks_;  ///< the last few rate changes, oldest first
  std::int64_t written_ = 0;  ///< next_lsn as fold() left it
};

}  // namespace milink::emulator
