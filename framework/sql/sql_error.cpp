#include "sql/sql_error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace milink::sql {

using milink::sdk::SqlError;
using milink::sdk::SqlMessage;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

std::string rtrim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

/// A bracketed tag a driver or driver manager puts before its messages.
bool is_driver_tag(const std::string& tag) {
  std::string t = lower(tag);
  for (const char* known : {"freetds", "sql server", "unixodbc", "driver manager", "microsoft", "odbc",
                            "odbc sql server driver", "tds", "sql native client", "dbnetlib"})
    if (t == known) return true;
  return starts_with(t, "odbc driver ") || starts_with(t, "sql server native client") ||
         starts_with(t, "odbc sql server driver");
}

bool is_client_message_number(long native) { return native >= 20000 && native <= 20999; }

}  // namespace

std::string strip_driver_prefix(const std::string& message) {
  std::size_t pos = 0;
  while (pos < message.size() && message[pos] == '[') {
    std::size_t close = message.find(']', pos);
    if (close == std::string::npos || !is_driver_tag(message.substr(pos + 1, close - pos - 1))) break;
    pos = close + 1;
  }
  while (pos < message.size() && message[pos] == ' ') ++pos;
  return rtrim(message.substr(pos));
}

std::vector<DiagRecord> parse_poco_diagnostics(const std::string& text) {
  std::vector<DiagRecord> out;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string state_tag = "SQLSTATE = ";
    std::size_t at = lines[i].find(state_tag);
    if (at == std::string::npos) continue;
    DiagRecord r;
    r.sqlstate = rtrim(lines[i].substr(at + state_tag.size()));
    std::size_t j = i + 1;
    const std::string native_tag = "Native Error Code = ";
    if (j < lines.size() && starts_with(lines[j], native_tag)) {
      r.native = std::strtol(lines[j].c_str() + native_tag.size(), nullptr, 10);
      ++j;
    }
    std::string msg;
    for (; j < lines.size(); ++j) {
      if (lines[j].empty() || starts_with(lines[j], "=====") || lines[j].find(state_tag) != std::string::npos) break;
      if (!msg.empty()) msg += "\n";
      msg += lines[j];
    }
    r.message = msg;
    out.push_back(std::move(r));
    i = j > i ? j - 1 : i;
  }
  return out;
}

bool is_informational(const DiagRecord& r) { return starts_with(r.sqlstate, "01") && r.sqlstate != "01S00"; }

bool indicates_connection_lost(const std::string& sqlstate, const std::string& message) {
  for (const char* s : {"08S01", "08001", "08003", "08004", "08007", "08S02"})
    if (sqlstate == s) return true;
  std::string m = lower(message);
  for (const char* p : {"adaptive server connection failed", "communication link failure", "write to the server failed",
                        "read from the server failed", "server closed the connection", "unexpected eof",
                        "connection is dead", "connection reset", "broken pipe", "tcp provider"})
    if (m.find(p) != std::string::npos) return true;
  return false;
}

SqlError make_error(const std::vector<DiagRecord>& records, const std::string& fallback) {
  SqlError e;
  const DiagRecord* primary = nullptr;
  for (const auto& r : records)
    if (!is_informational(r)) {
      primary = &r;
      break;
    }
  // unixODBC reports some failures (e.g. "Can't open lib") as 01000 only.
  if (primary == nullptr && !records.empty() && fallback.empty()) primary = &records.front();
  if (primary == nullptr) {
    e.message = fallback.empty() ? "unknown ODBC error" : fallback;
    return e;
  }
  e.sqlstate = primary->sqlstate;
  e.number = is_client_message_number(primary->native) ? 0 : static_cast<int>(primary->native);
  e.message = strip_driver_prefix(primary->message);
  if (e.message.empty()) e.message = fallback.empty() ? "ODBC error (SQLSTATE " + e.sqlstate + ")" : fallback;
  for (const auto& r : records) {
    if (&r == primary || is_informational(r) || r.native <= 0 || is_client_message_number(r.native)) continue;
    std::string m = strip_driver_prefix(r.message);
    if (m.empty() || e.message.find(m) != std::string::npos) continue;
    e.message += " | error " + std::to_string(r.native) + ": " + m;
  }
  for (const auto& r : records) {
    if (is_informational(r)) continue;
    if (r.sqlstate == "HYT00" || r.sqlstate == "HYT01") e.timed_out = true;
    if (indicates_connection_lost(r.sqlstate, r.message)) e.connection_lost = true;
  }
  return e;
}

std::vector<SqlMessage> informational_messages(const std::vector<DiagRecord>& records) {
  std::vector<SqlMessage> out;
  for (const auto& r : records) {
    if (!is_informational(r)) continue;
    SqlMessage m;
    m.number = is_client_message_number(r.native) ? 0 : static_cast<int>(r.native);
    m.text = strip_driver_prefix(r.message);
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

/// SQL Server's and Azure SQL's transient errors, and what each means.
struct TransientNumber {
  int number;
  const char* kind;
};
constexpr TransientNumber kTransientNumbers[] = {
    {1205, "deadlock victim"},      {40613, "database unavailable"}, {40197, "database unavailable"},
    {4221, "database unavailable"}, {40501, "service busy"},         {49918, "service busy"},
    {49919, "service busy"},        {49920, "service busy"},         {10928, "service busy"},
    {10929, "service busy"},        {233, "connection lost"},        {64, "connection lost"},
    {10053, "connection lost"},     {10054, "connection lost"},      {10060, "connection lost"},
};

const TransientNumber* transient_number(int number) {
  for (const auto& t : kTransientNumbers)
    if (t.number == number) return &t;
  return nullptr;
}

}  // namespace

bool is_transient(const milink::sdk::SqlError& error) {
  if (transient_number(error.number) != nullptr) return true;
  if (error.number == 18456) return false;  // a login failure is the credentials
  // A statement that timed out ran too long: repeating it would only
  // multiply the wait (connect timeouts are retried by the session).
  return error.connection_lost && !error.timed_out;
}

std::string transient_kind(const milink::sdk::SqlError& error) {
  const std::string n = " (" + std::to_string(error.number) + ")";
  if (const TransientNumber* t = transient_number(error.number)) return t->kind + n;
  if (error.number != 0) return "error" + n;
  return error.timed_out ? "timeout" : "connection lost";
}

}  // namespace milink::sql
