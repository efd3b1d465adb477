// The endpoint certificate in master: absent is fine (the sqlserver-cert
// step creates it); present, it must not be expired or about to expire.
#include "checks.hpp"
#include "sql_values.hpp"

#include <milink/link/dates.hpp>

#include <milink/sdk/quote.hpp>

namespace milink::preflight {

namespace {

const char* kCertificateSql =
    "SELECT name, expiry_date, GETUTCDATE() AS now_utc FROM master.sys.certificates WHERE name = ?";

}  // namespace

void check_certificate(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& name) {
  report.guarded("certificate", "milink needs a sysadmin login on SQL Server for the link", [&] {
    milink::sdk::SqlResultSet set = sql.query(kCertificateSql, {milink::sdk::SqlValue::nvarchar(name)});
    const std::string quoted = milink::sdk::tsql::quote_identifier(name);
    if (set.rows.empty()) {
      report.pass("certificate", "certificate " + quoted + " does not exist in master; it will be created");
      return;
    }
    auto expiry = datetime_of(set.at(0, "expiry_date"));
    auto now = datetime_of(set.at(0, "now_utc"));
    if (!expiry || !now) throw milink::sdk::StepError("sys.certificates returned no expiry_date for " + quoted);
    const std::int64_t left = epoch_seconds(*expiry) - epoch_seconds(*now);
    const std::string when = milink::link::Date::of(*expiry).iso() + " UTC";
    const std::string rotate =
        "rotate it: create a new certificate, switch the mirroring endpoint to it and upload it to the managed "
        "instance (or, if nothing uses it yet, DROP CERTIFICATE " + quoted + " in master and let the "
        "sqlserver-cert step create a new one)";
    if (left <= 0) {
      report.fail("certificate", "certificate " + quoted + " in master expired on " + when, rotate);
      return;
    }
    const std::int64_t days = left / 86400;
    if (days < cfg.warn_days) {
      report.warn("certificate",
                  "certificate " + quoted + " in master expires on " + when + ", in " + std::to_string(days) +
                      " day" + (days == 1 ? "" : "s") + " (warn_days " + std::to_string(cfg.warn_days) + ")",
                  "plan its rotation before it expires: an expired certificate breaks the link");
      return;
    }
    report.pass("certificate", "certificate " + quoted + " in master is valid until " + when);
  });
}

}  // namespace milink::preflight
