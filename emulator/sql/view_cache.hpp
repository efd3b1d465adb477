//===- emulator/sql/view_cache.hpp - Catalog rows kept per generation -*- C++ -*-===//
///
/// \file
/// The rows of the catalog views, computed once per world generation
/// (EmulatorWorld::generation(), which changes whenever anything may have
/// changed) and read again by every query until it changes. A re-run of a
/// workflow over 200 links asks thousands of questions of an unchanged
/// world; without the cache each built whole views (800 rows of
/// sys.dm_hadr_database_replica_states) to keep one row.
///
/// Views whose rows read the clock (CatalogView::time_dependent) are
/// computed every time. With MILINK_EMULATOR_CHECK_VIEW_CACHE=1 in the
/// environment every cached answer is computed again and compared, and a
/// difference (a change that did not start a new generation) aborts the
/// emulator with the view's name: the test suite runs with it to prove the
/// generation covers every change.
///
/// One cache per SqlEngine (per server). Not thread-safe by itself: used
/// only with the world mutex held, as everything the engine reads.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/catalog.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace milink::emulator::sql {

using CatalogRows = std::shared_ptr<const std::vector<CatalogRow>>;

class ViewCache {
public:
  ViewCache();

  /// The rows of \p view read in \p db on \p server, at the world's
  /// \p generation: the cached ones when they were computed at this
  /// generation, else computed now (and kept, unless time-dependent).
  CatalogRows rows(const CatalogView& view, const ServerState& server, const Database& db,
                   std::uint64_t generation);

  /// How many times rows were computed (cache misses and time-dependent
  /// views), for tests and benchmarks.
  std::uint64_t computed() const noexcept { return computed_; }

private:
  struct Entry {
    std::uint64_t generation = 0;
    CatalogRows rows;
  };
  /// Key: the view and, for database-scoped views, the database's id (0
  /// for the others, whose rows do not depend on it).
  std::map<std::pair<const CatalogView*, int>, Entry> entries_;
  bool check_ = false;
  std::uint64_t computed_ = 0;
};

/// The rows of \p view, computed now (no cache).
CatalogRows compute_rows(const CatalogView& view, const ServerState& server, const Database& db);

}  // namespace milink::emulator::sql
