//===- emulator/sql/view_cache.cpp - Catalog rows kept per generation ---===//

#include "sql/view_cache.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace milink::emulator::sql {

namespace {

bool same_rows(const std::vector<CatalogRow>& a, const std::vector<CatalogRow>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size()) return false;
    for (std::size_t c = 0; c < a[i].size(); ++c)
      if (a[i][c].type.base != b[i][c].type.base || a[i][c].value != b[i][c].value) return false;
  }
  return true;
}

}  // namespace

ViewCache::ViewCache() {
  const char* check = std::getenv("MILINK_EMULATOR_CHECK_VIEW_CACHE");
  check_ = check != nullptr && std::strcmp(check, "1") == 0;
}

CatalogRows compute_rows(const CatalogView& view, const ServerState& server, const Database& db) {
  return std::make_shared<const std::vector<CatalogRow>>(view.rows(server, db));
}

CatalogRows ViewCache::rows(const CatalogView& view, const ServerState& server, const Database& db,
                            std::uint64_t generation) {
  if (view.time_dependent) {
    ++computed_;
    return compute_rows(view, server, db);
  }
  Entry& e = entries_[{&view, view.database_scoped ? db.database_id : 0}];
  if (e.rows && e.generation == generation) {
    if (check_ && !same_rows(*e.rows, view.rows(server, db))) {
      std::fprintf(stderr,
                   "milink-emulator: MILINK_EMULATOR_CHECK_VIEW_CACHE: the cached rows of %s.%s (read in [%s]) "
                   "differ from the world's at generation %llu: a change did not start a new generation\n",
                   view.schema.c_str(), view.name.c_str(), db.name.c_str(),
                   static_cast<unsigned long long>(generation));
      std::abort();
    }
    return e.rows;
  }
  ++computed_;
  e.generation = generation;
  e.rows = compute_rows(view, server, db);
  return e.rows;
}

}  // namespace milink::emulator::sql
