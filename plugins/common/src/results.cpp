#include <milink/link/results.hpp>

#include <cctype>

namespace milink::link {

using milink::sdk::SqlType;
using milink::sdk::SqlValue;

std::string text(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column) {
  const SqlValue& v = rs.at(row, column);
  if (v.is_null()) return {};
  if (v.type() == SqlType::NVarChar) return v.as_string();
  if (v.type() == SqlType::VarBinary) return hex(v.as_bytes());
  return v.to_display();
}

std::int64_t integer(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column,
                     std::int64_t fallback) {
  const SqlValue& v = rs.at(row, column);
  if (v.is_null()) return fallback;
  if (v.type() == SqlType::Bit) return v.as_bool() ? 1 : 0;
  if (v.type() == SqlType::NVarChar) return std::stoll(v.as_string());
  return v.as_int64();
}

std::vector<std::uint8_t> bytes(const milink::sdk::SqlResultSet& rs, std::size_t row, const std::string& column) {
  const SqlValue& v = rs.at(row, column);
  if (v.is_null()) return {};
  return v.as_bytes();
}

std::string hex(const std::vector<std::uint8_t>& b) { return milink::sdk::to_hex_literal(b); }

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace milink::link
