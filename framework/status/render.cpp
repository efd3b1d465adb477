#include "status/render.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace milink::status {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string percent_or_dash(const std::optional<double>& f) {
  if (!f) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * *f);
  return buf;
}

/// The DATABASE column: the link's databases, comma-separated.
std::string database_names(const LinkRow& l, const std::vector<LinkDatabaseRow>& dbs) {
  if (dbs.size() < 2) return or_dash(l.database);
  std::string out;
  for (const auto& d : dbs) out += (out.empty() ? "" : ",") + d.name;
  return out;
}

/// One database of a multi-database link, in words: "seeding 42%",
/// "seeding failed (failure_code 21)", Azure's replicaState, or "seeded".
std::string database_state(const LinkRow& l, const LinkDatabaseRow& d) {
  if (d.seeding_failed()) return "seeding failed (failure_code " + std::to_string(d.sql_seeding.failure) + ")";
  if (auto f = d.seeding_fraction()) return "seeding " + percent_or_dash(f);
  std::string out;
  if (d.in_azure && !d.azure.replica_state.empty()) out = d.azure.replica_state;
  if (d.in_azure && !d.azure.synchronization_health.empty()) out += (out.empty() ? "" : ", ") + d.azure.synchronization_health;
  if (l.in_azure && !d.in_azure) out = "not in Azure's databases[]";
  if (l.on_sql_server && !d.on_sql_server)
    out += (out.empty() ? "" : ", ") + std::string("not in SQL Server's availability group");
  return out.empty() ? "seeded" : out;
}

Value seeding_json(const SqlSeeding& s, double fraction) {
  return Value(Object{{"fraction", Value(fraction)},
                      {"transferred_bytes", Value(s.transferred_bytes)},
                      {"database_bytes", Value(s.database_bytes)},
                      {"state", s.state.empty() ? Value() : Value(s.state)}});
}

std::string sides(const LinkRow& l) {
  if (l.on_sql_server && l.in_azure) return "both";
  if (l.on_sql_server) return "sql_server only";
  if (l.in_azure) return "azure only";
  return "neither";
}

template <typename T>
Value opt(const std::optional<T>& v) {
  return v ? Value(static_cast<std::int64_t>(*v)) : Value();
}

Value str_or_null(const std::string& s) { return s.empty() ? Value() : Value(s); }

}  // namespace

std::string render_text(const Report& r) {
  std::vector<std::vector<std::string>> table{{"DATABASE", "LINK", "SIDES", "SQL ROLE", "MI ROLE", "REPLICA STATE",
                                               "CONNECTED", "HEALTH", "MODE", "LAG", "QUEUE", "SEEDING", "STATUS"}};
  for (const auto& l : r.links) {
    const std::vector<LinkDatabaseRow> dbs = l.databases();
    std::string mode = l.in_azure ? l.azure.replication_mode : std::string();
    if (mode.empty() && l.on_sql_server) mode = l.sql.availability_mode;
    std::string queue = "-";
    if (l.on_sql_server && l.sql.log_send_queue_bytes) queue = std::to_string(*l.sql.log_send_queue_bytes) + " B";
    auto lag = l.lag_seconds();
    table.push_back({database_names(l, dbs), or_dash(l.name), sides(l), or_dash(l.sql_server_role()),
                     or_dash(l.instance_role()), or_dash(l.in_azure ? l.azure.replica_state : ""),
                     or_dash(l.connected_state()), or_dash(l.synchronization_health()), or_dash(mode),
                     lag ? std::to_string(*lag) + " s" : "-", queue, percent_or_dash(l.seeding_fraction()),
                     std::string(severity_name(l.severity)) + (l.state == "healthy" ? "" : " (" + l.state + ")")});
  }
  std::string out;
  if (r.links.empty()) {
    out += "no links\n";
  } else {
    std::vector<std::size_t> width(table[0].size(), 0);
    for (const auto& row : table)
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : table) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
      }
      out += line + "\n";
    }
  }
  for (const auto& l : r.links) {
    if (const std::vector<LinkDatabaseRow> dbs = l.databases(); dbs.size() > 1)
      for (const auto& d : dbs) out += "  " + l.name + " database " + d.name + ": " + database_state(l, d) + "\n";
    for (const auto& p : l.problems) out += "  " + or_dash(l.database) + ": " + p + "\n";
  }
  if (!r.certificates.empty()) {
    out += "\ncertificates:\n";
    for (const auto& c : r.certificates) {
      out += "  " + c.kind + " " + c.name + ": " + (c.expiry.empty() ? "expiry unknown" : "expires " + c.expiry);
      if (c.days_left) out += " (" + std::to_string(*c.days_left) + " days)";
      out += std::string(" ") + severity_name(c.severity);
      if (!c.message.empty()) out += ": " + c.message;
      out += "\n";
    }
  }
  if (r.endpoint.exists || !r.endpoint.message.empty()) {
    out += "\nendpoint: " + (r.endpoint.exists ? r.endpoint.name + " " + r.endpoint.state + " (" +
                                                     r.endpoint.authentication + ")"
                                               : std::string("none"));
    out += std::string(" ") + severity_name(r.endpoint.severity);
    if (!r.endpoint.message.empty()) out += ": " + r.endpoint.message;
    out += "\n";
  }
  for (const auto& e : r.errors) out += "\nerror: " + e + "\n";
  out += std::string("\nstatus: ") + (r.exit_code() == 3 ? "unknown" : severity_name(r.severity)) + " (exit code " +
         std::to_string(r.exit_code()) + ")\n";
  return out;
}

Value render_json(const Report& r) {
  Array links;
  for (const auto& l : r.links) {
    Object seeding;
    auto f = l.seeding_fraction();
    Object o{{"database", str_or_null(l.database)},
             {"link", str_or_null(l.name)},
             {"on_sql_server", Value(l.on_sql_server)},
             {"in_azure", Value(l.in_azure)},
             {"severity", Value(severity_name(l.severity))},
             {"state", Value(l.state)},
             {"sql_server_role", str_or_null(l.sql_server_role())},
             {"instance_role", str_or_null(l.instance_role())},
             {"replica_state", str_or_null(l.in_azure ? l.azure.replica_state : "")},
             {"link_state", str_or_null(l.in_azure ? l.azure.link_state : "")},
             {"provisioning_state", str_or_null(l.in_azure ? l.azure.provisioning_state : "")},
             {"replication_mode", str_or_null(l.in_azure ? l.azure.replication_mode : "")},
             {"failover_mode", str_or_null(l.in_azure ? l.azure.failover_mode : "")},
             {"sql_server_availability_mode", str_or_null(l.on_sql_server ? l.sql.availability_mode : "")},
             {"sql_server_failover_mode", str_or_null(l.on_sql_server ? l.sql.failover_mode : "")},
             {"synchronization_health", str_or_null(l.synchronization_health())},
             {"connected_state", str_or_null(l.connected_state())},
             {"sql_server_last_hardened_lsn", str_or_null(l.on_sql_server ? l.sql.last_hardened_lsn : "")},
             {"instance_last_hardened_lsn", str_or_null(l.instance_last_hardened_lsn())},
             {"lag_seconds", opt(l.lag_seconds())},
             {"log_send_queue_bytes", l.on_sql_server ? opt(l.sql.log_send_queue_bytes) : Value()},
             {"seeding", f ? seeding_json(l.seeding_totals(), *f) : Value()},
             {"last_error", str_or_null(l.last_error())},
             {"last_error_number", l.last_error_number() != 0 ? Value(l.last_error_number()) : Value()}};
    Array databases;
    for (const auto& d : l.databases()) {
      auto df = d.seeding_fraction();
      databases.push_back(Value(Object{
          {"name", Value(d.name)},
          {"on_sql_server", Value(d.on_sql_server)},
          {"in_azure", Value(d.in_azure)},
          {"seeding", df ? seeding_json(d.on_sql_server ? d.sql_seeding : SqlSeeding{}, *df) : Value()},
          {"seeding_failure", d.seeding_failed() ? Value(d.sql_seeding.failure) : Value()},
          {"replica_state", str_or_null(d.in_azure ? d.azure.replica_state : "")},
          {"synchronization_health", str_or_null(d.in_azure ? d.azure.synchronization_health : "")},
          {"state", Value(database_state(l, d))}}));
    }
    o.set("databases", Value(std::move(databases)));
    Array problems;
    for (const auto& p : l.problems) problems.push_back(Value(p));
    o.set("problems", Value(std::move(problems)));
    links.push_back(Value(std::move(o)));
  }
  Array certs;
  for (const auto& c : r.certificates)
    certs.push_back(Value(Object{{"kind", Value(c.kind)},
                                 {"name", Value(c.name)},
                                 {"expiry", str_or_null(c.expiry)},
                                 {"days_left", opt(c.days_left)},
                                 {"severity", Value(severity_name(c.severity))},
                                 {"message", str_or_null(c.message)}}));
  Array errors;
  for (const auto& e : r.errors) errors.push_back(Value(e));
  return Value(Object{{"severity", Value(r.exit_code() == 3 ? "unknown" : severity_name(r.severity))},
                      {"exit_code", Value(r.exit_code())},
                      {"links", Value(std::move(links))},
                      {"certificates", Value(std::move(certs))},
                      {"endpoint", Value(Object{{"exists", Value(r.endpoint.exists)},
                                                {"name", str_or_null(r.endpoint.name)},
                                                {"state", str_or_null(r.endpoint.state)},
                                                {"authentication", str_or_null(r.endpoint.authentication)},
                                                {"severity", Value(severity_name(r.endpoint.severity))},
                                                {"message", str_or_null(r.endpoint.message)}})},
                      {"errors", Value(std::move(errors))}});
}

namespace {

/// A label value in the exposition format: \ " and newline escaped.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct Gauge {
  const char* name;
  const char* help;
};

}  // namespace

std::string render_prometheus(const Report& r) {
  std::string out;
  auto family = [&](const Gauge& g, const std::function<void()>& samples) {
    out += std::string("# HELP ") + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    samples();
  };
  auto link_labels = [](const LinkRow& l) {
    return "{database=\"" + label(l.database) + "\",link=\"" + label(l.name) + "\"}";
  };
  auto per_link = [&](const char* name, const std::function<std::optional<double>(const LinkRow&)>& value) {
    for (const auto& l : r.links)
      if (auto v = value(l)) out += std::string(name) + link_labels(l) + " " + number(*v) + "\n";
  };
  family({"milink_status", "overall verdict: 0 ok, 1 warning, 2 critical, 3 unknown (a side could not be read)"},
         [&] { out += "milink_status " + std::to_string(r.exit_code()) + "\n"; });
  family({"milink_link_severity", "0 ok, 1 warning, 2 critical"},
         [&] { per_link("milink_link_severity", [](const LinkRow& l) { return double(static_cast<int>(l.severity)); }); });
  family({"milink_link_on_sql_server", "1 when SQL Server has the link's distributed availability group"},
         [&] { per_link("milink_link_on_sql_server", [](const LinkRow& l) { return l.on_sql_server ? 1.0 : 0.0; }); });
  family({"milink_link_in_azure", "1 when Azure has the link"},
         [&] { per_link("milink_link_in_azure", [](const LinkRow& l) { return l.in_azure ? 1.0 : 0.0; }); });
  family({"milink_link_connected", "1 when the managed instance is CONNECTED"}, [&] {
    per_link("milink_link_connected", [](const LinkRow& l) -> std::optional<double> {
      std::string c = l.connected_state();
      if (c.empty()) return std::nullopt;
      return c == "CONNECTED" ? 1.0 : 0.0;
    });
  });
  family({"milink_link_healthy", "1 when synchronization health is HEALTHY"}, [&] {
    per_link("milink_link_healthy", [](const LinkRow& l) -> std::optional<double> {
      std::string h = l.synchronization_health();
      if (h.empty()) return std::nullopt;
      return h == "HEALTHY" ? 1.0 : 0.0;
    });
  });
  family({"milink_link_lag_seconds", "how far the secondary is behind, in seconds"}, [&] {
    per_link("milink_link_lag_seconds", [](const LinkRow& l) -> std::optional<double> {
      auto v = l.lag_seconds();
      return v ? std::optional<double>(double(*v)) : std::nullopt;
    });
  });
  family({"milink_link_log_send_queue_bytes", "log not yet sent to the secondary, in bytes (SQL Server primary)"}, [&] {
    per_link("milink_link_log_send_queue_bytes", [](const LinkRow& l) -> std::optional<double> {
      if (!l.on_sql_server || !l.sql.log_send_queue_bytes) return std::nullopt;
      return double(*l.sql.log_send_queue_bytes);
    });
  });
  family({"milink_link_seeding_fraction", "seeding progress 0..1, while seeding"},
         [&] { per_link("milink_link_seeding_fraction", [](const LinkRow& l) { return l.seeding_fraction(); }); });
  family({"milink_database_seeding_fraction", "seeding progress 0..1 of each database of a link, while it seeds"}, [&] {
    for (const auto& l : r.links)
      for (const auto& d : l.databases())
        if (auto f = d.seeding_fraction())
          out += "milink_database_seeding_fraction{database=\"" + label(d.name) + "\",link=\"" + label(l.name) + "\"} " +
                 number(*f) + "\n";
  });
  family({"milink_link_last_error_number", "the last connect or link error number, 0 when none"},
         [&] { per_link("milink_link_last_error_number", [](const LinkRow& l) { return double(l.last_error_number()); }); });
  family({"milink_certificate_expiry_days", "days until the certificate expires (negative: expired)"}, [&] {
    for (const auto& c : r.certificates)
      if (c.days_left)
        out += "milink_certificate_expiry_days{kind=\"" + label(c.kind) + "\",name=\"" + label(c.name) + "\"} " +
               std::to_string(*c.days_left) + "\n";
  });
  family({"milink_endpoint_started", "1 when SQL Server's DATABASE_MIRRORING endpoint is STARTED"}, [&] {
    out += "milink_endpoint_started " + std::string(r.endpoint.exists && r.endpoint.state == "STARTED" ? "1" : "0") + "\n";
  });
  return out;
}

}  // namespace milink::status
