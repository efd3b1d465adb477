#include "decision.hpp"

#include "job_sql.hpp"

#include <milink/sdk/quote.hpp>

namespace acme {

using milink::sdk::tsql::quote_identifier;

bool should_enable(const Config& c, LinkPhase phase) {
  return c.enable == EnableWhen::Now || phase == LinkPhase::Seeded;
}

namespace {

Decision fail(std::string reason) {
  Decision d;
  d.kind = Decision::Kind::Fail;
  d.reason = std::move(reason);
  return d;
}

std::string every(int minutes) { return minutes == 1 ? "every minute" : "every " + std::to_string(minutes) + " minutes"; }

/// Steps the managed job needs that it lacks.
std::vector<Change> missing_parts(const Config& c, const Observed& o, const JobFacts& job) {
  std::vector<Change> out;
  if (!job.backs_up_log) out.push_back(Change::AddStep);
  if (!job.has_enabled_schedule()) out.push_back(o.orphan_schedule_id ? Change::AttachSchedule : Change::AddSchedule);
  if (!job.targets_local_server) out.push_back(Change::AddJobServer);
  if (!job.enabled && should_enable(c, o.phase)) out.push_back(Change::EnableJob);
  return out;
}

std::string describe(Change ch, const Config& c) {
  switch (ch) {
    case Change::CreateJob: return "create it";
    case Change::AddStep: return "add its BACKUP LOG step";
    case Change::AddSchedule: return "schedule it " + every(c.schedule_minutes);
    case Change::AttachSchedule: return "attach its schedule";
    case Change::AddJobServer: return "target it at this server";
    case Change::EnableJob: return "enable it";
  }
  return "?";
}

std::string list(const std::vector<Change>& changes, const Config& c) {
  std::string out;
  for (std::size_t i = 0; i < changes.size(); ++i) out += (i ? ", " : "") + describe(changes[i], c);
  return out;
}

}  // namespace

Decision decide(const Config& c, const Observed& o) {
  const std::string db = quote_identifier(c.database);
  if (!o.agent)
    return fail("sys.dm_server_services lists no SQL Server Agent on this server (Express edition has none), so no "
                "job can back up the log of " + db + ": during the link its log would grow until the disk is full");
  if (o.agent->status != "Running")
    return fail("SQL Server Agent is not running (status " + o.agent->status + ", startup type " +
                o.agent->startup_type + "): no Agent job runs, so nothing backs up the log of " + db +
                " and it grows while the link holds log records until the disk is full. Start SQL Server Agent "
                "(Windows: SQL Server Configuration Manager, startup type Automatic; Linux: "
                "mssql-conf set sqlagent.enabled true, then restart mssql-server) and run the workflow again");
  if (!o.database.exists) return fail("database " + db + " does not exist on this server");
  if (o.database.recovery_model != "FULL")
    return fail(db + " uses the " + o.database.recovery_model +
                " recovery model: its log cannot be backed up (BACKUP LOG fails with error 4208), and the link needs "
                "FULL recovery; switch it with ALTER DATABASE " + db + " SET RECOVERY FULL and take a full backup");

  std::vector<std::string> warnings;
  if (o.agent->startup_type != "Automatic")
    warnings.push_back("SQL Server Agent's startup type is " + o.agent->startup_type +
                       ": after a restart of the server it stays stopped and the log backups stop; set it to "
                       "Automatic");
  if (o.phase == LinkPhase::SeedingFailed)
    warnings.push_back("the last automatic seeding of " + db +
                       " failed; the link has to be dropped and created again before it replicates");

  // A job SQL Server Agent runs already backs up the log: the managed one first.
  const JobFacts* running = nullptr;
  if (o.managed && o.managed->backs_up_log && o.managed->runs()) running = &*o.managed;
  for (const auto& j : o.log_backup_jobs)
    if (!running && j.runs()) running = &j;
  for (const auto& j : o.log_backup_jobs)
    if (&j != running && !j.runs() && !(o.managed && j.job_id == o.managed->job_id))
      warnings.push_back("job " + quote_identifier(j.name) + " backs up the log of " + db + " but never runs: " +
                         j.why_not_running());
  if (running) {
    if (o.phase == LinkPhase::Seeding)
      warnings.push_back("job " + quote_identifier(running->name) + " backs up the log of " + db +
                         " while it is seeding to the managed instance; a log backup during initial seeding can "
                         "break the link (errors 1408, 1412: drop and create it again). Disable the job until "
                         "seeding completes");
    if (o.phase == LinkPhase::NotLinked && !(o.managed && running->job_id == o.managed->job_id))
      warnings.push_back("job " + quote_identifier(running->name) + " backs up the log of " + db +
                         "; before linking " + db + " to a managed instance, disable it until the initial seeding "
                         "has completed: a log backup during seeding can break the link");
    Decision d;
    d.kind = Decision::Kind::Satisfied;
    d.reason = "job " + quote_identifier(running->name) + " backs up the log of " + db + " " +
               running->schedule_text();
    d.warnings = std::move(warnings);
    d.job_name = running->name;
    d.job_enabled = true;
    return d;
  }

  const std::string job = quote_identifier(c.job_name);
  const bool enable_now = should_enable(c, o.phase);
  auto fail_warned = [&](std::string reason) {
    Decision f = fail(std::move(reason));
    f.warnings = warnings;
    return f;
  };
  Decision d;
  d.warnings = warnings;
  d.job_name = c.job_name;
  d.orphan_schedule_id = o.orphan_schedule_id;
  if (o.managed) {
    // Another step of ours with other contents: someone edited the job; do not touch it.
    for (const auto& s : o.managed->steps)
      if (s.name == step_name() && !o.managed->backs_up_log)
        return fail_warned("job " + job + " has a step \"" + step_name() + "\" that does not back up the log of " + db +
                    "; it was changed by hand, so acme.log-backup-check leaves it alone. Fix or delete the job, or "
                    "set job_name to another name");
    d.changes = missing_parts(c, o, *o.managed);
    d.job_enabled = o.managed->enabled;
    if (d.changes.empty()) {
      // Complete, and disabled on purpose until the database has seeded.
      d.kind = Decision::Kind::Satisfied;
      d.reason = "job " + job + " is ready and stays disabled until " + db + " has seeded to the managed instance (" +
                 phase_name(o.phase) + ")";
      d.warnings.push_back("log backups of " + db + " start when the job is enabled: run this step again once " + db +
                           " has seeded" + (o.phase == LinkPhase::NotLinked ? " (or set enable: now)" : ""));
      return d;
    }
    if (!c.create_job)
      return fail_warned("job " + job + " takes no log backups of " + db + " yet (" + o.managed->why_not_running() +
                  "); set create_job: true to let acme.log-backup-check " + list(d.changes, c));
    d.kind = Decision::Kind::NeedsChange;
    d.reason = "job " + job + " is not finished: " + list(d.changes, c);
    if (!enable_now) d.reason += " (it stays disabled until " + db + " has seeded)";
    return d;
  }

  std::string hint;
  for (const auto& j : o.log_backup_jobs) hint += (hint.empty() ? " (" : ", ") + quote_identifier(j.name);
  if (!hint.empty()) hint += o.log_backup_jobs.size() == 1 ? " would, but never runs)" : " would, but never run)";
  if (!c.create_job)
    return fail_warned("no SQL Server Agent job that runs backs up the log of " + db + hint +
                ", so during the link its log grows until the disk is full. Set create_job: true and "
                "backup_directory to let acme.log-backup-check create one, or create one yourself");
  d.kind = Decision::Kind::NeedsChange;
  d.changes = {Change::CreateJob, Change::AddStep,
               o.orphan_schedule_id ? Change::AttachSchedule : Change::AddSchedule, Change::AddJobServer};
  if (enable_now) d.changes.push_back(Change::EnableJob);
  d.reason = "no SQL Server Agent job that runs backs up the log of " + db + ": create " + job + " (" + every(c.schedule_minutes) +
             (enable_now ? ")" : ", disabled until " + db + " has seeded)");
  return d;
}

}  // namespace acme
