//===- milink/sdk/quote.hpp - T-SQL quoting helpers -------------*- C++ -*-===//
///
/// \file
/// For the DDL that cannot take bound parameters (CREATE CERTIFICATE [name],
/// CREATE AVAILABILITY GROUP [name], ...). Never build T-SQL by concatenating
/// user input without these.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace milink::sdk::tsql {

/// `[name]`, with every `]` doubled. Throws std::invalid_argument for an
/// empty name or one longer than 128 characters (sysname).
std::string quote_identifier(std::string_view name);

/// `N'text'`, with every `'` doubled.
std::string quote_literal(std::string_view text);

}  // namespace milink::sdk::tsql
