#include "first_backup.hpp"

#include <milink/link/polling.hpp>
#include <milink/link/results.hpp>

#include <chrono>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::SqlValue;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {
constexpr unsigned kParts = kInstanceTarget;
}

milink::sdk::StepSpec WaitFirstBackupStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "wait-first-backup";
  s.summary = "Waits for the managed instance's first full backup of the database after a failover (reads only)";
  s.doc =
      "Polls the managed instance's msdb.dbo.backupset for a full backup of the database (type 'D', not copy-only) "
      "until one exists or timeout_seconds have passed. The service takes it automatically once the database is "
      "primary on the instance (after a failover) or standalone; the migration guide says to wait for it before "
      "removing the link. Already there: ok, with its time. Changes nothing.";
  s.params = link_ref_params(kParts);
  s.params.push_back(Param::integer("timeout_seconds").defaults_to(Value(1800)).doc("How long to wait in all"));
  s.params.push_back(Param::integer("poll_interval_ms").defaults_to(Value(5000)).doc("Time between two looks"));
  s.outputs = {Output::string("backup_finish_date").doc("When the first full backup finished")};
  s.sql_targets = {{"instance_target"}};
  return s;
}

WaitFirstBackupStep::Config WaitFirstBackupStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.link = read_link_ref(p, kParts);
  c.timeout_seconds = p.integer("timeout_seconds");
  if (c.timeout_seconds < 1) throw ConfigError("timeout_seconds", "timeout_seconds must be at least 1");
  c.poll_interval_ms = read_poll_interval(p);
  return c;
}

std::optional<std::string> WaitFirstBackupStep::first_backup(const Config& c, milink::sdk::Context& ctx) {
  auto rs = ctx.sql(c.link.instance_target)
                .query("SELECT backup_finish_date FROM msdb.dbo.backupset "
                       "WHERE database_name = ? AND type = 'D' AND is_copy_only = 0",
                       {SqlValue::nvarchar(c.link.database)});
  std::optional<std::string> first;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    std::string t = text(rs, i, "backup_finish_date");  // ISO form: compares as text
    if (!t.empty() && (!first || t < *first)) first = t;
  }
  return first;
}

std::string WaitFirstBackupStep::why_none(const Config& c, milink::sdk::Context& ctx) {
  auto rs = ctx.sql(c.link.instance_target)
                .query("SELECT state_desc, is_read_only FROM sys.databases WHERE name = ?",
                       {SqlValue::nvarchar(c.link.database)});
  if (rs.rows.empty())
    return "there is no database " + tsql::quote_identifier(c.link.database) +
           " on the managed instance (target " + c.link.instance_target + "): check the database name";
  std::string state = text(rs, 0, "state_desc");
  if (integer(rs, 0, "is_read_only") != 0)
    return "the database is read-only there (" + state +
           "): it is still the link's secondary, so the service takes no backup yet; fail over to the managed "
           "instance first";
  return "the database is " + state +
         " and writable there, so the service should take it soon: wait longer (timeout_seconds), and check the "
         "instance's backups in the Azure portal";
}

milink::sdk::Observation WaitFirstBackupStep::observe(const Config& c, milink::sdk::Context& ctx) {
  if (auto t = first_backup(c, ctx)) {
    ctx.output("backup_finish_date", Value(*t));
    return milink::sdk::Observation::satisfied("the managed instance's first full backup of " +
                                               tsql::quote_identifier(c.link.database) + " finished at " + *t);
  }
  return milink::sdk::Observation::needs_change("no full backup of " + tsql::quote_identifier(c.link.database) +
                                                " on the managed instance yet");
}

milink::sdk::Plan WaitFirstBackupStep::plan(const Config& c, milink::sdk::Context&) {
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note(
      c.link.instance_target, "wait up to " + std::to_string(c.timeout_seconds) +
                                  " s for the managed instance's first full backup of " +
                                  tsql::quote_identifier(c.link.database) + " (msdb.dbo.backupset; reads only)"));
  return p;
}

void WaitFirstBackupStep::apply(const Config& c, milink::sdk::Context& ctx) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(c.timeout_seconds);
  ctx.progress("waiting for the managed instance's first full backup of " + tsql::quote_identifier(c.link.database));
  for (;;) {
    if (auto t = first_backup(c, ctx)) {
      ctx.output("backup_finish_date", Value(*t));
      ctx.progress("the managed instance's first full backup of " + tsql::quote_identifier(c.link.database) +
                       " finished at " + *t,
                   1.0);
      return;
    }
    if (clock::now() >= deadline)
      throw StepError("no full backup of " + tsql::quote_identifier(c.link.database) + " on the managed instance after " +
                      std::to_string(c.timeout_seconds) + " s: " + why_none(c, ctx) +
                      ". Do not remove the link before the first full backup exists: without it the database may be "
                      "unavailable after a restart.");
    pause(ctx, c.poll_interval_ms, "waiting for the first full backup of " + tsql::quote_identifier(c.link.database));
  }
}

}  // namespace milink::link
