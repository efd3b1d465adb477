#include "job_matcher.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace acme {

namespace {

char fold(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (fold(a[i]) != fold(b[i])) return false;
  return true;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '#' || c == '$'; }

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

/// The keyword \p kw at \p i as a whole word; advances past it.
bool keyword(std::string_view s, std::size_t& i, std::string_view kw) {
  if (i + kw.size() > s.size() || !same(s.substr(i, kw.size()), kw)) return false;
  if (i + kw.size() < s.size() && word_char(s[i + kw.size()])) return false;
  i += kw.size();
  return true;
}

/// An identifier at \p i: [x]]y], "x""y" or bare; "" for a @variable or nothing.
std::string identifier(std::string_view s, std::size_t& i) {
  std::string out;
  if (i < s.size() && (s[i] == '[' || s[i] == '"')) {
    char close = s[i] == '[' ? ']' : '"';
    for (++i; i < s.size(); ++i) {
      if (s[i] == close) {
        if (i + 1 < s.size() && s[i + 1] == close) {
          out += close;
          ++i;
          continue;
        }
        ++i;
        return out;
      }
      out += s[i];
    }
    return {};  // unterminated
  }
  if (i < s.size() && s[i] == '@') return {};
  while (i < s.size() && word_char(s[i])) out += s[i++];
  return out;
}

bool backup_log_statement(std::string_view cmd, std::string_view database) {
  for (std::size_t pos = 0; pos < cmd.size(); ++pos) {
    if (pos > 0 && word_char(cmd[pos - 1])) continue;
    std::size_t i = pos;
    if (!keyword(cmd, i, "BACKUP")) continue;
    skip_space(cmd, i);
    if (!keyword(cmd, i, "LOG")) continue;
    skip_space(cmd, i);
    if (same(identifier(cmd, i), database)) return true;
  }
  return false;
}

/// LIKE with % only (Ola's @Databases wildcards), case-insensitive.
bool like(std::string_view text, std::string_view pattern) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '%') {
    for (std::size_t k = 0; k <= text.size(); ++k)
      if (like(text.substr(k), pattern.substr(1))) return true;
    return false;
  }
  return !text.empty() && fold(text[0]) == fold(pattern[0]) && like(text.substr(1), pattern.substr(1));
}

std::string trim_item(std::string item) {
  while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.erase(item.begin());
  while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
  if (item.size() >= 2 && item.front() == '[' && item.back() == ']') item = item.substr(1, item.size() - 2);
  return item;
}

std::string folded(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = fold(c);
  return out;
}

/// The string given to \p param ("@Databases = N'a, b'") in \p cmd; nullopt when absent.
std::optional<std::string> string_argument(std::string_view cmd, std::string_view param) {
  std::string text = folded(cmd);
  for (std::size_t at = text.find(folded(param)); at != std::string::npos; at = text.find(folded(param), at + 1)) {
    std::size_t i = at + param.size();
    if (i < cmd.size() && word_char(cmd[i])) continue;  // @DatabasesX
    skip_space(cmd, i);
    if (i >= cmd.size() || cmd[i] != '=') continue;
    ++i;
    skip_space(cmd, i);
    if (i < cmd.size() && fold(cmd[i]) == 'N') ++i;
    if (i >= cmd.size() || cmd[i] != '\'') continue;
    std::string value;
    for (++i; i < cmd.size(); ++i) {
      if (cmd[i] != '\'') {
        value += cmd[i];
      } else if (i + 1 < cmd.size() && cmd[i + 1] == '\'') {
        value += '\'';
        ++i;
      } else {
        return value;
      }
    }
  }
  return std::nullopt;
}

bool database_backup_call(std::string_view cmd, std::string_view database) {
  if (folded(cmd).find("DATABASEBACKUP") == std::string::npos) return false;
  auto type = string_argument(cmd, "@BackupType");
  auto list = string_argument(cmd, "@Databases");
  if (!type || !same(trim_item(*type), "LOG") || !list) return false;
  bool included = false, excluded = false;
  std::size_t start = 0;
  while (start <= list->size()) {
    std::size_t comma = list->find(',', start);
    std::string item = trim_item(list->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    bool minus = !item.empty() && item[0] == '-';
    if (minus) item = trim_item(item.substr(1));
    bool hit = same(item, "USER_DATABASES") || same(item, "ALL_DATABASES") ||
               same(item, "AVAILABILITY_GROUP_DATABASES") || like(database, item);
    if (minus && like(database, item)) excluded = true;
    if (!minus && hit) included = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return included && !excluded;
}

}  // namespace

bool backs_up_log_of(std::string_view command, std::string_view database) {
  return backup_log_statement(command, database) || database_backup_call(command, database);
}

}  // namespace acme
