//===- emulator/sql/catalog.hpp - Catalog views and DMVs ---------*- C++ -*-===//
///
/// \file
/// The system views the engine can SELECT from, with SQL Server's column
/// names and types (sql-docs catalog view pages; see
/// /work/shared/notes/sql-errors-and-views.md §2) and rows computed from
/// the server state. Reachable as sys.x, [sys].[x], master.sys.x or
/// <db>.sys.x (database-scoped views such as sys.certificates show that
/// database's rows); msdb.dbo.backupset and msdb.dbo.backupmediafamily
/// live in msdb.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/types.hpp"
#include "state/server_state.hpp"

#include <functional>
#include <string>
#include <vector>

namespace milink::emulator::sql {

struct CatalogColumn {
  std::string name;
  TypeSpec type;
  std::string declared;  ///< the type as the docs spell it ("tinyint", "sysname", "nvarchar(60)")
};

using CatalogRow = std::vector<Datum>;

struct CatalogView {
  std::string schema;        ///< "sys" or "dbo"
  std::string name;          ///< "certificates"
  std::string home_database; ///< "msdb" for msdb tables, "" for sys views (every database)
  bool database_scoped = false;  ///< rows depend on the database it is read in
  std::vector<CatalogColumn> columns;
  /// Every row, computed from the server's state at the time of the call.
  std::function<std::vector<CatalogRow>(const ServerState&, const Database&)> rows;
  bool time_dependent = false;  ///< rows read the clock: never cached (sql/view_cache.hpp)

  int column_index(const std::string& column, bool ci) const;
};

/// The view \p schema.\p name (collation rules for the names), or nullptr.
const CatalogView* find_catalog_view(const std::string& schema, const std::string& name, bool ci);
/// Every view (tests enumerate them).
const std::vector<CatalogView>& catalog_views();

}  // namespace milink::emulator::sql
