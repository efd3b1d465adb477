#include "run/redactor.hpp"

#include <algorithm>

namespace milink::run {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

void Redactor::add(const std::string& secret) {
  if (secret.empty()) return;
  auto json_escaped = [](const std::string& s) {
    std::string e = Value(s).to_json();
    return e.substr(1, e.size() - 2);  // without the quotes
  };
  // The secret as it appears inside a T-SQL string literal ('' for '), which
  // is how plugins put passwords into plan SQL.
  std::string sql_quoted;
  for (char c : secret) sql_quoted += (c == '\'' ? "''" : std::string(1, c));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& s : {secret, json_escaped(secret), sql_quoted, json_escaped(sql_quoted)}) {
    if (std::find(secrets_.begin(), secrets_.end(), s) == secrets_.end()) secrets_.push_back(s);
  }
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string text) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : secrets_) {
    std::size_t pos = 0;
    while ((pos = text.find(s, pos)) != std::string::npos) {
      text.replace(pos, s.size(), kMask);
      pos += std::char_traits<char>::length(kMask);
    }
  }
  return text;
}

Value Redactor::redact(const Value& v) const {
  switch (v.kind()) {
    case milink::sdk::Kind::String: return Value(redact(v.as_string()));
    case milink::sdk::Kind::Array: {
      Array out;
      for (const auto& e : v.as_array()) out.push_back(redact(e));
      return Value(std::move(out));
    }
    case milink::sdk::Kind::Object: {
      Object out;
      for (const auto& [k, e] : v.as_object()) out.set(redact(k), redact(e));
      return Value(std::move(out));
    }
    default: return v;
  }
}

bool Redactor::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return secrets_.empty();
}

}  // namespace milink::run
