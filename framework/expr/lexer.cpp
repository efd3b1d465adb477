//===- expr/lexer.cpp - Expression tokenizer ------------------------------===//

#include "lexer.hpp"

#include "expression.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace milink::expr {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '-'; }

/// The whole UTF-8 sequence starting at \p i (one byte if malformed), so that
/// an error quotes a character rather than half of one.
std::string char_at(const std::string& s, std::size_t i) {
  auto lead = static_cast<unsigned char>(s[i]);
  std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return s.substr(i, n);
}

class Lexer {
public:
  explicit Lexer(const std::string& text) : s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      while (i_ < s_.size() && is_space(s_[i_])) ++i_;
      if (i_ >= s_.size()) break;
      out.push_back(next());
    }
    Token end;
    end.begin = end.end = s_.size();
    out.push_back(end);
    return out;
  }

private:
  Token make(TokenKind kind, std::size_t begin, std::size_t end) {
    Token t;
    t.kind = kind;
    t.begin = begin;
    t.end = end;
    t.text = s_.substr(begin, end - begin);
    i_ = end;
    return t;
  }

  bool at(std::size_t j, char c) const { return j < s_.size() && s_[j] == c; }

  Token next() {
    const std::size_t b = i_;
    const char c = s_[b];
    switch (c) {
      case '(': return make(TokenKind::LParen, b, b + 1);
      case ')': return make(TokenKind::RParen, b, b + 1);
      case '[': return make(TokenKind::LBracket, b, b + 1);
      case ']': return make(TokenKind::RBracket, b, b + 1);
      case '.': return make(TokenKind::Dot, b, b + 1);
      case ',': return make(TokenKind::Comma, b, b + 1);
      case '\'': return string_literal();
      case '!': return at(b + 1, '=') ? make(TokenKind::Ne, b, b + 2) : make(TokenKind::Not, b, b + 1);
      case '<': return at(b + 1, '=') ? make(TokenKind::Le, b, b + 2) : make(TokenKind::Lt, b, b + 1);
      case '>': return at(b + 1, '=') ? make(TokenKind::Ge, b, b + 2) : make(TokenKind::Gt, b, b + 1);
      case '=':
        if (at(b + 1, '=')) return make(TokenKind::Eq, b, b + 2);
        throw ExprError("unexpected '='; use '==' to compare", b);
      case '&':
        if (at(b + 1, '&')) return make(TokenKind::And, b, b + 2);
        throw ExprError("unexpected '&'; use '&&' for a logical and", b);
      case '|':
        if (at(b + 1, '|')) return make(TokenKind::Or, b, b + 2);
        throw ExprError("unexpected '|'; use '||' for a logical or", b);
      case '"':
        throw ExprError("strings use single quotes: 'text', not \"text\"", b);
      default: break;
    }
    if (is_digit(c) || (c == '-' && b + 1 < s_.size() && is_digit(s_[b + 1]))) return number();
    if (is_ident_start(c)) {
      std::size_t e = b + 1;
      while (e < s_.size() && is_ident_char(s_[e])) ++e;
      return make(TokenKind::Identifier, b, e);
    }
    const std::string ch = char_at(s_, b);
    if (ch == "\xE2\x80\x98" || ch == "\xE2\x80\x99" || ch == "\xE2\x80\x9C" || ch == "\xE2\x80\x9D")
      throw ExprError("unexpected character '" + ch + "'; strings use straight single quotes: 'text'", b);
    throw ExprError("unexpected character '" + ch + "'", b);
  }

  /// 'text' with '' standing for one quote.
  Token string_literal() {
    const std::size_t b = i_;
    std::string value;
    std::size_t j = b + 1;
    for (;;) {
      if (j >= s_.size()) throw ExprError("unterminated string literal (missing closing ')", b);
      if (s_[j] == '\'') {
        if (at(j + 1, '\'')) {
          value += '\'';
          j += 2;
          continue;
        }
        break;
      }
      value += s_[j++];
    }
    Token t = make(TokenKind::String, b, j + 1);
    t.value = milink::sdk::Value(std::move(value));
    return t;
  }

  /// -?digits(.digits)? ; a letter, '_' or '.' right after it is an error
  /// rather than the start of the next token ("12abc", "1.", "1.2.3").
  Token number() {
    const std::size_t b = i_;
    std::size_t j = b;
    if (s_[j] == '-') ++j;
    while (j < s_.size() && is_digit(s_[j])) ++j;
    bool decimal = false;
    if (at(j, '.')) {
      decimal = true;
      ++j;
      if (j >= s_.size() || !is_digit(s_[j])) {
        throw ExprError("invalid number '" + s_.substr(b, j - b) + "': expected digits after '.'", b);
      }
      while (j < s_.size() && is_digit(s_[j])) ++j;
    }
    if (j < s_.size() && (is_ident_char(s_[j]) || s_[j] == '.')) {
      std::size_t e = j;
      while (e < s_.size() && (is_ident_char(s_[e]) || s_[e] == '.')) ++e;
      throw ExprError("invalid number '" + s_.substr(b, e - b) + "'", b);
    }
    const std::string digits = s_.substr(b, j - b);
    Token t = make(decimal ? TokenKind::Decimal : TokenKind::Integer, b, j);
    errno = 0;
    if (decimal) {
      double d = std::strtod(digits.c_str(), nullptr);
      if (errno == ERANGE) throw ExprError("number " + digits + " is out of range", b);
      t.value = milink::sdk::Value(d);
    } else {
      long long v = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        throw ExprError("integer " + digits + " is out of range (" +
                            std::to_string(std::numeric_limits<std::int64_t>::min()) + " to " +
                            std::to_string(std::numeric_limits<std::int64_t>::max()) + ")",
                        b);
      }
      t.value = milink::sdk::Value(static_cast<std::int64_t>(v));
    }
    return t;
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<Token> tokenize(const std::string& text) { return Lexer(text).run(); }

std::string describe_token(const Token& t) {
  if (t.kind == TokenKind::End) return "end of expression";
  if (t.kind == TokenKind::String) return "the string " + t.text;
  return "'" + t.text + "'";
}

}  // namespace milink::expr
