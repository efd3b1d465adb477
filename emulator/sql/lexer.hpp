//===- emulator/sql/lexer.hpp - T-SQL tokens ---------------------*- C++ -*-===//
///
/// \file
/// Splits a T-SQL batch into tokens: identifiers (regular, [bracketed]
/// with ]] escapes, "quoted" with "" escapes), '...' and N'...' literals
/// with '' escapes, 0x binary literals, numbers, @variables, @@globals and
/// symbols; -- and (nested) /* */ comments are skipped. Errors are SQL
/// Server's: 105 unclosed quotation mark, 113 missing end comment mark, 103
/// identifier too long, 102 for a character T-SQL does not know.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator::sql {

enum class TokenKind {
  End,
  Identifier,        ///< regular identifier or keyword
  QuotedIdentifier,  ///< [x] or "x" (never a keyword)
  String,            ///< 'x'
  NString,           ///< N'x'
  Binary,            ///< 0x...
  Integer,
  Decimal,           ///< 1.5, 1e3
  Variable,          ///< @x
  GlobalVariable,    ///< @@x
  Symbol,            ///< = <> != < > <= >= + - * / % ( ) , . ; ~ & | ^ :: !< !>
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  ///< unquoted identifier, unescaped string, symbol, number or variable (with @)
  std::vector<std::uint8_t> bytes;  ///< Binary
  std::size_t begin = 0, end = 0;   ///< byte offsets in the batch
  int line = 1;
  bool line_start = false;  ///< first token on its line

  bool is_word() const { return kind == TokenKind::Identifier; }
  /// A regular identifier spelled \p kw (any case).
  bool is(std::string_view kw) const;
  bool is_symbol(std::string_view s) const { return kind == TokenKind::Symbol && text == s; }
  bool is_name() const { return kind == TokenKind::Identifier || kind == TokenKind::QuotedIdentifier; }
  bool is_string() const { return kind == TokenKind::String || kind == TokenKind::NString; }
};

/// Tokenizes \p sql; the last token has kind End. Throws SqlError.
std::vector<Token> tokenize(std::string_view sql);

/// T-SQL reserved keywords (the ones that cannot be regular identifiers).
bool is_reserved_keyword(std::string_view word);

}  // namespace milink::emulator::sql
