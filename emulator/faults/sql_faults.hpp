//===- emulator/faults/sql_faults.hpp - Faults on the TDS servers --*- C++ -*-===//
///
/// \file
/// What `sql:` and `mi:` fault rules do to a request, shared by the two
/// places that may apply them: SqlEngine (SqlEngine::set_fault_plan, for the
/// engine driven directly or served) and the TDS layer
/// (TdsServerOptions::faults, for any Engine). A request is counted once:
/// the TDS layer marks the requests it drew for with FaultsDrawnScope and an
/// engine holding a plan does not draw again for them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "faults/fault_plan.hpp"

#include <string>

namespace milink::emulator {

/// Thrown by an Engine that drew a `reset` (or `drop`) fault: the TDS
/// connection serving the request is closed without an answer. Not a
/// std::exception on purpose, so the TDS request handler's catch of engine
/// failures (which answers error 50000) lets it through to the connection.
struct InjectedConnectionReset {
  Service service = Service::Sql;
};

/// Set by the TDS layer, on the connection's thread, around a request whose
/// faults it already drew from TdsServerOptions::faults.
class FaultsDrawnScope {
public:
  FaultsDrawnScope() noexcept;
  ~FaultsDrawnScope();
  FaultsDrawnScope(const FaultsDrawnScope&) = delete;
  FaultsDrawnScope& operator=(const FaultsDrawnScope&) = delete;
  /// True on a thread inside such a scope.
  static bool active() noexcept;

private:
  bool previous_;
};

/// The error message a `sql:N` / `mi:N` rule answers a request with: SQL
/// Server's own number, severity, state and text for the errors clients
/// retry (1205, 1222, 40197, 40501, 40613), a generic severity-16 text for
/// any other number. \p spid, \p server and \p database fill the texts.
Message injected_sql_error(int number, int spid, const std::string& server, const std::string& database);

}  // namespace milink::emulator
