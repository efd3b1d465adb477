#include "probe.hpp"

#include <milink/link/polling.hpp>
#include <milink/link/results.hpp>

#include <chrono>
#include <regex>

namespace milink::netcheck {

namespace {

/// Deletes \p job; a failure here is logged, not thrown, so it never hides
/// the error that brought us here.
void delete_job(milink::sdk::Context& ctx, milink::sdk::Sql& sql, const std::string& job) {
  try {
    sql.run(delete_job_sql(job), {}, /*idempotent=*/true);  // guarded by IF EXISTS
  } catch (const std::exception& e) {
    ctx.warn("could not delete the temporary job " + job + " on " + sql.target() + ": " + e.what() +
             "; milink deletes it at the next network check, or run EXEC msdb.dbo.sp_delete_job @job_name = N'" + job +
             "'");
  }
}

/// Reads one step's history message: TcpTestSucceeded (or the bare
/// True/False of -InformationLevel Quiet), RemoteAddress, a failed lookup.
ProbeOutcome read_outcome(const Probe& probe, const std::string& message) {
  ProbeOutcome o;
  o.probe = probe;
  o.ran = true;
  o.message = message;
  static const std::regex tcp(R"(TcpTestSucceeded\s*:\s*(True|False))", std::regex::icase);
  // -InformationLevel Quiet prints the bare result just before the exit code.
  static const std::regex quiet(R"((?:^|\s)(True|False)\s+Process Exit Code)", std::regex::icase);
  static const std::regex addr(R"(RemoteAddress\s*:\s*([0-9A-Fa-f.:]+))");
  std::smatch m;
  if (std::regex_search(message, m, tcp) || std::regex_search(message, m, quiet))
    o.tcp_succeeded = m[1].str().size() == 4;  // "True"
  if (std::regex_search(message, m, addr)) o.remote_address = m[1].str();
  o.name_failed = message.find("Name resolution of") != std::string::npos;
  return o;
}

}  // namespace

std::vector<ProbeOutcome> run_probes(milink::sdk::Context& ctx, milink::sdk::Sql& sql, const Config& c,
                                     const std::string& job, const std::vector<Probe>& probes) {
  using clock = std::chrono::steady_clock;
  delete_job(ctx, sql, job);  // a leftover of an earlier, interrupted check
  std::vector<ProbeOutcome> out;
  try {
    // Inside the try: a step msdb refuses leaves the job half-made. Both
    // batches are safe to repeat after a transient error.
    sql.run(create_job_sql(job, probes), {}, /*idempotent=*/true);
    sql.run(start_job_sql(job), {}, /*idempotent=*/true);
    const auto deadline = clock::now() + std::chrono::seconds(c.timeout_seconds);
    for (;;) {
      auto rs = sql.query(history_sql(job));
      bool done = false;
      for (std::size_t i = 0; i < rs.rows.size(); ++i)
        if (milink::link::integer(rs, i, "step_id") == 0) done = true;
      if (done) {
        for (const auto& p : probes) {
          ProbeOutcome o;
          o.probe = p;
          for (std::size_t i = 0; i < rs.rows.size(); ++i)
            if (milink::link::text(rs, i, "step_name") == p.step_name)
              o = read_outcome(p, milink::link::text(rs, i, "message"));
          out.push_back(o);
        }
        break;
      }
      if (clock::now() >= deadline)
        throw milink::sdk::StepError("the network test job " + job + " on " + sql.target() + " did not finish within " +
                                     std::to_string(c.timeout_seconds) +
                                     " seconds; check that SQL Server Agent runs its jobs (msdb.dbo.sysjobhistory), "
                                     "or raise timeout_seconds");
      ctx.progress("waiting for the network test job " + job + " on " + sql.target());
      milink::link::pause(ctx, c.poll_interval_ms, "waiting for the network test job " + job + " on " + sql.target());
    }
  } catch (...) {
    delete_job(ctx, sql, job);
    throw;
  }
  delete_job(ctx, sql, job);
  return out;
}

}  // namespace milink::netcheck
