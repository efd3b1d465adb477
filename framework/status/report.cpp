#include "status/report.hpp"

#include <milink/link/diagnosis.hpp>
#include <milink/link/results.hpp>

#include <Poco/String.h>

namespace milink::status {

const char* severity_name(Severity s) noexcept {
  switch (s) {
    case Severity::Ok: return "ok";
    case Severity::Warning: return "warning";
    case Severity::Critical: return "critical";
  }
  return "critical";
}

Severity worst(Severity a, Severity b) noexcept { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

int Report::exit_code() const {
  if (severity == Severity::Critical) return 2;
  if (!errors.empty()) return 3;
  return static_cast<int>(severity);
}

namespace {
std::string upper(const std::string& s) { return Poco::toUpper(s); }
}  // namespace

std::string LinkRow::sql_server_role() const {
  if (on_sql_server && !sql.local_role.empty()) return sql.local_role;
  return in_azure ? upper(azure.partner_link_role) : std::string();
}

std::string LinkRow::instance_role() const {
  if (in_azure && !azure.instance_link_role.empty()) return upper(azure.instance_link_role);
  return on_sql_server ? sql.remote_role : std::string();
}

std::string LinkRow::connected_state() const {
  // SQL Server's DMV first: it is the side that connects.
  if (on_sql_server && !sql.connected_state.empty()) return sql.connected_state;
  return in_azure ? azure.connected_state : std::string();
}

std::string LinkRow::synchronization_health() const {
  if (on_sql_server && !sql.synchronization_health.empty()) return sql.synchronization_health;
  return in_azure ? azure.synchronization_health : std::string();
}

std::string LinkRow::instance_last_hardened_lsn() const {
  if (in_azure && !azure.last_hardened_lsn.empty()) return azure.last_hardened_lsn;
  return on_sql_server ? sql.remote_last_hardened_lsn : std::string();
}

std::optional<std::int64_t> LinkRow::lag_seconds() const {
  // SQL Server primary: its DMV's view of the instance; instance primary:
  // Azure's send lag (SQL Server behind).
  if (on_sql_server && sql.lag_seconds) return sql.lag_seconds;
  if (in_azure && azure.instance_send_lag_seconds && upper(azure.instance_link_role) == "PRIMARY")
    return azure.instance_send_lag_seconds;
  if (in_azure && azure.instance_redo_lag_seconds) return azure.instance_redo_lag_seconds;
  return std::nullopt;
}

std::optional<double> SqlSeeding::fraction() const {
  if (state.empty() || state == "Success" || failed()) return std::nullopt;
  return database_bytes > 0 ? static_cast<double>(transferred_bytes) / static_cast<double>(database_bytes) : 0.0;
}

std::optional<double> LinkDatabaseRow::seeding_fraction() const {
  if (on_sql_server) {
    if (auto f = sql_seeding.fraction()) return f;
  }
  if (in_azure && azure.replica_state == "CreatingLink" && !azure.seeding_progress.empty()) {
    try {
      return std::stod(azure.seeding_progress) / 100.0;
    } catch (const std::exception&) {
      return 0.0;
    }
  }
  return std::nullopt;
}

std::vector<LinkDatabaseRow> LinkRow::databases() const {
  std::vector<LinkDatabaseRow> out;
  auto row_of = [&](const std::string& name) -> LinkDatabaseRow& {
    for (auto& d : out)
      if (milink::link::iequals(d.name, name)) return d;
    out.push_back(LinkDatabaseRow{});
    out.back().name = name;
    return out.back();
  };
  if (on_sql_server)
    for (const auto& d : sql.databases) {
      LinkDatabaseRow& row = row_of(d.name);
      row.on_sql_server = true;
      row.sql_seeding = d.seeding;
    }
  if (in_azure) {
    // The old shape has no databases[]: its one database is the link's own fields.
    std::vector<milink::link::LinkDatabaseView> views = azure.databases;
    if (views.empty() && !azure.database.empty()) {
      milink::link::LinkDatabaseView v;
      v.name = azure.database;
      v.replica_state = azure.replica_state;
      v.connected_state = azure.connected_state;
      v.synchronization_health = azure.synchronization_health;
      v.seeding_progress = azure.seeding_progress;
      v.last_hardened_lsn = azure.last_hardened_lsn;
      v.most_recent_link_error = azure.most_recent_link_error;
      views.push_back(std::move(v));
    }
    for (auto& v : views) {
      if (v.name.empty()) continue;
      LinkDatabaseRow& row = row_of(v.name);
      row.in_azure = true;
      row.azure = std::move(v);
    }
  }
  return out;
}

SqlSeeding LinkRow::seeding_totals() const {
  SqlSeeding total;
  for (const auto& d : databases()) {
    if (!d.on_sql_server || !d.sql_seeding.fraction()) continue;
    if (total.state.empty()) total.state = d.sql_seeding.state;
    total.transferred_bytes += d.sql_seeding.transferred_bytes;
    total.database_bytes += d.sql_seeding.database_bytes;
  }
  return total;
}

std::optional<double> LinkRow::seeding_fraction() const {
  if (auto total = seeding_totals(); !total.state.empty())
    return total.database_bytes > 0
               ? static_cast<double>(total.transferred_bytes) / static_cast<double>(total.database_bytes)
               : 0.0;
  double sum = 0;
  int seeding = 0;
  for (const auto& d : databases())
    if (auto f = d.seeding_fraction()) {
      sum += *f;
      ++seeding;
    }
  if (seeding == 0) return std::nullopt;
  return sum / seeding;
}

int LinkRow::last_error_number() const {
  if (on_sql_server && sql.last_error_number != 0) return sql.last_error_number;
  return in_azure ? milink::link::leading_error_number(azure.most_recent_link_error) : 0;
}

std::string LinkRow::last_error() const {
  if (on_sql_server && sql.last_error_number != 0)
    return std::to_string(sql.last_error_number) + ": " + sql.last_error_description;
  return in_azure ? azure.most_recent_link_error : std::string();
}

}  // namespace milink::status
