#include "state/statement_log.hpp"

#include "state/time_util.hpp"

#include <cctype>

namespace milink::emulator {

std::uint64_t StatementLog::add(StatementLogEntry entry) {
  entry.sequence = next_++;
  if (entry.time.year == 1) entry.time = now_utc();
  entries_.push_back(std::move(entry));
  return entries_.back().sequence;
}

void StatementLog::set_result(std::uint64_t sequence, bool ok, int error_number) {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
    if (it->sequence == sequence) {
      it->ok = ok;
      it->error_number = error_number;
      return;
    }
}

milink::sdk::Value StatementLog::to_json() const {
  using milink::sdk::Array;
  using milink::sdk::Object;
  using milink::sdk::Value;
  Array out;
  for (const auto& e : entries_) {
    Object o;
    o.set("sequence", Value(static_cast<std::int64_t>(e.sequence)));
    o.set("spid", Value(e.spid));
    o.set("login", Value(e.login));
    o.set("database", Value(e.database));
    o.set("text", Value(e.text));
    o.set("ok", Value(e.ok));
    o.set("error_number", Value(e.error_number));
    o.set("depth", Value(e.depth));
    out.emplace_back(std::move(o));
  }
  return Value(std::move(out));
}

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '#' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Finds the end of a '...' literal starting at s[i] == '\'' (quote char q,
// doubled to escape); returns the index after the closing quote, or npos.
std::size_t literal_end(std::string_view s, std::size_t i, char q) {
  for (std::size_t k = i + 1; k < s.size(); ++k) {
    if (s[k] == q) {
      if (k + 1 < s.size() && s[k + 1] == q) {
        ++k;
        continue;
      }
      return k + 1;
    }
  }
  return std::string_view::npos;
}

std::string unescape(std::string_view body, char q) {
  std::string out;
  for (std::size_t k = 0; k < body.size(); ++k) {
    out += body[k];
    if (body[k] == q && k + 1 < body.size() && body[k + 1] == q) ++k;
  }
  return out;
}

std::string escape(std::string_view body, char q) {
  std::string out;
  for (char c : body) {
    out += c;
    if (c == q) out += q;
  }
  return out;
}

bool contains_password_word(std::string_view s) {
  static const char* word = "PASSWORD";
  for (std::size_t i = 0; i + 8 <= s.size(); ++i) {
    bool eq = true;
    for (std::size_t k = 0; k < 8 && eq; ++k)
      eq = std::toupper(static_cast<unsigned char>(s[i + k])) == word[k];
    if (eq) return true;
  }
  return false;
}

std::string mask_impl(std::string_view s, int depth) {
  std::string out;
  out.reserve(s.size());
  // State: we saw the word PASSWORD (as a whole word) followed by '=': the
  // next literal is a secret.
  enum { None, SawWord, SawEquals } expect = None;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    // comments
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      std::size_t e = s.find('\n', i);
      if (e == std::string_view::npos) e = s.size();
      out.append(s.substr(i, e - i));
      i = e;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t e = s.find("*/", i + 2);
      e = (e == std::string_view::npos) ? s.size() : e + 2;
      out.append(s.substr(i, e - i));
      i = e;
      continue;
    }
    if (c == '[') {
      std::size_t e = literal_end(s, i, ']');
      if (e == std::string_view::npos) e = s.size();
      out.append(s.substr(i, e - i));
      i = e;
      expect = None;
      continue;
    }
    bool nprefix = (c == 'N' || c == 'n') && i + 1 < s.size() && s[i + 1] == '\'' &&
                   (i == 0 || !ident_char(s[i - 1]));
    if (c == '\'' || nprefix) {
      std::size_t q = nprefix ? i + 1 : i;
      std::size_t e = literal_end(s, q, '\'');
      bool closed = e != std::string_view::npos;
      if (!closed) e = s.size();
      if (expect == SawEquals) {
        out.append(s.substr(i, q - i));
        out += "'******'";
        expect = None;
        i = e;
        continue;
      }
      std::string_view body = s.substr(q + 1, (closed ? e - 1 : e) - (q + 1));
      if (depth < 8 && contains_password_word(body)) {
        std::string inner = mask_impl(unescape(body, '\''), depth + 1);
        out.append(s.substr(i, q - i + 1));
        out += escape(inner, '\'');
        if (closed) out += '\'';
      } else {
        out.append(s.substr(i, e - i));
      }
      expect = None;
      i = e;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      out += c;
      ++i;
      continue;
    }
    if (ident_char(c)) {
      std::size_t e = i;
      while (e < s.size() && ident_char(s[e])) ++e;
      std::string_view word = s.substr(i, e - i);
      bool is_pw = word.size() == 8 && contains_password_word(word);
      out.append(word);
      expect = is_pw ? SawWord : None;
      i = e;
      continue;
    }
    if (c == '=' && expect == SawWord) {
      expect = SawEquals;
      out += c;
      ++i;
      continue;
    }
    expect = None;
    out += c;
    ++i;
  }
  return out;
}

}  // namespace

std::string mask_secrets(std::string_view sql) { return mask_impl(sql, 0); }

}  // namespace milink::emulator
