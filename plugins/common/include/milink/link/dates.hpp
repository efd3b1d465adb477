//===- milink/link/dates.hpp - Calendar dates for certificate expiry -*- C++ -*-===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <optional>
#include <string>

namespace milink::sdk {
class Sql;
}

namespace milink::link {

/// A calendar date (UTC).
struct Date {
  int year = 1970, month = 1, day = 1;

  /// Days since 1970-01-01.
  long long days() const;
  static Date from_days(long long days);
  static Date today();
  /// "YYYY-MM-DD"; nullopt when malformed or not a real date.
  static std::optional<Date> parse(const std::string& text);
  static Date of(const milink::sdk::SqlDateTime& t) { return Date{t.year, t.month, t.day}; }

  std::string iso() const;       ///< "2027-03-30"
  std::string compact() const;   ///< "20270330", the form T-SQL reads the same under every DATEFORMAT
  bool operator<(const Date& o) const { return days() < o.days(); }
};

/// Whole days from today until \p expiry (negative when it has passed).
long long days_until(const Date& expiry);
/// Whole days from \p today until \p expiry.
inline long long days_until(const Date& expiry, const Date& today) { return expiry.days() - today.days(); }

/// The server's date (SELECT SYSUTCDATETIME()): the clock that decides
/// whether its certificates have expired, so expiry thresholds and the
/// dates of new certificates count from it rather than from this machine's.
/// Throws what Sql::scalar throws; this machine's date when it answers NULL.
Date server_today(milink::sdk::Sql& sql);

}  // namespace milink::link
