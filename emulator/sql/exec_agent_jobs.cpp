// msdb.dbo.sp_start_job and sp_delete_job, and running a job.
//
// sp_start_job runs the job at once, to its end, before it returns (SQL
// Server Agent runs it asynchronously: callers poll msdb.dbo.sysjobhistory,
// as they must on a real server, and find its rows there). The only job steps
// the emulator can run are connection tests: PowerShell steps whose lines are
// Test-NetConnection (tnc) calls, as the Managed Instance link's documented
// network test uses. Their outcome comes from the world's network model
// (state/network.hpp), and their output, in the step's history message, has
// the lines Test-NetConnection prints. Any other step fails with a message
// saying the emulator does not run it.
//
// The checks and errors of both procedures follow msdb's own: 14262 for an
// unknown job or step, 14256 for a job without a job server, 22022 when
// SQL Server Agent is not running; "Job '...' started successfully." (14243,
// severity 0) on success. The history rows' texts follow what SQL Server
// Agent writes ("Executed as user: ...", "The job succeeded.  The Job was
// invoked by User ...") (inferred from real history, not from a spec).
#include "sql/executor.hpp"

#include "sql/agent_jobs.hpp"
#include "state/collation.hpp"
#include "state/network.hpp"
#include "state/time_util.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace milink::emulator::sql {

namespace {

ErrorMessage agent_error(int number, int severity, std::string text, const char* procedure) {
  ErrorMessage m{number, severity, 1, std::move(text), 0, ""};
  m.procedure = procedure;
  return m;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Splits a PowerShell line into words: whitespace separates, '...' and
/// "..." quote ('' inside single quotes is one quote).
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::string w;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
      char q = line[i];
      if (q == '\'' || q == '"') {
        ++i;
        while (i < line.size()) {
          if (line[i] == q) {
            if (q == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
              w += '\'';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          w += line[i++];
        }
      } else {
        w += line[i++];
      }
    }
    out.push_back(w);
  }
  return out;
}

struct TncCall {
  std::string host;
  int port = 0;
  bool quiet = false;
};

/// Parses "Test-NetConnection [-ComputerName] HOST -Port N [-InformationLevel Quiet]"
/// (or "tnc"); nullopt for anything else.
std::optional<TncCall> parse_tnc(const std::string& line) {
  std::vector<std::string> w = words(line);
  if (w.empty()) return std::nullopt;
  std::string cmd = lower(w[0]);
  if (cmd != "tnc" && cmd != "test-netconnection") return std::nullopt;
  TncCall c;
  for (std::size_t i = 1; i < w.size(); ++i) {
    std::string a = lower(w[i]);
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= w.size()) return std::nullopt;
      return w[++i];
    };
    if (a == "-computername" || a == "-cn" || a == "-remoteaddress") {
      auto v = value();
      if (!v) return std::nullopt;
      c.host = *v;
    } else if (a == "-port") {
      auto v = value();
      if (!v || v->empty() || !std::all_of(v->begin(), v->end(), [](unsigned char ch) { return std::isdigit(ch); }) ||
          v->size() > 5)
        return std::nullopt;
      c.port = std::stoi(*v);
    } else if (a == "-informationlevel") {
      auto v = value();
      if (!v) return std::nullopt;
      c.quiet = lower(*v) == "quiet";
    } else if (!a.empty() && a[0] == '-') {
      return std::nullopt;
    } else if (c.host.empty()) {
      c.host = w[i];
    } else {
      return std::nullopt;
    }
  }
  if (c.host.empty() || c.port < 1 || c.port > 65535) return std::nullopt;
  return c;
}

struct StepRun {
  bool succeeded = false;
  std::string output;
  int elapsed_ms = 0;
};

/// A PowerShell step: every non-empty line (or ';'-separated command) must
/// be a Test-NetConnection call; each prints its result. Test-NetConnection
/// only warns when the test fails: the step still succeeds (exit code 0).
StepRun run_powershell(const EmulatorWorld& w, Personality from, const std::string& command) {
  StepRun r;
  std::string text = command;
  std::replace(text.begin(), text.end(), ';', '\n');
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> out;
  bool any = false;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::optional<TncCall> call = parse_tnc(line);
    if (!call) {
      r.output = "The emulator runs only Test-NetConnection (tnc) job steps; it cannot run: " + line;
      return r;
    }
    any = true;
    ConnectionTest t = test_connection(w, from, call->host, call->port);
    r.elapsed_ms += t.elapsed_ms;
    if (!t.warning.empty()) out.push_back("WARNING: " + t.warning);
    if (call->quiet) {
      out.push_back(t.tcp_succeeded ? "True" : "False");
      continue;
    }
    out.push_back("ComputerName     : " + call->host);
    out.push_back("RemoteAddress    : " + t.remote_address);
    if (t.resolved) out.push_back("RemotePort       : " + std::to_string(call->port));
    else out.push_back("NameResolutionSucceeded : False");
    out.push_back("TcpTestSucceeded : " + std::string(t.tcp_succeeded ? "True" : "False"));
  }
  if (!any) {
    r.output = "The step did not generate any output.";
    r.succeeded = true;
    return r;
  }
  for (std::size_t i = 0; i < out.size(); ++i) r.output += (i ? "\n" : "") + out[i];
  r.succeeded = true;
  return r;
}

std::string agent_account(const ServerState& s) {
  if (!s.agent.service_account.empty()) return s.agent.service_account;
  auto slash = s.name.find('\\');
  return slash == std::string::npos || s.personality == Personality::ManagedInstance
             ? std::string("NT Service\\SQLSERVERAGENT")
             : "NT Service\\SQLAgent$" + s.name.substr(slash + 1);
}

void record(ServerState& s, const AgentJob& job, int step_id, const std::string& step_name, int status,
            const std::string& message, std::chrono::steady_clock::time_point visible_at) {
  SqlDateTime now = now_utc();
  AgentJobHistory h;
  h.instance_id = s.agent.next_history_id++;
  h.job_id = job.job_id;
  h.step_id = step_id;
  h.step_name = step_name;
  h.message = message;
  h.run_status = status;
  h.run_date = now.year * 10000 + now.month * 100 + now.day;
  h.run_time = now.hour * 10000 + now.minute * 100 + now.second;
  h.server = s.name;
  h.visible_at = visible_at;
  s.agent.history.push_back(std::move(h));
}

}  // namespace

void run_agent_job(EmulatorWorld& world, ServerState& server, const AgentJob& job, const std::string& invoked_by) {
  int step_id = job.start_step_id;
  int last_step = 0;
  std::string last_name;
  bool succeeded = true;
  // The rows appear when the job ends: after every step's time.
  auto ends = std::chrono::steady_clock::now();
  std::size_t first_row = server.agent.history.size();
  // Each step runs at most once per visit chain; a go-to loop ends the job (as a failure).
  for (std::size_t guard = 0; guard <= job.steps.size() * 4 + 4; ++guard) {
    auto it = std::find_if(job.steps.begin(), job.steps.end(), [&](const AgentJobStep& st) { return st.step_id == step_id; });
    if (it == job.steps.end()) {
      succeeded = last_step != 0 && succeeded;
      break;
    }
    const AgentJobStep& st = *it;
    StepRun run;
    if (iequals(st.subsystem, "PowerShell")) {
      run = run_powershell(world, server.personality, st.command.value_or(""));
    } else {
      run.output = "The emulator does not run " + st.subsystem + " job steps.";
    }
    std::string message = "Executed as user: " + agent_account(server) + ". " + run.output + "  Process Exit Code " +
                          (run.succeeded ? "0" : "1") + ".  The step " + (run.succeeded ? "succeeded." : "failed.");
    ends += std::chrono::milliseconds(run.elapsed_ms);
    record(server, job, st.step_id, st.step_name, run.succeeded ? 1 : 0, message, ends);
    last_step = st.step_id;
    last_name = st.step_name;
    int action = run.succeeded ? st.on_success_action : st.on_fail_action;
    int target = run.succeeded ? st.on_success_step_id : st.on_fail_step_id;
    if (action == 1 || action == 2) {
      succeeded = action == 1;
      break;
    }
    step_id = action == 3 ? st.step_id + 1 : target;
    succeeded = run.succeeded;
    if (action == 3 && step_id > static_cast<int>(job.steps.size())) break;
  }
  std::string outcome = std::string(succeeded ? "The job succeeded." : "The job failed.") +
                        "  The Job was invoked by User " + invoked_by + ".  The last step to run was step " +
                        std::to_string(last_step) + " (" + last_name + ").";
  record(server, job, 0, "(Job outcome)", succeeded ? 1 : 0, outcome, ends);
  for (std::size_t i = first_row; i < server.agent.history.size(); ++i) server.agent.history[i].visible_at = ends;
}

// --- sp_start_job ----------------------------------------------------------------

void Executor::agent_start_job(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto a = bind_procedure_arguments("sp_start_job",
                                    {{"@job_name", TypeSpec::of(BaseType::NVarChar, 128), false},
                                     {"@job_id", TypeSpec::of(BaseType::UniqueIdentifier), false},
                                     {"@error_flag", TypeSpec::of(BaseType::Int), false},
                                     {"@server_name", TypeSpec::of(BaseType::NVarChar, 128), false},
                                     {"@step_name", TypeSpec::of(BaseType::NVarChar, 128), false},
                                     {"@output_flag", TypeSpec::of(BaseType::Int), false}},
                                    args, ci());
  if (describe_mode_) return;
  ServerState& s = server_;
  AgentJob& j = verify_agent_job(s, ci(), a[1], a[0]);
  if (!j.targets_local_server)
    throw SqlError(agent_error(14256, 16,
                               "Cannot start job '" + j.name + "' (ID " + j.job_id +
                                   ") because it does not have any job server or servers defined. Associate the job "
                                   "with a job server by calling sp_add_jobserver.",
                               "sp_start_job"));
  AgentJob job = j;
  if (!a[4].is_null()) {
    std::string step = a[4].value.as_string();
    const AgentJobStep* st = j.find_step(step, ci());
    if (!st) throw SqlError(agent_error(14262, 16, "The specified '@step_name' ('" + step + "') does not exist.", "sp_start_job"));
    job.start_step_id = st->step_id;
  }
  if (!s.agent.running())
    throw SqlError(agent_error(22022, 16, "SQLServerAgent is not currently running so it cannot be notified of this action.",
                               "sp_start_job"));
  run_agent_job(world_, s, job, session_.login);
  std::int64_t output_flag = a[5].is_null() ? 1 : a[5].value.as_int64();
  if (output_flag != 0) emit_info(ErrorMessage{14243, 0, 1, "Job '" + j.name + "' started successfully.", 0, "sp_start_job"});
}

// --- sp_delete_job ---------------------------------------------------------------

void Executor::agent_delete_job(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto a = bind_procedure_arguments("sp_delete_job",
                                    {{"@job_id", TypeSpec::of(BaseType::UniqueIdentifier), false},
                                     {"@job_name", TypeSpec::of(BaseType::NVarChar, 128), false},
                                     {"@originating_server", TypeSpec::of(BaseType::NVarChar, 128), false},
                                     {"@delete_history", TypeSpec::of(BaseType::Bit), false},
                                     {"@delete_unused_schedule", TypeSpec::of(BaseType::Bit), false}},
                                    args, ci());
  if (describe_mode_) return;
  ServerState& s = server_;
  AgentJob& j = verify_agent_job(s, ci(), a[0], a[1]);
  bool delete_history = a[3].is_null() || a[3].value.as_int64() != 0;
  bool delete_unused = a[4].is_null() || a[4].value.as_int64() != 0;
  std::string id = j.job_id;
  std::vector<int> schedules = j.schedule_ids;
  s.agent.jobs.erase(std::remove_if(s.agent.jobs.begin(), s.agent.jobs.end(),
                                    [&](const AgentJob& x) { return x.job_id == id; }),
                     s.agent.jobs.end());
  if (delete_history)
    s.agent.history.erase(std::remove_if(s.agent.history.begin(), s.agent.history.end(),
                                         [&](const AgentJobHistory& h) { return h.job_id == id; }),
                          s.agent.history.end());
  if (delete_unused) {
    for (int sid : schedules) {
      bool used = std::any_of(s.agent.jobs.begin(), s.agent.jobs.end(), [&](const AgentJob& x) {
        return std::find(x.schedule_ids.begin(), x.schedule_ids.end(), sid) != x.schedule_ids.end();
      });
      if (!used)
        s.agent.schedules.erase(std::remove_if(s.agent.schedules.begin(), s.agent.schedules.end(),
                                               [&](const AgentSchedule& x) { return x.schedule_id == sid; }),
                                s.agent.schedules.end());
    }
  }
}

}  // namespace milink::emulator::sql
