//===- run/concurrency.hpp - Steps that share a limited resource -*- C++ -*-===//
///
/// \file
/// A step's `concurrency` ({"group", "limit"}) bounds how many of its
/// executions apply at once across every for_each branch of the run, by the
/// evaluated group name: e.g. at most 8 databases seeding per managed
/// instance while the other steps of further branches go on.
///
/// A leaf step takes its slot just before apply and gives it back when it
/// ends; a group branch takes its slot when the first of its steps is about
/// to apply, and gives it back when its last step ends (a Lease in the
/// branch's frame). Steps that only observe never take a slot, so a second
/// run never waits. Waiting is reported (slot_wait) and ends on Ctrl-C.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "workflow/model.hpp"

#include <milink/sdk/value.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>

namespace milink::run {

/// The slots of every concurrency group of one run, by group name. Thread-safe.
class ConcurrencyGroups {
public:
  /// Takes a slot of \p group once fewer than \p limit are held, first come
  /// first served. When none is free at once, calls \p on_wait(in_use) once
  /// and waits. Returns false, holding nothing, when \p cancelled() turns
  /// true while waiting (polled every 50 ms).
  bool acquire(const std::string& group, int limit, const std::function<bool()>& cancelled,
               const std::function<void(int in_use)>& on_wait);
  /// Gives back a slot taken by acquire().
  void release(const std::string& group);

private:
  struct Group {
    int in_use = 0;
    std::list<std::uint64_t> queue;  ///< tickets of the waiters, oldest first
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Group> groups_;
  std::uint64_t next_ticket_ = 0;
};

/// One slot of a group for one holder (a leaf step's key, or a group
/// branch's key): taken by the first hold(), given back by release() or
/// the destructor. Reports slot_wait, slot_acquired and slot_released
/// events through \p emit. hold() may be called from several threads (the
/// branches of a for_each nested in the holding group).
class Lease {
public:
  using Emit = std::function<void(milink::sdk::Object)>;
  Lease(ConcurrencyGroups& groups, std::string group, int limit, std::string holder, Emit emit);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  /// Takes the slot unless already held; \p step is the step about to
  /// apply. False when cancelled while waiting.
  bool hold(const std::string& step, const std::function<bool()>& cancelled);
  /// Gives the slot back if held (idempotent).
  void release();
  const std::string& group() const noexcept { return group_; }

private:
  ConcurrencyGroups& groups_;
  std::string group_;
  int limit_;
  std::string holder_;
  Emit emit_;
  std::mutex mu_;
  bool held_ = false;
  std::chrono::steady_clock::time_point since_;
};

/// Evaluates \p def in \p scope into the group's name and limit. Returns
/// false with \p error (naming group or limit and the value) when the group
/// is not a non-empty string or number, or the limit not an integer from 1
/// to 1024.
bool evaluate_concurrency(const milink::workflow::ConcurrencyDef& def, const milink::sdk::Object& scope,
                          std::string& group, int& limit, std::string& error);

}  // namespace milink::run
