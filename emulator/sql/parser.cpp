#include "sql/parser.hpp"

#include "sql/errors.hpp"
#include "state/collation.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace milink::emulator::sql {

namespace {

// Object types of CREATE/ALTER/DROP that SQL Server knows but the emulator
// does not run: they fail with 102/156 ("outside the subset"), unknown
// words with 343.
const char* const kKnownObjectTypes[] = {
    "AGGREGATE", "APPLICATION", "ASSEMBLY", "ASYMMETRIC", "AUDIT", "BROKER", "COLUMN", "COLUMNSTORE", "CONTRACT",
    "CREDENTIAL", "CRYPTOGRAPHIC", "DEFAULT", "EVENT", "EXTERNAL", "FULLTEXT", "FUNCTION", "INDEX", "LOGIN",
    "MESSAGE", "PARTITION", "PROC", "PROCEDURE", "QUEUE", "REMOTE", "RESOURCE", "ROLE", "ROUTE", "RULE", "SCHEMA",
    "SEARCH", "SECURITY", "SELECTIVE", "SEQUENCE", "SERVER", "SERVICE", "SPATIAL", "STATISTICS", "SYMMETRIC",
    "SYNONYM", "TABLE", "TRIGGER", "TYPE", "UNIQUE", "CLUSTERED", "NONCLUSTERED", "USER", "VIEW", "WORKLOAD", "XML",
    "PRIMARY", "OR"};

bool known_object_type(const std::string& word) {
  std::string up = ascii_upper(word);
  for (const char* t : kKnownObjectTypes)
    if (up == t) return true;
  return false;
}

// Words that start a statement: a bare identifier in these positions is
// never taken as an alias or an EXEC argument.
bool starts_statement(const Token& t) {
  static const char* const words[] = {"SELECT", "USE",  "DECLARE", "SET",    "IF",     "BEGIN", "PRINT",
                                      "EXEC",   "EXECUTE", "DBCC", "CREATE", "ALTER", "DROP",  "BACKUP",
                                      "COMMIT", "ROLLBACK", "RETURN", "ELSE", "END",   "WHILE", "INSERT",
                                      "UPDATE", "DELETE", "RESTORE", "GRANT", "DENY",  "REVOKE", "WITH",
                                      "RAISERROR", "WAITFOR"};
  if (t.kind != TokenKind::Identifier) return false;
  for (const char* w : words)
    if (t.is(w)) return true;
  return false;
}

class Parser {
public:
  Parser(std::vector<Token> tokens, std::string_view source) : toks_(std::move(tokens)), src_(source) {}

  std::vector<StmtPtr> batch() {
    std::vector<StmtPtr> out;
    bool first = true;
    while (!at_end()) {
      if (accept_symbol(";")) continue;
      out.push_back(statement(first));
      first = false;
    }
    return out;
  }

  std::vector<ParameterDecl> parameter_declarations() {
    std::vector<ParameterDecl> out;
    while (!at_end()) {
      if (cur().kind != TokenKind::Variable) syntax_error();
      ParameterDecl p;
      p.name = cur().text;
      advance();
      accept_word("AS");
      p.type = type_name(static_cast<int>(out.size()) + 1, false);
      if (accept_word("OUTPUT") || accept_word("OUT")) p.output = true;
      if (accept_symbol("=")) {
        // defaults are accepted and ignored
        primary();
      }
      out.push_back(p);
      if (!accept_symbol(",")) break;
    }
    if (!at_end()) syntax_error();
    return out;
  }

private:
  // --- token helpers --------------------------------------------------------
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(std::size_t k = 1) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token& prev() const { return toks_[pos_ ? pos_ - 1 : 0]; }
  bool at_end() const { return cur().kind == TokenKind::End; }
  void advance() {
    if (!at_end()) ++pos_;
  }
  bool accept_word(std::string_view w) {
    if (cur().is(w)) {
      advance();
      return true;
    }
    return false;
  }
  void expect_word(std::string_view w) {
    if (!accept_word(w)) syntax_error();
  }
  bool accept_symbol(std::string_view s) {
    if (cur().is_symbol(s)) {
      advance();
      return true;
    }
    return false;
  }
  void expect_symbol(std::string_view s) {
    if (!accept_symbol(s)) syntax_error();
  }

  [[noreturn]] void syntax_error_at(const Token& t) {
    const Token* at = &t;
    if (at->kind == TokenKind::End && pos_ > 0) at = &toks_[pos_ - 1];
    ErrorMessage m;
    if (at->kind == TokenKind::Identifier && is_reserved_keyword(at->text)) m = err::incorrect_syntax_keyword(at->text);
    else if (at->kind == TokenKind::End) m = err::incorrect_syntax("");
    else m = err::incorrect_syntax(at->kind == TokenKind::Symbol || at->kind == TokenKind::Identifier ||
                                           at->kind == TokenKind::QuotedIdentifier || at->is_string()
                                       ? at->text
                                       : std::string(src_.substr(at->begin, at->end - at->begin)));
    m.line = at->line;
    throw SqlError(std::move(m), Abort::Batch);
  }
  [[noreturn]] void syntax_error() { syntax_error_at(cur()); }
  [[noreturn]] void fail(ErrorMessage m, int line) {
    m.line = line;
    throw SqlError(std::move(m), Abort::Batch);
  }

  // --- limits ------------------------------------------------------------------
  // SQL Server refuses what is nested too deeply at compile time, and the
  // recursive parser, evaluator and executor here would otherwise run out of
  // stack. Parentheses, subqueries, NOT and sign operators, function
  // arguments and nested IF/BEGIN blocks count as nesting (191); a chain of
  // operators (`1+1+...`, `a AND b AND ...`) nests no parser call but builds
  // a tree as tall as it is long (8631, as a real server gives for a very
  // long CHOOSE list or operator chain).
  static constexpr int kMaxNesting = 128;
  static constexpr int kMaxHeight = 1000;

  /// Counts one level of nesting while alive.
  struct Nest {
    Nest(Parser& p, const Token& at) : p_(p) {
      if (++p_.nesting_ > kMaxNesting) p_.fail(err::nested_too_deeply(), at.line);
    }
    ~Nest() { --p_.nesting_; }
    Parser& p_;
  };

  bool is_go(const Token& t) const { return t.kind == TokenKind::Identifier && t.is("GO"); }

  /// A name: a regular identifier that is not a reserved keyword, or a
  /// delimited identifier.
  std::string name() {
    const Token& t = cur();
    if (t.kind == TokenKind::QuotedIdentifier || (t.kind == TokenKind::Identifier && !is_reserved_keyword(t.text))) {
      if (t.kind == TokenKind::Identifier && t.line_start && is_go(t)) syntax_error();
      std::string n = t.text;
      advance();
      return n;
    }
    syntax_error();
  }

  bool at_name() const {
    const Token& t = cur();
    return t.kind == TokenKind::QuotedIdentifier || (t.kind == TokenKind::Identifier && !is_reserved_keyword(t.text));
  }

  /// a.b.c, also a..c (empty middle part).
  std::vector<std::string> multipart() {
    std::vector<std::string> parts;
    parts.push_back(name());
    while (cur().is_symbol(".")) {
      advance();
      if (cur().is_symbol(".")) {
        parts.emplace_back();
        continue;
      }
      parts.push_back(name());
    }
    if (parts.size() > 4) syntax_error_at(prev());
    return parts;
  }

  template <typename T>
  std::unique_ptr<T> start(const Token& first) {
    auto s = std::make_unique<T>();
    s->line = first.line;
    s->begin = first.begin;
    return s;
  }
  template <typename T>
  StmtPtr finish(std::unique_ptr<T> s) {
    s->end = prev().end;
    return StmtPtr(std::move(s));
  }

  // --- statements --------------------------------------------------------------
  StmtPtr statement(bool first) {
    const Token& t = cur();
    Nest nest(*this, t);
    if (is_go(t)) syntax_error();
    if (t.kind == TokenKind::Identifier) {
      std::string w = ascii_upper(t.text);
      if (w == "SELECT") return select_statement();
      if (w == "USE") return use_statement();
      if (w == "DECLARE") return declare_statement();
      if (w == "SET") return set_statement();
      if (w == "IF") return if_statement();
      if (w == "BEGIN") return begin_statement();
      if (w == "PRINT") return print_statement();
      if (w == "EXEC" || w == "EXECUTE") return exec_statement(false);
      if (w == "DBCC") return dbcc_statement();
      if (w == "CREATE") return create_statement();
      if (w == "ALTER") return alter_statement();
      if (w == "DROP") return drop_statement();
      if (w == "BACKUP") return backup_statement();
      if (w == "COMMIT" || w == "ROLLBACK") return transaction_end_statement();
      if (w == "RETURN") return return_statement();
      if (w == "RAISERROR") return raiserror_statement();
      if (w == "THROW") return throw_statement();
      if (w == "WAITFOR") return waitfor_statement();
      if (first && !is_reserved_keyword(t.text)) return exec_statement(true);
      syntax_error();
    }
    if (first && t.kind == TokenKind::QuotedIdentifier) return exec_statement(true);
    syntax_error();
  }

  StmtPtr use_statement() {
    auto s = start<UseStmt>(cur());
    advance();
    s->database = name();
    return finish(std::move(s));
  }

  TypeSpec type_name(int position, bool in_cast) {
    const Token& t = cur();
    if (!(t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier)) syntax_error();
    std::string written = t.text;
    if (t.kind == TokenKind::Identifier && is_reserved_keyword(t.text) && !t.is("NATIONAL")) syntax_error();
    advance();
    // sys.sysname, dbo.x
    if (cur().is_symbol(".")) {
      advance();
      written = name();
    }
    auto spec = TypeSpec::from_name(written);
    if (!spec) {
      if (cur().is_symbol("(")) {
        // consume the arguments so the message names the type only
        while (!at_end() && !cur().is_symbol(")")) advance();
        accept_symbol(")");
      }
      fail(err::unknown_type(written, position), t.line);
    }
    if (accept_symbol("(")) {
      if (accept_word("MAX")) {
        if (!spec->has_length()) syntax_error_at(prev());
        spec->length = -1;
      } else {
        if (cur().kind != TokenKind::Integer) syntax_error();
        long n = std::atol(cur().text.c_str());
        advance();
        if (spec->base == BaseType::Numeric) {
          spec->precision = static_cast<int>(n);
          if (accept_symbol(",")) {
            if (cur().kind != TokenKind::Integer) syntax_error();
            advance();
          }
        } else if (spec->base == BaseType::DateTime2 || spec->base == BaseType::Float) {
          // datetime2(p), float(n): precision only
        } else if (spec->has_length()) {
          long limit = (spec->base == BaseType::NChar || spec->base == BaseType::NVarChar) ? 4000 : 8000;
          if (n < 1 || n > limit) {
            ErrorMessage m;
            m.number = 131;
            m.severity = 15;
            m.text = "The size (" + std::to_string(n) + ") given to the type '" +
                     TypeSpec::of(spec->base).base_name() + "' exceeds the maximum allowed for any data type (" +
                     std::to_string(limit) + ").";
            fail(m, t.line);
          }
          spec->length = static_cast<int>(n);
        } else {
          syntax_error_at(prev());
        }
      }
      expect_symbol(")");
    }
    return resolve_default_length(*spec, in_cast);
  }

  StmtPtr declare_statement() {
    auto s = start<DeclareStmt>(cur());
    advance();
    int position = 0;
    for (;;) {
      if (cur().kind != TokenKind::Variable) syntax_error();
      DeclareStmt::Variable v;
      v.name = cur().text;
      v.line = cur().line;
      advance();
      accept_word("AS");
      v.type = type_name(++position, false);
      if (accept_symbol("=")) v.init = expression();
      s->variables.push_back(std::move(v));
      if (!accept_symbol(",")) break;
    }
    return finish(std::move(s));
  }

  StmtPtr set_statement() {
    const Token& first = cur();
    advance();
    if (cur().kind == TokenKind::Variable) {
      auto s = start<SetVariableStmt>(first);
      s->name = cur().text;
      advance();
      static const char* ops[] = {"=", "+=", "-=", "*=", "/=", "%="};
      bool found = false;
      for (const char* op : ops)
        if (cur().is_symbol(op)) {
          s->op = op;
          advance();
          found = true;
          break;
        }
      if (!found) syntax_error();
      s->value = expression();
      return finish(std::move(s));
    }
    auto s = start<SetOptionStmt>(first);
    static const char* const flags[] = {"NOCOUNT", "XACT_ABORT", "ANSI_NULLS", "QUOTED_IDENTIFIER", "ANSI_WARNINGS",
                                        "ANSI_PADDING", "ANSI_NULL_DFLT_ON", "ANSI_NULL_DFLT_OFF",
                                        "CONCAT_NULL_YIELDS_NULL", "ARITHABORT", "ARITHIGNORE", "NUMERIC_ROUNDABORT",
                                        "IMPLICIT_TRANSACTIONS", "CURSOR_CLOSE_ON_COMMIT", "FMTONLY", "NOEXEC",
                                        "PARSEONLY", "FORCEPLAN", "ANSI_DEFAULTS", "REMOTE_PROC_TRANSACTIONS"};
    static const char* const valued[] = {"TEXTSIZE", "LOCK_TIMEOUT", "ROWCOUNT", "DEADLOCK_PRIORITY", "LANGUAGE",
                                         "DATEFORMAT", "DATEFIRST", "QUERY_GOVERNOR_COST_LIMIT"};
    const Token& opt = cur();
    if (!(opt.kind == TokenKind::Identifier)) syntax_error();
    std::string up = ascii_upper(opt.text);
    if (up == "TRANSACTION") {
      advance();
      expect_word("ISOLATION");
      expect_word("LEVEL");
      std::string level;
      if (accept_word("READ")) {
        if (accept_word("COMMITTED")) level = "READ COMMITTED";
        else if (accept_word("UNCOMMITTED")) level = "READ UNCOMMITTED";
        else syntax_error();
      } else if (accept_word("REPEATABLE")) {
        expect_word("READ");
        level = "REPEATABLE READ";
      } else if (accept_word("SERIALIZABLE")) level = "SERIALIZABLE";
      else if (accept_word("SNAPSHOT")) level = "SNAPSHOT";
      else syntax_error();
      s->options.push_back("TRANSACTION ISOLATION LEVEL");
      s->value = level;
      return finish(std::move(s));
    }
    for (const char* v : valued)
      if (up == v) {
        advance();
        s->options.push_back(up);
        const Token& val = cur();
        if (val.kind == TokenKind::Integer || val.kind == TokenKind::Identifier || val.is_string() ||
            val.kind == TokenKind::Variable || val.kind == TokenKind::QuotedIdentifier) {
          s->value = val.text;
          advance();
        } else if (val.is_symbol("-") && peek().kind == TokenKind::Integer) {
          advance();
          s->value = "-" + cur().text;
          advance();
        } else {
          syntax_error();
        }
        return finish(std::move(s));
      }
    for (;;) {
      const Token& o = cur();
      if (o.kind != TokenKind::Identifier) syntax_error();
      std::string name_up = ascii_upper(o.text);
      bool known = false;
      for (const char* f : flags)
        if (name_up == f) known = true;
      if (name_up == "STATISTICS") {
        advance();
        if (!(accept_word("IO") || accept_word("TIME") || accept_word("XML") || accept_word("PROFILE"))) syntax_error();
        known = true;
        s->options.push_back("STATISTICS");
      } else if (!known) {
        if (is_reserved_keyword(o.text)) syntax_error();
        fail(err::not_set_option(o.text), o.line);
      } else {
        advance();
        s->options.push_back(name_up);
      }
      if (!accept_symbol(",")) break;
    }
    if (accept_word("ON")) s->on = true;
    else if (accept_word("OFF")) s->on = false;
    else syntax_error();
    return finish(std::move(s));
  }

  StmtPtr if_statement() {
    auto s = start<IfStmt>(cur());
    advance();
    s->condition = expression();
    if (at_end()) syntax_error();
    s->then_branch = statement(false);
    std::size_t save = pos_;
    while (accept_symbol(";")) {
    }
    if (accept_word("ELSE")) {
      if (at_end()) syntax_error();
      s->else_branch = statement(false);
    } else {
      pos_ = save;
    }
    return finish(std::move(s));
  }

  StmtPtr begin_statement() {
    const Token& first = cur();
    if (peek().is("TRAN") || peek().is("TRANSACTION")) {
      auto s = start<TransactionStmt>(first);
      advance();
      advance();
      s->op = TransactionStmt::Op::Begin;
      if (at_name() && !starts_statement(cur())) advance();  // transaction name
      else if (cur().kind == TokenKind::Variable) advance();
      return finish(std::move(s));
    }
    if (peek().is("TRY") || peek().is("DISTRIBUTED") || peek().is("DIALOG") || peek().is("CONVERSATION") ||
        peek().is("ATOMIC")) {
      advance();
      syntax_error();
    }
    auto s = start<BlockStmt>(first);
    advance();
    while (!accept_word("END")) {
      if (at_end()) syntax_error();
      if (accept_symbol(";")) continue;
      s->body.push_back(statement(false));
    }
    return finish(std::move(s));
  }

  StmtPtr transaction_end_statement() {
    auto s = start<TransactionStmt>(cur());
    s->op = cur().is("COMMIT") ? TransactionStmt::Op::Commit : TransactionStmt::Op::Rollback;
    advance();
    if (accept_word("TRAN") || accept_word("TRANSACTION") || accept_word("WORK")) {
      if (at_name() && !starts_statement(cur()) && !cur().line_start) advance();
      else if (cur().kind == TokenKind::Variable) advance();
    }
    return finish(std::move(s));
  }

  StmtPtr return_statement() {
    auto s = start<ReturnStmt>(cur());
    advance();
    const Token& t = cur();
    if (!at_end() && !t.is_symbol(";") && !starts_statement(t) &&
        (t.kind != TokenKind::Identifier || !t.line_start || t.is("NULL")))
      s->value = expression();
    return finish(std::move(s));
  }

  StmtPtr print_statement() {
    auto s = start<PrintStmt>(cur());
    advance();
    s->value = expression();
    return finish(std::move(s));
  }

  // RAISERROR ( msg , severity , state [, arg ...] ) [WITH LOG | NOWAIT | SETERROR, ...]
  StmtPtr raiserror_statement() {
    auto s = start<RaiseErrorStmt>(cur());
    advance();
    expect_symbol("(");
    s->message = expression();
    expect_symbol(",");
    s->severity = expression();
    expect_symbol(",");
    s->state = expression();
    while (accept_symbol(",")) s->args.push_back(expression());
    expect_symbol(")");
    if (accept_word("WITH")) {
      do {
        const Token& o = cur();
        if (!(o.is("LOG") || o.is("NOWAIT") || o.is("SETERROR"))) syntax_error();
        s->options.push_back(ascii_upper(o.text));
        advance();
      } while (accept_symbol(","));
    }
    return finish(std::move(s));
  }

  // THROW number, message, state. The bare THROW re-raises in a CATCH block;
  // without TRY...CATCH it is error 10704 (as outside a CATCH block).
  StmtPtr throw_statement() {
    const Token& first = cur();
    auto s = start<ThrowStmt>(first);
    advance();
    if (at_end() || cur().is_symbol(";")) {
      fail(err::throw_rethrow_outside_catch(), first.line);
    }
    s->number = expression();
    expect_symbol(",");
    s->message = expression();
    expect_symbol(",");
    s->state = expression();
    return finish(std::move(s));
  }

  // WAITFOR DELAY 'time' (WAITFOR TIME and RECEIVE are not emulated).
  StmtPtr waitfor_statement() {
    auto s = start<WaitForStmt>(cur());
    advance();
    if (!accept_word("DELAY")) syntax_error();
    const Token& t = cur();
    if (t.kind != TokenKind::String && t.kind != TokenKind::NString && t.kind != TokenKind::Variable) syntax_error();
    // A literal is checked when the batch compiles (148 stops it before it runs).
    if (t.kind != TokenKind::Variable && !parse_waitfor_delay(t.text)) fail(err::waitfor_time_syntax(t.text), t.line);
    s->delay = expression();
    return finish(std::move(s));
  }

  bool at_exec_argument() const {
    const Token& t = cur();
    switch (t.kind) {
      case TokenKind::String:
      case TokenKind::NString:
      case TokenKind::Binary:
      case TokenKind::Integer:
      case TokenKind::Decimal:
      case TokenKind::Variable: return true;
      case TokenKind::Symbol: return (t.text == "-" || t.text == "+") &&
                                     (peek().kind == TokenKind::Integer || peek().kind == TokenKind::Decimal);
      case TokenKind::QuotedIdentifier: return true;
      case TokenKind::Identifier:
        if (t.is("NULL") || t.is("DEFAULT")) return true;
        return !is_reserved_keyword(t.text) && !starts_statement(t);
      default: return false;
    }
  }

  ExprPtr exec_value() {
    const Token& t = cur();
    auto e = std::make_unique<Expr>();
    e->line = t.line;
    e->begin = t.begin;
    if (t.kind == TokenKind::Variable) {
      e->kind = ExprKind::Variable;
      e->name = t.text;
      advance();
    } else if (t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier) {
      if (t.is("NULL")) {
        e->kind = ExprKind::Literal;
        e->literal = Datum::null();
      } else {
        if (t.kind == TokenKind::Identifier && t.line_start && is_go(t)) syntax_error();
        // EXEC p abc: a bare word is a character string argument
        e->kind = ExprKind::Literal;
        e->literal = Datum::nvarchar(t.text);
      }
      advance();
    } else if (t.is_symbol("-") || t.is_symbol("+")) {
      return unary();
    } else {
      return primary();
    }
    e->end = prev().end;
    return e;
  }

  StmtPtr exec_statement(bool implicit) {
    auto s = start<ExecStmt>(cur());
    s->implicit = implicit;
    if (!implicit) advance();
    if (!implicit && cur().is_symbol("(")) {
      auto x = start<ExecStringStmt>(toks_[pos_ - 1]);
      advance();
      x->parts.push_back(expression());
      expect_symbol(")");
      if (accept_word("AS")) {
        if (!(accept_word("LOGIN") || accept_word("USER"))) syntax_error();
        expect_symbol("=");
        if (!cur().is_string()) syntax_error();
        advance();
      }
      return finish(std::move(x));
    }
    if (cur().kind == TokenKind::Variable && peek().is_symbol("=")) {
      s->return_variable = cur().text;
      advance();
      advance();
    }
    if (cur().kind == TokenKind::Variable) syntax_error();  // EXEC @proc_name_variable: not supported
    s->procedure = multipart();
    if (accept_symbol(";")) {
      --pos_;
      return finish(std::move(s));
    }
    if (at_exec_argument()) {
      for (;;) {
        ExecArg a;
        a.line = cur().line;
        if (cur().kind == TokenKind::Variable && peek().is_symbol("=")) {
          a.name = cur().text;
          advance();
          advance();
        }
        if (accept_word("DEFAULT")) {
          a.is_default = true;
        } else {
          a.value = exec_value();
          if (accept_word("OUTPUT") || accept_word("OUT")) {
            if (a.value->kind != ExprKind::Variable) syntax_error_at(prev());
            a.output = true;
          }
        }
        s->args.push_back(std::move(a));
        if (!accept_symbol(",")) break;
        if (!at_exec_argument() && !cur().is("DEFAULT")) syntax_error();
      }
    }
    if (accept_word("WITH")) {
      if (!(accept_word("RECOMPILE") || accept_word("RESULT"))) syntax_error();
    }
    return finish(std::move(s));
  }

  StmtPtr dbcc_statement() {
    auto s = start<DbccStmt>(cur());
    advance();
    const Token& t = cur();
    if (t.kind != TokenKind::Identifier) syntax_error();
    s->command = ascii_upper(t.text);
    advance();
    if (accept_symbol("(")) {
      if (!accept_symbol(")")) {
        for (;;) {
          s->args.push_back(expression());
          if (accept_symbol(")")) break;
          expect_symbol(",");
        }
      }
    }
    if (accept_word("WITH")) {
      for (;;) {
        if (cur().kind != TokenKind::Identifier) syntax_error();
        s->with_options.push_back(ascii_upper(cur().text));
        advance();
        if (!accept_symbol(",")) break;
      }
    }
    return finish(std::move(s));
  }

  // --- literal option values --------------------------------------------------------
  OptionValue option_value() {
    OptionValue v;
    const Token& t = cur();
    v.line = t.line;
    if (t.is_string()) {
      v.kind = OptionValue::Kind::String;
      v.text = t.text;
    } else if (t.kind == TokenKind::Integer) {
      v.kind = OptionValue::Kind::Number;
      v.text = t.text;
      v.number = std::atoll(t.text.c_str());
    } else if (t.is_symbol("-") && peek().kind == TokenKind::Integer) {
      advance();
      v.kind = OptionValue::Kind::Number;
      v.text = "-" + cur().text;
      v.number = -std::atoll(cur().text.c_str());
    } else if (t.kind == TokenKind::Binary) {
      v.kind = OptionValue::Kind::Binary;
      v.bytes = t.bytes;
      v.text = t.text;
    } else if (t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier) {
      v.kind = OptionValue::Kind::Word;
      v.text = t.text;
    } else {
      syntax_error();
    }
    advance();
    return v;
  }

  std::string string_literal() {
    if (!cur().is_string()) syntax_error();
    std::string s = cur().text;
    advance();
    return s;
  }

  // --- CREATE ---------------------------------------------------------------------------
  StmtPtr create_statement() {
    const Token& first = cur();
    advance();
    const Token& what = cur();
    if (what.is("MASTER")) {
      advance();
      expect_word("KEY");
      auto s = start<CreateMasterKeyStmt>(first);
      expect_word("ENCRYPTION");
      expect_word("BY");
      expect_word("PASSWORD");
      expect_symbol("=");
      s->password = string_literal();
      return finish(std::move(s));
    }
    if (what.is("CERTIFICATE")) return create_certificate(first);
    if (what.is("ENDPOINT")) {
      advance();
      auto s = start<CreateEndpointStmt>(first);
      s->name = name();
      s->spec = endpoint_spec(true);
      return finish(std::move(s));
    }
    if (what.is("AVAILABILITY")) {
      advance();
      expect_word("GROUP");
      return create_availability_group(first);
    }
    if (what.is("DATABASE")) {
      advance();
      auto s = start<CreateDatabaseStmt>(first);
      s->name = name();
      if (accept_word("COLLATE")) name();
      return finish(std::move(s));
    }
    object_type_error(what);
  }

  [[noreturn]] void object_type_error(const Token& what) {
    if (what.kind == TokenKind::Identifier && !is_reserved_keyword(what.text) && !known_object_type(what.text))
      fail(err::unknown_object_type(what.text), what.line);
    syntax_error_at(what);
  }

  StmtPtr create_certificate(const Token& first) {
    advance();
    auto s = start<CreateCertificateStmt>(first);
    s->name = name();
    if (accept_word("AUTHORIZATION")) name();
    if (accept_word("FROM")) {
      if (accept_word("BINARY")) {
        expect_symbol("=");
        if (cur().kind != TokenKind::Binary) syntax_error();
        s->source = CreateCertificateStmt::Source::Binary;
        s->binary = cur().bytes;
        advance();
      } else if (accept_word("FILE")) {
        expect_symbol("=");
        s->source = CreateCertificateStmt::Source::File;
        s->file = string_literal();
      } else if (accept_word("EXECUTABLE") || accept_word("ASSEMBLY")) {
        syntax_error_at(prev());
      } else {
        syntax_error();
      }
      if (accept_word("WITH")) {
        // WITH PRIVATE KEY (...): not supported by the emulator
        syntax_error_at(prev());
      }
    } else {
      if (accept_word("ENCRYPTION")) {
        expect_word("BY");
        expect_word("PASSWORD");
        expect_symbol("=");
        s->encryption_password = string_literal();
      }
      expect_word("WITH");
      for (;;) {
        const Token& opt = cur();
        if (opt.is("SUBJECT")) {
          advance();
          expect_symbol("=");
          s->subject = string_literal();
        } else if (opt.is("START_DATE")) {
          advance();
          expect_symbol("=");
          s->start_date = string_literal();
        } else if (opt.is("EXPIRY_DATE")) {
          advance();
          expect_symbol("=");
          s->expiry_date = string_literal();
        } else {
          syntax_error();
        }
        if (!accept_symbol(",")) break;
      }
      if (!s->subject) syntax_error_at(prev());
    }
    if (accept_word("ACTIVE")) {
      expect_word("FOR");
      expect_word("BEGIN_DIALOG");
      expect_symbol("=");
      if (accept_word("ON")) s->active_for_begin_dialog = true;
      else if (accept_word("OFF")) s->active_for_begin_dialog = false;
      else syntax_error();
    }
    return finish(std::move(s));
  }

  WindowsAuth windows_kind() {
    if (accept_word("NTLM")) return WindowsAuth::Ntlm;
    if (accept_word("KERBEROS")) return WindowsAuth::Kerberos;
    accept_word("NEGOTIATE");
    return WindowsAuth::Negotiate;
  }

  EndpointSpec endpoint_spec(bool create) {
    EndpointSpec e;
    e.line = cur().line;
    if (accept_word("AUTHORIZATION")) name();
    if (accept_word("STATE")) {
      expect_symbol("=");
      if (accept_word("STARTED")) e.state = EndpointState::Started;
      else if (accept_word("STOPPED")) e.state = EndpointState::Stopped;
      else if (accept_word("DISABLED")) e.state = EndpointState::Disabled;
      else syntax_error();
    }
    if (accept_word("AS")) {
      if (!accept_word("TCP")) syntax_error();
      e.has_tcp = true;
      expect_symbol("(");
      bool any = false;
      while (!accept_symbol(")")) {
        if (any) expect_symbol(",");
        any = true;
        if (accept_word("LISTENER_PORT")) {
          expect_symbol("=");
          if (cur().kind != TokenKind::Integer) syntax_error();
          e.port = std::atoi(cur().text.c_str());
          advance();
        } else if (accept_word("LISTENER_IP")) {
          expect_symbol("=");
          if (accept_word("ALL")) {
            e.listener_ip = "ALL";
          } else {
            expect_symbol("(");
            std::string ip;
            if (cur().is_string()) {
              ip = cur().text;
              advance();
            } else {
              // 10.0.75.1 lexes as 10.0 .75 .1 : take the raw text up to ')'
              std::size_t b = cur().begin;
              while (!at_end() && !cur().is_symbol(")")) advance();
              ip = std::string(src_.substr(b, cur().begin - b));
              while (!ip.empty() && ip.back() == ' ') ip.pop_back();
              if (ip.empty()) syntax_error();
            }
            expect_symbol(")");
            e.listener_ip = ip;
          }
        } else {
          syntax_error();
        }
      }
      if (create && !e.port) syntax_error_at(prev());
    } else if (create) {
      syntax_error();
    }
    if (accept_word("FOR")) {
      const Token& p = cur();
      if (!p.is("DATABASE_MIRRORING")) syntax_error();  // TSQL / SERVICE_BROKER payloads are not emulated
      e.has_payload = true;
      e.payload = "DATABASE_MIRRORING";
      advance();
      expect_symbol("(");
      bool any = false;
      while (!accept_symbol(")")) {
        if (any) accept_symbol(",");
        any = true;
        if (accept_word("AUTHENTICATION")) {
          expect_symbol("=");
          e.has_authentication = true;
          if (accept_word("WINDOWS")) {
            e.windows = windows_kind();
            if (accept_word("CERTIFICATE")) e.certificate = name();
          } else if (accept_word("CERTIFICATE")) {
            e.certificate = name();
            e.windows = WindowsAuth::None;
            if (accept_word("WINDOWS")) {
              e.windows = windows_kind();
              e.certificate_first = true;
            }
          } else {
            syntax_error();
          }
        } else if (accept_word("ENCRYPTION")) {
          expect_symbol("=");
          if (accept_word("DISABLED")) {
            e.encryption = EndpointEncryption::Disabled;
          } else {
            if (accept_word("SUPPORTED")) e.encryption = EndpointEncryption::Supported;
            else if (accept_word("REQUIRED")) e.encryption = EndpointEncryption::Required;
            else syntax_error();
            if (accept_word("ALGORITHM")) {
              for (int i = 0; i < 2; ++i) {
                if (accept_word("AES")) e.algorithms.push_back("AES");
                else if (accept_word("RC4")) e.algorithms.push_back("RC4");
                else if (i == 0) syntax_error();
                else break;
              }
              if (e.algorithms.size() == 2 && e.algorithms[0] == e.algorithms[1]) syntax_error_at(prev());
            }
          }
        } else if (accept_word("ROLE")) {
          expect_symbol("=");
          if (accept_word("ALL")) e.role = MirroringRole::All;
          else if (accept_word("PARTNER")) e.role = MirroringRole::Partner;
          else if (accept_word("WITNESS")) e.role = MirroringRole::Witness;
          else syntax_error();
        } else {
          syntax_error();
        }
      }
    } else if (create) {
      syntax_error();
    }
    return e;
  }

  std::vector<std::pair<std::string, OptionValue>> paren_options(bool allow_flags) {
    std::vector<std::pair<std::string, OptionValue>> out;
    expect_symbol("(");
    for (;;) {
      const Token& n = cur();
      if (n.kind != TokenKind::Identifier) syntax_error();
      std::string key = ascii_upper(n.text);
      advance();
      OptionValue v;
      v.line = n.line;
      if (accept_symbol("=")) {
        v = option_value();
      } else if (accept_symbol("(")) {
        // nested option list such as SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL): keep the first value
        int depth = 1;
        bool got = false;
        while (depth > 0 && !at_end()) {
          if (cur().is_symbol("(")) ++depth;
          else if (cur().is_symbol(")")) --depth;
          else if (!got && cur().is_symbol("=")) {
            advance();
            v = option_value();
            got = true;
            continue;
          }
          advance();
        }
        if (depth) syntax_error();
      } else if (!allow_flags) {
        syntax_error();
      } else {
        v.kind = OptionValue::Kind::Word;
        v.text = "";
      }
      out.emplace_back(key, v);
      if (accept_symbol(")")) break;
      expect_symbol(",");
    }
    return out;
  }

  // Validates option names (and word values) of AG clauses at parse time,
  // so a misspelt option fails the whole batch as a syntax error.
  struct OptionRule {
    const char* name;
    std::vector<const char*> words;  // allowed word values; empty: any literal
    OptionValue::Kind kind = OptionValue::Kind::Word;
  };
  void validate_options(const std::vector<std::pair<std::string, OptionValue>>& options,
                        const std::vector<OptionRule>& rules, bool flags_allowed) {
    for (const auto& [name, v] : options) {
      const OptionRule* rule = nullptr;
      for (const auto& r : rules)
        if (name == r.name) rule = &r;
      if (!rule) {
        ErrorMessage m = is_reserved_keyword(name) ? err::incorrect_syntax_keyword(name) : err::incorrect_syntax(name);
        fail(m, v.line);
      }
      bool flag = v.kind == OptionValue::Kind::Word && v.text.empty();
      if (flag) {
        if (!flags_allowed || rule->kind != OptionValue::Kind::Word || !rule->words.empty()) fail(err::incorrect_syntax(name), v.line);
        continue;
      }
      if (rule->kind != v.kind) fail(err::incorrect_syntax(v.text), v.line);
      if (!rule->words.empty()) {
        bool ok = false;
        for (const char* w : rule->words)
          if (iequals(w, v.text)) ok = true;
        if (!ok) fail(is_reserved_keyword(v.text) ? err::incorrect_syntax_keyword(v.text) : err::incorrect_syntax(v.text), v.line);
      }
    }
  }

  static const std::vector<OptionRule>& ag_with_rules() {
    static const std::vector<OptionRule> r = {
        {"CLUSTER_TYPE", {"WSFC", "EXTERNAL", "NONE"}},
        {"DB_FAILOVER", {"ON", "OFF"}},
        {"DTC_SUPPORT", {"PER_DB", "NONE"}},
        {"AUTOMATED_BACKUP_PREFERENCE", {"PRIMARY", "SECONDARY_ONLY", "SECONDARY", "NONE"}},
        {"FAILURE_CONDITION_LEVEL", {}, OptionValue::Kind::Number},
        {"HEALTH_CHECK_TIMEOUT", {}, OptionValue::Kind::Number},
        {"REQUIRED_SYNCHRONIZED_SECONDARIES_TO_COMMIT", {}, OptionValue::Kind::Number},
        {"WRITE_LEASE_VALIDITY", {}, OptionValue::Kind::Number},
        {"CLUSTER_CONNECTION_OPTIONS", {}, OptionValue::Kind::String},
        {"BASIC", {}},
        {"DISTRIBUTED", {}},
        {"CONTAINED", {}},
        {"ROLE", {"SECONDARY"}},
    };
    return r;
  }

  static const std::vector<OptionRule>& replica_rules() {
    static const std::vector<OptionRule> r = {
        {"ENDPOINT_URL", {}, OptionValue::Kind::String},
        {"LISTENER_URL", {}, OptionValue::Kind::String},
        {"AVAILABILITY_MODE", {"SYNCHRONOUS_COMMIT", "ASYNCHRONOUS_COMMIT", "CONFIGURATION_ONLY"}},
        {"FAILOVER_MODE", {"AUTOMATIC", "MANUAL", "EXTERNAL"}},
        {"SEEDING_MODE", {"AUTOMATIC", "MANUAL"}},
        {"BACKUP_PRIORITY", {}, OptionValue::Kind::Number},
        {"SESSION_TIMEOUT", {}, OptionValue::Kind::Number},
        {"SECONDARY_ROLE", {"NO", "READ_ONLY", "ALL"}},
        {"PRIMARY_ROLE", {"READ_WRITE", "ALL"}},
    };
    return r;
  }

  ReplicaSpec replica_spec() {
    ReplicaSpec r;
    r.line = cur().line;
    r.server = string_literal();
    expect_word("WITH");
    r.options = paren_options(false);
    validate_options(r.options, replica_rules(), false);
    return r;
  }

  StmtPtr create_availability_group(const Token& first) {
    auto s = start<CreateAvailabilityGroupStmt>(first);
    s->name = name();
    if (accept_word("WITH")) {
      s->with_options = paren_options(true);
      validate_options(s->with_options, ag_with_rules(), true);
      for (const auto& [k, v] : s->with_options) {
        if (k == "DISTRIBUTED") s->distributed = true;
        if (k == "BASIC") s->basic = true;
      }
    }
    if (accept_word("FOR")) {
      s->has_for = true;
      if (accept_word("DATABASE")) {
        for (;;) {
          s->databases.push_back(name());
          if (!accept_symbol(",")) break;
        }
      }
      expect_word("REPLICA");
      expect_word("ON");
      for (;;) {
        s->replicas.push_back(replica_spec());
        if (!accept_symbol(",")) break;
      }
    } else if (accept_word("AVAILABILITY")) {
      expect_word("GROUP");
      expect_word("ON");
      for (;;) {
        s->ag_members.push_back(replica_spec());
        if (!accept_symbol(",")) break;
      }
    } else {
      syntax_error();
    }
    if (accept_word("LISTENER")) syntax_error_at(prev());  // listeners are not emulated
    return finish(std::move(s));
  }

  // --- ALTER ---------------------------------------------------------------------------------
  StmtPtr alter_statement() {
    const Token& first = cur();
    advance();
    const Token& what = cur();
    if (what.is("ENDPOINT")) {
      advance();
      auto s = start<AlterEndpointStmt>(first);
      s->name = name();
      s->spec = endpoint_spec(false);
      return finish(std::move(s));
    }
    if (what.is("AVAILABILITY")) {
      advance();
      expect_word("GROUP");
      auto s = start<AlterAvailabilityGroupStmt>(first);
      s->name = name();
      using A = AlterAvailabilityGroupStmt::Action;
      if (accept_word("GRANT") || accept_word("DENY")) {
        s->action = prev().is("GRANT") ? A::GrantCreateAnyDatabase : A::DenyCreateAnyDatabase;
        expect_word("CREATE");
        expect_word("ANY");
        expect_word("DATABASE");
      } else if (accept_word("ADD") || accept_word("REMOVE")) {
        s->action = prev().is("ADD") ? A::AddDatabase : A::RemoveDatabase;
        expect_word("DATABASE");
        for (;;) {
          s->databases.push_back(name());
          if (!accept_symbol(",")) break;
        }
      } else if (accept_word("MODIFY")) {
        if (accept_word("REPLICA")) {
          s->action = A::ModifyReplica;
        } else if (accept_word("AVAILABILITY")) {
          expect_word("GROUP");
          s->action = A::ModifyAvailabilityGroup;
        } else {
          syntax_error();
        }
        expect_word("ON");
        for (;;) {
          s->specs.push_back(replica_spec());
          if (!accept_symbol(",")) break;
        }
      } else if (accept_word("SET")) {
        s->action = A::SetOptions;
        s->options = paren_options(false);
        validate_options(s->options, ag_with_rules(), false);
      } else if (accept_word("FAILOVER")) {
        s->action = A::Failover;
      } else if (accept_word("FORCE_FAILOVER_ALLOW_DATA_LOSS")) {
        s->action = A::ForceFailover;
      } else {
        syntax_error();
      }
      return finish(std::move(s));
    }
    if (what.is("DATABASE")) {
      advance();
      auto s = start<AlterDatabaseStmt>(first);
      if (accept_word("CURRENT")) s->current = true;
      else s->database = name();
      expect_word("SET");
      const Token& opt = cur();
      s->option_line = opt.line;
      if (accept_word("RECOVERY")) {
        s->option = "RECOVERY";
        if (accept_word("FULL")) s->value = "FULL";
        else if (accept_word("SIMPLE")) s->value = "SIMPLE";
        else if (accept_word("BULK_LOGGED")) s->value = "BULK_LOGGED";
        else syntax_error();
      } else if (accept_word("READ_ONLY") || accept_word("READ_WRITE")) {
        s->option = ascii_upper(prev().text);
      } else {
        syntax_error();  // other database options are not emulated
      }
      if (accept_word("WITH")) {
        if (accept_word("NO_WAIT")) {
        } else if (accept_word("ROLLBACK")) {
          if (accept_word("IMMEDIATE")) {
          } else if (accept_word("AFTER")) {
            if (cur().kind != TokenKind::Integer) syntax_error();
            advance();
            accept_word("SECONDS");
          } else {
            syntax_error();
          }
        } else {
          syntax_error();
        }
      }
      return finish(std::move(s));
    }
    object_type_error(what);
  }

  // --- DROP ----------------------------------------------------------------------------------
  StmtPtr drop_statement() {
    const Token& first = cur();
    advance();
    const Token& what = cur();
    if (what.is("MASTER")) {
      advance();
      expect_word("KEY");
      return finish(start<DropMasterKeyStmt>(first));
    }
    if (what.is("CERTIFICATE")) {
      advance();
      auto s = start<DropCertificateStmt>(first);
      s->name = name();
      return finish(std::move(s));
    }
    if (what.is("ENDPOINT")) {
      advance();
      auto s = start<DropEndpointStmt>(first);
      s->name = name();
      return finish(std::move(s));
    }
    if (what.is("AVAILABILITY")) {
      advance();
      expect_word("GROUP");
      auto s = start<DropAvailabilityGroupStmt>(first);
      s->name = name();
      return finish(std::move(s));
    }
    if (what.is("DATABASE")) {
      advance();
      auto s = start<DropDatabaseStmt>(first);
      if (cur().is("IF") && peek().is("EXISTS")) {
        advance();
        advance();
        s->if_exists = true;
      }
      for (;;) {
        s->names.push_back(name());
        if (!accept_symbol(",")) break;
      }
      return finish(std::move(s));
    }
    object_type_error(what);
  }

  // --- BACKUP ----------------------------------------------------------------------------------
  StmtPtr backup_statement() {
    auto s = start<BackupStmt>(cur());
    advance();
    if (accept_word("LOG")) s->log = true;
    else if (!accept_word("DATABASE")) {
      if (cur().is("CERTIFICATE") || cur().is("MASTER") || cur().is("SERVICE")) syntax_error();
      syntax_error();
    }
    if (cur().kind == TokenKind::Variable) {
      s->database = cur().text;
      s->database_is_variable = true;
      advance();
    } else {
      s->database = name();
    }
    expect_word("TO");
    for (;;) {
      if (accept_word("DISK")) {
        expect_symbol("=");
        std::string d = string_literal();
        if (iequals(d, "NUL")) s->to_nul = true;
        s->disks.push_back(d);
      } else if (accept_word("URL")) {
        expect_symbol("=");
        s->disks.push_back(string_literal());
        s->to_url = true;
      } else {
        syntax_error();
      }
      if (!accept_symbol(",")) break;
    }
    if (accept_word("WITH")) {
      for (;;) {
        const Token& o = cur();
        if (o.kind != TokenKind::Identifier) syntax_error();
        std::string key = ascii_upper(o.text);
        static const char* const flags[] = {"COPY_ONLY", "COMPRESSION", "NO_COMPRESSION", "CHECKSUM", "NO_CHECKSUM",
                                            "INIT", "NOINIT", "FORMAT", "NOFORMAT", "SKIP", "NOSKIP", "STATS",
                                            "NO_TRUNCATE", "NORECOVERY", "REWIND", "NOREWIND", "UNLOAD", "NOUNLOAD",
                                            "CONTINUE_AFTER_ERROR", "STOP_ON_ERROR", "DIFFERENTIAL", "STANDBY"};
        static const char* const valued[] = {"NAME", "DESCRIPTION", "MEDIANAME", "MEDIADESCRIPTION", "BUFFERCOUNT",
                                             "MAXTRANSFERSIZE", "BLOCKSIZE", "CREDENTIAL", "STATS", "EXPIREDATE",
                                             "RETAINDAYS", "MEDIAPASSWORD", "PASSWORD"};
        bool known = false;
        for (const char* f : flags)
          if (key == f) known = true;
        for (const char* v : valued)
          if (key == v) known = true;
        if (!known) syntax_error();
        advance();
        OptionValue v;
        if (accept_symbol("=")) v = option_value();
        s->options.emplace_back(key, v);
        if (!accept_symbol(",")) break;
      }
    }
    return finish(std::move(s));
  }

  // --- SELECT -----------------------------------------------------------------------------------
  StmtPtr select_statement() {
    auto s = start<SelectStmt>(cur());
    s->select = select();
    return finish(std::move(s));
  }

  bool at_alias() const {
    const Token& t = cur();
    if (t.kind == TokenKind::QuotedIdentifier) return true;
    if (t.kind == TokenKind::Identifier) {
      if (is_reserved_keyword(t.text)) return false;
      if (t.line_start && is_go(t)) return false;
      return true;
    }
    return false;
  }

  TableRef table_ref() {
    TableRef r;
    r.line = cur().line;
    if (cur().is_symbol("(")) syntax_error();  // derived tables are not supported
    r.parts = multipart();
    if (accept_word("AS")) {
      r.alias = name();
    } else if (at_alias()) {
      if (cur().kind == TokenKind::Identifier && cur().line_start && is_go(cur())) syntax_error();
      r.alias = name();
    }
    if (accept_word("WITH")) {
      // table hints: WITH (NOLOCK)
      expect_symbol("(");
      while (!accept_symbol(")")) {
        if (at_end()) syntax_error();
        advance();
      }
    }
    return r;
  }

  /// A SELECT (counted as nesting); last_select_height_ receives the height
  /// of its tallest expression.
  std::unique_ptr<Select> select() {
    Nest nest(*this, cur());
    const int outer = tallest_;
    tallest_ = 0;
    auto s = select_body();
    last_select_height_ = tallest_;
    tallest_ = std::max(outer, tallest_);
    return s;
  }

  std::unique_ptr<Select> select_body() {
    auto sel = std::make_unique<Select>();
    sel->line = cur().line;
    expect_word("SELECT");
    if (accept_word("DISTINCT")) sel->distinct = true;
    else accept_word("ALL");
    if (accept_word("TOP")) {
      if (accept_symbol("(")) {
        sel->top = expression();
        expect_symbol(")");
      } else if (cur().kind == TokenKind::Integer || cur().kind == TokenKind::Variable) {
        sel->top = primary();
      } else {
        syntax_error();
      }
      if (cur().is("PERCENT")) syntax_error();
    }
    for (;;) {
      sel->items.push_back(select_item());
      if (!accept_symbol(",")) break;
    }
    {
      bool assigns = false, retrieves = false;
      for (const auto& i : sel->items) (i.kind == SelectItem::Kind::Assignment ? assigns : retrieves) = true;
      if (assigns && retrieves) fail(err::select_assignment_mixed(), sel->line);
    }
    if (cur().is("INTO")) syntax_error();
    if (accept_word("FROM")) {
      sel->has_from = true;
      sel->from = table_ref();
      for (;;) {
        JoinClause j;
        if (accept_symbol(",")) {
          j.type = JoinClause::Type::Cross;
          j.table = table_ref();
        } else if (accept_word("CROSS")) {
          expect_word("JOIN");
          j.type = JoinClause::Type::Cross;
          j.table = table_ref();
        } else if (cur().is("JOIN") || cur().is("INNER") || cur().is("LEFT")) {
          if (accept_word("LEFT")) {
            j.type = JoinClause::Type::Left;
            accept_word("OUTER");
          } else {
            accept_word("INNER");
          }
          expect_word("JOIN");
          j.table = table_ref();
          expect_word("ON");
          j.on = expression();
        } else {
          break;
        }
        sel->joins.push_back(std::move(j));
      }
    }
    if (accept_word("WHERE")) sel->where = expression();
    if (cur().is("GROUP") || cur().is("HAVING") || cur().is("UNION") || cur().is("EXCEPT") || cur().is("INTERSECT"))
      syntax_error();
    if (accept_word("ORDER")) {
      expect_word("BY");
      for (;;) {
        OrderItem o;
        o.expr = expression();
        if (accept_word("DESC")) o.descending = true;
        else accept_word("ASC");
        sel->order_by.push_back(std::move(o));
        if (!accept_symbol(",")) break;
      }
    }
    if (cur().is("OPTION") || cur().is("FOR")) syntax_error();
    return sel;
  }

  SelectItem select_item() {
    SelectItem item;
    const Token& t = cur();
    if (t.is_symbol("*")) {
      advance();
      item.kind = SelectItem::Kind::Star;
      return item;
    }
    if (t.kind == TokenKind::Variable) {
      static const char* ops[] = {"=", "+=", "-=", "*=", "/=", "%="};
      for (const char* op : ops)
        if (peek().is_symbol(op)) {
          item.kind = SelectItem::Kind::Assignment;
          item.variable = t.text;
          item.assign_op = op;
          advance();
          advance();
          item.expr = expression();
          return item;
        }
    }
    // alias = expression
    if ((t.kind == TokenKind::QuotedIdentifier || (t.kind == TokenKind::Identifier && !is_reserved_keyword(t.text)) ||
         t.is_string()) &&
        peek().is_symbol("=")) {
      item.alias = t.text;
      item.has_alias = true;
      advance();
      advance();
      item.expr = expression();
      return item;
    }
    // alias.*
    if (t.is_name()) {
      std::size_t k = 0;
      while (toks_[pos_ + k].is_name() && toks_[pos_ + k + 1].is_symbol(".")) k += 2;
      if (k > 0 && toks_[pos_ + k].is_symbol("*")) {
        item.kind = SelectItem::Kind::QualifiedStar;
        for (std::size_t i = 0; i < k; i += 2) item.qualifier.push_back(toks_[pos_ + i].text);
        pos_ += k + 1;
        return item;
      }
    }
    item.expr = expression();
    if (accept_word("AS")) {
      if (cur().is_string()) item.alias = string_literal();
      else item.alias = name();
      item.has_alias = true;
    } else if (at_alias() || cur().is_string()) {
      if (cur().is_string()) item.alias = string_literal();
      else item.alias = name();
      item.has_alias = true;
    }
    return item;
  }

  // --- expressions -------------------------------------------------------------------------------
  ExprPtr make(ExprKind k, const Token& t) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->line = t.line;
    e->begin = t.begin;
    return e;
  }
  /// Finishes \p e: its end, and its height from its operands (and from a
  /// subquery's, which the caller put in e->height).
  ExprPtr done(ExprPtr e) {
    e->end = prev().end;
    int h = e->height;
    for (const auto& a : e->args) h = std::max(h, a->height);
    e->height = h + 1;
    if (e->height > kMaxHeight) fail(err::server_stack_limit(), e->line);
    tallest_ = std::max(tallest_, e->height);
    return e;
  }
  /// `left op right` for the operator token \p o, just consumed; \p right
  /// parses the right operand.
  ExprPtr binary(ExprPtr left, const Token& o, std::string op, ExprPtr (Parser::*right)()) {
    auto e = make(ExprKind::Binary, o);
    e->begin = left->begin;
    e->op = std::move(op);
    e->args.push_back(std::move(left));
    e->args.push_back((this->*right)());
    return done(std::move(e));
  }

  ExprPtr expression() {
    Nest nest(*this, cur());
    return or_expr();
  }

  /// `operand (word operand)*`, left-associative.
  ExprPtr word_chain(const char* word, ExprPtr (Parser::*operand)()) {
    ExprPtr left = (this->*operand)();
    while (cur().is(word)) {
      const Token& t = cur();
      advance();
      left = binary(std::move(left), t, word, operand);
    }
    return left;
  }

  ExprPtr or_expr() { return word_chain("OR", &Parser::and_expr); }
  ExprPtr and_expr() { return word_chain("AND", &Parser::not_expr); }

  ExprPtr not_expr() {
    if (cur().is("NOT")) {
      const Token& t = cur();
      advance();
      auto e = make(ExprKind::Unary, t);
      e->op = "NOT";
      Nest nest(*this, t);
      e->args.push_back(not_expr());
      return done(std::move(e));
    }
    return predicate();
  }

  ExprPtr predicate() {
    const Token& t = cur();
    if (t.is("EXISTS")) {
      advance();
      auto e = make(ExprKind::Exists, t);
      expect_symbol("(");
      e->select = select();
      e->height = last_select_height_;
      expect_symbol(")");
      return done(std::move(e));
    }
    ExprPtr left = additive();
    static const char* cmp[] = {"=", "<>", "!=", "<", ">", "<=", ">=", "!<", "!>"};
    for (const char* op : cmp)
      if (cur().is_symbol(op)) {
        const Token& o = cur();
        advance();
        std::string opn = op;
        if (opn == "!=") opn = "<>";
        if (opn == "!<") opn = ">=";
        if (opn == "!>") opn = "<=";
        return binary(std::move(left), o, std::move(opn), &Parser::additive);
      }
    if (cur().is("IS")) {
      const Token& o = cur();
      advance();
      auto e = make(ExprKind::IsNull, o);
      e->begin = left->begin;
      if (accept_word("NOT")) e->negated = true;
      expect_word("NULL");
      e->args.push_back(std::move(left));
      return done(std::move(e));
    }
    bool negated = false;
    std::size_t save = pos_;
    if (cur().is("NOT") && (peek().is("LIKE") || peek().is("IN") || peek().is("BETWEEN"))) {
      negated = true;
      advance();
    }
    if (cur().is("LIKE")) {
      const Token& o = cur();
      advance();
      auto e = make(ExprKind::Like, o);
      e->begin = left->begin;
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(additive());
      if (accept_word("ESCAPE")) e->args.push_back(additive());
      return done(std::move(e));
    }
    if (cur().is("IN")) {
      const Token& o = cur();
      advance();
      auto e = make(ExprKind::In, o);
      e->begin = left->begin;
      e->negated = negated;
      e->args.push_back(std::move(left));
      expect_symbol("(");
      if (cur().is("SELECT")) {
        e->select = select();
        e->height = last_select_height_;
      } else {
        for (;;) {
          e->args.push_back(additive());
          if (!accept_symbol(",")) break;
        }
      }
      expect_symbol(")");
      return done(std::move(e));
    }
    if (cur().is("BETWEEN")) {
      const Token& o = cur();
      advance();
      auto e = make(ExprKind::Between, o);
      e->begin = left->begin;
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(additive());
      expect_word("AND");
      e->args.push_back(additive());
      return done(std::move(e));
    }
    pos_ = save;
    return left;
  }

  ExprPtr additive() {
    ExprPtr left = multiplicative();
    for (;;) {
      const Token& o = cur();
      if (!(o.is_symbol("+") || o.is_symbol("-") || o.is_symbol("&") || o.is_symbol("|") || o.is_symbol("^"))) break;
      advance();
      left = binary(std::move(left), o, o.text, &Parser::multiplicative);
    }
    return left;
  }

  ExprPtr multiplicative() {
    ExprPtr left = unary();
    for (;;) {
      const Token& o = cur();
      if (!(o.is_symbol("*") || o.is_symbol("/") || o.is_symbol("%"))) break;
      advance();
      left = binary(std::move(left), o, o.text, &Parser::unary);
    }
    return left;
  }

  ExprPtr unary() {
    const Token& t = cur();
    if (t.is_symbol("-") || t.is_symbol("+") || t.is_symbol("~")) {
      advance();
      // fold -literal so that -1 stays a literal (EXEC args, DBCC TRACESTATUS(-1))
      if (t.is_symbol("-") && (cur().kind == TokenKind::Integer || cur().kind == TokenKind::Decimal)) {
        ExprPtr lit = primary();
        if (lit->literal.type.base == BaseType::Float) lit->literal = Datum::floating(-lit->literal.value.as_double());
        else if (lit->literal.type.base == BaseType::BigInt && lit->literal.value.as_int64() == 2147483648LL)
          lit->literal = Datum::integer(-2147483648LL);
        else lit->literal = Datum::integer(-lit->literal.value.as_int64());
        lit->begin = t.begin;
        return lit;
      }
      auto e = make(ExprKind::Unary, t);
      e->op = t.text;
      Nest nest(*this, t);
      e->args.push_back(unary());
      return done(std::move(e));
    }
    return primary();
  }

  ExprPtr primary() {
    const Token& t = cur();
    switch (t.kind) {
      case TokenKind::String: {
        auto e = make(ExprKind::Literal, t);
        e->literal = Datum::varchar(t.text);
        advance();
        return done(std::move(e));
      }
      case TokenKind::NString: {
        auto e = make(ExprKind::Literal, t);
        e->literal = Datum::nvarchar(t.text);
        advance();
        return done(std::move(e));
      }
      case TokenKind::Binary: {
        auto e = make(ExprKind::Literal, t);
        e->literal = Datum::varbinary(t.bytes);
        advance();
        return done(std::move(e));
      }
      case TokenKind::Integer: {
        auto e = make(ExprKind::Literal, t);
        errno = 0;
        char* endp = nullptr;
        long long v = std::strtoll(t.text.c_str(), &endp, 10);
        if (errno == ERANGE || t.text.size() > 19) e->literal = Datum::floating(std::strtod(t.text.c_str(), nullptr));
        else e->literal = Datum::integer(v);
        advance();
        return done(std::move(e));
      }
      case TokenKind::Decimal: {
        auto e = make(ExprKind::Literal, t);
        e->literal = Datum::floating(std::strtod(t.text.c_str(), nullptr));
        advance();
        return done(std::move(e));
      }
      case TokenKind::Variable: {
        auto e = make(ExprKind::Variable, t);
        e->name = t.text;
        advance();
        return done(std::move(e));
      }
      case TokenKind::GlobalVariable: {
        auto e = make(ExprKind::Global, t);
        e->name = ascii_upper(t.text);
        advance();
        return done(std::move(e));
      }
      case TokenKind::Symbol:
        if (t.is_symbol("(")) {
          advance();
          if (cur().is("SELECT")) {
            auto e = make(ExprKind::Subquery, t);
            e->select = select();
            e->height = last_select_height_;
            expect_symbol(")");
            return done(std::move(e));
          }
          ExprPtr inner = expression();
          expect_symbol(")");
          return inner;
        }
        syntax_error();
      case TokenKind::QuotedIdentifier: return column_ref();
      case TokenKind::Identifier: break;
      default: syntax_error();
    }
    // identifiers and keywords
    if (t.is("NULL")) {
      auto e = make(ExprKind::Literal, t);
      e->literal = Datum::null();
      advance();
      return done(std::move(e));
    }
    if (t.is("CAST") || t.is("TRY_CAST")) {
      auto e = make(ExprKind::Cast, t);
      e->name = ascii_upper(t.text);
      advance();
      expect_symbol("(");
      e->args.push_back(expression());
      expect_word("AS");
      e->type = type_name(1, true);
      expect_symbol(")");
      return done(std::move(e));
    }
    if (t.is("CONVERT") || t.is("TRY_CONVERT")) {
      auto e = make(ExprKind::Cast, t);
      e->name = ascii_upper(t.text);
      advance();
      expect_symbol("(");
      e->type = type_name(1, true);
      expect_symbol(",");
      e->args.push_back(expression());
      if (accept_symbol(",")) {
        if (cur().kind != TokenKind::Integer) syntax_error();
        e->style = std::atoi(cur().text.c_str());
        advance();
      }
      expect_symbol(")");
      return done(std::move(e));
    }
    if (t.is("CASE")) return case_expr();
    if (t.is("CURRENT_TIMESTAMP") || t.is("SYSTEM_USER") || t.is("SESSION_USER") || t.is("CURRENT_USER") ||
        (t.is("USER") && !peek().is_symbol("("))) {
      auto e = make(ExprKind::Function, t);
      e->name = ascii_upper(t.text);
      advance();
      return done(std::move(e));
    }
    bool function_keyword = t.is("LEFT") || t.is("RIGHT") || t.is("COALESCE") || t.is("NULLIF") || t.is("USER");
    if (is_reserved_keyword(t.text) && !function_keyword) syntax_error();
    if (peek().is_symbol("(")) return function_call();
    if (function_keyword) syntax_error();
    return column_ref();
  }

  ExprPtr column_ref() {
    const Token& t = cur();
    if (t.kind == TokenKind::Identifier && t.line_start && is_go(t)) syntax_error();
    auto e = make(ExprKind::Column, t);
    e->parts = multipart();
    if (cur().is_symbol("(")) {
      // schema-qualified function call (dbo.f(x)): not supported
      fail(err::not_builtin_function(e->parts.back()), t.line);
    }
    return done(std::move(e));
  }

  ExprPtr function_call() {
    const Token& t = cur();
    auto e = make(ExprKind::Function, t);
    e->name = ascii_upper(t.text);
    advance();
    expect_symbol("(");
    if (accept_symbol(")")) return done(std::move(e));
    if (e->name == "COUNT" && accept_symbol("*")) {
      e->star = true;
      expect_symbol(")");
      return done(std::move(e));
    }
    accept_word("DISTINCT");
    for (;;) {
      e->args.push_back(expression());
      if (accept_symbol(")")) break;
      expect_symbol(",");
    }
    return done(std::move(e));
  }

  ExprPtr case_expr() {
    const Token& t = cur();
    auto e = make(ExprKind::Case, t);
    advance();
    if (!cur().is("WHEN")) {
      e->case_has_operand = true;
      e->args.push_back(expression());
    }
    if (!cur().is("WHEN")) syntax_error();
    while (accept_word("WHEN")) {
      e->args.push_back(expression());
      expect_word("THEN");
      e->args.push_back(expression());
    }
    if (accept_word("ELSE")) {
      e->case_has_else = true;
      e->args.push_back(expression());
    }
    expect_word("END");
    return done(std::move(e));
  }

  std::vector<Token> toks_;
  std::string_view src_;
  std::size_t pos_ = 0;
  int nesting_ = 0;             ///< see Nest
  int tallest_ = 0;             ///< height of the tallest expression finished in the current SELECT
  int last_select_height_ = 0;  ///< what select() found for the SELECT it parsed last
};

}  // namespace

std::vector<StmtPtr> parse_batch(std::string_view sql) {
  Parser p(tokenize(sql), sql);
  return p.batch();
}

std::vector<ParameterDecl> parse_parameter_declarations(std::string_view decl) {
  Parser p(tokenize(decl), decl);
  return p.parameter_declarations();
}

std::optional<std::chrono::milliseconds> parse_waitfor_delay(std::string_view text) {
  // hh:mm[:ss[.fff | :fff]], hours 0-23: a time of day without a date, as
  // the datetime formats WAITFOR accepts.
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  auto number = [&](std::size_t max_digits, long& out) {
    std::size_t start = i;
    out = 0;
    while (i < text.size() && i - start < max_digits && text[i] >= '0' && text[i] <= '9') out = out * 10 + (text[i++] - '0');
    return i > start;
  };
  long h = 0, m = 0, sec = 0, ms = 0;
  if (!number(2, h) || i >= text.size() || text[i++] != ':' || !number(2, m)) return std::nullopt;
  if (i < text.size() && text[i] == ':') {
    ++i;
    if (!number(2, sec)) return std::nullopt;
    if (i < text.size() && (text[i] == '.' || text[i] == ':')) {
      ++i;
      std::size_t start = i;
      if (!number(3, ms)) return std::nullopt;
      for (std::size_t d = i - start; d < 3; ++d) ms *= 10;
    }
  }
  while (i < text.size() && text[i] == ' ') ++i;
  if (i != text.size() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  return std::chrono::milliseconds(((h * 60 + m) * 60 + sec) * 1000 + ms);
}

}  // namespace milink::emulator::sql
