//===- milink/link/results.hpp - Reading query results ------------*- C++ -*-===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace milink::link {

/// The value of \p column in \p row as text: "" for NULL, numbers in
/// decimal, binary as 0x hex, datetime2 in ISO form.
std::string text(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column);
/// As an integer; \p fallback for NULL.
std::int64_t integer(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column,
                     std::int64_t fallback = 0);
/// As bytes; empty for NULL.
std::vector<std::uint8_t> bytes(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column);

/// "0x..." upper-case hex of \p b (the form CERTENCODED prints).
std::string hex(const std::vector<std::uint8_t>& b);

/// Case-insensitive ASCII comparison (SQL Server's default collations
/// compare names this way).
bool iequals(const std::string& a, const std::string& b);

}  // namespace milink::link
