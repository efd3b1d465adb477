#include "sql/lexer.hpp"

#include "sql/errors.hpp"
#include "state/collation.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace milink::emulator::sql {

bool Token::is(std::string_view kw) const { return kind == TokenKind::Identifier && iequals(text, kw); }

namespace {

// Transact-SQL reserved keywords (docs: "Reserved keywords (Transact-SQL)").
constexpr std::array<std::string_view, 185> kReserved = {
    "ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "AUTHORIZATION", "BACKUP", "BEGIN", "BETWEEN", "BREAK",
    "BROWSE", "BULK", "BY", "CASCADE", "CASE", "CHECK", "CHECKPOINT", "CLOSE", "CLUSTERED", "COALESCE", "COLLATE",
    "COLUMN", "COMMIT", "COMPUTE", "CONSTRAINT", "CONTAINS", "CONTAINSTABLE", "CONTINUE", "CONVERT", "CREATE",
    "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE",
    "DBCC", "DEALLOCATE", "DECLARE", "DEFAULT", "DELETE", "DENY", "DESC", "DISK", "DISTINCT", "DISTRIBUTED",
    "DOUBLE", "DROP", "DUMP", "ELSE", "END", "ERRLVL", "ESCAPE", "EXCEPT", "EXEC", "EXECUTE", "EXISTS", "EXIT",
    "EXTERNAL", "FETCH", "FILE", "FILLFACTOR", "FOR", "FOREIGN", "FREETEXT", "FREETEXTTABLE", "FROM", "FULL",
    "FUNCTION", "GOTO", "GRANT", "GROUP", "HAVING", "HOLDLOCK", "IDENTITY", "IDENTITY_INSERT", "IDENTITYCOL", "IF",
    "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "KEY", "KILL", "LEFT", "LIKE", "LINENO",
    "LOAD", "MERGE", "NATIONAL", "NOCHECK", "NONCLUSTERED", "NOT", "NULL", "NULLIF", "OF", "OFF", "OFFSETS", "ON",
    "OPEN", "OPENDATASOURCE", "OPENQUERY", "OPENROWSET", "OPENXML", "OPTION", "OR", "ORDER", "OUTER", "OVER",
    "PERCENT", "PIVOT", "PLAN", "PRECISION", "PRIMARY", "PRINT", "PROC", "PROCEDURE", "PUBLIC", "RAISERROR", "READ",
    "READTEXT", "RECONFIGURE", "REFERENCES", "REPLICATION", "RESTORE", "RESTRICT", "RETURN", "REVERT", "REVOKE",
    "RIGHT", "ROLLBACK", "ROWCOUNT", "ROWGUIDCOL", "RULE", "SAVE", "SCHEMA", "SECURITYAUDIT", "SELECT",
    "SEMANTICKEYPHRASETABLE", "SEMANTICSIMILARITYDETAILSTABLE", "SEMANTICSIMILARITYTABLE", "SESSION_USER", "SET",
    "SETUSER", "SHUTDOWN", "SOME", "STATISTICS", "SYSTEM_USER", "TABLE", "TABLESAMPLE", "TEXTSIZE", "THEN", "TO",
    "TOP", "TRAN", "TRANSACTION", "TRIGGER", "TRUNCATE", "TRY_CONVERT", "TSEQUAL", "UNION", "UNIQUE", "UNPIVOT",
    "UPDATE", "UPDATETEXT", "USE", "USER", "VALUES", "VARYING", "VIEW", "WAITFOR", "WHEN", "WHERE", "WHILE", "WITH",
    "WRITETEXT", "WITHIN"};

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == '#' || c >= 0x80; }
bool ident_part(unsigned char c) { return std::isalnum(c) || c == '_' || c == '@' || c == '#' || c == '$' || c >= 0x80; }

std::string first_chars(std::string_view s, std::size_t n) {
  std::u32string u = utf8_decode(s);
  if (u.size() > n) u.resize(n);
  return utf8_encode(u);
}

class Lexer {
public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    int last_line = 0;
    for (;;) {
      skip_space_and_comments();
      Token t = next();
      t.line_start = t.line != last_line;
      last_line = t.line;
      bool end = t.kind == TokenKind::End;
      out.push_back(std::move(t));
      if (end) break;
    }
    return out;
  }

private:
  [[noreturn]] void fail(ErrorMessage m, int line) {
    m.line = line;
    throw SqlError(std::move(m), Abort::Batch);
  }

  char peek(std::size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  void advance() {
    if (s_[i_] == '\n') ++line_;
    ++i_;
  }

  void skip_space_and_comments() {
    for (;;) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) advance();
      if (peek() == '-' && peek(1) == '-') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
        continue;
      }
      if (peek() == '/' && peek(1) == '*') {
        int start_line = line_;
        int depth = 0;
        while (i_ < s_.size()) {
          if (peek() == '/' && peek(1) == '*') {
            ++depth;
            advance();
            advance();
          } else if (peek() == '*' && peek(1) == '/') {
            --depth;
            advance();
            advance();
            if (depth == 0) break;
          } else {
            advance();
          }
        }
        if (depth != 0) fail(err::missing_end_comment(), start_line);
        continue;
      }
      break;
    }
  }

  // Reads a quoted run starting at s_[i_] == open; returns the unescaped body.
  std::string quoted(char close, int start_line, std::size_t body_start) {
    std::string out;
    advance();  // opening quote
    for (;;) {
      if (i_ >= s_.size()) {
        std::string rest(s_.substr(body_start));
        fail(err::unclosed_quote(rest), start_line);
      }
      char c = s_[i_];
      if (c == close) {
        if (peek(1) == close) {
          out += close;
          advance();
          advance();
          continue;
        }
        advance();
        return out;
      }
      out += c;
      advance();
    }
  }

  Token next() {
    Token t;
    t.begin = i_;
    t.line = line_;
    if (i_ >= s_.size()) {
      t.kind = TokenKind::End;
      t.end = i_;
      return t;
    }
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    // N'...'
    if ((c == 'N' || c == 'n') && peek(1) == '\'') {
      advance();
      t.kind = TokenKind::NString;
      t.text = quoted('\'', t.line, i_ + 1);
    } else if (c == '\'') {
      t.kind = TokenKind::String;
      t.text = quoted('\'', t.line, i_ + 1);
    } else if (c == '[') {
      t.kind = TokenKind::QuotedIdentifier;
      t.text = quoted(']', t.line, i_ + 1);
      check_length(t);
    } else if (c == '"') {
      t.kind = TokenKind::QuotedIdentifier;
      t.text = quoted('"', t.line, i_ + 1);
      check_length(t);
    } else if (c == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      advance();
      advance();
      std::string hex;
      while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
        hex += s_[i_];
        advance();
      }
      if (hex.size() % 2) hex.insert(hex.begin(), '0');
      t.kind = TokenKind::Binary;
      for (std::size_t k = 0; k < hex.size(); k += 2) t.bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(k, 2), nullptr, 16)));
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
    } else if (std::isdigit(c) || (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
      bool decimal = false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) advance();
      if (peek() == '.') {
        decimal = true;
        advance();
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) advance();
      }
      if ((peek() == 'e' || peek() == 'E') &&
          (std::isdigit(static_cast<unsigned char>(peek(1))) ||
           ((peek(1) == '+' || peek(1) == '-') && std::isdigit(static_cast<unsigned char>(peek(2)))))) {
        decimal = true;
        advance();
        if (peek() == '+' || peek() == '-') advance();
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) advance();
      }
      t.kind = decimal ? TokenKind::Decimal : TokenKind::Integer;
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
    } else if (c == '@') {
      bool global = peek(1) == '@';
      advance();
      if (global) advance();
      while (i_ < s_.size() && ident_part(static_cast<unsigned char>(s_[i_]))) advance();
      t.kind = global ? TokenKind::GlobalVariable : TokenKind::Variable;
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
      check_length(t);
    } else if (ident_start(c)) {
      while (i_ < s_.size() && ident_part(static_cast<unsigned char>(s_[i_]))) advance();
      t.kind = TokenKind::Identifier;
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
      check_length(t);
    } else {
      static const char* two[] = {"<>", "!=", "<=", ">=", "!<", "!>", "::", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="};
      t.kind = TokenKind::Symbol;
      for (const char* op : two)
        if (peek() == op[0] && peek(1) == op[1]) {
          t.text = op;
          advance();
          advance();
          break;
        }
      if (t.text.empty()) {
        static const std::string single = "=<>+-*/%(),.;~&|^";
        if (single.find(static_cast<char>(c)) == std::string::npos) {
          // A character T-SQL has no use for: SQL Server reports 102 near it.
          std::size_t len = 1;
          if (c >= 0x80) {
            while (i_ + len < s_.size() && (static_cast<unsigned char>(s_[i_ + len]) & 0xC0) == 0x80) ++len;
          }
          fail(err::incorrect_syntax(std::string(s_.substr(i_, len))), line_);
        }
        t.text = std::string(1, static_cast<char>(c));
        advance();
      }
    }
    t.end = i_;
    return t;
  }

  void check_length(const Token& t) {
    if (utf8_length(t.text) > 128) fail(err::identifier_too_long(first_chars(t.text, 128)), t.line);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int line_ = 1;
};

}  // namespace

bool is_reserved_keyword(std::string_view word) {
  std::string up = ascii_upper(word);
  return std::find(kReserved.begin(), kReserved.end(), std::string_view(up)) != kReserved.end();
}

std::vector<Token> tokenize(std::string_view sql) { return Lexer(sql).run(); }

}  // namespace milink::emulator::sql
