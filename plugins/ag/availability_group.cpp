#include "availability_group.hpp"

#include <algorithm>

#include <milink/link/ag_membership.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

milink::sdk::StepSpec AvailabilityGroupStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "ag";
  s.summary = "Creates the availability group for one database (or several, for a multi-database link) on SQL Server";
  s.doc =
      "CREATE AVAILABILITY GROUP [<name>] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [<db>] REPLICA ON <@@SERVERNAME> "
      "(SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC); on SQL Server 2016, which has no "
      "CLUSTER_TYPE, without the WITH (CLUSTER_TYPE = NONE) line (a failover cluster node). The database must be in the "
      "FULL recovery model with its log chain started (error 1475): set_full_recovery and allow_full_backup let the step "
      "fix that, otherwise it stops and says what to run. The backup keeps your differential chain where the docs allow "
      "it: a database that already has a full backup (not COPY_ONLY; e.g. taken in SIMPLE) gets a differential backup "
      "(WITH DIFFERENTIAL, CHECKSUM), which starts the log chain and leaves the differential base alone; only a "
      "database without any full backup gets a full one. The log says which it took and why.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("database").defaults_to(Value("")).doc("The database to replicate (or give databases)"),
      Param::array("databases")
          .defaults_to(Value(milink::sdk::Array{}))
          .doc("Several databases in one AG, for a multi-database link ({db} in name_pattern is the first). When the AG "
               "exists, those not in it yet join it (ALTER AVAILABILITY GROUP ... ADD DATABASE), after the same checks"),
      Param::string("name_pattern")
          .defaults_to(Value("AG_{db}"))
          .doc("AG name; {db} (the database) and {server} (@@SERVERNAME) are replaced"),
      Param::string("server_name")
          .defaults_to(Value(""))
          .doc("Replica name (@@SERVERNAME); default: asked from SQL Server"),
      Param::string("endpoint_url").required().doc("The mirroring endpoint's URL (mirroring-endpoint's url)"),
      Param::boolean("set_full_recovery")
          .defaults_to(Value(false))
          .doc("Switch a database in SIMPLE or BULK_LOGGED recovery to FULL"),
      Param::boolean("allow_full_backup")
          .defaults_to(Value(false))
          .doc("Take the backup that starts the log chain when it has not started: a differential one on top of an existing "
               "full backup (your differential base stays), else a full one"),
      Param::string("backup_directory")
          .defaults_to(Value(""))
          .doc("Directory for that backup on SQL Server; default: the server's default backup directory"),
  };
  s.outputs = {Output::string("name").doc("The availability group's name"),
               Output::string("database").doc("The database in it")};
  s.sql_targets = {{"target"}};
  return s;
}

AvailabilityGroupStep::Config AvailabilityGroupStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.database = p.string("database");
  c.databases = database_list(p, "databases");
  if (c.database.empty() && !c.databases.empty()) c.database = c.databases.front();
  check_sysname(c.database, "database");
  if (c.databases.empty()) c.databases.push_back(c.database);
  if (!iequals(c.databases.front(), c.database))
    throw ConfigError("database", "\"" + c.database + "\" is not the first of databases; leave database out");
  c.name_pattern = p.string("name_pattern");
  check_pattern(c.name_pattern, "name_pattern");
  // This step knows {db} and {server} only: refuse {instance} here, not when observe() names the AG.
  expand_name(c.name_pattern, {{"db", c.database}, {"server", "x"}}, "name_pattern");
  c.server_name = p.string("server_name");
  c.endpoint_url = p.string("endpoint_url");
  if ((c.endpoint_url.empty() || c.endpoint_url.front() != '<') && endpoint_url_port(c.endpoint_url) < 0)
    throw ConfigError("endpoint_url", "\"" + c.endpoint_url + "\" is not an endpoint URL like TCP://host:5022");
  c.set_full_recovery = p.boolean("set_full_recovery");
  c.allow_full_backup = p.boolean("allow_full_backup");
  c.backup_directory = p.string("backup_directory");
  return c;
}

std::string AvailabilityGroupStep::create_sql(const std::string& ag, const std::string& database,
                                              const std::string& replica, const std::string& endpoint_url,
                                              bool cluster_type_none) {
  return create_sql(ag, std::vector<std::string>{database}, replica, endpoint_url, cluster_type_none);
}

std::string AvailabilityGroupStep::create_sql(const std::string& ag, const std::vector<std::string>& databases,
                                              const std::string& replica, const std::string& endpoint_url,
                                              bool cluster_type_none) {
  std::string list;
  for (const auto& d : databases) list += (list.empty() ? "" : ", ") + tsql::quote_identifier(d);
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = " + tsql::quote_literal(ag) +
         ")\n    CREATE AVAILABILITY GROUP " + tsql::quote_identifier(ag) +
         (cluster_type_none ? "\n        WITH (CLUSTER_TYPE = NONE)" : "") + "\n        FOR DATABASE " +
         list + "\n        REPLICA ON " + tsql::quote_literal(replica) +
         " WITH (\n            ENDPOINT_URL = " + tsql::quote_literal(endpoint_url) +
         ",\n            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,\n            FAILOVER_MODE = MANUAL,\n            SEEDING_MODE = AUTOMATIC\n        );";
}

std::string AvailabilityGroupStep::recovery_sql(const std::string& database) {
  return "ALTER DATABASE " + tsql::quote_identifier(database) + " SET RECOVERY FULL;";
}

std::string AvailabilityGroupStep::backup_sql(const std::string& database, const std::string& directory,
                                              bool differential) {
  std::string file = database + (differential ? "_milink_diff.bak" : "_milink_full.bak");
  for (auto& ch : file)
    if (ch == '/' || ch == '\\' || ch == ':' || ch == '*' || ch == '?' || ch == '"' || ch == '<' || ch == '>' || ch == '|')
      ch = '_';
  std::string path = directory.empty() ? file : directory + (directory.back() == '/' || directory.back() == '\\' ? "" : "/") + file;
  return "BACKUP DATABASE " + tsql::quote_identifier(database) + " TO DISK = " + tsql::quote_literal(path) +
         (differential ? " WITH DIFFERENTIAL, CHECKSUM;" : " WITH CHECKSUM;");
}

AvailabilityGroupStep::Found AvailabilityGroupStep::inspect(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  Found f;
  f.server_name = c.server_name;
  if (f.server_name.empty()) {
    auto v = sql.scalar("SELECT @@SERVERNAME");
    f.server_name = v && !v->is_null() ? v->as_string() : std::string();
  }
  f.ag_name = expand_name(c.name_pattern, {{"db", c.database}, {"server", f.server_name}}, "name_pattern");
  auto version = sql.scalar("SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128))");
  f.sql_server_2016 = version && !version->is_null() && version->as_string().rfind("13.", 0) == 0;
  for (const auto& db : c.databases) f.dbs.emplace_back(db, DatabaseReadiness::read(sql, db));
  f.db = f.dbs.front().second;
  auto ag = sql.query("SELECT is_distributed FROM master.sys.availability_groups WHERE name = ?",
                      {SqlValue::nvarchar(f.ag_name)});
  if (!ag.rows.empty()) {
    if (integer(ag, 0, "is_distributed") != 0)
      throw StepError(tsql::quote_identifier(f.ag_name) + " is a distributed availability group; choose another name_pattern");
    f.exists = true;
  }
  return f;
}

std::vector<std::string> AvailabilityGroupStep::Found::missing() const {
  std::vector<std::string> out;
  for (const auto& [name, r] : dbs)
    if (!exists || !iequals(r.in_group, ag_name)) out.push_back(name);
  return out;
}

bool AvailabilityGroupStep::backup_needed(const DatabaseReadiness& f) { return !f.log_chain || f.recovery_model != "FULL"; }

bool AvailabilityGroupStep::differential(const DatabaseReadiness& f) { return !f.differential_base.empty(); }

void AvailabilityGroupStep::check_database(const Config& c, const Found& f) const {
  for (const auto& [name, r] : f.dbs)
    if (!f.exists || !iequals(r.in_group, f.ag_name)) check_one(c, f.ag_name, name, r);
}

void AvailabilityGroupStep::check_one(const Config& c, const std::string& ag, const std::string& database,
                                      const DatabaseReadiness& r) const {
  std::string db = tsql::quote_identifier(database);
  if (!r.exists) throw StepError("SQL Server has no database " + db + "; check the database name (sys.databases)");
  if (r.state != "ONLINE") throw StepError("database " + db + " is " + r.state + "; bring it ONLINE first");
  if (!r.in_group.empty() && !iequals(r.in_group, ag))
    throw StepError("database " + db + " is already in availability group " + tsql::quote_identifier(r.in_group) +
                    "; the link needs one database per availability group (remove it from that group, or set "
                    "name_pattern so the step uses " + tsql::quote_identifier(r.in_group) + ")");
  if (r.recovery_model != "FULL" && !c.set_full_recovery)
    throw StepError("database " + db + " uses the " + r.recovery_model +
                    " recovery model; an availability group needs FULL. Run:\n    " + recovery_sql(database) +
                    "\n    " + backup_sql(database, c.backup_directory, differential(r)) +
                    "\nor set set_full_recovery and allow_full_backup to let milink do it");
  if (backup_needed(r) && !c.allow_full_backup)
    throw StepError("database " + db + " has no full backup" +
                    std::string(r.recovery_model != "FULL" ? " in the FULL recovery model" : "") +
                    ", so joining an availability group fails with error 1475. " +
                    (differential(r) ? "Start its log chain with a differential backup on top of its existing full backup "
                                       "(the differential base stays, so your differential backups go on):\n    "
                                     : "Take a full backup without COPY_ONLY:\n    ") +
                    backup_sql(database, c.backup_directory, differential(r)) +
                    "\nor set allow_full_backup to let milink take it");
}

milink::sdk::Observation AvailabilityGroupStep::observe(const Config& c, milink::sdk::Context& ctx) {
  found_ = inspect(c, ctx);
  if (found_->exists) {
    if (!iequals(found_->db.in_group, found_->ag_name))
      throw StepError("availability group " + tsql::quote_identifier(found_->ag_name) + " exists but does not hold database " +
                      tsql::quote_identifier(c.database) + "; drop it or set name_pattern to another name");
    ctx.output("name", Value(found_->ag_name));
    ctx.output("database", Value(c.database));
    std::vector<std::string> missing = found_->missing();
    if (missing.empty())
      return milink::sdk::Observation::satisfied("availability group " + tsql::quote_identifier(found_->ag_name) +
                                                 " holds " + quoted_names(c.databases));
    check_database(c, *found_);
    return milink::sdk::Observation::needs_change("availability group " + tsql::quote_identifier(found_->ag_name) +
                                                  " does not hold " + quoted_names(missing) + " yet");
  }
  check_database(c, *found_);
  return milink::sdk::Observation::needs_change("availability group " + tsql::quote_identifier(found_->ag_name) + " is missing");
}

milink::sdk::Plan AvailabilityGroupStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  std::string server = found_ ? found_->server_name : (c.server_name.empty() ? "<@@SERVERNAME>" : c.server_name);
  std::string ag = found_ ? found_->ag_name : expand_name(c.name_pattern, {{"db", c.database}, {"server", server}}, "name_pattern");
  std::vector<std::string> missing = found_ ? found_->missing() : c.databases;
  for (const auto& name : missing) {
    const DatabaseReadiness* r = nullptr;
    if (found_)
      for (const auto& [n, x] : found_->dbs)
        if (n == name) r = &x;
    bool recovery = r ? r->recovery_model != "FULL" : c.set_full_recovery;
    bool backup = r ? backup_needed(*r) : c.allow_full_backup;
    bool diff = r && differential(*r);
    if (recovery && c.set_full_recovery)
      p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "switch " + tsql::quote_identifier(name) + " to FULL recovery" +
                                                                       (r ? "" : " (when it is not)"),
                                                         recovery_sql(name)));
    if (backup && c.allow_full_backup)
      p.actions.push_back(milink::sdk::Action::sql_batch(
          c.target,
          diff ? "take a differential backup of " + tsql::quote_identifier(name) +
                     " to start its log chain (its differential base, the full backup of " + r->differential_base +
                     ", stays)"
               : "take a full backup of " + tsql::quote_identifier(name) + (r ? "" : " (when its log chain has not started)"),
          backup_sql(name, c.backup_directory, diff)));
  }
  if (found_ && found_->exists) {
    for (const auto& name : missing)
      p.actions.push_back(milink::sdk::Action::sql_batch(
          c.target, "add " + tsql::quote_identifier(name) + " to availability group " + tsql::quote_identifier(ag),
          add_database_sql(ag, name)));
  } else {
    p.actions.push_back(milink::sdk::Action::sql_batch(c.target, "create availability group " + tsql::quote_identifier(ag),
                                                       create_sql(ag, c.databases, server, c.endpoint_url,
                                                                  !found_ || !found_->sql_server_2016)));
  }
  if (found_) {  // observed: the group's name is known, for the plan's DAG
    ctx.output("name", Value(ag));
    ctx.output("database", Value(c.database));
  }
  return p;
}

void AvailabilityGroupStep::prepare(const Config& c, milink::sdk::Context& ctx, const std::string& database,
                                    DatabaseReadiness r) const {
  auto sql = ctx.sql(c.target);
  const std::string db = tsql::quote_identifier(database);
  if (r.recovery_model != "FULL") {
    ctx.progress("switching " + db + " to FULL recovery", 0.1);
    sql.run(recovery_sql(database));
    r.log_chain = false;  // leaving SIMPLE starts no log chain
  }
  if (r.log_chain) return;
  if (differential(r)) {
    ctx.progress("taking a differential backup of " + db + " to start its log chain", 0.3);
    sql.run(backup_sql(database, c.backup_directory, true));
    ctx.info("took a differential backup of " + db + " (" + backup_sql(database, c.backup_directory, true) +
             "): it starts the log chain the availability group needs, and the differential base stays the full "
             "backup of " + r.differential_base + ", so your differential backups go on as before");
  } else {
    ctx.progress("taking a full backup of " + db, 0.3);
    sql.run(backup_sql(database, c.backup_directory, false));
    ctx.info("took a full backup of " + db + " (" + backup_sql(database, c.backup_directory, false) +
             "): it had no full backup (COPY_ONLY ones do not count), so no differential chain was broken; it "
             "starts the log chain and is the base of later differential backups");
  }
}

void AvailabilityGroupStep::apply(const Config& c, milink::sdk::Context& ctx) {
  Found f = inspect(c, ctx);  // again: a resumed run may find part of it done
  auto sql = ctx.sql(c.target);
  std::vector<std::string> missing = f.missing();
  if (!missing.empty()) {
    check_database(c, f);
    for (const auto& [name, r] : f.dbs)
      if (std::find(missing.begin(), missing.end(), name) != missing.end()) prepare(c, ctx, name, r);
    if (!f.exists) {
      ctx.progress("creating availability group " + tsql::quote_identifier(f.ag_name), 0.7);
      sql.run(create_sql(f.ag_name, c.databases, f.server_name, c.endpoint_url, !f.sql_server_2016), {},
              /*idempotent=*/true);  // guarded by IF NOT EXISTS
      ctx.info("created availability group " + tsql::quote_identifier(f.ag_name) + " for " + quoted_names(c.databases));
    } else {
      for (const auto& name : missing) {
        ctx.progress("adding " + tsql::quote_identifier(name) + " to " + tsql::quote_identifier(f.ag_name), 0.7);
        sql.run(add_database_sql(f.ag_name, name));
        ctx.info("added " + tsql::quote_identifier(name) + " to availability group " + tsql::quote_identifier(f.ag_name));
      }
    }
  }
  ctx.output("name", Value(f.ag_name));
  ctx.output("database", Value(c.database));
}

}  // namespace milink::link
