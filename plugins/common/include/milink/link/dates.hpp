//===- milink/link/dates.hpp - Calendar dates for certificate expiry -*- C++ -*-===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <optional>
#include <string>

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

}  // namespace milink::link
