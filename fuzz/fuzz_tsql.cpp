// fuzz_tsql: the emulator's T-SQL tokenizer and parser (emulator/sql). Any
// batch text either parses or raises SqlError (a syntax error, as SQL Server
// reports it); parameter declarations (sp_executesql's second argument) the
// same. Nesting past the parser's limits is SQL Server's error 191 or 8631.
#include "sql/errors.hpp"
#include "sql/lexer.hpp"
#include "sql/parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  namespace s = milink::emulator::sql;
  try {
    s::tokenize(sql);
  } catch (const s::SqlError&) {
  }
  try {
    s::parse_batch(sql);
  } catch (const s::SqlError&) {
  }
  try {
    s::parse_parameter_declarations(sql);
  } catch (const s::SqlError&) {
  }
  return 0;
}
