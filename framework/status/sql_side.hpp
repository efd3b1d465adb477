//===- status/sql_side.hpp - SQL Server's side of every link ----*- C++ -*-===//
///
/// \file
/// One batch, whatever the number of links: set-based queries over the
/// catalog views and the HADR DMVs (every DAG with its members' states, the
/// databases' replica states, the AGs' databases, seeding, the mirroring
/// endpoint and master's certificates) and SQL Server's clock.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "status/report.hpp"

#include <milink/link/dates.hpp>
#include <milink/sdk/sql.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::status {

/// A certificate in SQL Server's master.
struct SqlCertificate {
  int certificate_id = 0;
  std::string name;
  bool has_private_key = false;
  std::optional<milink::link::Date> expiry;
};

struct SqlSide {
  std::vector<SqlLink> links;  ///< one per DAG, in name order
  EndpointStatus endpoint;     ///< severity not yet judged
  std::vector<SqlCertificate> certificates;
  /// SQL Server's date (SYSUTCDATETIME()): certificate expiry is counted from it.
  std::optional<milink::link::Date> today;
};

/// The batch read_sql_side sends (for tests and docs).
const std::string& sql_side_batch();

/// Reads SQL Server's side in one round trip. Throws std::runtime_error
/// with SQL Server's message when the batch fails.
SqlSide read_sql_side(milink::sdk::SqlSession& session);

}  // namespace milink::status
