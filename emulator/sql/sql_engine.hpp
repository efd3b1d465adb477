//===- emulator/sql/sql_engine.hpp - The T-SQL engine of one server -*- C++ -*-===//
///
/// \file
/// The Engine the TDS layer drives for one emulated server (SQL Server or
/// the managed instance) of an EmulatorWorld. Thread-safe: every call takes
/// the world's mutex for its whole duration, so concurrent batches on both
/// servers see and leave consistent state. It takes it with
/// EmulatorWorld::lock_tracked(): each statement that may write starts a new
/// generation itself (sql/executor.cpp), so queries in between read the
/// catalog rows cached in its sql::ViewCache.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "faults/fault_plan.hpp"
#include "sql/view_cache.hpp"
#include "state/world.hpp"

#include <atomic>
#include <optional>

namespace milink::emulator {

class SqlEngine : public Engine {
public:
  /// Runs the server's pending scenario init_sql (as sa, in master) the
  /// first time; throws std::runtime_error naming the batch and the error
  /// when one of them fails.
  SqlEngine(EmulatorWorld& world, Personality personality);
  /// The same, with a fault plan (see set_fault_plan).
  SqlEngine(EmulatorWorld& world, Personality personality, FaultPlan* faults);
  /// An engine for \p server, a server of \p world other than its two
  /// (a secondary replica of EmulatorWorld::sql_replicas), with SQL Server's
  /// personality and fault rules.
  SqlEngine(EmulatorWorld& world, ServerState& server, FaultPlan* faults);

  /// Applies \p faults' `sql` rules (SQL Server) or `mi` rules (the managed
  /// instance) to every execute() and execute_procedure(), one request each:
  /// latency=MS sleeps (without holding the world mutex), an SQL error number
  /// answers that error and runs nothing, reset and drop throw
  /// InjectedConnectionReset (faults/sql_faults.hpp: the TDS connection
  /// closes). Requests the TDS layer already drew for
  /// (TdsServerOptions::faults) are not drawn again. Not owned; null turns
  /// it off. Thread-safe.
  void set_fault_plan(FaultPlan* faults) noexcept { faults_.store(faults); }

  ServerIdentity identity() const override;
  LoginResult login(const LoginRequest& request) override;
  Response execute(Session& session, const std::string& sql, const std::vector<Param>& params) override;
  Response execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) override;
  std::optional<std::vector<Column>> describe(Session& session, const std::string& sql,
                                              const std::vector<Param>& params) override;
  Response transaction(Session& session, TransactionRequest request) override;
  void reset(Session& session, bool keep_transaction) override;
  void disconnect(Session& session) override;

  EmulatorWorld& world() { return world_; }
  Personality personality() const { return personality_; }
  /// The engine's catalog row cache (read it with the world mutex held).
  const sql::ViewCache& view_cache() const { return view_cache_; }

private:
  /// Draws and applies the request's faults; the answer when one replaces it.
  std::optional<Response> apply_faults(Session& session);

  EmulatorWorld& world_;
  ServerState& server_;
  Personality personality_;
  std::atomic<FaultPlan*> faults_{nullptr};
  /// Catalog rows kept while the world is unchanged; guarded by the world mutex.
  sql::ViewCache view_cache_;
};

}  // namespace milink::emulator
