#include <milink/link/dates.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timespan.h>
#include <milink/sdk/context.hpp>

namespace milink::link {

namespace {
const Poco::DateTime& unix_epoch() {
  static const Poco::DateTime epoch(1970, 1, 1);
  return epoch;
}
Poco::DateTime to_poco(const Date& d) { return Poco::DateTime(d.year, d.month, d.day); }
Date from_poco(const Poco::DateTime& t) { return Date{t.year(), t.month(), t.day()}; }
}  // namespace

long long Date::days() const { return (to_poco(*this) - unix_epoch()).days(); }

Date Date::from_days(long long days) { return from_poco(unix_epoch() + Poco::Timespan(static_cast<int>(days), 0, 0, 0, 0)); }

Date Date::today() { return from_poco(Poco::DateTime()); }

std::optional<Date> Date::parse(const std::string& text) {
  // DateTimeParser accepts out-of-range fields (and normalises 2027-02-30),
  // so the text must also be exactly what the date formats back to.
  Poco::DateTime t;
  int tzd = 0;
  if (text.size() != 10 || !Poco::DateTimeParser::tryParse("%Y-%m-%d", text, t, tzd)) return std::nullopt;
  Date d = from_poco(t);
  if (d.iso() != text) return std::nullopt;
  return d;
}

std::string Date::iso() const { return Poco::DateTimeFormatter::format(to_poco(*this), "%Y-%m-%d"); }

std::string Date::compact() const { return Poco::DateTimeFormatter::format(to_poco(*this), "%Y%m%d"); }

long long days_until(const Date& expiry) { return expiry.days() - Date::today().days(); }

Date server_today(milink::sdk::Sql& sql) {
  auto now = sql.scalar("SELECT SYSUTCDATETIME()");
  if (!now || now->is_null()) return Date::today();
  return Date::of(now->as_datetime());
}

}  // namespace milink::link
