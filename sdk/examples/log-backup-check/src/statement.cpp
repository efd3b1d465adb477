#include "statement.hpp"

#include <milink/sdk/quote.hpp>

#include <stdexcept>

namespace acme {

namespace {

std::string literal(const milink::sdk::SqlValue& v) {
  using milink::sdk::SqlType;
  if (v.is_null()) return "NULL";
  switch (v.type()) {
    case SqlType::NVarChar: return milink::sdk::tsql::quote_literal(v.as_string());
    case SqlType::Bit: return v.as_bool() ? "1" : "0";
    case SqlType::VarBinary: return milink::sdk::to_hex_literal(v.as_bytes());
    case SqlType::DateTime2: return "'" + v.as_datetime().to_iso() + "'";
    default: return v.to_display();  // int, bigint, float
  }
}

}  // namespace

std::string render(const Statement& s) {
  std::string out;
  std::size_t next = 0;
  const std::string& q = s.sql;
  for (std::size_t i = 0; i < q.size(); ++i) {
    char ch = q[i];
    if (ch == '\'') {  // a string literal: copy it whole ('' inside it included)
      std::size_t end = i + 1;
      while (end < q.size()) {
        if (q[end] != '\'') {
          ++end;
        } else if (end + 1 < q.size() && q[end + 1] == '\'') {
          end += 2;
        } else {
          break;
        }
      }
      if (end >= q.size()) end = q.size() - 1;
      out.append(q, i, end - i + 1);
      i = end;
    } else if (ch == '-' && i + 1 < q.size() && q[i + 1] == '-') {  // a comment to the end of the line
      std::size_t end = q.find('\n', i);
      if (end == std::string::npos) end = q.size();
      out.append(q, i, end - i);
      i = end - 1;
    } else if (ch == '?') {
      if (next >= s.params.size()) throw std::logic_error("statement has more ? markers than parameters: " + q);
      out += literal(s.params[next++]);
    } else {
      out += ch;
    }
  }
  if (next != s.params.size()) throw std::logic_error("statement has fewer ? markers than parameters: " + q);
  return out;
}

}  // namespace acme
