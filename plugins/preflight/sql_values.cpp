#include "sql_values.hpp"

#include <Poco/DateTime.h>

#include <cstdio>
#include <cstdlib>

namespace milink::preflight {

using milink::sdk::SqlDateTime;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

std::string text_of(const SqlValue& v) {
  if (v.is_null()) return {};
  if (v.type() == SqlType::NVarChar) return v.as_string();
  return v.to_display();
}

std::optional<std::int64_t> int_of(const SqlValue& v) {
  if (v.is_null()) return std::nullopt;
  switch (v.type()) {
    case SqlType::Int:
    case SqlType::BigInt:
    case SqlType::Bit: return v.as_int64();
    case SqlType::Float: return static_cast<std::int64_t>(v.as_double());
    case SqlType::NVarChar: {
      const std::string& s = v.as_string();
      if (s.empty()) return std::nullopt;
      char* end = nullptr;
      long long n = std::strtoll(s.c_str(), &end, 10);
      // numeric(p,0) may arrive as "12" or "12.0"
      if (end == s.c_str() || (*end != '\0' && *end != '.')) return std::nullopt;
      return static_cast<std::int64_t>(n);
    }
    default: return std::nullopt;
  }
}

std::optional<SqlDateTime> datetime_of(const SqlValue& v) {
  if (v.is_null()) return std::nullopt;
  if (v.type() == SqlType::DateTime2) return v.as_datetime();
  if (v.type() == SqlType::NVarChar) return SqlDateTime::parse(v.as_string());
  return std::nullopt;
}

std::int64_t epoch_seconds(const SqlDateTime& t) {
  return Poco::DateTime(t.year, t.month, t.day, t.hour, t.minute, t.second).timestamp().epochTime();
}

}  // namespace milink::preflight
