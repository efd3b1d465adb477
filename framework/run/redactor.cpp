#include "run/redactor.hpp"

#include <algorithm>
#include <cctype>

namespace milink::run {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

// How a secret is masked depends on its length, so that short secrets do
// not mangle unrelated words and paths (a one-letter password would
// otherwise turn every "a" in the output into "***"):
//  - kWholeWordBelow (8) characters or more: every occurrence, even inside
//    a longer word (a token, a connection string, URL-encoded text);
//  - kMinimumLength (4) to 7: only whole occurrences, not next to a letter,
//    digit or '_' ("PWD=s3cr;" is masked, "ns3cry" is left alone);
//  - shorter: not masked at all; too_short() counts them so the command can
//    warn that such a secret is not protected.
void Redactor::add(const std::string& secret) {
  if (secret.empty()) return;
  if (secret.size() < kMinimumLength) {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::find(too_short_.begin(), too_short_.end(), secret) == too_short_.end()) too_short_.push_back(secret);
    return;
  }
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
    const bool anywhere = s.size() >= kWholeWordBelow;
    std::size_t pos = 0;
    while ((pos = text.find(s, pos)) != std::string::npos) {
      const std::size_t end = pos + s.size();
      const bool whole = (pos == 0 || !word_char(text[pos - 1]) || !word_char(s.front())) &&
                         (end >= text.size() || !word_char(text[end]) || !word_char(s.back()));
      if (!anywhere && !whole) {
        ++pos;
        continue;
      }
      text.replace(pos, s.size(), kMask);
      pos += std::char_traits<char>::length(kMask);
    }
  }
  return text;
}

std::size_t Redactor::too_short() const {
  std::lock_guard<std::mutex> lock(mu_);
  return too_short_.size();
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
