#include "catch_up.hpp"

#include <milink/link/polling.hpp>

#include <chrono>
#include <cstdio>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;
namespace tsql = milink::sdk::tsql;

namespace {
constexpr unsigned kParts = kDagNames | kSqlServerTarget | kInstanceTarget;

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}
}  // namespace

std::string CatchUpStep::Look::describe() const {
  const SideLog& primary = sql.primary ? sql : instance;
  std::string where = sql.primary ? "SQL Server" : "the instance";
  std::string lsns = "SQL Server " + (sql.lsn.empty() ? std::string("none") : sql.lsn) + ", instance " +
                     (instance.lsn.empty() ? std::string("none") : instance.lsn);
  std::string out;
  if (equal()) {
    out = "LSNs equal (" + sql.lsn + ")";
  } else {
    char gap[64];
    long double g = lsn_gap(primary.lsn, sql.primary ? instance.lsn : sql.lsn);
    std::snprintf(gap, sizeof gap, "%.0Lf", g < 0 ? -g : g);
    out = "LSN gap " + std::string(gap) + " (" + lsns + ")";
  }
  if (primary.has_remote)
    out += ", log send queue " + std::to_string(primary.log_send_queue_kb) + " KB, lag " +
           std::to_string(primary.lag_seconds) + " s";
  return out + "; primary: " + where;
}

milink::sdk::StepSpec CatchUpStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "catch-up";
  s.summary = "Waits until the database's last hardened LSNs match on both sides and stay equal (reads only)";
  s.doc =
      "Polls sys.dm_hadr_database_replica_states for the database in the DAG on SQL Server and on the managed "
      "instance (last_hardened_lsn of each side's own row; on the primary also the secondary's log_send_queue_size "
      "and secondary_lag_seconds) until both LSNs are equal and have not moved for stable_seconds: the secondary has "
      "caught up and nothing writes any more, as a planned failover needs. Reports the LSN gap and the lag as it "
      "goes. When the gap has not closed by 5% or more (or equal LSNs keep advancing) for timeout_seconds, it fails and "
      "says to stop the workload on the primary. Changes nothing.";
  s.params = link_ref_params(kParts);
  s.params.push_back(Param::integer("stable_seconds").defaults_to(Value(10)).doc("How long both LSNs must stay equal and unchanged"));
  s.params.push_back(Param::integer("timeout_seconds")
          .defaults_to(Value(300))
          .doc("Give up when the gap has not closed by 5% or more for this long (not a limit on the total time); "
               "more than stable_seconds"));
  s.params.push_back(Param::integer("poll_interval_ms").defaults_to(Value(2000)).doc("Time between two looks"));
  s.outputs = {Output::string("lsn").doc("The last hardened LSN both sides share"),
               Output::number("waited_seconds").doc("How long the step waited")};
  s.sql_targets = {{"target"}, {"instance_target"}};
  return s;
}

CatchUpStep::Config CatchUpStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.link = read_link_ref(p, kParts);
  c.stable_seconds = p.integer("stable_seconds");
  if (c.stable_seconds < 0) throw ConfigError("stable_seconds", "stable_seconds must be 0 or more");
  c.timeout_seconds = p.integer("timeout_seconds");
  if (c.timeout_seconds <= c.stable_seconds)
    throw ConfigError("timeout_seconds", "timeout_seconds (" + std::to_string(c.timeout_seconds) +
                                             ") must be more than stable_seconds (" + std::to_string(c.stable_seconds) +
                                             "), or the LSNs could never be seen stable");
  c.poll_interval_ms = read_poll_interval(p);
  return c;
}

CatchUpStep::Look CatchUpStep::look(const Config& c, milink::sdk::Context& ctx) {
  Look l;
  auto sql = ctx.sql(c.link.sql_target);
  l.sql = read_side_log(sql, c.link.dag_name, c.link.database);
  if (!l.sql.found)
    throw StepError("database " + tsql::quote_identifier(c.link.database) + " is not in distributed availability group " +
                    tsql::quote_identifier(c.link.dag_name) + " on SQL Server: there is no link to catch up (set dag_name "
                    "to the link's DAG, or create the link first)");
  auto mi = ctx.sql(c.link.instance_target);
  l.instance = read_side_log(mi, c.link.link_name, c.link.database);
  if (!l.instance.found)
    throw StepError("database " + tsql::quote_identifier(c.link.database) + " is not in the link " +
                    tsql::quote_identifier(c.link.link_name) + " on the managed instance (target " +
                    c.link.instance_target + "): the link is not seeded, or link_name is not its name");
  return l;
}

milink::sdk::Observation CatchUpStep::observe(const Config& c, milink::sdk::Context& ctx) {
  return milink::sdk::Observation::needs_change(look(c, ctx).describe() + "; waiting for " +
                                                std::to_string(c.stable_seconds) + " s of equal, unchanged LSNs");
}

milink::sdk::Plan CatchUpStep::plan(const Config& c, milink::sdk::Context&) {
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note(
      c.link.sql_target, "wait until " + tsql::quote_identifier(c.link.database) +
                             "'s last hardened LSN is the same on SQL Server and the managed instance for " +
                             std::to_string(c.stable_seconds) + " s (gives up after " +
                             std::to_string(c.timeout_seconds) + " s without progress; reads only)"));
  return p;
}

void CatchUpStep::apply(const Config& c, milink::sdk::Context& ctx) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_progress = start;
  auto stable_since = start;
  std::string stable_lsn;       // the LSN both sides showed since stable_since ("" = not equal)
  long double best_gap = -1;    // the gap at the last progress (-1: none yet, 0: equal LSNs seen)
  std::string last_line;
  for (;;) {
    Look l = look(c, ctx);
    const auto now = clock::now();
    const std::string line = l.describe();
    if (l.equal()) {
      if (l.sql.lsn != stable_lsn) {  // newly equal, or equal but the log moved on: the window starts again
        stable_lsn = l.sql.lsn;
        stable_since = now;
        if (best_gap != 0) last_progress = now;  // the gap closed
      } else {
        last_progress = now;  // equal and unchanged: on the way to stable
      }
      best_gap = 0;
      double stable = std::chrono::duration<double>(now - stable_since).count();
      if (stable >= static_cast<double>(c.stable_seconds)) {
        double waited = std::chrono::duration<double>(now - start).count();
        ctx.output("lsn", Value(l.sql.lsn));
        ctx.output("waited_seconds", Value(waited));
        ctx.progress(tsql::quote_identifier(c.link.database) + " is caught up: last hardened LSN " + l.sql.lsn +
                         " on both sides, unchanged for " + seconds_text(stable) + " s, after waiting " +
                         seconds_text(waited) + " s",
                     1.0);
        return;
      }
    } else {
      stable_lsn.clear();
      long double g = lsn_gap(l.sql.lsn, l.instance.lsn);
      if (g < 0) g = -g;
      if (best_gap < 0 || g < best_gap * 0.95L) {  // closed by 5% or more since the last progress
        best_gap = g;
        last_progress = now;
      }
    }
    if (line != last_line) ctx.progress(line);
    last_line = line;
    if (now - last_progress >= std::chrono::seconds(c.timeout_seconds)) {
      std::string primary = l.sql.primary ? "SQL Server" : "the managed instance";
      throw StepError(
          tsql::quote_identifier(c.link.database) + (l.equal() ? " keeps writing log: its LSNs are equal but still advancing"
                                                               : " is not catching up: the LSN gap has not closed") +
          " for " + std::to_string(c.timeout_seconds) + " s (" + line + "). Stop the workload: stop the applications "
          "writing to the database on " + primary + " (and its jobs), then run this again. A planned failover needs "
          "the same last hardened LSN on both sides, unchanged.");
    }
    pause(ctx, c.poll_interval_ms, "waiting for " + tsql::quote_identifier(c.link.database) + " to catch up (" + line + ")");
  }
}

}  // namespace milink::link
