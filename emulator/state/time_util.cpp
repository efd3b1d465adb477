#include "state/time_util.hpp"

#include "tds/type_codec.hpp"

#include <Poco/DateTime.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace milink::emulator {

namespace {

// Calendar arithmetic (proleptic Gregorian) has one implementation,
// tds::days_since_0001 / tds::date_from_days_since_0001, next to the TDS
// DATE/DATETIME2 codec that counts days from 0001-01-01. Unix time counts
// them from 1970-01-01.
std::int64_t unix_epoch_days() { return tds::days_since_0001(1970, 1, 1); }

}  // namespace

bool valid_date(int year, int month, int day) {
  return year >= 1 && Poco::DateTime::isValid(year, month, day);
}

namespace {
std::atomic<std::int64_t> g_clock_offset_seconds{0};
}  // namespace

std::int64_t clock_offset_seconds() { return g_clock_offset_seconds.load(); }
void set_clock_offset_seconds(std::int64_t seconds) { g_clock_offset_seconds.store(seconds); }

SqlDateTime now_utc() {
  using namespace std::chrono;
  auto now = system_clock::now() + seconds(g_clock_offset_seconds.load());
  auto ticks = duration_cast<nanoseconds>(now.time_since_epoch()).count();
  std::int64_t secs = ticks / 1000000000;
  std::int64_t ns = ticks % 1000000000;
  SqlDateTime t = from_unix_seconds(secs);
  t.nanosecond = static_cast<std::int32_t>(ns / 100 * 100);
  return t;
}

std::int64_t to_unix_seconds(const SqlDateTime& t) {
  return (tds::days_since_0001(t.year, t.month, t.day) - unix_epoch_days()) * 86400 + t.hour * 3600 + t.minute * 60 +
         t.second;
}

SqlDateTime from_unix_seconds(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  SqlDateTime t;
  tds::date_from_days_since_0001(days + unix_epoch_days(), t.year, t.month, t.day);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

SqlDateTime add_seconds(const SqlDateTime& t, std::int64_t seconds) {
  SqlDateTime r = from_unix_seconds(to_unix_seconds(t) + seconds);
  r.nanosecond = t.nanosecond;
  return r;
}

SqlDateTime add_days(const SqlDateTime& t, int days) { return add_seconds(t, static_cast<std::int64_t>(days) * 86400); }

SqlDateTime add_years(const SqlDateTime& t, int years) {
  SqlDateTime r = t;
  r.year += years;
  if (r.month == 2 && r.day == 29 && !valid_date(r.year, 2, 29)) r.day = 28;
  return r;
}

namespace {

struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }
  bool digits(int min, int max, int& out, int* count = nullptr) {
    int n = 0, v = 0;
    while (!at_end() && n < max && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++n;
    }
    if (count) *count = n;
    if (n < min) return false;
    out = v;
    return true;
  }
  void blanks() {
    while (!at_end() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
};

bool parse_time(Cursor& c, SqlDateTime& t) {
  int h = 0, mi = 0, se = 0;
  if (!c.digits(1, 2, h)) return false;
  if (!c.eat(':')) return false;
  if (!c.digits(1, 2, mi)) return false;
  if (c.eat(':')) {
    if (!c.digits(1, 2, se)) return false;
    if (c.eat('.')) {
      std::int64_t frac = 0;
      int n = 0;
      while (!c.at_end() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
        if (n < 9) {
          frac = frac * 10 + (c.peek() - '0');
          ++n;
        }
        ++c.i;
      }
      if (n == 0) return false;
      while (n < 9) {
        frac *= 10;
        ++n;
      }
      t.nanosecond = static_cast<std::int32_t>(frac / 100 * 100);
    }
  }
  c.blanks();
  std::string rest;
  if (!c.at_end()) {
    char a = static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek())));
    if ((a == 'A' || a == 'P') && c.i + 1 < c.s.size() &&
        std::toupper(static_cast<unsigned char>(c.s[c.i + 1])) == 'M') {
      if (h < 1 || h > 12) return false;
      if (a == 'A' && h == 12) h = 0;
      if (a == 'P' && h != 12) h += 12;
      c.i += 2;
    }
  }
  if (h > 23 || mi > 59 || se > 59) return false;
  t.hour = h;
  t.minute = mi;
  t.second = se;
  return true;
}

}  // namespace

std::optional<SqlDateTime> parse_tsql_datetime(std::string_view text) {
  Cursor c{text};
  c.blanks();
  SqlDateTime t;
  int a = 0, n = 0;
  if (!c.digits(1, 8, a, &n)) return std::nullopt;
  if (n == 8 && (c.at_end() || c.peek() == ' ' || c.peek() == 'T')) {
    t.year = a / 10000;
    t.month = a / 100 % 100;
    t.day = a % 100;
  } else if (n == 4 && (c.peek() == '-' || c.peek() == '/' || c.peek() == '.')) {
    char sep = c.peek();
    ++c.i;
    t.year = a;
    if (!c.digits(1, 2, t.month) || !c.eat(sep) || !c.digits(1, 2, t.day)) return std::nullopt;
  } else if (n <= 2 && (c.peek() == '/' || c.peek() == '-' || c.peek() == '.')) {
    char sep = c.peek();
    ++c.i;
    t.month = a;
    int yn = 0;
    if (!c.digits(1, 2, t.day) || !c.eat(sep) || !c.digits(2, 4, t.year, &yn)) return std::nullopt;
    if (yn == 3) return std::nullopt;
    if (yn == 2) t.year += t.year < 50 ? 2000 : 1900;
  } else {
    return std::nullopt;
  }
  if (!valid_date(t.year, t.month, t.day)) return std::nullopt;
  if (c.peek() == 'T') {
    ++c.i;
    if (!parse_time(c, t)) return std::nullopt;
  } else {
    c.blanks();
    if (!c.at_end() && !parse_time(c, t)) return std::nullopt;
  }
  c.blanks();
  if (!c.at_end()) return std::nullopt;
  return t;
}

std::string format_datetime2(const SqlDateTime& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%07d", t.year, t.month, t.day, t.hour, t.minute,
                t.second, static_cast<int>(t.nanosecond / 100));
  return buf;
}

SqlDateTime round_to_datetime(const SqlDateTime& t) {
  // datetime stores 1/300 s ticks: round the fraction to the nearest tick.
  std::int64_t ticks = (static_cast<std::int64_t>(t.nanosecond) * 300 + 500000000) / 1000000000;
  SqlDateTime r = t;
  if (ticks >= 300) {
    r = add_seconds(t, 1);
    ticks = 0;
  }
  // ticks*1e9/300 rounded to 100 ns, as datetime2 shows a datetime (…003, …007, …010)
  std::int64_t ns = (ticks * 1000000000 + 150) / 300;
  r.nanosecond = static_cast<std::int32_t>((ns + 50) / 100 * 100);
  return r;
}

std::string format_datetime(const SqlDateTime& t) {
  SqlDateTime r = round_to_datetime(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", r.year, r.month, r.day, r.hour, r.minute,
                r.second, static_cast<int>((r.nanosecond + 500000) / 1000000));
  return buf;
}

}  // namespace milink::emulator
