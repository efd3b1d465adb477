// Tests of milink/sdk/quote.hpp: T-SQL identifier and literal quoting.
#include <milink/sdk/quote.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using milink::sdk::tsql::quote_identifier;
using milink::sdk::tsql::quote_literal;

namespace {

std::string invalid_argument_of(const std::string& name) {
  try {
    quote_identifier(name);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  throw std::runtime_error("expected std::invalid_argument for '" + name + "'");
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("quote_identifier brackets names and doubles closing brackets", "[quote]") {
  CHECK(quote_identifier("db") == "[db]");
  CHECK(quote_identifier("my database") == "[my database]");
  CHECK(quote_identifier("db]; DROP DATABASE x; --") == "[db]]; DROP DATABASE x; --]");
  CHECK(quote_identifier("]") == "[]]]");
  CHECK(quote_identifier("a]]b") == "[a]]]]b]");
  // Only ']' needs doubling inside brackets.
  CHECK(quote_identifier("[x") == "[[x]");
  CHECK(quote_identifier("O'Brien") == "[O'Brien]");
  CHECK(quote_identifier("a\"b") == "[a\"b]");
}

TEST_CASE("quote_identifier keeps unicode names intact", "[quote]") {
  CHECK(quote_identifier("Datenbank_\xC3\xA4\xC3\xB6\xC3\xBC") == "[Datenbank_\xC3\xA4\xC3\xB6\xC3\xBC]");
  CHECK(quote_identifier("\xE6\x97\xA5\xE6\x9C\xAC") == "[\xE6\x97\xA5\xE6\x9C\xAC]");
  CHECK(quote_identifier("\xD0\xB1\xD0\xB4]") == "[\xD0\xB1\xD0\xB4]]]");
}

TEST_CASE("quote_identifier rejects empty and over-long names", "[quote]") {
  CHECK(invalid_argument_of("") == "an identifier cannot be empty");

  // 128 characters is the sysname limit and is fine.
  const std::string max_ascii(128, 'a');
  CHECK(quote_identifier(max_ascii) == "[" + max_ascii + "]");
  const std::string too_long(129, 'a');
  CHECK(invalid_argument_of(too_long) == "identifier '" + too_long + "' is longer than 128 characters");

  // The limit counts characters, not UTF-8 bytes.
  const std::string max_unicode = repeat("\xC3\xA9", 128);  // 256 bytes
  CHECK(quote_identifier(max_unicode) == "[" + max_unicode + "]");
  const std::string long_unicode = repeat("\xE2\x82\xAC", 129);
  CHECK(invalid_argument_of(long_unicode) == "identifier '" + long_unicode + "' is longer than 128 characters");

  // Doubling does not count toward the limit: 128 ']' become 256 inside brackets.
  const std::string brackets(128, ']');
  CHECK(quote_identifier(brackets) == "[" + std::string(256, ']') + "]");

  CHECK_THROWS_AS(quote_identifier(""), std::invalid_argument);
}

TEST_CASE("quote_literal makes an N-prefixed literal and doubles single quotes", "[quote]") {
  CHECK(quote_literal("O'Brien") == "N'O''Brien'");
  CHECK(quote_literal("") == "N''");
  CHECK(quote_literal("plain") == "N'plain'");
  CHECK(quote_literal("'") == "N''''");
  CHECK(quote_literal("''") == "N''''''");
  CHECK(quote_literal("x'; DROP TABLE t; --") == "N'x''; DROP TABLE t; --'");
  // Brackets and double quotes are not special in a literal.
  CHECK(quote_literal("[a]\"b\"") == "N'[a]\"b\"'");
  CHECK(quote_literal("Gr\xC3\xBC\xC3\x9F" "e") == "N'Gr\xC3\xBC\xC3\x9F" "e'");
  CHECK(quote_literal("line1\nline2") == "N'line1\nline2'");
}
