//===- emulator/sql/parser.hpp - T-SQL recursive-descent parser ---*- C++ -*-===//
///
/// \file
/// Parses a batch into statements. Anything outside the supported subset,
/// or malformed, raises SQL Server's syntax errors (severity 15, the line
/// of the offending token): 102 "Incorrect syntax near 'x'.", 156 for a
/// reserved keyword, 343 for an unknown CREATE/ALTER/DROP object type, 195
/// for an unknown function or SET option, 2715 for an unknown data type.
/// A syntax error means the batch does not run at all. GO is a client-side
/// batch separator, not T-SQL: a GO that starts a statement or a line is
/// rejected with 102, as a server does when a client sends it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/ast.hpp"
#include "sql/lexer.hpp"

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace milink::emulator::sql {

/// Parses a whole batch. Throws SqlError (Abort::Batch) on a syntax error.
std::vector<StmtPtr> parse_batch(std::string_view sql);

/// Parses a parameter declaration list as sp_executesql takes it
/// ("@p int, @q nvarchar(10) OUTPUT"). Throws SqlError.
struct ParameterDecl {
  std::string name;
  TypeSpec type;
  bool output = false;
};
std::vector<ParameterDecl> parse_parameter_declarations(std::string_view decl);

/// The wait of WAITFOR DELAY 'hh:mm[:ss[.mmm]]' (at most 23:59:59.999), or
/// nullopt when \p text is not such a time (error 148).
std::optional<std::chrono::milliseconds> parse_waitfor_delay(std::string_view text);

}  // namespace milink::emulator::sql
