//===- emulator/sql/sql_engine.hpp - The T-SQL engine of one server -*- C++ -*-===//
///
/// \file
/// The Engine the TDS layer drives for one emulated server (SQL Server or
/// the managed instance) of an EmulatorWorld. Thread-safe: every call takes
/// the world's mutex for its whole duration, so concurrent batches on both
/// servers see and leave consistent state.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "state/world.hpp"

namespace milink::emulator {

class SqlEngine : public Engine {
public:
  /// Runs the server's pending scenario init_sql (as sa, in master) the
  /// first time; throws std::runtime_error naming the batch and the error
  /// when one of them fails.
  SqlEngine(EmulatorWorld& world, Personality personality);

  ServerIdentity identity() const override;
  LoginResult login(const LoginRequest& request) override;
  Response execute(Session& session, const std::string& sql, const std::vector<Param>& params) override;
  Response execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) override;
  std::optional<std::vector<Column>> describe(Session& session, const std::string& sql,
                                              const std::vector<Param>& params) override;
  Response transaction(Session& session, TransactionRequest request) override;
  void disconnect(Session& session) override;

  EmulatorWorld& world() { return world_; }
  Personality personality() const { return personality_; }

private:
  EmulatorWorld& world_;
  Personality personality_;
};

}  // namespace milink::emulator
