//===- expr/lexer.hpp - Expression tokenizer (private) ----------*- C++ -*-===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace milink::expr {

enum class TokenKind {
  End,
  Identifier,  ///< also true, false and null; the parser tells them apart
  Integer,
  Decimal,
  String,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Dot,
  Comma,
  Not,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  And,
  Or,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::size_t begin = 0;  ///< offset of the first character
  std::size_t end = 0;    ///< offset one past the last character
  std::string text;       ///< the source text, e.g. "'it''s'" or "&&"
  milink::sdk::Value value;  ///< Integer, Decimal and String: the literal's value
};

/// Splits \p text into tokens, ending with one End token at text.size().
/// Throws ExprError (offset into \p text) for an unterminated string, a
/// malformed number or a character that starts no token.
std::vector<Token> tokenize(const std::string& text);

/// How a token reads in an error message: "'&&'", "'name'", "the string 'x'",
/// "end of expression".
std::string describe_token(const Token& t);

}  // namespace milink::expr
