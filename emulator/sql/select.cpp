// SELECT: FROM / JOIN over catalog views, WHERE, aggregates, ORDER BY,
// DISTINCT, TOP, variable assignment.
#include "sql/executor.hpp"

#include "state/collation.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

namespace milink::emulator::sql {

namespace {

bool contains_aggregate(const Expr& e) {
  if (e.kind == ExprKind::Function &&
      (e.name == "COUNT" || e.name == "MAX" || e.name == "MIN" || e.name == "SUM" || e.name == "AVG"))
    return true;
  for (const auto& a : e.args)
    if (a && contains_aggregate(*a)) return true;
  return false;  // subqueries have their own scope
}

struct OutColumn {
  std::string name;
  const Expr* expr = nullptr;
  int source = -1;
  int column = -1;
  bool assignment = false;
  std::string variable;
  std::string op;
};

bool same_row(const std::vector<Datum>& a, const std::vector<Datum>& b, bool ci) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null() != b[i].is_null()) return false;
    if (!a[i].is_null() && compare(a[i], b[i], ci) != 0) return false;
  }
  return true;
}

void conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::Binary && e.op == "AND" && e.args.size() == 2 && e.args[0] && e.args[1]) {
    conjuncts(*e.args[0], out);
    conjuncts(*e.args[1], out);
  } else {
    out.push_back(&e);
  }
}

/// Adds to \p local the sources of \p ctx that \p e reads; false when \p e
/// cannot be judged (a subquery, an aggregate, a column that does not bind:
/// the full WHERE reports that).
bool local_sources(const Expr& e, const RowContext& ctx, bool ci, std::set<int>& local) {
  if (e.select || contains_aggregate(e)) return false;
  if (e.kind == ExprKind::Column) {
    try {
      ColumnRef ref = resolve_column(e.parts, &ctx, ci);
      if (ref.context == &ctx) local.insert(ref.source);
    } catch (const SqlError&) {
      return false;
    }
  }
  for (const auto& a : e.args)
    if (a && !local_sources(*a, ctx, ci, local)) return false;
  return true;
}

/// The key under which an equi-join indexes \p v: its class ('i' integers,
/// 'g' uniqueidentifiers) and a value that is equal exactly when compare()
/// says equal; nullopt for other types (strings compare under a collation),
/// which join by comparing every pair.
std::optional<std::string> join_key(const Datum& v) {
  switch (v.type.base) {
    case BaseType::TinyInt:
    case BaseType::SmallInt:
    case BaseType::Int:
    case BaseType::BigInt:
    case BaseType::Numeric: return "i" + std::to_string(v.value.as_int64());
    case BaseType::UniqueIdentifier: {
      std::string g = "g" + v.value.as_string();
      for (auto& ch : g) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return g;
    }
    default: return std::nullopt;
  }
}

}  // namespace

SelectResult Executor::run_select(Frame& f, const Select& s, const RowContext* outer, bool exists_only) {
  std::vector<BoundSource> sources;
  auto bind = [&](const TableRef& t) {
    const Database* db = nullptr;
    const CatalogView* v = resolve_table(server_, t, f.database, db);
    if (!v) {
      ErrorMessage m = err::invalid_object(t.display());
      m.line = t.line;
      throw SqlError(m, Abort::Batch);
    }
    BoundSource b;
    b.alias = t.alias;
    b.name_parts = t.parts;
    b.view = v;
    const Database& read_in = db ? *db : current_database(f);
    b.table = view_cache_ ? view_cache_->rows(*v, server_, read_in, world_.generation())
                          : compute_rows(*v, server_, read_in);
    b.rows.reserve(b.table->size());
    for (const CatalogRow& r : *b.table) b.rows.push_back(&r);
    sources.push_back(std::move(b));
  };
  if (s.has_from) {
    bind(s.from);
    for (const auto& j : s.joins) bind(j.table);
  }

  ColumnBindings bindings;
  RowContext ctx;
  ctx.sources = &sources;
  ctx.bindings = &bindings;
  ctx.outer = outer;

  // WHERE conjuncts (and inner joins' ON conjuncts) that read a single
  // source (and outer rows only) filter that source's rows before the joins, so a lookup by name joined to a
  // large view costs one row of the join, not all of them. The whole WHERE is
  // still evaluated on the joined rows below, so the result is the same. Not
  // for the right side of a LEFT JOIN (its NULL-extended rows must reach the
  // WHERE), nor when the select list assigns variables.
  bool assigns = false;
  for (const auto& item : s.items)
    if (item.kind == SelectItem::Kind::Assignment) assigns = true;
  if (s.has_from && !assigns) {
    std::vector<const Expr*> parts;
    if (s.where) conjuncts(*s.where, parts);
    // An inner join's ON conditions filter like the WHERE's.
    for (const auto& j : s.joins)
      if (j.type == JoinClause::Type::Inner && j.on) conjuncts(*j.on, parts);
    for (const Expr* part : parts) {
      std::set<int> local;
      if (!local_sources(*part, ctx, ci(), local) || local.size() != 1) continue;
      const int i = *local.begin();
      if (i > 0 && s.joins[static_cast<std::size_t>(i - 1)].type == JoinClause::Type::Left) continue;
      BoundSource& src = sources[static_cast<std::size_t>(i)];
      std::vector<const CatalogRow*> kept;
      RowContext c = ctx;
      c.current.assign(sources.size(), nullptr);
      for (const CatalogRow* r : src.rows) {
        c.current[static_cast<std::size_t>(i)] = r;
        if (truth(f, *part, &c)) kept.push_back(r);
      }
      src.rows = std::move(kept);
    }
  }

  // FROM and JOINs: row tuples, one pointer per source.
  std::vector<std::vector<const CatalogRow*>> tuples;
  if (!s.has_from) {
    tuples.emplace_back();
  } else {
    for (const CatalogRow* r : sources[0].rows) tuples.push_back({r});
    for (std::size_t j = 0; j < s.joins.size(); ++j) {
      const JoinClause& join = s.joins[j];
      const BoundSource& src = sources[j + 1];
      const int here = static_cast<int>(j + 1);
      // ON new.x = earlier.y (integers or uniqueidentifiers): the new
      // source's rows are indexed by x once, and each tuple looks its y up,
      // instead of evaluating ON for every pair. The full ON is still
      // evaluated on the rows found.
      const Expr* new_side = nullptr;
      const Expr* old_side = nullptr;
      if (join.type != JoinClause::Type::Cross && join.on) {
        std::vector<const Expr*> on_parts;
        conjuncts(*join.on, on_parts);
        for (const Expr* part : on_parts) {
          if (part->kind != ExprKind::Binary || part->op != "=" || part->args.size() != 2 || !part->args[0] ||
              !part->args[1])
            continue;
          std::set<int> a, b;
          if (!local_sources(*part->args[0], ctx, ci(), a) || !local_sources(*part->args[1], ctx, ci(), b)) continue;
          auto earlier = [&](const std::set<int>& x) { return x.empty() || *x.rbegin() < here; };
          if (a == std::set<int>{here} && earlier(b)) {
            new_side = part->args[0].get();
            old_side = part->args[1].get();
          } else if (b == std::set<int>{here} && earlier(a)) {
            new_side = part->args[1].get();
            old_side = part->args[0].get();
          } else {
            continue;
          }
          break;
        }
      }
      std::unordered_map<std::string, std::vector<std::size_t>> index;
      char key_class = 0;
      bool indexed = new_side != nullptr;
      if (indexed) {
        RowContext c = ctx;
        c.current.assign(sources.size(), nullptr);
        for (std::size_t k = 0; k < src.rows.size() && indexed; ++k) {
          c.current[static_cast<std::size_t>(here)] = src.rows[k];
          Datum v = eval(f, *new_side, &c);
          if (v.is_null()) continue;  // equal to nothing
          std::optional<std::string> key = join_key(v);
          if (!key || (key_class != 0 && (*key)[0] != key_class)) {
            indexed = false;
            break;
          }
          key_class = (*key)[0];
          index[*key].push_back(k);
        }
      }
      std::vector<std::size_t> every(src.rows.size());
      for (std::size_t k = 0; k < every.size(); ++k) every[k] = k;
      static const std::vector<std::size_t> none;
      std::vector<std::vector<const CatalogRow*>> next;
      for (const auto& t : tuples) {
        bool matched = false;
        const std::vector<std::size_t>* candidates = &every;
        if (indexed) {
          RowContext c = ctx;
          c.current = t;
          c.current.resize(sources.size(), nullptr);
          Datum v = eval(f, *old_side, &c);
          std::optional<std::string> key = v.is_null() ? std::nullopt : join_key(v);
          if (v.is_null()) {
            candidates = &none;
          } else if (key && (key_class == 0 || (*key)[0] == key_class)) {
            auto it = index.find(*key);
            candidates = it == index.end() ? &none : &it->second;
          }  // else another type: compare every pair (and let compare() convert or refuse)
        }
        for (std::size_t k : *candidates) {
          std::vector<const CatalogRow*> cand = t;
          cand.push_back(src.rows[k]);
          bool keep = true;
          if (join.type != JoinClause::Type::Cross) {
            RowContext c = ctx;
            c.current = cand;
            c.current.resize(sources.size(), nullptr);
            keep = truth(f, *join.on, &c);
          }
          if (keep) {
            matched = true;
            next.push_back(std::move(cand));
          }
        }
        if (!matched && join.type == JoinClause::Type::Left) {
          std::vector<const CatalogRow*> cand = t;
          cand.push_back(nullptr);
          next.push_back(std::move(cand));
        }
      }
      tuples = std::move(next);
    }
  }
  for (auto& t : tuples) t.resize(sources.size(), nullptr);

  // WHERE
  if (s.where) {
    std::vector<std::vector<const CatalogRow*>> kept;
    for (const auto& t : tuples) {
      RowContext c = ctx;
      c.current = t;
      if (truth(f, *s.where, &c)) kept.push_back(t);
    }
    tuples = std::move(kept);
  }

  SelectResult result;
  bool aggregate = false;
  for (const auto& item : s.items)
    if (item.expr && contains_aggregate(*item.expr)) aggregate = true;

  if (exists_only && !aggregate) {
    for (std::size_t i = 0; i < tuples.size() && i < 1; ++i) result.rows.emplace_back();
    return result;
  }

  // Output columns
  std::vector<OutColumn> outs;
  for (const auto& item : s.items) {
    switch (item.kind) {
      case SelectItem::Kind::Star:
        for (std::size_t i = 0; i < sources.size(); ++i)
          for (std::size_t c = 0; c < sources[i].view->columns.size(); ++c)
            outs.push_back(OutColumn{sources[i].view->columns[c].name, nullptr, static_cast<int>(i), static_cast<int>(c), false, {}, {}});
        if (!s.has_from) throw SqlError(err::incorrect_syntax("*"), Abort::Batch);
        break;
      case SelectItem::Kind::QualifiedStar: {
        bool found = false;
        for (std::size_t i = 0; i < sources.size(); ++i) {
          const auto& src = sources[i];
          const std::string& q = item.qualifier.back();
          if (!(src.alias.empty() ? collate_equal(src.name_parts.back(), q, ci()) : collate_equal(src.alias, q, ci())))
            continue;
          found = true;
          for (std::size_t c = 0; c < src.view->columns.size(); ++c)
            outs.push_back(OutColumn{src.view->columns[c].name, nullptr, static_cast<int>(i), static_cast<int>(c), false, {}, {}});
          break;
        }
        if (!found) {
          std::string all;
          for (std::size_t i = 0; i < item.qualifier.size(); ++i) all += (i ? "." : "") + item.qualifier[i];
          throw SqlError(err::multipart_not_bound(all), Abort::Batch);
        }
        break;
      }
      case SelectItem::Kind::Assignment: {
        OutColumn o;
        o.expr = item.expr.get();
        o.assignment = true;
        o.variable = item.variable;
        o.op = item.assign_op;
        outs.push_back(o);
        break;
      }
      case SelectItem::Kind::Expression: {
        OutColumn o;
        o.expr = item.expr.get();
        if (item.has_alias) o.name = item.alias;
        else if (item.expr->kind == ExprKind::Column) o.name = item.expr->parts.back();
        outs.push_back(o);
        break;
      }
    }
  }

  auto value_of = [&](const OutColumn& o, const RowContext& c) -> Datum {
    if (o.expr) return eval(f, *o.expr, &c);
    const CatalogRow* r = c.current[static_cast<std::size_t>(o.source)];
    if (!r) return Datum::null(sources[static_cast<std::size_t>(o.source)].view->columns[static_cast<std::size_t>(o.column)].type);
    return (*r)[static_cast<std::size_t>(o.column)];
  };

  // The contexts rows are evaluated in: one per tuple, or one group.
  std::vector<RowContext> contexts;
  if (aggregate) {
    RowContext c = ctx;
    c.group = &tuples;
    c.current.assign(sources.size(), nullptr);
    contexts.push_back(c);
  } else {
    for (const auto& t : tuples) {
      RowContext c = ctx;
      c.current = t;
      contexts.push_back(c);
    }
  }

  // ORDER BY keys (evaluated per context; select-list aliases and ordinals allowed).
  auto order_keys = [&](const RowContext& c, const std::vector<Datum>& values) {
    std::vector<Datum> keys;
    for (const auto& o : s.order_by) {
      const Expr& x = *o.expr;
      if (x.kind == ExprKind::Literal && x.literal.type.is_integer() && !x.literal.is_null()) {
        std::int64_t k = x.literal.value.as_int64();
        if (k < 1 || k > static_cast<std::int64_t>(values.size())) {
          ErrorMessage m;
          m.number = 108;
          m.severity = 15;
          m.text = "The ORDER BY position number " + std::to_string(k) +
                   " is out of range of the number of items in the select list.";
          throw SqlError(m, Abort::Batch);
        }
        keys.push_back(values[static_cast<std::size_t>(k - 1)]);
        continue;
      }
      if (x.kind == ExprKind::Column && x.parts.size() == 1) {
        bool done = false;
        for (std::size_t i = 0; i < s.items.size() && i < outs.size(); ++i)
          if (s.items[i].has_alias && collate_equal(s.items[i].alias, x.parts[0], ci())) {
            keys.push_back(values[i]);
            done = true;
            break;
          }
        if (done) continue;
      }
      keys.push_back(eval(f, x, &c));
    }
    return keys;
  };
  auto key_less = [&](const std::vector<Datum>& a, const std::vector<Datum>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      int c;
      if (a[i].is_null() || b[i].is_null()) c = a[i].is_null() == b[i].is_null() ? 0 : (a[i].is_null() ? -1 : 1);
      else c = compare(a[i], b[i], ci());
      if (s.order_by[i].descending) c = -c;
      if (c != 0) return c < 0;
    }
    return false;
  };

  bool assignment = s.is_assignment();
  if (assignment) {
    // Assign row by row (in ORDER BY order), so "SELECT @s = @s + name" accumulates.
    std::vector<std::size_t> order(contexts.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (!s.order_by.empty()) {
      std::vector<std::vector<Datum>> keys;
      for (const auto& c : contexts) keys.push_back(order_keys(c, {}));
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key_less(keys[a], keys[b]); });
    }
    std::size_t limit = order.size();
    if (s.top) {
      Datum t = convert(eval(f, *s.top, nullptr), TypeSpec::of(BaseType::BigInt), false);
      if (!t.is_null()) limit = std::min<std::size_t>(limit, static_cast<std::size_t>(std::max<std::int64_t>(0, t.value.as_int64())));
    }
    for (std::size_t k = 0; k < limit; ++k) {
      const RowContext& c = contexts[order[k]];
      for (const auto& o : outs) assign(f, o.variable, eval(f, *o.expr, &c), o.op);
      result.rows.emplace_back();
    }
    return result;
  }

  struct Produced {
    std::vector<Datum> values;
    std::vector<Datum> keys;
  };
  std::vector<Produced> produced;
  for (const auto& c : contexts) {
    Produced p;
    for (const auto& o : outs) p.values.push_back(value_of(o, c));
    if (!s.order_by.empty()) p.keys = order_keys(c, p.values);
    produced.push_back(std::move(p));
  }
  if (!s.order_by.empty())
    std::stable_sort(produced.begin(), produced.end(), [&](const Produced& a, const Produced& b) { return key_less(a.keys, b.keys); });
  if (s.distinct) {
    std::vector<Produced> unique;
    for (auto& p : produced) {
      bool dup = false;
      for (const auto& u : unique)
        if (same_row(u.values, p.values, ci())) dup = true;
      if (!dup) unique.push_back(std::move(p));
    }
    produced = std::move(unique);
  }
  if (s.top) {
    Datum t = convert(eval(f, *s.top, nullptr), TypeSpec::of(BaseType::BigInt), false);
    if (!t.is_null() && t.value.as_int64() >= 0 && static_cast<std::size_t>(t.value.as_int64()) < produced.size())
      produced.resize(static_cast<std::size_t>(t.value.as_int64()));
  }
  if (exists_only) {
    for (std::size_t i = 0; i < produced.size() && i < 1; ++i) result.rows.emplace_back();
    return result;
  }

  // Column types: catalog columns keep theirs; expressions take the type of
  // their values (probed on a NULL row when there are none).
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const OutColumn& o = outs[i];
    TypeSpec t;
    bool is_variant = false;
    if (!o.expr) {
      t = sources[static_cast<std::size_t>(o.source)].view->columns[static_cast<std::size_t>(o.column)].type;
    } else {
      bool have = false;
      for (const auto& p : produced) {
        const Datum& d = p.values[i];
        if (!have || (t.base == BaseType::Null && !d.is_null())) {
          t = d.type;
          have = true;
        }
        if (t.base == BaseType::SqlVariant) {
          is_variant = true;
          if (!d.is_null()) {
            t = underlying_type(d);
            break;
          }
          continue;
        }
        if (t.has_length() && d.type.base == t.base && t.length >= 0 && (d.type.length < 0 || d.type.length > t.length))
          t.length = d.type.length;
      }
      if (!have) {
        try {
          RowContext c = ctx;
          c.current.assign(sources.size(), nullptr);
          if (aggregate) c.group = &tuples;
          t = eval(f, *o.expr, &c).type;
        } catch (SqlError&) {
          t = TypeSpec::of(BaseType::NVarChar, -1);
        }
      }
      if (t.base == BaseType::SqlVariant) {
        is_variant = true;
        t = TypeSpec::of(BaseType::NVarChar, 4000);
      }
      if (t.base == BaseType::Null) t = TypeSpec::of(BaseType::Int);
      if (t.has_length() && t.length == 0) t.length = 1;
    }
    result.names.push_back(o.name);
    result.types.push_back(t);
    result.variant.push_back(is_variant);
  }
  for (auto& p : produced) {
    for (std::size_t i = 0; i < p.values.size(); ++i) {
      Datum& d = p.values[i];
      const TypeSpec& t = result.types[i];
      if (d.type.base != t.base || d.type.base == BaseType::SqlVariant) {
        try {
          d = convert(unwrap_variant(d), t, false);
        } catch (SqlError&) {
          d = Datum::null(t);
        }
      }
      d.type = t;
    }
    result.rows.push_back(std::move(p.values));
  }
  return result;
}

}  // namespace milink::emulator::sql
