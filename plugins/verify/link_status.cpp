#include "link_status.hpp"

#include <milink/link/diagnosis.hpp>
#include <milink/link/results.hpp>

#include <cstdio>

namespace milink::link {

using milink::sdk::SqlValue;
namespace tsql = milink::sdk::tsql;

bool LinkStatus::seeded() const {
  if (seeding_state == "Success") return true;
  if (arm && (arm->replica_state == "LinkSynchronizing" || arm->link_state == "Catchup")) return true;
  return seeding_state.empty() && remote_synchronizing && connected();
}

bool LinkStatus::failed_for_good() const {
  if (seeding_state == "Failed" || seeding_failure != 0) return true;
  return arm && arm->replica_state == "LinkCreationError";
}

double LinkStatus::fraction() const {
  if (seeded()) return 1.0;
  if (database_bytes <= 0) return -1;
  return static_cast<double>(transferred_bytes) / static_cast<double>(database_bytes);
}

std::string LinkStatus::describe() const {
  auto mb = [](std::int64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1024.0 * 1024.0));
    return std::string(buf);
  };
  if (!dag_exists) return "the distributed availability group does not exist";
  if (!connected()) {
    std::string s = "waiting for the managed instance to connect (" + (connected_state.empty() ? "no replica state yet" : connected_state) + ")";
    if (last_error_number != 0) s += "; last error " + std::to_string(last_error_number);
    return s;
  }
  if (seeded()) return "connected; seeding complete" + (synchronization_health.empty() ? "" : " (" + synchronization_health + ")");
  if (database_bytes > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * fraction());
    return "connected; seeding " + mb(transferred_bytes) + " of " + mb(database_bytes) + " (" + pct + ")";
  }
  return "connected; waiting for seeding to start";
}

LinkStatus read_link_status(const LinkTarget& t, milink::sdk::Context& ctx) {
  LinkStatus s;
  auto sql = ctx.sql(t.sql_target);
  auto dag = sql.scalar("SELECT COUNT(*) FROM master.sys.availability_groups WHERE name = ? AND is_distributed = 1",
                        {SqlValue::nvarchar(t.dag_name)});
  s.dag_exists = dag && dag->as_int64() > 0;
  if (s.dag_exists) {
    auto rs = sql.query(
        "SELECT r.replica_server_name, rs.connected_state_desc, rs.synchronization_health_desc, "
        "rs.last_connect_error_number, rs.last_connect_error_description "
        "FROM master.sys.dm_hadr_availability_replica_states AS rs "
        "JOIN master.sys.availability_replicas AS r ON rs.replica_id = r.replica_id "
        "JOIN master.sys.availability_groups AS ag ON ag.group_id = r.group_id "
        "WHERE ag.name = ? AND rs.is_local = 0",
        {SqlValue::nvarchar(t.dag_name)});
    for (std::size_t i = 0; i < rs.rows.size(); ++i) {
      if (!iequals(text(rs, i, "replica_server_name"), t.instance_name)) continue;
      s.replica_found = true;
      s.connected_state = text(rs, i, "connected_state_desc");
      s.synchronization_health = text(rs, i, "synchronization_health_desc");
      s.last_error_number = static_cast<int>(integer(rs, i, "last_connect_error_number"));
      s.last_error_description = text(rs, i, "last_connect_error_description");
    }
    auto seed = sql.query(
        "SELECT internal_state_desc, transferred_size_bytes, database_size_bytes, failure_code "
        "FROM master.sys.dm_hadr_physical_seeding_stats WHERE local_database_name = ? AND role_desc = 'Source'",
        {SqlValue::nvarchar(t.database)});
    if (!seed.rows.empty()) {
      std::size_t last = seed.rows.size() - 1;
      s.seeding_state = text(seed, last, "internal_state_desc");
      s.transferred_bytes = integer(seed, last, "transferred_size_bytes");
      s.database_bytes = integer(seed, last, "database_size_bytes");
      s.seeding_failure = static_cast<int>(integer(seed, last, "failure_code"));
    }
    auto drs = sql.query(
        "SELECT drs.synchronization_state_desc FROM master.sys.dm_hadr_database_replica_states AS drs "
        "JOIN master.sys.availability_groups AS ag ON ag.group_id = drs.group_id "
        "WHERE ag.name = ? AND drs.is_local = 0",
        {SqlValue::nvarchar(t.dag_name)});
    for (std::size_t i = 0; i < drs.rows.size(); ++i) {
      std::string st = text(drs, i, "synchronization_state_desc");
      if (st == "SYNCHRONIZING" || st == "SYNCHRONIZED") s.remote_synchronizing = true;
    }
  }
  if (t.check_arm) {
    auto arm = ctx.arm();
    auto r = arm.get(link_path(arm.coordinates(), t.link_name), t.api_version);
    if (r.status != 404) {
      s.arm = read_link(r.body);
      // A multi-database link: this database's item of databases[].
      for (const auto& d : s.arm->databases)
        if (iequals(d.name, t.database)) {
          s.arm->database = d.name;
          s.arm->replica_state = d.replica_state;
          s.arm->connected_state = d.connected_state;
          s.arm->synchronization_health = d.synchronization_health;
          s.arm->seeding_progress = d.seeding_progress;
          s.arm->most_recent_link_error = d.most_recent_link_error;
        }
    }
  }
  return s;
}

std::string diagnose_status(const LinkStatus& s, const LinkTarget& t) {
  std::string out;
  auto add = [&](const std::string& what, int number) {
    out += "\n  - " + what;
    if (number != 0) out += "\n    " + explain(number);
  };
  if (!s.dag_exists)
    add("SQL Server has no distributed availability group " + tsql::quote_identifier(t.dag_name) + "; run the dag step", 0);
  else if (!s.replica_found)
    add("the DAG " + tsql::quote_identifier(t.dag_name) + " has no replica state for \"" + t.instance_name +
            "\" yet: the managed instance never answered",
        s.arm ? leading_error_number(s.arm->most_recent_link_error) : 41962);
  if (s.last_error_number != 0)
    add("SQL Server reports error " + std::to_string(s.last_error_number) + ": " + s.last_error_description, s.last_error_number);
  if (s.arm) {
    if (!s.arm->most_recent_link_error.empty()) {
      int n = leading_error_number(s.arm->most_recent_link_error);
      add("Azure reports " + (s.arm->replica_state.empty() ? std::string() : s.arm->replica_state + ": ") +
              s.arm->most_recent_link_error,
          n == s.last_error_number ? 0 : n);
    }
  } else if (t.check_arm) {
    add("Azure has no link \"" + t.link_name + "\"; run the arm-link step", 0);
  }
  if (s.seeding_failure != 0 || s.seeding_state == "Failed")
    add("seeding failed (failure_code " + std::to_string(s.seeding_failure) + ")", s.seeding_failure);
  if (out.empty() && s.connected() && s.seeded() && !s.healthy())
    add("connected and seeded, but SQL Server still calls the managed instance's replica " + s.synchronization_health +
            ": the copy is not keeping up with the log. Look at sys.dm_hadr_database_replica_states on both sides "
            "(is_suspended, suspend_reason_desc, log_send_queue_size); ALTER DATABASE " +
            tsql::quote_identifier(t.database) +
            " SET HADR RESUME resumes suspended data movement; a primary writing faster than the network "
            "carries catches up once the load drops (raise timeout_seconds, or set until to seeded)",
        0);
  if (out.empty()) {
    if (s.connected())
      add("connected, but seeding has not completed: " + s.describe() +
              "; large databases take long (about 1 TB per 6 hours over a fast link); raise timeout_seconds",
          0);
    else
      add("no error was reported, but the managed instance has not connected", 41986);
  }
  return out;
}

}  // namespace milink::link
