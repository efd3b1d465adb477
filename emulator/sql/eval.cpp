// Expression evaluation: operators, three-valued logic, built-in functions,
// @@globals and column references.
#include "sql/executor.hpp"

#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

namespace milink::emulator::sql {

using milink::sdk::SqlType;

namespace {

const std::map<std::string, std::pair<int, int>>& function_table() {
  static const std::map<std::string, std::pair<int, int>> t = {
      {"SERVERPROPERTY", {1, 1}}, {"DATABASEPROPERTYEX", {2, 2}}, {"DB_NAME", {0, 1}},       {"DB_ID", {0, 1}},          {"CERT_ID", {1, 1}},
      {"CERTENCODED", {1, 1}},    {"ISNULL", {2, 2}},        {"LEN", {1, 1}},            {"UPPER", {1, 1}},
      {"LOWER", {1, 1}},          {"COUNT", {1, 1}},         {"MAX", {1, 1}},            {"MIN", {1, 1}},
      {"SUM", {1, 1}},            {"AVG", {1, 1}},           {"COALESCE", {2, 254}},     {"NULLIF", {2, 2}},
      {"IIF", {3, 3}},            {"GETDATE", {0, 0}},       {"GETUTCDATE", {0, 0}},     {"SYSDATETIME", {0, 0}},
      {"SYSUTCDATETIME", {0, 0}}, {"CURRENT_TIMESTAMP", {0, 0}}, {"NEWID", {0, 0}},      {"SUSER_SNAME", {0, 1}},
      {"SUSER_NAME", {0, 1}},     {"ORIGINAL_LOGIN", {0, 0}}, {"SYSTEM_USER", {0, 0}},  {"USER_NAME", {0, 1}},
      {"CURRENT_USER", {0, 0}},   {"SESSION_USER", {0, 0}},  {"USER", {0, 0}},           {"QUOTENAME", {1, 2}},
      {"REPLACE", {3, 3}},        {"CONCAT", {2, 254}},      {"LTRIM", {1, 1}},          {"RTRIM", {1, 1}},
      {"TRIM", {1, 1}},           {"SUBSTRING", {3, 3}},     {"LEFT", {2, 2}},           {"RIGHT", {2, 2}},
      {"CHARINDEX", {2, 3}},      {"DATALENGTH", {1, 1}},    {"CHAR", {1, 1}},           {"NCHAR", {1, 1}},
      {"IS_SRVROLEMEMBER", {1, 2}}, {"HOST_NAME", {0, 0}},   {"APP_NAME", {0, 0}},       {"ABS", {1, 1}},
  };
  return t;
}

bool is_aggregate(const std::string& name) {
  return name == "COUNT" || name == "MAX" || name == "MIN" || name == "SUM" || name == "AVG";
}

// LIKE with %, _, [set], [^set], [a-z]; case folding per collation.
bool like_match(const std::u32string& s, std::size_t si, const std::u32string& p, std::size_t pi, bool ci,
                char32_t escape, bool has_escape) {
  auto fold = [&](char32_t c) { return ci ? fold_case(c) : c; };
  while (pi < p.size()) {
    char32_t c = p[pi];
    if (has_escape && c == escape && pi + 1 < p.size()) {
      if (si >= s.size() || fold(s[si]) != fold(p[pi + 1])) return false;
      ++si;
      pi += 2;
      continue;
    }
    if (c == '%') {
      while (pi < p.size() && p[pi] == '%') ++pi;
      if (pi == p.size()) return true;
      for (std::size_t k = si; k <= s.size(); ++k)
        if (like_match(s, k, p, pi, ci, escape, has_escape)) return true;
      return false;
    }
    if (si >= s.size()) return false;
    if (c == '_') {
      ++si;
      ++pi;
      continue;
    }
    if (c == '[') {
      std::size_t close = p.find(']', pi + 1);
      if (close != std::u32string::npos) {
        bool negate = pi + 1 < close && p[pi + 1] == '^';
        bool matched = false;
        for (std::size_t k = pi + 1 + (negate ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            if (fold(s[si]) >= fold(p[k]) && fold(s[si]) <= fold(p[k + 2])) matched = true;
            k += 2;
          } else if (fold(s[si]) == fold(p[k])) {
            matched = true;
          }
        }
        if (matched == negate) return false;
        ++si;
        pi = close + 1;
        continue;
      }
    }
    if (fold(s[si]) != fold(c)) return false;
    ++si;
    ++pi;
  }
  // trailing blanks in the string are ignored
  while (si < s.size() && s[si] == ' ') ++si;
  return si == s.size();
}

Datum nvarchar_of(std::string s, int length = 128) { return Datum::nvarchar(std::move(s), length); }

std::string as_string(const Datum& d) {
  return convert(d, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
}

std::optional<std::int64_t> as_int(const Datum& d) {
  if (d.is_null()) return std::nullopt;
  Datum v = convert(d, TypeSpec::of(BaseType::BigInt), false);
  return v.value.as_int64();
}

Datum string_result(const Datum& like, std::string value) {
  TypeSpec t = like.type.is_string() ? like.type : TypeSpec::of(BaseType::NVarChar, -1);
  if (t.base == BaseType::Char) t.base = BaseType::VarChar;
  if (t.base == BaseType::NChar) t.base = BaseType::NVarChar;
  return Datum{SqlValue::nvarchar(std::move(value)), t};
}

}  // namespace

std::optional<std::pair<int, int>> builtin_function_arity(const std::string& upper_name) {
  const auto& t = function_table();
  auto it = t.find(upper_name);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

bool known_global(const std::string& n) {
  static const char* const names[] = {"@@SERVERNAME", "@@VERSION",    "@@SPID",       "@@TRANCOUNT",
                                      "@@ROWCOUNT",   "@@ERROR",      "@@LANGUAGE",   "@@SERVICENAME",
                                      "@@NESTLEVEL",  "@@IDENTITY",   "@@OPTIONS",    "@@MAX_CONNECTIONS",
                                      "@@DATEFIRST",  "@@LOCK_TIMEOUT", "@@TEXTSIZE", "@@MICROSOFTVERSION"};
  for (const char* x : names)
    if (n == x) return true;
  return false;
}

const CatalogView* resolve_table(const ServerState& s, const TableRef& t, const std::string& current,
                                 const Database*& db) {
  std::string dbname = current, schema, object;
  const auto& p = t.parts;
  if (p.size() == 1) {
    schema = "dbo";
    object = p[0];
  } else if (p.size() == 2) {
    schema = p[0];
    object = p[1];
  } else if (p.size() == 3) {
    dbname = p[0];
    schema = p[1].empty() ? "dbo" : p[1];
    object = p[2];
  } else {
    return nullptr;  // four-part names: linked servers are not emulated
  }
  const Database* d = s.find_database(dbname);
  if (!d) return nullptr;
  const CatalogView* v = find_catalog_view(schema, object, s.case_insensitive());
  if (!v) return nullptr;
  if (!v->home_database.empty() && !s.names_equal(v->home_database, d->name)) return nullptr;
  db = d;
  return v;
}

ColumnRef resolve_column(const std::vector<std::string>& parts, const RowContext* row, bool ci) {
  const std::string& col = parts.back();
  for (const RowContext* c = row; c; c = c->outer) {
    if (!c->sources || c->sources->empty()) continue;
    const auto& srcs = *c->sources;
    if (parts.size() == 1) {
      ColumnRef found;
      int matches = 0;
      for (std::size_t i = 0; i < srcs.size(); ++i) {
        int idx = srcs[i].view->column_index(col, ci);
        if (idx >= 0) {
          ++matches;
          found = ColumnRef{c, static_cast<int>(i), idx};
        }
      }
      if (matches > 1) throw SqlError(err::ambiguous_column(col), Abort::Batch);
      if (matches == 1) return found;
      continue;
    }
    std::vector<std::string> qual(parts.begin(), parts.end() - 1);
    for (std::size_t i = 0; i < srcs.size(); ++i) {
      const BoundSource& b = srcs[i];
      bool match = false;
      if (!b.alias.empty()) {
        match = qual.size() == 1 && collate_equal(qual[0], b.alias, ci);
      } else if (qual.size() <= b.name_parts.size()) {
        match = true;
        for (std::size_t k = 0; k < qual.size() && match; ++k)
          match = collate_equal(qual[qual.size() - 1 - k], b.name_parts[b.name_parts.size() - 1 - k], ci);
      }
      if (!match) continue;
      int idx = b.view->column_index(col, ci);
      if (idx < 0) throw SqlError(err::invalid_column(col), Abort::Batch);
      return ColumnRef{c, static_cast<int>(i), idx};
    }
  }
  if (parts.size() == 1) throw SqlError(err::invalid_column(col), Abort::Batch);
  std::string all;
  for (std::size_t i = 0; i < parts.size(); ++i) all += (i ? "." : "") + parts[i];
  throw SqlError(err::multipart_not_bound(all), Abort::Batch);
}

namespace {

/// resolve_column, memoised in the row's SELECT bindings when it has them.
ColumnRef bind_column(const Expr& e, const RowContext* row, bool ci) {
  if (!row || !row->bindings) return resolve_column(e.parts, row, ci);
  auto it = row->bindings->find(&e);
  if (it != row->bindings->end()) {
    const RowContext* c = row;
    for (int h = 0; h < it->second.hops && c; ++h) c = c->outer;
    if (c) return ColumnRef{c, it->second.source, it->second.column};
  }
  ColumnRef ref = resolve_column(e.parts, row, ci);
  int hops = 0;
  for (const RowContext* c = row; c && c != ref.context; c = c->outer) ++hops;
  (*row->bindings)[&e] = BoundColumn{hops, ref.source, ref.column};
  return ref;
}

}  // namespace

Datum Executor::eval_column(const Expr& e, const RowContext* row) {
  ColumnRef ref = bind_column(e, row, ci());
  const BoundSource& src = (*ref.context->sources)[static_cast<std::size_t>(ref.source)];
  const CatalogColumn& col = src.view->columns[static_cast<std::size_t>(ref.column)];
  if (ref.context == row && row->group && !row->in_aggregate) {
    std::string qualified;
    for (std::size_t i = 0; i < src.name_parts.size(); ++i) qualified += (i ? "." : "") + src.name_parts[i];
    throw SqlError(err::not_in_group_by((src.alias.empty() ? qualified : src.alias) + "." + col.name));
  }
  const CatalogRow* r = ref.context->current.empty() ? nullptr : ref.context->current[static_cast<std::size_t>(ref.source)];
  if (!r) return Datum::null(col.type);
  return (*r)[static_cast<std::size_t>(ref.column)];
}

Datum Executor::eval_global(Frame& f, const Expr& e) {
  const std::string& n = e.name;
  if (n == "@@SERVERNAME") {
    // On a managed instance @@SERVERNAME is the instance's full DNS name (a
    // documented T-SQL difference from SQL Server).
    const bool mi = server_.personality == Personality::ManagedInstance && !server_.fqdn.empty();
    return nvarchar_of(mi ? server_.fqdn : server_.name);
  }
  if (n == "@@VERSION") return nvarchar_of(server_.version_banner(), 300);
  if (n == "@@SPID") return Datum::small(session_.spid, BaseType::SmallInt);
  if (n == "@@TRANCOUNT") return Datum::integer(data_.trancount);
  if (n == "@@ROWCOUNT") return Datum::integer(f.last_rowcount);
  if (n == "@@ERROR") return Datum::integer(f.last_error);
  if (n == "@@LANGUAGE") return nvarchar_of("us_english");
  if (n == "@@SERVICENAME") {
    auto slash = server_.name.find('\\');
    return nvarchar_of(slash == std::string::npos ? "MSSQLSERVER" : server_.name.substr(slash + 1));
  }
  if (n == "@@NESTLEVEL") return Datum::integer(f.depth);
  if (n == "@@IDENTITY") return Datum::null(TypeSpec::of(BaseType::Numeric));
  if (n == "@@OPTIONS") {
    // The bits of SQL Server's @@OPTIONS: 5496 (ANSI_WARNINGS 8, ANSI_PADDING
    // 16, ANSI_NULLS 32, ARITHABORT 64, QUOTED_IDENTIFIER 256,
    // ANSI_NULL_DFLT_ON 1024, CONCAT_NULL_YIELDS_NULL 4096) is the
    // emulator's login default; the SET options it keeps add NOCOUNT 512
    // and XACT_ABORT 16384.
    return Datum::integer(5496 | (data_.nocount ? 512 : 0) | (data_.xact_abort ? 16384 : 0));
  }
  if (n == "@@MAX_CONNECTIONS") return Datum::integer(32767);
  if (n == "@@DATEFIRST") return Datum::small(7, BaseType::TinyInt);
  if (n == "@@LOCK_TIMEOUT") return Datum::integer(-1);
  if (n == "@@TEXTSIZE") return Datum::integer(2147483647);
  if (n == "@@MICROSOFTVERSION")
    return Datum::integer((static_cast<std::int64_t>(server_.major()) << 24) | server_.build());
  throw SqlError(err::must_declare_variable(n), Abort::Batch);
}

bool Executor::truth(Frame& f, const Expr& e, const RowContext* row) {
  // three-valued: unknown counts as false where a condition is tested
  std::function<std::optional<bool>(const Expr&)> tri = [&](const Expr& x) -> std::optional<bool> {
    switch (x.kind) {
      case ExprKind::Binary: {
        if (x.op == "AND") {
          auto a = tri(*x.args[0]);
          if (a && !*a) return false;
          auto b = tri(*x.args[1]);
          if (b && !*b) return false;
          if (a && b) return true;
          return std::nullopt;
        }
        if (x.op == "OR") {
          auto a = tri(*x.args[0]);
          if (a && *a) return true;
          auto b = tri(*x.args[1]);
          if (b && *b) return true;
          if (a && b) return false;
          return std::nullopt;
        }
        Datum l = eval(f, *x.args[0], row), r = eval(f, *x.args[1], row);
        if (l.is_null() || r.is_null()) return std::nullopt;
        int c = compare(l, r, ci());
        if (x.op == "=") return c == 0;
        if (x.op == "<>") return c != 0;
        if (x.op == "<") return c < 0;
        if (x.op == ">") return c > 0;
        if (x.op == "<=") return c <= 0;
        if (x.op == ">=") return c >= 0;
        break;
      }
      case ExprKind::Unary:
        if (x.op == "NOT") {
          auto a = tri(*x.args[0]);
          if (!a) return std::nullopt;
          return !*a;
        }
        break;
      case ExprKind::IsNull: {
        bool n = eval(f, *x.args[0], row).is_null();
        return x.negated ? !n : n;
      }
      case ExprKind::Like: {
        Datum s = eval(f, *x.args[0], row), p = eval(f, *x.args[1], row);
        if (s.is_null() || p.is_null()) return std::nullopt;
        char32_t esc = 0;
        bool has_esc = false;
        if (x.args.size() > 2) {
          Datum ed = eval(f, *x.args[2], row);
          std::u32string es = utf8_decode(as_string(ed));
          if (!es.empty()) {
            esc = es[0];
            has_esc = true;
          }
        }
        bool m = like_match(utf8_decode(as_string(s)), 0, utf8_decode(as_string(p)), 0, ci(), esc, has_esc);
        return x.negated ? !m : m;
      }
      case ExprKind::In: {
        Datum l = eval(f, *x.args[0], row);
        if (l.is_null()) return std::nullopt;
        bool saw_null = false;
        std::vector<Datum> candidates;
        if (x.select) {
          SelectResult r = run_select(f, *x.select, row);
          for (auto& rr : r.rows)
            if (!rr.empty()) candidates.push_back(rr[0]);
        } else {
          for (std::size_t i = 1; i < x.args.size(); ++i) candidates.push_back(eval(f, *x.args[i], row));
        }
        for (const auto& c : candidates) {
          if (c.is_null()) {
            saw_null = true;
            continue;
          }
          if (compare(l, c, ci()) == 0) return !x.negated;
        }
        if (saw_null) return std::nullopt;
        return x.negated;
      }
      case ExprKind::Between: {
        Datum v = eval(f, *x.args[0], row), lo = eval(f, *x.args[1], row), hi = eval(f, *x.args[2], row);
        if (v.is_null() || lo.is_null() || hi.is_null()) return std::nullopt;
        bool in = compare(v, lo, ci()) >= 0 && compare(v, hi, ci()) <= 0;
        return x.negated ? !in : in;
      }
      case ExprKind::Exists: {
        SelectResult r = run_select(f, *x.select, row, true);
        bool any = !r.rows.empty();
        return x.negated ? !any : any;
      }
      default: break;
    }
    ErrorMessage m;
    m.number = 4145;
    m.severity = 15;
    m.text = "An expression of non-boolean type specified in a context where a condition is expected, near '" +
             std::string(f.source.substr(x.begin, x.end - x.begin)) + "'.";
    throw SqlError(m, Abort::Batch);
  };
  auto r = tri(e);
  return r && *r;
}

Datum Executor::eval(Frame& f, const Expr& e, const RowContext* row) {
  switch (e.kind) {
    case ExprKind::Literal: return e.literal;
    case ExprKind::Variable: {
      Variable* v = find_variable(f, e.name);
      if (!v) throw SqlError(err::must_declare_variable(e.name), Abort::Batch);
      return v->value;
    }
    case ExprKind::Global: return eval_global(f, e);
    case ExprKind::Column: return eval_column(e, row);
    case ExprKind::Unary: {
      if (e.op == "NOT") break;
      Datum v = eval(f, *e.args[0], row);
      if (e.op == "+") return v;
      if (v.is_null()) return v;
      if (e.op == "-") return arithmetic("-", Datum::integer(0), v);
      if (e.op == "~") {
        Datum i = convert(v, TypeSpec::of(BaseType::BigInt), false);
        return v.type.base == BaseType::BigInt ? Datum::bigint(~i.value.as_int64()) : Datum::integer(~i.value.as_int64());
      }
      break;
    }
    case ExprKind::Binary: {
      if (e.op == "+" || e.op == "-" || e.op == "*" || e.op == "/" || e.op == "%")
        return arithmetic(e.op, eval(f, *e.args[0], row), eval(f, *e.args[1], row));
      if (e.op == "&" || e.op == "|" || e.op == "^") {
        Datum a = eval(f, *e.args[0], row), b = eval(f, *e.args[1], row);
        if (a.is_null() || b.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
        std::int64_t x = convert(a, TypeSpec::of(BaseType::BigInt), false).value.as_int64();
        std::int64_t y = convert(b, TypeSpec::of(BaseType::BigInt), false).value.as_int64();
        std::int64_t r = e.op == "&" ? (x & y) : e.op == "|" ? (x | y) : (x ^ y);
        return Datum::integer(r);
      }
      break;
    }
    case ExprKind::Cast: {
      Datum v = eval(f, *e.args[0], row);
      if (e.name.rfind("TRY_", 0) == 0) {
        try {
          return convert(v, e.type, true, e.style.value_or(0));
        } catch (SqlError&) {
          return Datum::null(e.type);
        }
      }
      return convert(v, e.type, true, e.style.value_or(0));
    }
    case ExprKind::Subquery: {
      SelectResult r = run_select(f, *e.select, row);
      if (r.rows.size() > 1) throw SqlError(err::subquery_multiple_values());
      if (r.rows.empty()) return Datum::null(r.types.empty() ? TypeSpec{} : r.types[0]);
      return r.rows[0][0];
    }
    case ExprKind::Case: {
      std::size_t i = 0;
      std::optional<Datum> operand;
      if (e.case_has_operand) operand = eval(f, *e.args[i++], row);
      std::size_t end = e.args.size() - (e.case_has_else ? 1 : 0);
      std::vector<Datum> results;
      std::optional<std::size_t> chosen;
      for (; i + 1 < end; i += 2) {
        bool hit;
        if (operand) {
          Datum w = eval(f, *e.args[i], row);
          hit = !operand->is_null() && !w.is_null() && compare(*operand, w, ci()) == 0;
        } else {
          hit = truth(f, *e.args[i], row);
        }
        if (hit) {
          chosen = i + 1;
          break;
        }
      }
      if (!chosen && e.case_has_else) chosen = e.args.size() - 1;
      if (!chosen) return Datum::null();
      return eval(f, *e.args[*chosen], row);
    }
    case ExprKind::Function: return eval_function(f, e, row);
    default: break;
  }
  // A condition used as a value: T-SQL has no boolean values.
  throw SqlError(err::incorrect_syntax(e.op.empty() ? "=" : e.op), Abort::Batch);
}

Datum Executor::eval_function(Frame& f, const Expr& e, const RowContext* row) {
  const std::string& n = e.name;
  auto arg = [&](std::size_t i) { return eval(f, *e.args[i], row); };

  if (is_aggregate(n)) {
    if (!row || !row->group) {
      // aggregate over the current row only (no GROUP BY context)
      if (n == "COUNT") return Datum::integer(e.star ? 1 : (arg(0).is_null() ? 0 : 1));
      return arg(0);
    }
    RowContext inner = *row;
    inner.group = nullptr;
    inner.in_aggregate = true;
    std::int64_t count = 0;
    std::optional<Datum> best;
    double sum = 0;
    bool any_float = false;
    for (const auto& tuple : *row->group) {
      inner.current = tuple;
      if (e.star) {
        ++count;
        continue;
      }
      Datum v = eval(f, *e.args[0], &inner);
      if (v.is_null()) continue;
      ++count;
      if (n == "MAX" && (!best || compare(v, *best, ci()) > 0)) best = v;
      if (n == "MIN" && (!best || compare(v, *best, ci()) < 0)) best = v;
      if (n == "SUM" || n == "AVG") {
        Datum d = unwrap_variant(v);
        if (d.type.base == BaseType::Float) any_float = true;
        sum += convert(d, TypeSpec::of(BaseType::Float), false).value.as_double();
        if (!best) best = d;
      }
    }
    if (n == "COUNT") return Datum::integer(count);
    if (n == "MAX" || n == "MIN") {
      if (best) return *best;
      // type of the argument, NULL
      inner.current.assign(row->sources ? row->sources->size() : 0, nullptr);
      Datum probe = e.args.empty() ? Datum::null() : eval(f, *e.args[0], &inner);
      return Datum::null(probe.type);
    }
    if (count == 0) return Datum::null(any_float ? TypeSpec::of(BaseType::Float) : TypeSpec::of(BaseType::Int));
    if (n == "SUM") return any_float ? Datum::floating(sum) : Datum::integer(static_cast<std::int64_t>(sum));
    return any_float ? Datum::floating(sum / static_cast<double>(count))
                     : Datum::integer(static_cast<std::int64_t>(sum / static_cast<double>(count)));
  }

  if (n == "SERVERPROPERTY") {
    Datum p = arg(0);
    auto variant = [](Datum d) {
      d.type = TypeSpec::of(BaseType::SqlVariant);
      return d;
    };
    auto text = [&](const std::string& s) { return variant(Datum::nvarchar(s, 128)); };
    auto number = [&](std::int64_t v) { return variant(Datum::integer(v)); };
    if (p.is_null()) return Datum::null(TypeSpec::of(BaseType::SqlVariant));
    std::string name = as_string(p);
    const ServerState& s = server_;
    auto instance = [&]() -> std::string {
      auto slash = s.name.find('\\');
      return slash == std::string::npos ? std::string() : s.name.substr(slash + 1);
    };
    if (iequals(name, "ProductVersion")) return text(s.version);
    if (iequals(name, "ProductLevel")) return text(s.product_level);
    if (iequals(name, "Edition")) return text(s.edition);
    if (iequals(name, "EngineEdition")) return number(s.engine_edition());
    if (iequals(name, "IsHadrEnabled")) return number(s.hadr_enabled ? 1 : 0);
    if (iequals(name, "HadrManagerStatus")) return number(s.hadr_enabled ? 1 : 0);
    if (iequals(name, "Collation")) return text(s.collation);
    if (iequals(name, "ServerName")) return text(s.name);
    if (iequals(name, "MachineName") || iequals(name, "ComputerNamePhysicalNetBIOS")) return text(s.machine_name);
    if (iequals(name, "InstanceName")) {
      std::string i = instance();
      return i.empty() ? Datum::null(TypeSpec::of(BaseType::SqlVariant)) : text(i);
    }
    if (iequals(name, "ProductMajorVersion")) return text(std::to_string(s.major()));
    if (iequals(name, "ProductMinorVersion")) return text(std::to_string(s.minor()));
    if (iequals(name, "ProductBuild")) return text(std::to_string(s.build()));
    if (iequals(name, "ProductUpdateLevel"))
      return s.update_level.empty() ? Datum::null(TypeSpec::of(BaseType::SqlVariant)) : text(s.update_level);
    if (iequals(name, "ProductUpdateReference"))
      return s.update_reference.empty() ? Datum::null(TypeSpec::of(BaseType::SqlVariant)) : text(s.update_reference);
    if (iequals(name, "IsClustered") || iequals(name, "IsSingleUser") || iequals(name, "IsIntegratedSecurityOnly") ||
        iequals(name, "IsLocalDB") || iequals(name, "IsPolyBaseInstalled") || iequals(name, "IsFullTextInstalled") ||
        iequals(name, "IsAdvancedAnalyticsInstalled"))
      return number(0);
    if (iequals(name, "IsXTPSupported")) return number(1);
    if (iequals(name, "LCID")) return number(1033);
    if (iequals(name, "ProcessID")) return number(4242);
    if (iequals(name, "BuildClrVersion")) return text("v4.0.30319");
    return Datum::null(TypeSpec::of(BaseType::SqlVariant));
  }

  if (n == "DATABASEPROPERTYEX") {
    // Updateability (READ_ONLY | READ_WRITE), Status and Recovery, as sql_variant; anything else NULL.
    Datum a = arg(0), p = arg(1);
    const Database* d = a.is_null() ? nullptr : server_.find_database(as_string(a));
    if (!d || p.is_null()) return Datum::null(TypeSpec::of(BaseType::SqlVariant));
    auto text = [](const std::string& s) {
      Datum x = Datum::nvarchar(s, 128);
      x.type = TypeSpec::of(BaseType::SqlVariant);
      return x;
    };
    std::string name = as_string(p);
    if (iequals(name, "Updateability")) return text(d->read_only ? "READ_ONLY" : "READ_WRITE");
    if (iequals(name, "Status")) return text(database_state_name(d->state));
    if (iequals(name, "Recovery")) return text(recovery_model_name(d->recovery));
    return Datum::null(TypeSpec::of(BaseType::SqlVariant));
  }
  if (n == "DB_NAME") {
    if (e.args.empty()) return nvarchar_of(current_database(f).name);
    auto id = as_int(arg(0));
    const Database* d = id ? server_.find_database(static_cast<int>(*id)) : nullptr;
    return d ? nvarchar_of(d->name) : Datum::null(TypeSpec::of(BaseType::NVarChar, 128));
  }
  if (n == "DB_ID") {
    if (e.args.empty()) return Datum::small(current_database(f).database_id, BaseType::SmallInt);
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(TypeSpec::of(BaseType::SmallInt));
    const Database* d = server_.find_database(as_string(a));
    return d ? Datum::small(d->database_id, BaseType::SmallInt) : Datum::null(TypeSpec::of(BaseType::SmallInt));
  }
  if (n == "CERT_ID") {
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
    const Certificate* c = current_database(f).find_certificate(as_string(a), ci());
    return c ? Datum::integer(c->certificate_id) : Datum::null(TypeSpec::of(BaseType::Int));
  }
  if (n == "CERTENCODED") {
    auto id = as_int(arg(0));
    const Certificate* c = id ? current_database(f).find_certificate(static_cast<int>(*id)) : nullptr;
    return c ? Datum::varbinary(c->x509.der, -1) : Datum::null(TypeSpec::of(BaseType::VarBinary, -1));
  }
  if (n == "ISNULL") {
    Datum a = arg(0);
    TypeSpec t = a.type.base == BaseType::Null ? arg(1).type : a.type;
    if (!a.is_null()) return a;
    return convert(arg(1), t, false);
  }
  if (n == "COALESCE") {
    std::vector<Datum> vals;
    TypeSpec t;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      vals.push_back(arg(i));
      t = common_type(t, vals.back().type);
    }
    for (const auto& v : vals)
      if (!v.is_null()) return convert(v, t, false);
    return Datum::null(t);
  }
  if (n == "NULLIF") {
    Datum a = arg(0), b = arg(1);
    if (!a.is_null() && !b.is_null() && compare(a, b, ci()) == 0) return Datum::null(a.type);
    return a;
  }
  if (n == "IIF") return truth(f, *e.args[0], row) ? arg(1) : arg(2);
  if (n == "LEN" || n == "DATALENGTH") {
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
    if (n == "DATALENGTH") {
      Datum u = unwrap_variant(a);
      if (u.type.is_binary()) return Datum::integer(static_cast<std::int64_t>(u.value.as_bytes().size()));
      if (u.type.is_unicode()) return Datum::integer(static_cast<std::int64_t>(utf8_to_utf16le(u.value.as_string()).size()));
      if (u.type.is_string()) return Datum::integer(static_cast<std::int64_t>(utf8_length(u.value.as_string())));
      switch (u.type.base) {
        case BaseType::Bit:
        case BaseType::TinyInt: return Datum::integer(1);
        case BaseType::SmallInt: return Datum::integer(2);
        case BaseType::Int: return Datum::integer(4);
        case BaseType::UniqueIdentifier: return Datum::integer(16);
        default: return Datum::integer(8);
      }
    }
    std::string s = as_string(a);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return Datum::integer(static_cast<std::int64_t>(utf8_length(s)));
  }
  if (n == "UPPER" || n == "LOWER" || n == "LTRIM" || n == "RTRIM" || n == "TRIM") {
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(a.type.is_string() ? a.type : TypeSpec::of(BaseType::VarChar, 30));
    std::string s = as_string(a);
    if (n == "UPPER") s = to_upper(s);
    else if (n == "LOWER") s = to_lower(s);
    else {
      if (n != "RTRIM") s.erase(0, s.find_first_not_of(' ') == std::string::npos ? s.size() : s.find_first_not_of(' '));
      if (n != "LTRIM") {
        auto last = s.find_last_not_of(' ');
        s.erase(last == std::string::npos ? 0 : last + 1);
      }
    }
    return string_result(a, s);
  }
  if (n == "SUBSTRING" || n == "LEFT" || n == "RIGHT") {
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(a.type.is_string() ? a.type : TypeSpec::of(BaseType::VarChar, -1));
    if (a.type.is_binary()) {
      std::vector<std::uint8_t> b = a.value.as_bytes();
      std::int64_t start = 1, len;
      if (n == "SUBSTRING") {
        start = as_int(arg(1)).value_or(1);
        len = as_int(arg(2)).value_or(0);
      } else {
        len = as_int(arg(1)).value_or(0);
        if (n == "RIGHT") start = static_cast<std::int64_t>(b.size()) - len + 1;
      }
      std::int64_t from = std::max<std::int64_t>(start, 1) - 1, to = std::min<std::int64_t>(start - 1 + len, static_cast<std::int64_t>(b.size()));
      std::vector<std::uint8_t> out;
      for (std::int64_t i = from; i < to; ++i) out.push_back(b[static_cast<std::size_t>(i)]);
      return Datum::varbinary(out, a.type.length);
    }
    std::u32string s = utf8_decode(as_string(a));
    std::int64_t start = 1, len;
    if (n == "SUBSTRING") {
      start = as_int(arg(1)).value_or(1);
      len = as_int(arg(2)).value_or(0);
    } else {
      len = as_int(arg(1)).value_or(0);
      if (n == "RIGHT") start = static_cast<std::int64_t>(s.size()) - len + 1;
    }
    if (len < 0) {
      ErrorMessage m;
      m.number = 536;
      m.severity = 16;
      m.text = "Invalid length parameter passed to the " + to_lower(n) + " function.";
      throw SqlError(m);
    }
    std::int64_t from = std::max<std::int64_t>(start, 1) - 1, to = std::min<std::int64_t>(start - 1 + len, static_cast<std::int64_t>(s.size()));
    std::u32string out;
    for (std::int64_t i = from; i < to; ++i) out += s[static_cast<std::size_t>(i)];
    return string_result(a, utf8_encode(out));
  }
  if (n == "CHARINDEX") {
    Datum needle = arg(0), hay = arg(1);
    if (needle.is_null() || hay.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
    std::u32string nd = utf8_decode(as_string(needle)), hs = utf8_decode(as_string(hay));
    std::int64_t start = e.args.size() > 2 ? as_int(arg(2)).value_or(1) : 1;
    if (start < 1) start = 1;
    if (nd.empty()) return Datum::integer(0);
    for (std::size_t i = static_cast<std::size_t>(start - 1); i + nd.size() <= hs.size(); ++i) {
      bool eq = true;
      for (std::size_t k = 0; k < nd.size() && eq; ++k)
        eq = ci() ? fold_case(hs[i + k]) == fold_case(nd[k]) : hs[i + k] == nd[k];
      if (eq) return Datum::integer(static_cast<std::int64_t>(i + 1));
    }
    return Datum::integer(0);
  }
  if (n == "REPLACE") {
    Datum a = arg(0), b = arg(1), c = arg(2);
    if (a.is_null() || b.is_null() || c.is_null()) return Datum::null(a.type.is_string() ? a.type : TypeSpec::of(BaseType::VarChar, -1));
    std::u32string s = utf8_decode(as_string(a)), from = utf8_decode(as_string(b)), to = utf8_decode(as_string(c));
    if (from.empty()) return string_result(a, as_string(a));
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
      bool eq = i + from.size() <= s.size();
      for (std::size_t k = 0; k < from.size() && eq; ++k)
        eq = ci() ? fold_case(s[i + k]) == fold_case(from[k]) : s[i + k] == from[k];
      if (eq) {
        out += to;
        i += from.size();
      } else {
        out += s[i++];
      }
    }
    TypeSpec t = (a.type.is_unicode() || b.type.is_unicode() || c.type.is_unicode()) ? TypeSpec::of(BaseType::NVarChar, -1)
                                                                                     : TypeSpec::of(BaseType::VarChar, -1);
    return Datum{SqlValue::nvarchar(utf8_encode(out)), t};
  }
  if (n == "CONCAT") {
    std::string out;
    bool unicode = false;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      Datum v = arg(i);
      if (v.type.is_unicode()) unicode = true;
      if (!v.is_null()) out += as_string(v);
    }
    return Datum{SqlValue::nvarchar(out), TypeSpec::of(unicode ? BaseType::NVarChar : BaseType::VarChar, -1)};
  }
  if (n == "QUOTENAME") {
    Datum a = arg(0);
    if (a.is_null()) return Datum::null(TypeSpec::of(BaseType::NVarChar, 258));
    std::string s = as_string(a);
    if (utf8_length(s) > 128) return Datum::null(TypeSpec::of(BaseType::NVarChar, 258));
    char open = '[', close = ']';
    if (e.args.size() > 1) {
      Datum q = arg(1);
      std::string qs = q.is_null() ? "" : as_string(q);
      if (qs.size() != 1) return Datum::null(TypeSpec::of(BaseType::NVarChar, 258));
      switch (qs[0]) {
        case '[': case ']': break;
        case '"': open = close = '"'; break;
        case '\'': open = close = '\''; break;
        case '(': case ')': open = '('; close = ')'; break;
        case '<': case '>': open = '<'; close = '>'; break;
        case '{': case '}': open = '{'; close = '}'; break;
        case '`': open = close = '`'; break;
        default: return Datum::null(TypeSpec::of(BaseType::NVarChar, 258));
      }
    }
    std::string out(1, open);
    for (char ch : s) {
      out += ch;
      if (ch == close) out += close;
    }
    out += close;
    return Datum::nvarchar(out, 258);
  }
  if (n == "CHAR" || n == "NCHAR") {
    auto v = as_int(arg(0));
    if (!v || *v < 0 || (n == "CHAR" && *v > 255) || *v > 0x10FFFF)
      return Datum::null(TypeSpec::of(n == "CHAR" ? BaseType::Char : BaseType::NChar, 1));
    std::string s;
    utf8_append(s, static_cast<char32_t>(*v));
    return Datum{SqlValue::nvarchar(s), TypeSpec::of(n == "CHAR" ? BaseType::Char : BaseType::NChar, 1)};
  }
  if (n == "GETDATE" || n == "GETUTCDATE" || n == "CURRENT_TIMESTAMP") return Datum::datetime(now_utc());
  if (n == "SYSDATETIME" || n == "SYSUTCDATETIME") return Datum::datetime2(now_utc());
  if (n == "NEWID") return Datum::guid(new_guid());
  if (n == "SUSER_SNAME" || n == "SUSER_NAME" || n == "ORIGINAL_LOGIN" || n == "SYSTEM_USER") {
    if (!e.args.empty()) {
      Datum a = arg(0);
      if (!a.is_null()) return Datum::null(TypeSpec::of(BaseType::NVarChar, 128));
    }
    return nvarchar_of(session_.login);
  }
  if (n == "USER_NAME" || n == "CURRENT_USER" || n == "SESSION_USER" || n == "USER") return nvarchar_of("dbo");
  if (n == "IS_SRVROLEMEMBER") {
    Datum role = arg(0);
    if (role.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
    std::string login_name = session_.login;
    if (e.args.size() > 1) {
      Datum l = arg(1);
      if (l.is_null()) return Datum::null(TypeSpec::of(BaseType::Int));
      login_name = as_string(l);
    }
    const Login* l = server_.find_login(login_name);
    if (!l) return Datum::null(TypeSpec::of(BaseType::Int));
    std::string r = as_string(role);
    if (iequals(r, "public")) return Datum::integer(1);
    if (iequals(r, "sysadmin")) return Datum::integer(l->sysadmin ? 1 : 0);
    static const char* const roles[] = {"serveradmin", "dbcreator", "setupadmin", "bulkadmin", "securityadmin",
                                        "diskadmin", "processadmin"};
    for (const char* x : roles)
      if (iequals(r, x)) return Datum::integer(l->sysadmin ? 1 : 0);
    return Datum::null(TypeSpec::of(BaseType::Int));
  }
  if (n == "HOST_NAME") return nvarchar_of("");
  if (n == "APP_NAME") return nvarchar_of(session_.application);
  if (n == "ABS") {
    Datum a = arg(0);
    if (a.is_null()) return a;
    Datum u = unwrap_variant(a);
    if (u.type.base == BaseType::Float) return Datum::floating(std::abs(u.value.as_double()));
    Datum i = convert(u, TypeSpec::of(BaseType::BigInt), false);
    return u.type.base == BaseType::BigInt ? Datum::bigint(std::llabs(i.value.as_int64())) : Datum::integer(std::llabs(i.value.as_int64()));
  }
  throw SqlError(err::not_builtin_function(to_lower(n)), Abort::Batch);
}

}  // namespace milink::emulator::sql
