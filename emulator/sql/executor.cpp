#include "sql/executor.hpp"

#include "engine/type_info.hpp"
#include "sql/lexer.hpp"
#include "sql/parser.hpp"
#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <algorithm>

namespace milink::emulator::sql {

using milink::sdk::SqlType;

Executor::Executor(EmulatorWorld& world, ServerState& server, Session& session, SessionData& data, Response& response)
    : world_(world), server_(server), session_(session), data_(data), response_(response) {}

// --- messages and results --------------------------------------------------------

void Executor::emit_error(ErrorMessage m, int line) {
  if (m.severity > 10) {
    ++statement_errors_;
    if (!first_statement_error_) first_statement_error_ = m.number;
  }
  if (describe_mode_) return;
  Message msg;
  msg.number = m.number;
  msg.state = m.state;
  msg.severity = m.severity;
  msg.text = std::move(m.text);
  msg.procedure = std::move(m.procedure);
  msg.line = m.line > 0 ? m.line : (line > 0 ? line : current_line_);
  if (msg.severity > 10) response_.failed = true;
  response_.items.emplace_back(std::move(msg));
}

void Executor::emit_info(const ErrorMessage& m) {
  if (describe_mode_) return;
  Message msg;
  msg.number = m.number;
  msg.state = m.state;
  msg.severity = m.severity;
  msg.text = m.text;
  msg.line = m.line > 0 ? m.line : 1;
  response_.items.emplace_back(std::move(msg));
}

void Executor::emit_result(const SelectResult& r) {
  if (describe_mode_) return;
  ResultSet rs;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    rs.columns.push_back(r.types[i].to_column(r.names[i]));
    if (i < r.variant.size() && r.variant[i]) rs.columns.back().variant = true;
  }
  for (const auto& row : r.rows) {
    std::vector<SqlValue> vals;
    vals.reserve(row.size());
    for (const auto& d : row) vals.push_back(d.value);
    rs.rows.push_back(std::move(vals));
  }
  std::int64_t n = static_cast<std::int64_t>(rs.rows.size());
  response_.items.emplace_back(std::move(rs));
  if (data_.nocount) response_.items.emplace_back(StatementDone{0xC1});
  else response_.items.emplace_back(RowCount{n, 0xC1});
}

void Executor::emit_done(std::uint16_t command) {
  if (describe_mode_) return;
  response_.items.emplace_back(StatementDone{command});
}

// --- variables ---------------------------------------------------------------------

Variable* Executor::find_variable(Frame& f, std::string_view name) {
  for (auto& v : f.variables)
    if (collate_equal(v.name, name, ci())) return &v;
  return nullptr;
}

void Executor::assign(Frame& f, const std::string& name, const Datum& value, const std::string& op) {
  Variable* v = find_variable(f, name);
  if (!v) throw SqlError(err::must_declare_variable(name), Abort::Batch);
  Datum x = value;
  if (op != "=") x = arithmetic(op.substr(0, 1), v->value, value);
  v->value = convert(x, v->type, false);
}

TypeSpec type_of_sql_value(const SqlValue& v) {
  switch (v.type()) {
    case SqlType::Int: return TypeSpec::of(BaseType::Int);
    case SqlType::BigInt: return TypeSpec::of(BaseType::BigInt);
    case SqlType::Bit: return TypeSpec::of(BaseType::Bit);
    case SqlType::VarBinary: return TypeSpec::of(BaseType::VarBinary, -1);
    case SqlType::DateTime2: return TypeSpec::of(BaseType::DateTime2);
    case SqlType::Float: return TypeSpec::of(BaseType::Float);
    case SqlType::NVarChar:
    case SqlType::Null: return TypeSpec::of(BaseType::NVarChar, -1);
  }
  return TypeSpec::of(BaseType::NVarChar, -1);
}

void Executor::declare_params(Frame& f, const std::vector<Param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::string name = params[i].name.empty() ? "@P" + std::to_string(i + 1) : params[i].name;
    if (name[0] != '@') name = "@" + name;
    Variable v;
    v.name = name;
    v.type = type_of_sql_value(params[i].value);
    v.value = Datum{params[i].value.is_null() ? SqlValue::null(Datum::sql_type_of(v.type.base)) : params[i].value, v.type};
    f.variables.push_back(std::move(v));
  }
}

Database& Executor::current_database(Frame& f) {
  Database* d = server_.find_database(f.database);
  if (!d) d = &server_.master();
  return *d;
}

void Executor::set_database(Frame& f, const std::string& db) {
  std::string old = f.database;
  f.database = db;
  session_.database = db;
  if (describe_mode_) return;
  response_.items.emplace_back(DatabaseChange{old, db});
  emit_info(err::changed_database(db));
}

// --- logging ----------------------------------------------------------------------

std::uint64_t Executor::log_start(Frame& f, const Stmt& s) {
  if (describe_mode_) return 0;
  StatementLogEntry e;
  e.spid = session_.spid;
  e.login = session_.login;
  e.database = f.database;
  e.text = mask_secrets(f.source.substr(s.begin, s.end - s.begin));
  e.depth = f.depth;
  return server_.statement_log.add(std::move(e));
}

void Executor::log_whole(Frame& f, std::string_view text, int error) {
  if (describe_mode_) return;
  StatementLogEntry e;
  e.spid = session_.spid;
  e.login = session_.login;
  e.database = f.database;
  e.text = mask_secrets(text);
  e.ok = error == 0;
  e.error_number = error;
  e.depth = f.depth;
  server_.statement_log.add(std::move(e));
}

// --- compile-time checks (binder) ----------------------------------------------------

namespace {

struct BindScope {
  std::vector<BoundSource> sources;
  bool complete = true;
  RowContext ctx;
  const BindScope* outer = nullptr;
};

class Binder {
public:
  Binder(const ServerState& s, std::vector<Variable>& vars, std::string db, bool ci, std::string_view source)
      : server_(s), vars_(vars), db_(std::move(db)), ci_(ci), source_(source) {}

  void statements(const std::vector<StmtPtr>& list) {
    for (const auto& s : list) statement(*s);
  }

private:
  [[noreturn]] void fail(ErrorMessage m, int line) {
    m.line = line;
    throw SqlError(std::move(m), Abort::Batch);
  }

  bool declared(const std::string& name) const {
    for (const auto& v : vars_)
      if (collate_equal(v.name, name, ci_)) return true;
    return false;
  }
  void variable(const std::string& name, int line) {
    if (!declared(name)) fail(err::must_declare_variable(name), line);
  }

  void statement(const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Use: db_ = static_cast<const UseStmt&>(s).database; break;
      case StmtKind::Declare:
        for (const auto& v : static_cast<const DeclareStmt&>(s).variables) {
          if (v.init) typed(*v.init, nullptr, false);
          if (declared(v.name)) fail(err::variable_already_declared(v.name), v.line);
          vars_.push_back(Variable{v.name, v.type, Datum::null(v.type)});
        }
        break;
      case StmtKind::SetVariable: {
        const auto& x = static_cast<const SetVariableStmt&>(s);
        variable(x.name, s.line);
        typed(*x.value, nullptr, false);
        break;
      }
      case StmtKind::Select: select(*static_cast<const SelectStmt&>(s).select, nullptr); break;
      case StmtKind::If: {
        const auto& x = static_cast<const IfStmt&>(s);
        typed(*x.condition, nullptr, true);
        statement(*x.then_branch);
        if (x.else_branch) statement(*x.else_branch);
        break;
      }
      case StmtKind::Block: statements(static_cast<const BlockStmt&>(s).body); break;
      case StmtKind::Print: typed(*static_cast<const PrintStmt&>(s).value, nullptr, false); break;
      case StmtKind::RaiseError: {
        const auto& x = static_cast<const RaiseErrorStmt&>(s);
        for (const Expr* e : {x.message.get(), x.severity.get(), x.state.get()}) typed(*e, nullptr, false);
        for (const auto& a : x.args) typed(*a, nullptr, false);
        break;
      }
      case StmtKind::Throw: {
        const auto& x = static_cast<const ThrowStmt&>(s);
        for (const Expr* e : {x.number.get(), x.message.get(), x.state.get()}) typed(*e, nullptr, false);
        break;
      }
      case StmtKind::WaitFor: typed(*static_cast<const WaitForStmt&>(s).delay, nullptr, false); break;
      case StmtKind::Exec: {
        const auto& x = static_cast<const ExecStmt&>(s);
        if (!x.return_variable.empty()) variable(x.return_variable, s.line);
        for (const auto& a : x.args)
          if (a.value) expr(*a.value, nullptr);
        break;
      }
      case StmtKind::ExecString:
        for (const auto& p : static_cast<const ExecStringStmt&>(s).parts) typed(*p, nullptr, false);
        break;
      case StmtKind::Dbcc:
        for (const auto& a : static_cast<const DbccStmt&>(s).args) typed(*a, nullptr, false);
        break;
      case StmtKind::Return:
        if (const auto& v = static_cast<const ReturnStmt&>(s).value) typed(*v, nullptr, false);
        break;
      case StmtKind::Backup: {
        const auto& x = static_cast<const BackupStmt&>(s);
        if (x.database_is_variable) variable(x.database, s.line);
        break;
      }
      default: break;
    }
  }

  void expr(const Expr& e, const BindScope* scope) {
    switch (e.kind) {
      case ExprKind::Variable: variable(e.name, e.line); break;
      case ExprKind::Global:
        if (!known_global(e.name)) fail(err::must_declare_variable(e.name), e.line);
        break;
      case ExprKind::Function: {
        auto arity = builtin_function_arity(e.name);
        if (!arity) fail(err::not_builtin_function(to_lower(e.name)), e.line);
        int n = e.star ? 1 : static_cast<int>(e.args.size());
        if (e.star && e.name != "COUNT") fail(err::incorrect_syntax("*"), e.line);
        if (n < arity->first || n > arity->second) fail(err::function_argument_count(to_lower(e.name), arity->first), e.line);
        break;
      }
      case ExprKind::Column:
        if (!scope) fail(err::invalid_column(e.parts.back()), e.line);
        if (scope_complete(scope)) {
          try {
            resolve_column(e.parts, &scope->ctx, ci_);
          } catch (SqlError& err) {
            err.messages.front().line = e.line;
            throw;
          }
        }
        break;
      default: break;
    }
    bool logical = e.kind == ExprKind::Binary && (e.op == "AND" || e.op == "OR");
    bool negation = e.kind == ExprKind::Unary && e.op == "NOT";
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      if (!e.args[i]) continue;
      bool condition = logical || negation;
      if (e.kind == ExprKind::Function && e.name == "IIF" && i == 0) condition = true;
      if (e.kind == ExprKind::Case && !e.case_has_operand) {
        std::size_t end = e.args.size() - (e.case_has_else ? 1 : 0);
        condition = i < end && i % 2 == 0;
      }
      typed(*e.args[i], scope, condition);
    }
    if (e.select) select(*e.select, scope);
  }

  static bool scope_complete(const BindScope* s) {
    for (; s; s = s->outer)
      if (!s->complete) return false;
    return true;
  }

  void select(const Select& sel, const BindScope* outer) {
    BindScope scope;
    scope.outer = outer;
    auto add = [&](const TableRef& t) {
      const Database* db = nullptr;
      const CatalogView* v = resolve_table(server_, t, db_, db);
      if (!v) {
        scope.complete = false;
        return;
      }
      BoundSource b;
      b.alias = t.alias;
      b.name_parts = t.parts;
      b.view = v;
      scope.sources.push_back(std::move(b));
    };
    if (sel.has_from) {
      add(sel.from);
      for (const auto& j : sel.joins) add(j.table);
    }
    scope.ctx.sources = &scope.sources;
    scope.ctx.current.assign(scope.sources.size(), nullptr);
    scope.ctx.outer = outer ? &outer->ctx : nullptr;
    // Without FROM, column names are errors; with an unknown table, deferred.
    const BindScope* cols = sel.has_from ? &scope : (outer ? &scope : nullptr);
    if (!sel.has_from && !outer) cols = nullptr;
    if (sel.top) typed(*sel.top, nullptr, false);
    for (const auto& item : sel.items) {
      if (item.kind == SelectItem::Kind::Assignment) variable(item.variable, sel.line);
      if (item.kind == SelectItem::Kind::QualifiedStar && scope_complete(&scope)) {
        bool found = false;
        for (const auto& s : scope.sources) {
          std::string q = item.qualifier.back();
          if (!s.alias.empty() ? collate_equal(s.alias, q, ci_) : collate_equal(s.name_parts.back(), q, ci_)) found = true;
        }
        if (!found) {
          std::string all;
          for (std::size_t i = 0; i < item.qualifier.size(); ++i) all += (i ? "." : "") + item.qualifier[i];
          fail(err::multipart_not_bound(all), sel.line);
        }
      }
      if (item.expr) typed(*item.expr, cols, false);
      if (item.kind == SelectItem::Kind::Star && !sel.has_from) {
        ErrorMessage m;
        m.number = 263;
        m.severity = 16;
        m.text = "Must specify table to select from.";
        fail(m, sel.line);
      }
    }
    for (const auto& j : sel.joins)
      if (j.on) typed(*j.on, &scope, true);
    if (sel.where) typed(*sel.where, cols, true);
    for (const auto& o : sel.order_by) {
      // ORDER BY may name a select-list alias or an ordinal
      if (o.expr->kind == ExprKind::Column && o.expr->parts.size() == 1) {
        bool alias = false;
        for (const auto& item : sel.items)
          if (item.has_alias && collate_equal(item.alias, o.expr->parts[0], ci_)) alias = true;
        if (alias) continue;
      }
      if (o.expr->kind == ExprKind::Literal) continue;
      typed(*o.expr, cols, false);
    }
  }

  // T-SQL has no boolean values: a condition where a value is expected is a
  // syntax error near its operator; a value where a condition is expected
  // is 4145 near the token that follows it.
  static bool is_condition(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Binary:
        return e.op == "=" || e.op == "<>" || e.op == "<" || e.op == ">" || e.op == "<=" || e.op == ">=" ||
               e.op == "AND" || e.op == "OR";
      case ExprKind::Unary: return e.op == "NOT";
      case ExprKind::IsNull:
      case ExprKind::Like:
      case ExprKind::In:
      case ExprKind::Between:
      case ExprKind::Exists: return true;
      default: return false;
    }
  }

  void value_context(const Expr& e) {
    if (!is_condition(e)) return;
    ErrorMessage m;
    switch (e.kind) {
      case ExprKind::Binary:
        m = (e.op == "AND" || e.op == "OR") ? err::incorrect_syntax_keyword(e.op) : err::incorrect_syntax(e.op);
        break;
      case ExprKind::Unary: m = err::incorrect_syntax_keyword("NOT"); break;
      case ExprKind::IsNull: m = err::incorrect_syntax_keyword("IS"); break;
      case ExprKind::Like: m = err::incorrect_syntax_keyword("LIKE"); break;
      case ExprKind::In: m = err::incorrect_syntax_keyword("IN"); break;
      case ExprKind::Between: m = err::incorrect_syntax_keyword("BETWEEN"); break;
      default: m = err::incorrect_syntax_keyword("EXISTS"); break;
    }
    m.severity = 15;
    fail(m, e.line);
  }

  void condition_context(const Expr& e) {
    if (is_condition(e)) return;
    std::string near;
    try {
      auto toks = tokenize(source_.substr(std::min(e.end, source_.size())));
      if (!toks.empty() && toks[0].kind != TokenKind::End) near = toks[0].text;
    } catch (SqlError&) {
    }
    if (near.empty()) near = std::string(source_.substr(e.begin, e.end - e.begin));
    ErrorMessage m;
    m.number = 4145;
    m.severity = 15;
    m.text = "An expression of non-boolean type specified in a context where a condition is expected, near '" + near + "'.";
    fail(m, e.line);
  }

  /// Checks \p e where a value (false) or a condition (true) is expected.
  void typed(const Expr& e, const BindScope* scope, bool condition) {
    if (condition) condition_context(e);
    else value_context(e);
    expr(e, scope);
  }

  const ServerState& server_;
  std::vector<Variable>& vars_;
  std::string db_;
  bool ci_;
  std::string_view source_;
};

}  // namespace

void Executor::bind_batch(Frame& f, const std::vector<StmtPtr>& stmts) {
  Binder b(server_, f.variables, f.database, ci(), f.source);
  b.statements(stmts);
}

// --- batches --------------------------------------------------------------------

Flow Executor::run_text(Frame& f, std::string_view sql, bool top_level) {
  std::vector<StmtPtr> stmts;
  try {
    stmts = parse_batch(sql);
    bind_batch(f, stmts);
  } catch (SqlError& e) {
    for (auto& m : e.messages) emit_error(m, m.line > 0 ? m.line : 1);
    log_whole(f, sql, e.messages.empty() ? 0 : e.messages.front().number);
    f.had_error = true;
    f.last_error = e.messages.empty() ? 0 : e.messages.front().number;
    return Flow::StopBatch;
  }
  (void)top_level;
  return exec_list(f, stmts);
}

Flow Executor::exec_list(Frame& f, const std::vector<StmtPtr>& stmts) {
  for (const auto& s : stmts) {
    Flow flow = exec(f, *s);
    if (flow != Flow::Next) return flow;
  }
  return Flow::Next;
}

Flow Executor::exec(Frame& f, const Stmt& s) {
  if (s.kind == StmtKind::Block) return exec_list(f, static_cast<const BlockStmt&>(s).body);
  if (s.kind == StmtKind::Empty) return Flow::Next;
  if (s.kind == StmtKind::If) {
    const auto& x = static_cast<const IfStmt&>(s);
    bool cond = false;
    int saved_errors = statement_errors_, saved_first = first_statement_error_;
    statement_errors_ = 0;
    first_statement_error_ = 0;
    try {
      cond = truth(f, *x.condition, nullptr);
    } catch (SqlError& e) {
      for (auto& m : e.messages) emit_error(m, m.line > 0 ? m.line : s.line);
      std::size_t cond_end = x.condition->end;
      log_whole(f, f.source.substr(s.begin, cond_end - s.begin), first_statement_error_);
      f.last_error = first_statement_error_;
      f.had_error = true;
      statement_errors_ += saved_errors;
      if (!first_statement_error_) first_statement_error_ = saved_first;
      return e.abort == Abort::Batch ? Flow::StopBatch : Flow::Next;
    }
    statement_errors_ = saved_errors;
    first_statement_error_ = saved_first;
    const Stmt* branch = cond ? x.then_branch.get() : x.else_branch.get();
    return branch ? exec(f, *branch) : Flow::Next;
  }

  int saved_errors = statement_errors_, saved_first = first_statement_error_;
  statement_errors_ = 0;
  first_statement_error_ = 0;
  std::uint64_t seq = log_start(f, s);
  Flow flow = Flow::Next;
  int saved_line = current_line_;
  current_line_ = s.line;
  try {
    flow = dispatch(f, s);
  } catch (SqlError& e) {
    for (auto& m : e.messages) emit_error(m, m.line > 0 ? m.line : s.line);
    if (e.abort == Abort::Batch) flow = Flow::StopBatch;
  }
  current_line_ = saved_line;
  bool ok = statement_errors_ == 0;
  if (!describe_mode_ && seq) server_.statement_log.set_result(seq, ok, first_statement_error_);
  f.last_error = first_statement_error_;
  if (!ok) f.had_error = true;
  statement_errors_ += saved_errors;
  if (!saved_first) saved_first = first_statement_error_;
  first_statement_error_ = saved_first;
  return flow;
}

namespace {

/// Whether a statement may change what the link simulation reads (so it
/// re-checks every link) or what the catalog views show (so their cached
/// rows are stale): anything but queries, variables and the procedures that
/// only read (procedure_may_write).
bool may_change_world(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Use:
    case StmtKind::Declare:
    case StmtKind::SetVariable:
    case StmtKind::SetOption:
    case StmtKind::Select:
    case StmtKind::Print:
    case StmtKind::RaiseError:
    case StmtKind::Throw:
    case StmtKind::WaitFor:
    case StmtKind::Dbcc:
    case StmtKind::Transaction:
    case StmtKind::Return:
    case StmtKind::Empty:
    case StmtKind::If:
    case StmtKind::Block: return false;
    case StmtKind::Exec: {
      const auto& parts = static_cast<const ExecStmt&>(s).procedure;
      return parts.empty() || procedure_may_write(parts.back());
    }
    default: return true;
  }
}

}  // namespace

Flow Executor::dispatch(Frame& f, const Stmt& s) {
  // A new generation before the statement (it may read what an earlier one
  // wrote) and after it, however it ends (what it wrote must not be read
  // from rows cached while it ran).
  const bool writes = !describe_mode_ && may_change_world(s);
  if (writes) world_.mark_changed();
  GenerationAfter after(world_, writes);
  switch (s.kind) {
    case StmtKind::Use: do_use(f, static_cast<const UseStmt&>(s)); break;
    case StmtKind::Declare: do_declare(f, static_cast<const DeclareStmt&>(s)); break;
    case StmtKind::SetVariable: {
      const auto& x = static_cast<const SetVariableStmt&>(s);
      assign(f, x.name, eval(f, *x.value, nullptr), x.op);
      break;
    }
    case StmtKind::SetOption: do_set_option(f, static_cast<const SetOptionStmt&>(s)); break;
    case StmtKind::Select: do_select(f, static_cast<const SelectStmt&>(s)); break;
    case StmtKind::Print: do_print(f, static_cast<const PrintStmt&>(s)); break;
    case StmtKind::Exec: do_exec(f, static_cast<const ExecStmt&>(s)); break;
    case StmtKind::ExecString: do_exec_string(f, static_cast<const ExecStringStmt&>(s)); break;
    case StmtKind::Dbcc: do_dbcc(f, static_cast<const DbccStmt&>(s)); break;
    case StmtKind::Transaction: do_transaction(f, static_cast<const TransactionStmt&>(s)); break;
    case StmtKind::Return: {
      const auto& x = static_cast<const ReturnStmt&>(s);
      if (x.value) {
        Datum v = convert(eval(f, *x.value, nullptr), TypeSpec::of(BaseType::Int), false);
        f.return_status = v.is_null() ? 0 : static_cast<int>(v.value.as_int64());
      }
      return Flow::Return;
    }
    case StmtKind::CreateMasterKey: do_create_master_key(f, static_cast<const CreateMasterKeyStmt&>(s)); break;
    case StmtKind::DropMasterKey: do_drop_master_key(f, static_cast<const DropMasterKeyStmt&>(s)); break;
    case StmtKind::CreateCertificate: do_create_certificate(f, static_cast<const CreateCertificateStmt&>(s)); break;
    case StmtKind::DropCertificate: do_drop_certificate(f, static_cast<const DropCertificateStmt&>(s)); break;
    case StmtKind::CreateEndpoint: do_create_endpoint(f, static_cast<const CreateEndpointStmt&>(s)); break;
    case StmtKind::AlterEndpoint: do_alter_endpoint(f, static_cast<const AlterEndpointStmt&>(s)); break;
    case StmtKind::DropEndpoint: do_drop_endpoint(f, static_cast<const DropEndpointStmt&>(s)); break;
    case StmtKind::CreateAvailabilityGroup:
      do_create_availability_group(f, static_cast<const CreateAvailabilityGroupStmt&>(s));
      break;
    case StmtKind::AlterAvailabilityGroup:
      do_alter_availability_group(f, static_cast<const AlterAvailabilityGroupStmt&>(s));
      break;
    case StmtKind::DropAvailabilityGroup:
      do_drop_availability_group(f, static_cast<const DropAvailabilityGroupStmt&>(s));
      break;
    case StmtKind::Backup: do_backup(f, static_cast<const BackupStmt&>(s)); break;
    case StmtKind::AlterDatabase: do_alter_database(f, static_cast<const AlterDatabaseStmt&>(s)); break;
    case StmtKind::CreateDatabase: do_create_database(f, static_cast<const CreateDatabaseStmt&>(s)); break;
    case StmtKind::DropDatabase: do_drop_database(f, static_cast<const DropDatabaseStmt&>(s)); break;
    case StmtKind::RaiseError: do_raiserror(f, static_cast<const RaiseErrorStmt&>(s)); break;
    case StmtKind::Throw: do_throw(f, static_cast<const ThrowStmt&>(s)); break;
    case StmtKind::WaitFor: do_waitfor(f, static_cast<const WaitForStmt&>(s)); break;
    case StmtKind::Empty:
    case StmtKind::If:
    case StmtKind::Block: break;
  }
  return Flow::Next;
}

// --- entry points -----------------------------------------------------------------

void Executor::run_batch(std::string_view sql, const std::vector<Param>& params) {
  Frame f;
  f.source = sql;
  f.database = session_.database;
  if (!server_.find_database(f.database)) f.database = "master";
  declare_params(f, params);
  run_text(f, sql, true);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i].output) continue;
    std::string name = params[i].name.empty() ? "@P" + std::to_string(i + 1) : params[i].name;
    if (name[0] != '@') name = "@" + name;
    if (Variable* v = find_variable(f, name)) response_.items.emplace_back(ReturnValue{name, v->value.value});
  }
}

std::optional<std::vector<Column>> Executor::describe(std::string_view sql, const std::vector<Param>& params) {
  describe_mode_ = true;
  Frame f;
  f.source = sql;
  f.database = session_.database;
  if (!server_.find_database(f.database)) f.database = "master";
  std::string session_db = session_.database;
  declare_params(f, params);
  std::optional<std::vector<Column>> out;
  try {
    std::vector<StmtPtr> stmts = parse_batch(sql);
    bind_batch(f, stmts);
    for (const auto& s : stmts) {
      if (s->kind == StmtKind::Declare) {
        do_declare(f, static_cast<const DeclareStmt&>(*s));
      } else if (s->kind == StmtKind::SetVariable) {
        const auto& x = static_cast<const SetVariableStmt&>(*s);
        assign(f, x.name, eval(f, *x.value, nullptr), x.op);
      } else if (s->kind == StmtKind::SetOption || s->kind == StmtKind::Empty || s->kind == StmtKind::Print) {
        continue;
      } else if (s->kind == StmtKind::Use) {
        const auto& u = static_cast<const UseStmt&>(*s);
        if (const Database* d = server_.find_database(u.database)) f.database = d->name;
      } else if (s->kind == StmtKind::Select) {
        const auto& sel = *static_cast<const SelectStmt&>(*s).select;
        if (sel.is_assignment()) {
          do_select(f, static_cast<const SelectStmt&>(*s));
          continue;
        }
        SelectResult r = run_select(f, sel, nullptr);
        std::vector<Column> cols;
        for (std::size_t i = 0; i < r.names.size(); ++i) {
          cols.push_back(r.types[i].to_column(r.names[i]));
          if (i < r.variant.size() && r.variant[i]) cols.back().variant = true;
        }
        out = cols;
        break;
      } else if (s->kind == StmtKind::Dbcc && static_cast<const DbccStmt&>(*s).command == "TRACESTATUS") {
        std::vector<Column> cols;
        for (const char* n : {"TraceFlag", "Status", "Global", "Session"}) cols.push_back(TypeSpec::of(BaseType::SmallInt).to_column(n));
        out = cols;
        break;
      } else if (s->kind == StmtKind::Exec) {
        const auto& x = static_cast<const ExecStmt&>(*s);
        std::string proc = x.procedure.back();
        if (iequals(proc, "sp_get_endpoint_certificate") && server_.has_link_procedures())
          out = std::vector<Column>{TypeSpec::of(BaseType::VarBinary, -1).to_column("EndpointCertificatePublicKey")};
        else if (iequals(proc, "sp_datatype_info_100") || iequals(proc, "sp_datatype_info"))
          out = datatype_info_result().columns;
        break;
      } else {
        break;
      }
    }
  } catch (SqlError&) {
    out.reset();
  }
  session_.database = session_db;
  describe_mode_ = false;
  return out;
}

// --- simple statements ----------------------------------------------------------

void Executor::do_use(Frame& f, const UseStmt& s) {
  const Database* d = server_.find_database(s.database);
  if (!d) throw SqlError(err::database_not_found(s.database), Abort::Batch);
  if (d->state == DatabaseState::Restoring)
    throw SqlError(err::backup_database_not_online(d->name), Abort::Batch);
  set_database(f, d->name);
}

void Executor::do_declare(Frame& f, const DeclareStmt& s) {
  for (const auto& v : s.variables) {
    if (!find_variable(f, v.name)) f.variables.push_back(Variable{v.name, v.type, Datum::null(v.type)});
    if (v.init) assign(f, v.name, eval(f, *v.init, nullptr));
  }
}

void Executor::do_set_option(Frame& f, const SetOptionStmt& s) {
  for (const auto& o : s.options) {
    if (o == "NOCOUNT") data_.nocount = s.on;
    else if (o == "XACT_ABORT") data_.xact_abort = s.on;
  }
  (void)f;
}

void Executor::do_select(Frame& f, const SelectStmt& s) {
  SelectResult r = run_select(f, *s.select, nullptr);
  if (s.select->is_assignment()) {
    f.last_rowcount = static_cast<std::int64_t>(r.rows.size());
    return;
  }
  f.last_rowcount = static_cast<std::int64_t>(r.rows.size());
  emit_result(r);
}

void Executor::do_print(Frame& f, const PrintStmt& s) {
  Datum v = eval(f, *s.value, nullptr);
  std::string text = v.is_null() ? "" : convert(v, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
  ErrorMessage m;
  m.number = 0;
  m.severity = 0;
  m.state = 1;
  m.text = text;
  m.line = s.line;
  emit_info(m);
}

void Executor::do_dbcc(Frame& f, const DbccStmt& s) {
  bool no_info = std::find(s.with_options.begin(), s.with_options.end(), "NO_INFOMSGS") != s.with_options.end();
  for (const auto& o : s.with_options)
    if (o != "NO_INFOMSGS" && o != "TABLERESULTS") throw SqlError(err::incorrect_syntax(o));
  std::vector<int> flags;
  bool global = false;
  for (const auto& a : s.args) {
    Datum v = convert(eval(f, *a, nullptr), TypeSpec::of(BaseType::Int), false);
    if (v.is_null()) throw SqlError(err::dbcc_incorrect());
    int n = static_cast<int>(v.value.as_int64());
    if (n == -1) global = true;
    else flags.push_back(n);
  }
  if (s.command == "TRACESTATUS") {
    SelectResult r;
    r.names = {"TraceFlag", "Status", "Global", "Session"};
    r.types.assign(4, TypeSpec::of(BaseType::SmallInt));
    auto row = [&](int flag) {
      bool g = server_.trace_flags.count(flag) > 0;
      bool se = data_.trace_flags.count(flag) > 0;
      r.rows.push_back({Datum::small(flag, BaseType::SmallInt), Datum::small(g || se, BaseType::SmallInt),
                        Datum::small(g, BaseType::SmallInt), Datum::small(se, BaseType::SmallInt)});
    };
    if (flags.empty()) {
      std::set<int> all(server_.trace_flags.begin(), server_.trace_flags.end());
      all.insert(data_.trace_flags.begin(), data_.trace_flags.end());
      for (int fl : all) row(fl);
    } else {
      for (int fl : flags) row(fl);
    }
    if (!r.rows.empty()) emit_result(r);
    if (!no_info) emit_info(err::dbcc_completed());
    return;
  }
  if (s.command == "TRACEON" || s.command == "TRACEOFF") {
    if (flags.empty()) throw SqlError(err::dbcc_incorrect());
    for (int fl : flags) {
      if (fl < 0 || fl > 32767) throw SqlError(err::dbcc_incorrect());
      if (s.command == "TRACEON") (global ? server_.trace_flags : data_.trace_flags).insert(fl);
      else (global ? server_.trace_flags : data_.trace_flags).erase(fl);
    }
    if (!no_info) emit_info(err::dbcc_completed());
    return;
  }
  throw SqlError(err::dbcc_incorrect());
}

void Executor::do_transaction(Frame& f, const TransactionStmt& s) {
  (void)f;
  static std::uint64_t next_descriptor = 1;
  switch (s.op) {
    case TransactionStmt::Op::Begin:
      if (data_.trancount++ == 0 && session_.transaction == 0) session_.transaction = next_descriptor++;
      break;
    case TransactionStmt::Op::Commit:
      if (data_.trancount == 0) throw SqlError(err::commit_without_begin());
      if (--data_.trancount == 0) session_.transaction = 0;
      break;
    case TransactionStmt::Op::Rollback:
      if (data_.trancount == 0) throw SqlError(err::rollback_without_begin());
      data_.trancount = 0;
      session_.transaction = 0;
      break;
  }
  emit_done(0);
}

}  // namespace milink::emulator::sql
