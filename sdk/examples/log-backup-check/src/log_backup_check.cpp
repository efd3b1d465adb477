#include "log_backup_check.hpp"

#include "job_sql.hpp"
#include "statement.hpp"

#include <milink/sdk/quote.hpp>

#include <algorithm>
#include <stdexcept>

namespace acme {

using milink::sdk::Action;
using milink::sdk::Observation;
using milink::sdk::StepError;
using milink::sdk::Value;

namespace {

Statement statement_for(Change ch, const Config& c, const Decision& d) {
  switch (ch) {
    case Change::CreateJob: return create_job(c);
    case Change::AddStep: return add_step(c);
    case Change::AddSchedule: return add_schedule(c);
    case Change::AttachSchedule: return attach_schedule(c, d.orphan_schedule_id.value_or(0));
    case Change::AddJobServer: return add_jobserver(c);
    case Change::EnableJob: return enable_job(c);
  }
  throw std::logic_error("unknown change");
}

}  // namespace

Decision LogBackupCheck::judge(const Config& c, milink::sdk::Context& ctx, Observed& o) {
  o = read_observed(c, ctx);
  Decision d = decide(c, o);
  for (const auto& w : d.warnings) warn_once(w, ctx);
  if (d.kind == Decision::Kind::Fail) throw StepError(d.reason);
  return d;
}

void LogBackupCheck::warn_once(const std::string& warning, milink::sdk::Context& ctx) {
  // observe() and apply() both look: say each thing once per execution.
  if (std::find(warned_.begin(), warned_.end(), warning) != warned_.end()) return;
  warned_.push_back(warning);
  ctx.warn(warning);
}

void LogBackupCheck::set_outputs(const Decision& d, const Observed& o, milink::sdk::Context& ctx) {
  ctx.output("job_name", Value(d.job_name));
  ctx.output("job_enabled", Value(d.job_enabled));
  ctx.output("agent_status", Value(o.agent ? o.agent->status : std::string()));
  ctx.output("link_phase", Value(phase_name(o.phase)));
}

Observation LogBackupCheck::observe(const Config& c, milink::sdk::Context& ctx) {
  Observed o;
  Decision d = judge(c, ctx, o);
  observed_ = d;
  if (d.kind == Decision::Kind::Satisfied) {
    set_outputs(d, o, ctx);
    return Observation::satisfied(d.reason);
  }
  return Observation::needs_change(d.reason);
}

milink::sdk::Plan LogBackupCheck::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  std::vector<Change> changes;
  Decision d;
  if (observed_) {  // --dry-run: observe() looked; show just what is missing
    d = *observed_;
    changes = d.changes;
    if (changes.empty()) {
      p.actions.push_back(Action::note(c.target, d.reason));
      return p;
    }
  } else if (!c.create_job) {  // milink plan: nothing to show but the check
    p.actions.push_back(Action::note(c.target, "check that SQL Server Agent runs and that an enabled job backs up the "
                                               "log of " + milink::sdk::tsql::quote_identifier(c.database) +
                                               "; changes nothing (create_job is false)"));
    return p;
  } else {  // milink plan: the whole job, as created on a server that has none
    changes = {Change::CreateJob, Change::AddStep, Change::AddSchedule, Change::AddJobServer, Change::EnableJob};
  }
  for (Change ch : changes) {
    Statement s = statement_for(ch, c, d);
    std::string what = s.what;
    if (ch == Change::EnableJob && !observed_ && c.enable == EnableWhen::AfterSeeding)
      what += " (only once the database has seeded to the managed instance)";
    p.actions.push_back(Action::sql_batch(c.target, what, render(s)));
  }
  return p;
}

void LogBackupCheck::apply(const Config& c, milink::sdk::Context& ctx) {
  Observed o;
  Decision d = judge(c, ctx, o);  // again: a resumed run may find part of it done
  if (d.kind == Decision::Kind::NeedsChange) {
    auto sql = ctx.sql(c.target);
    for (std::size_t i = 0; i < d.changes.size(); ++i) {
      Statement s = statement_for(d.changes[i], c, d);
      ctx.progress(s.what, static_cast<double>(i) / static_cast<double>(d.changes.size()));
      sql.run(s.sql, s.params, s.idempotent);
    }
    Observed after = read_observed(c, ctx);
    Decision done = decide(c, after);
    if (done.kind != Decision::Kind::Satisfied)
      throw StepError("the log backup job is still not in place after the changes: " + done.reason);
    for (const auto& w : done.warnings) warn_once(w, ctx);
    ctx.info(done.reason);
    d = done;
    o = after;
  }
  set_outputs(d, o, ctx);
}

}  // namespace acme
