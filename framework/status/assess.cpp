#include "status/assess.hpp"

#include <milink/link/diagnosis.hpp>
#include <milink/link/results.hpp>

#include <algorithm>

namespace milink::status {

using milink::link::iequals;

namespace {

/// "<what>. <cause>. Remedy: <remedy>" for an error number.
std::string with_remedy(const std::string& what, int number) {
  return number != 0 ? what + " (" + milink::link::explain(number) + ")" : what;
}

std::string percent(double fraction) {
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * fraction);
  return pct;
}

void flag(LinkRow& row, Severity s, const std::string& state, const std::string& problem) {
  if (row.state == "healthy" || static_cast<int>(s) > static_cast<int>(row.severity)) row.state = state;
  row.severity = worst(row.severity, s);
  row.problems.push_back(problem);
}

/// \p sql_known / \p arm_known: that side was read (a link missing from a
/// side that could not be read is not half-built).
void judge(LinkRow& row, const Thresholds& t, bool sql_known, bool arm_known) {
  row.state = "healthy";
  if (!row.on_sql_server && !row.in_azure) {
    flag(row, Severity::Critical, "absent",
         "no link on SQL Server or in Azure for this database; create it (workflows/replicate-database.json)");
    return;
  }
  if (!row.on_sql_server && sql_known)
    flag(row, Severity::Critical, "half-built",
         "Azure has the link but SQL Server has no distributed availability group \"" + row.name +
             "\"; re-run the link workflow (its dag step creates it) or remove the link "
             "(workflows/remove-link.json)");
  if (!row.in_azure && arm_known)
    flag(row, Severity::Critical, "half-built",
         "SQL Server has the distributed availability group \"" + row.name +
             "\" but Azure has no link of that name; re-run the link workflow (its arm-link step creates it) or "
             "drop the DAG (workflows/remove-link.json)");

  if (row.in_azure) {
    std::string failure = milink::link::link_failure(row.azure);
    if (!failure.empty()) {
      int n = milink::link::leading_error_number(row.azure.most_recent_link_error);
      flag(row, Severity::Critical, "failed",
           with_remedy("Azure reports " + failure +
                           (row.azure.most_recent_link_error.empty() ? "" : ": " + row.azure.most_recent_link_error) +
                           "; a failed link does not heal: remove it and create it again",
                       n));
    }
  }
  const std::vector<LinkDatabaseRow> databases = row.databases();
  for (const auto& d : databases)
    if (d.seeding_failed())
      flag(row, Severity::Critical, "failed",
           with_remedy((databases.size() > 1 ? "seeding of " + d.name + " failed" : std::string("seeding failed")) +
                           " (failure_code " + std::to_string(d.sql_seeding.failure) + ")",
                       d.sql_seeding.failure));

  // Connected? Both sides say so when they know.
  std::string connected = row.connected_state();
  const bool both = (row.on_sql_server || !sql_known) && (row.in_azure || !arm_known);
  if (!connected.empty() && connected != "CONNECTED" && both) {
    int n = row.last_error_number();
    flag(row, Severity::Critical, "disconnected",
         with_remedy("the managed instance is not connected (" + connected + ")" +
                         (row.last_error().empty() ? "" : "; last error " + row.last_error()),
                     n != 0 ? n : 41986));
  } else if (row.on_sql_server && row.sql.last_error_number != 0 && connected != "CONNECTED") {
    flag(row, Severity::Critical, "disconnected",
         with_remedy("SQL Server reports error " + std::to_string(row.sql.last_error_number) + ": " +
                         row.sql.last_error_description,
                     row.sql.last_error_number));
  }

  if (auto f = row.seeding_fraction()) {
    if (databases.size() > 1) {
      std::string each;
      for (const auto& d : databases)
        if (auto df = d.seeding_fraction()) each += (each.empty() ? "" : ", ") + d.name + " " + percent(*df);
      flag(row, Severity::Warning, "seeding",
           "seeding: " + each + " copied; those databases are not protected until their seeding completes");
    } else {
      flag(row, Severity::Warning, "seeding",
           "seeding: " + percent(*f) + " copied; the database is not protected until seeding completes");
    }
  }
  std::string health = row.synchronization_health();
  if (connected == "CONNECTED" && !row.seeding_fraction()) {
    if (health == "NOT_HEALTHY")
      flag(row, Severity::Critical, "unhealthy",
           "synchronization health is NOT_HEALTHY; see the last error and sys.dm_hadr_database_replica_states");
    else if (health == "PARTIALLY_HEALTHY")
      flag(row, Severity::Warning, "unhealthy", "synchronization health is PARTIALLY_HEALTHY");
  }
  if (auto lag = row.lag_seconds(); lag && *lag > t.lag_warning_seconds)
    flag(row, Severity::Warning, "lagging",
         "the secondary is " + std::to_string(*lag) + " s behind (threshold " + std::to_string(t.lag_warning_seconds) +
             " s): check the network's bandwidth and the primary's log generation; a planned failover waits for it");
  if (row.in_azure && iequals(row.azure.instance_link_role, "Primary") && iequals(row.azure.partner_link_role, "Primary"))
    flag(row, Severity::Critical, "split-brain",
         "both sides are primary (split brain after a forced failover): demote the old primary "
         "(ALTER AVAILABILITY GROUP ... SET (ROLE = SECONDARY) on SQL Server, or setRole on the instance)");
}

CertificateStatus judge_certificate(std::string kind, std::string name, const std::optional<milink::link::Date>& expiry,
                                    const milink::link::Date& today, const Thresholds& t, const std::string& remedy) {
  CertificateStatus c;
  c.kind = std::move(kind);
  c.name = std::move(name);
  if (!expiry) {
    c.severity = Severity::Warning;
    c.message = "its expiry could not be read";
    return c;
  }
  c.expiry = expiry->iso();
  c.days_left = expiry->days() - today.days();
  if (*c.days_left < 0) {
    c.severity = Severity::Critical;
    c.message = "expired on " + c.expiry + ": links using it cannot connect; " + remedy;
  } else if (*c.days_left <= t.certificate_warning_days) {
    c.severity = Severity::Warning;
    c.message = "expires in " + std::to_string(*c.days_left) + " day" + (*c.days_left == 1 ? "" : "s") + " (" +
                c.expiry + "); " + remedy;
  }
  return c;
}

bool wanted(const std::vector<std::string>& databases, const std::string& db) {
  if (databases.empty()) return true;
  return std::any_of(databases.begin(), databases.end(), [&](const std::string& d) { return iequals(d, db); });
}

/// A link is wanted when any database it carries is.
bool wanted(const std::vector<std::string>& databases, const LinkRow& row) {
  if (wanted(databases, row.database)) return true;
  for (const auto& d : row.databases())
    if (!databases.empty() && wanted(databases, d.name)) return true;
  return false;
}

bool carries(const LinkRow& row, const std::string& db) {
  if (iequals(row.database, db)) return true;
  for (const auto& d : row.databases())
    if (iequals(d.name, db)) return true;
  return false;
}

}  // namespace

Report assess(const std::optional<SqlSide>& sql, const std::optional<ArmSide>& arm, std::vector<std::string> errors,
              const Thresholds& t, const std::vector<std::string>& databases) {
  Report r;
  r.errors = std::move(errors);
  std::vector<LinkRow> rows;
  if (sql)
    for (const auto& l : sql->links) {
      LinkRow row;
      row.name = l.dag;
      row.database = l.database;
      row.on_sql_server = true;
      row.sql = l;
      rows.push_back(std::move(row));
    }
  if (arm)
    for (const auto& a : arm->links) {
      auto it = std::find_if(rows.begin(), rows.end(), [&](const LinkRow& x) { return iequals(x.name, a.name); });
      if (it == rows.end()) {
        LinkRow row;
        row.name = a.name;
        row.database = a.view.database;
        rows.push_back(std::move(row));
        it = rows.end() - 1;
      }
      it->in_azure = true;
      it->azure = a.view;
      if (it->database.empty()) it->database = a.view.database;
    }
  for (auto& row : rows) {
    if (!wanted(databases, row)) continue;
    judge(row, t, sql.has_value(), arm.has_value());
    r.links.push_back(std::move(row));
  }
  for (const auto& db : databases) {
    bool found = std::any_of(r.links.begin(), r.links.end(), [&](const LinkRow& x) { return carries(x, db); });
    if (found || (!sql && !arm)) continue;
    LinkRow row;
    row.database = db;
    judge(row, t, sql.has_value(), arm.has_value());
    r.links.push_back(std::move(row));
  }
  std::sort(r.links.begin(), r.links.end(), [](const LinkRow& a, const LinkRow& b) {
    return a.database != b.database ? a.database < b.database : a.name < b.name;
  });
  const bool any_link = !r.links.empty();
  // Expiry counts from SQL Server's clock, the one that decides; this machine's when SQL Server was not read.
  const milink::link::Date today = sql && sql->today ? *sql->today : milink::link::Date::today();

  if (sql) {
    r.endpoint = sql->endpoint;
    if (!r.endpoint.exists) {
      r.endpoint.severity = any_link ? Severity::Critical : Severity::Ok;
      if (any_link) r.endpoint.message = "SQL Server has no DATABASE_MIRRORING endpoint; run the mirroring-endpoint step";
    } else if (r.endpoint.state != "STARTED") {
      r.endpoint.severity = any_link ? Severity::Critical : Severity::Warning;
      r.endpoint.message = "the endpoint " + r.endpoint.name + " is " + r.endpoint.state +
                           "; start it: ALTER ENDPOINT [" + r.endpoint.name + "] STATE = STARTED";
    }
    for (const auto& c : sql->certificates) {
      if (r.endpoint.exists && c.certificate_id == r.endpoint.certificate_id)
        r.certificates.push_back(judge_certificate(
            "sql_server_endpoint", c.name, c.expiry, today, t,
            "rotate SQL Server's endpoint certificate and upload the new one to the instance (milink run rotate-certificates)"));
      else if (!c.has_private_key)
        r.certificates.push_back(judge_certificate(
            "trusted_by_sql_server", c.name, c.expiry, today, t,
            "install the instance's current endpoint certificate on SQL Server (the mi-cert-import step)"));
    }
  }
  if (arm) {
    if (arm->endpoint_certificate)
      r.certificates.push_back(judge_certificate(
          "instance_endpoint", arm->endpoint_certificate->name, arm->endpoint_certificate->expiry, today, t,
          "Azure renews it; install the new one on SQL Server when it does (the mi-cert-import step)"));
    for (const auto& c : arm->trust_certificates)
      r.certificates.push_back(judge_certificate(
          "trusted_by_instance", c.name, c.expiry, today, t,
          "upload SQL Server's new endpoint certificate to the instance (serverTrustCertificates)"));
  }
  r.severity = Severity::Ok;
  for (const auto& l : r.links) r.severity = worst(r.severity, l.severity);
  r.severity = worst(r.severity, r.endpoint.severity);
  for (const auto& c : r.certificates) r.severity = worst(r.severity, c.severity);
  return r;
}

}  // namespace milink::status
