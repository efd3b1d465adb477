//===- sql/connect_error.hpp - Why a connection failed, and what to do -*- C++ -*-===//
#pragma once

#include "sql/target_settings.hpp"

#include <milink/sdk/sql.hpp>

#include <string>

namespace milink::sql {

/// The message for a failed connection to \p t: the target, host:port and
/// driver, the SQL error (number and text) and a remedy naming the config
/// keys to check, e.g.
///   cannot connect to SQL target "sqlserver" at sql01:1433 (driver FreeTDS):
///   SQL error 18456: Login failed for user 'milink'. Check /sqlserver/user
///   and /sqlserver/password ...
/// Never contains the password (the caller scrubs \p e first).
std::string describe_connect_failure(const TargetSettings& t, const milink::sdk::SqlError& e);

/// The remedy part alone (tests).
std::string connect_remedy(const TargetSettings& t, const milink::sdk::SqlError& e);

}  // namespace milink::sql
