// msdb's SQL Server Agent procedures: sp_add_job, sp_update_job,
// sp_add_jobstep, sp_add_schedule, sp_attach_schedule and sp_add_jobserver
// (sp_start_job and sp_delete_job: exec_agent_jobs.cpp).
//
// Each follows msdb's own procedure (its source as shipped in msdb): the same
// parameters and defaults, the same checks in the same order, the same
// RAISERROR numbers and texts, raised by the msdb procedure that raises them
// there (sp_verify_job, sp_verify_jobstep, sp_verify_schedule, ...). A failed
// check sends the error and the procedure returns 1; the batch goes on, as
// it does on a real server. They live in msdb.dbo only (see call_procedure).
//
// Not modelled (documented in docs/emulator.md): multi-server (MSX/TSX) jobs,
// operators, proxies, msdb roles and database users (every caller is treated
// as sysadmin would be, except that a non-sysadmin may only own its own jobs),
// and an explicit NULL for a parameter with a default, which is taken as the
// default (msdb would insert the NULL and fail).
#include "sql/executor.hpp"

#include "sql/agent_jobs.hpp"

#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <algorithm>

namespace milink::emulator::sql {

namespace {

ErrorMessage in(ErrorMessage m, const char* procedure) {
  m.procedure = procedure;
  return m;
}

/// RAISERROR + RETURN(1) inside an Agent procedure.
[[noreturn]] void raise(ErrorMessage m) { throw SqlError(std::move(m)); }

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(' ');
  if (a == std::string::npos) return {};
  std::size_t b = s.find_last_not_of(' ');
  return s.substr(a, b - a + 1);
}

/// A character argument, LTRIM(RTRIM())-ed; NULL stays nullopt, and so does
/// '' when \p empty_is_null (msdb turns [nullable] empty strings into NULL).
std::optional<std::string> text(const Datum& d, bool empty_is_null = true) {
  if (d.is_null()) return std::nullopt;
  std::string s = trim(d.value.as_string());
  if (empty_is_null && s.empty()) return std::nullopt;
  return s;
}

std::optional<std::int64_t> number(const Datum& d) {
  if (d.is_null()) return std::nullopt;
  return d.value.as_int64();
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int yyyymmdd(const SqlDateTime& t) { return t.year * 10000 + t.month * 100 + t.day; }

/// ISDATE(CONVERT(VARCHAR, @date)) for a YYYYMMDD integer.
bool valid_yyyymmdd(std::int64_t d) {
  int y = static_cast<int>(d / 10000), m = static_cast<int>(d / 100 % 100), day = static_cast<int>(d % 100);
  if (m < 1 || m > 12 || day < 1) return false;
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = len[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
  return day <= max;
}

TypeSpec sysname() { return TypeSpec::of(BaseType::NVarChar, 128); }
TypeSpec nvarchar(int n) { return TypeSpec::of(BaseType::NVarChar, n); }
TypeSpec integer() { return TypeSpec::of(BaseType::Int); }
TypeSpec tinyint() { return TypeSpec::of(BaseType::TinyInt); }
TypeSpec bit() { return TypeSpec::of(BaseType::Bit); }
TypeSpec guid() { return TypeSpec::of(BaseType::UniqueIdentifier); }

/// The subsystems msdb.dbo.syssubsystems lists (sp_enum_sqlagent_subsystems).
const std::vector<std::string>& subsystems(HostOs os) {
  static const std::vector<std::string> windows = {"TSQL",        "CmdExec",       "Snapshot",     "LogReader",
                                                   "Distribution", "Merge",         "QueueReader",  "ANALYSISQUERY",
                                                   "ANALYSISCOMMAND", "SSIS",       "PowerShell"};
  // SQL Server on Linux: T-SQL job steps only (inferred from the Linux Agent docs).
  static const std::vector<std::string> linux = {"TSQL"};
  return os == HostOs::Linux ? linux : windows;
}

}  // namespace

bool Executor::is_agent_procedure(const std::string& n) {
  return n == "sp_add_job" || n == "sp_update_job" || n == "sp_add_jobstep" || n == "sp_add_schedule" ||
         n == "sp_attach_schedule" || n == "sp_add_jobserver" || n == "sp_start_job" || n == "sp_delete_job";
}

int Executor::run_agent_procedure(Frame& f, const std::string& n, std::vector<CallArg>& args) {
  try {
    if (n == "sp_add_job") agent_add_job(f, args);
    else if (n == "sp_update_job") agent_update_job(f, args);
    else if (n == "sp_add_jobstep") agent_add_jobstep(f, args);
    else if (n == "sp_add_schedule") agent_add_schedule(f, args);
    else if (n == "sp_attach_schedule") agent_attach_schedule(f, args);
    else if (n == "sp_add_jobserver") agent_add_jobserver(f, args);
    else if (n == "sp_start_job") agent_start_job(f, args);
    else if (n == "sp_delete_job") agent_delete_job(f, args);
  } catch (SqlError& e) {
    // Binding errors (201, 8145, 8114, ...) end the statement as for any
    // procedure; an error the procedure raises is sent and it returns 1.
    bool raised = !e.messages.empty() && e.messages.front().number >= 14000;
    if (!raised) {
      for (auto& m : e.messages)
        if (m.procedure.empty()) m.procedure = n;
      throw;
    }
    for (auto& m : e.messages) emit_error(m, current_line_);
    return 1;
  }
  return 0;
}

// --- shared checks (msdb's sp_verify_* procedures) -----------------------------

namespace {

struct Caller {
  std::vector<std::uint8_t> sid;
  std::string login;
  bool sysadmin = false;
};

Caller caller_of(const ServerState& s, const Session& session) {
  Caller c;
  c.login = session.login;
  if (const Login* l = s.find_login(session.login)) {
    c.sid = login_sid(*l);
    c.sysadmin = l->sysadmin;
  } else {
    c.sid = {0x01};
    c.sysadmin = true;  // the engine's own batches (init_sql) run as sa
  }
  return c;
}

}  // namespace

AgentJob& verify_agent_job(ServerState& s, bool ci, const Datum& job_id, const Datum& job_name, bool test_starting) {
  std::optional<std::string> name = text(job_name);
  bool has_id = !job_id.is_null();
  if (name.has_value() == has_id) raise(err::agent_supply_job("@job_id", "@job_name"));
  AgentJob* j = nullptr;
  if (has_id) {
    j = s.agent.find_job_by_id(job_id.value.as_string());
    if (!j) raise(err::agent_does_not_exist("@job_id", upper(job_id.value.as_string())));
  } else {
    j = s.agent.find_job(*name, ci);
    if (!j) raise(err::agent_does_not_exist("@job_name", *name));
  }
  if (test_starting && s.agent.status == ServiceStatus::StartPending) raise(err::agent_starting());
  return *j;
}

namespace {

/// The end of sp_verify_job: the notify levels (0..3), the operators to
/// notify, the delete level (0..3), in that order. Operators are not
/// modelled: msdb holds none, so any name is unknown.
void verify_levels_and_operators(std::int64_t eventlog, std::int64_t email, std::int64_t netsend, std::int64_t page,
                                 const std::optional<std::string>& email_operator,
                                 const std::optional<std::string>& netsend_operator,
                                 const std::optional<std::string>& page_operator, std::int64_t deletion) {
  auto check = [](std::int64_t v, const char* name) {
    if ((v & 0x3) != v) raise(err::agent_invalid_value(name, "0, 1, 2, 3"));
  };
  check(eventlog, "@notify_level_eventlog");
  check(email, "@notify_level_email");
  check(netsend, "@notify_level_netsend");
  check(page, "@notify_level_page");
  if (email_operator) raise(err::agent_invalid_choice("@notify_email_operator_name", "sp_help_operator"));
  if (netsend_operator) raise(err::agent_invalid_choice("@notify_netsend_operator_name", "sp_help_operator"));
  if (page_operator) raise(err::agent_invalid_choice("@notify_page_operator_name", "sp_help_operator"));
  check(deletion, "@delete_level");
}

/// sp_verify_category_identifiers + sp_verify_job's category checks
/// (\p local_job: the job is already targeted at the local server).
int verify_category(const std::optional<std::string>& name, const std::optional<std::int64_t>& id, bool local_job) {
  if (id) {
    const AgentCategory* c = find_job_category(static_cast<int>(*id));
    // 14262 for an unknown @category_id: inferred (sp_verify_category_identifiers' source not seen).
    if (!c) raise(in(err::agent_does_not_exist("@category_id", std::to_string(*id)), "sp_verify_category_identifiers"));
    return c->category_id;
  }
  if (!name || *name == "[DEFAULT]") return 0;  // [Uncategorized (Local)]
  const AgentCategory* c = find_job_category(*name);
  if (!c) raise(err::agent_invalid_choice("@category_name", "sp_help_category"));
  if (c->category_type == 2 && local_job) raise(in(ErrorMessage{14285, 16, 1, "Cannot add a local job to a multiserver job category.", 0, ""}, "sp_verify_job"));
  if (c->category_id == 1)
    raise(in(ErrorMessage{14267, 16, 1, "Cannot add a job to the '" + *name + "' job category.", 0, ""}, "sp_verify_job"));
  return c->category_id;
}

/// The owner's SID: @owner_login_name (sysadmin only, unless it is the
/// caller), else the caller; nullopt for an unknown login, which
/// sp_verify_job rejects after its name, state, step and category checks.
std::optional<std::vector<std::uint8_t>> owner_sid(const ServerState& s, const Caller& caller,
                                                   const std::optional<std::string>& owner, const char* procedure) {
  if (owner && !caller.sysadmin && !iequals(*owner, caller.login))
    raise(in(ErrorMessage{14515, 16, 1,
                          "Only a member of the sysadmin server role can add a job for a different owner with "
                          "@owner_login_name.",
                          0, ""},
             procedure));
  if (!owner) return caller.sid;
  const Login* l = s.find_login(*owner);
  if (!l) return std::nullopt;
  return login_sid(*l);
}

void verify_owner(const std::optional<std::vector<std::uint8_t>>& sid) {
  if (!sid) raise(err::agent_invalid_choice("@owner_login_name", "sp_helplogins [excluding Windows NT groups]"));
}

}  // namespace

// --- sp_add_job ------------------------------------------------------------------

void Executor::agent_add_job(Frame& f, std::vector<CallArg>& args) {
  std::vector<std::string> outputs;
  auto a = bind_procedure_arguments("sp_add_job",
                                    {{"@job_name", sysname(), true},
                                     {"@enabled", tinyint(), false},
                                     {"@description", nvarchar(512), false},
                                     {"@start_step_id", integer(), false},
                                     {"@category_name", sysname(), false},
                                     {"@category_id", integer(), false},
                                     {"@owner_login_name", sysname(), false},
                                     {"@notify_level_eventlog", integer(), false},
                                     {"@notify_level_email", integer(), false},
                                     {"@notify_level_netsend", integer(), false},
                                     {"@notify_level_page", integer(), false},
                                     {"@notify_email_operator_name", sysname(), false},
                                     {"@notify_netsend_operator_name", sysname(), false},
                                     {"@notify_page_operator_name", sysname(), false},
                                     {"@delete_level", integer(), false},
                                     {"@job_id", guid(), false},
                                     {"@originating_server", sysname(), false}},
                                    args, ci(), &outputs);
  if (describe_mode_) return;
  ServerState& s = server_;
  Caller caller = caller_of(s, session_);
  std::string job_name = a[0].is_null() ? std::string() : trim(a[0].value.as_string());
  std::int64_t enabled = number(a[1]).value_or(1);
  std::optional<std::string> description = text(a[2]);
  std::int64_t start_step = number(a[3]).value_or(1);
  std::optional<std::string> category_name = text(a[4]);
  std::optional<std::int64_t> category_id = number(a[5]);
  std::optional<std::string> owner = a[6].is_null() ? std::nullopt : std::optional<std::string>(a[6].value.as_string());
  std::int64_t eventlog = number(a[7]).value_or(2), email = number(a[8]).value_or(0),
               netsend = number(a[9]).value_or(0), page = number(a[10]).value_or(0),
               deletion = number(a[14]).value_or(0);
  std::optional<std::string> originating = text(a[16]);
  if (originating && !iequals(*originating, "(LOCAL)") && !iequals(*originating, s.name))
    raise(in(ErrorMessage{14275, 16, 1, "The originating server must be either local server or MSX server.", 0, ""},
             "sp_verify_job"));

  std::optional<std::vector<std::uint8_t>> owner_id = owner_sid(s, caller, owner, "sp_add_job");
  if (category_id) verify_category(std::nullopt, category_id, false);  // sp_verify_category_identifiers
  // sp_verify_job (for a new job)
  for (const auto& j : s.agent.jobs)
    if (collate_equal(j.name, job_name, ci())) raise(err::agent_already_exists("@name", job_name));
  if (enabled != 0 && enabled != 1) raise(err::agent_invalid_value("@enabled", "0, 1"));
  if (start_step != 1) raise(err::agent_invalid_value("@start_step_id", "1"));
  int category = verify_category(category_name, category_id, false);
  verify_owner(owner_id);
  verify_levels_and_operators(eventlog, email, netsend, page, text(a[11]), text(a[12]), text(a[13]), deletion);
  // A job id may only be given by SQLServerAgent (an MSX job arriving at a target server).
  if (!a[15].is_null())
    raise(in(ErrorMessage{14274, 16, 1,
                          "Cannot add, update, or delete a job (or its steps or schedules) that originated from an MSX "
                          "server.",
                          0, ""},
             "sp_add_job"));

  AgentJob j;
  j.job_id = new_guid();
  j.name = job_name;
  j.enabled = static_cast<int>(enabled);
  if (description) j.description = *description;
  j.start_step_id = 1;
  j.category_id = category;
  j.owner_sid = *owner_id;
  // With no operator, the e-mail/net send/page levels are reset to 0 (sp_verify_job).
  j.notify_level_eventlog = static_cast<int>(eventlog);
  j.notify_level_email = 0;
  j.notify_level_netsend = 0;
  j.notify_level_page = 0;
  j.delete_level = static_cast<int>(deletion);
  j.date_created = j.date_modified = now_utc();
  j.version_number = 1;
  std::string id = j.job_id;
  s.agent.jobs.push_back(std::move(j));
  if (!outputs[15].empty()) assign(f, outputs[15], Datum::guid(id));
}

// --- sp_update_job ---------------------------------------------------------------

void Executor::agent_update_job(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto a = bind_procedure_arguments("sp_update_job",
                                    {{"@job_id", guid(), false},
                                     {"@job_name", sysname(), false},
                                     {"@new_name", sysname(), false},
                                     {"@enabled", tinyint(), false},
                                     {"@description", nvarchar(512), false},
                                     {"@start_step_id", integer(), false},
                                     {"@category_name", sysname(), false},
                                     {"@owner_login_name", sysname(), false},
                                     {"@notify_level_eventlog", integer(), false},
                                     {"@notify_level_email", integer(), false},
                                     {"@notify_level_netsend", integer(), false},
                                     {"@notify_level_page", integer(), false},
                                     {"@notify_email_operator_name", sysname(), false},
                                     {"@notify_netsend_operator_name", sysname(), false},
                                     {"@notify_page_operator_name", sysname(), false},
                                     {"@delete_level", integer(), false},
                                     {"@automatic_post", bit(), false}},
                                    args, ci());
  if (describe_mode_) return;
  ServerState& s = server_;
  Caller caller = caller_of(s, session_);
  AgentJob& j = verify_agent_job(s, ci(), a[0], a[1]);
  if (!caller.sysadmin && j.owner_sid != caller.sid)
    raise(in(ErrorMessage{14525, 16, 1,
                          "Only members of sysadmin role are allowed to update or delete jobs owned by a different login.",
                          0, ""},
             "sp_update_job"));
  // The new values, the job's own where a parameter is NULL (msdb: ISNULL(@x, current)).
  std::string name = text(a[2]).value_or(j.name);
  std::int64_t enabled = number(a[3]).value_or(j.enabled);
  std::optional<std::string> description = a[4].is_null() ? std::nullopt : text(a[4], false);
  std::int64_t start_step = number(a[5]).value_or(j.start_step_id);
  std::int64_t eventlog = number(a[8]).value_or(j.notify_level_eventlog);
  std::int64_t email = number(a[9]).value_or(j.notify_level_email);
  std::int64_t netsend = number(a[10]).value_or(j.notify_level_netsend);
  std::int64_t page = number(a[11]).value_or(j.notify_level_page);
  std::int64_t deletion = number(a[15]).value_or(j.delete_level);
  std::optional<std::string> owner = a[7].is_null() ? std::nullopt : std::optional<std::string>(a[7].value.as_string());
  std::optional<std::vector<std::uint8_t>> owner_id =
      owner ? owner_sid(s, caller, owner, "sp_update_job") : std::optional<std::vector<std::uint8_t>>(j.owner_sid);
  // sp_verify_job (for an existing job)
  for (const auto& other : s.agent.jobs)
    if (&other != &j && collate_equal(other.name, name, ci())) raise(err::agent_already_exists("@name", name));
  if (enabled != 0 && enabled != 1) raise(err::agent_invalid_value("@enabled", "0, 1"));
  int max_step = static_cast<int>(j.steps.size());
  if (start_step < 1 || start_step > max_step + 1)
    raise(err::agent_invalid_value("@start_step_id", "1.." + std::to_string(max_step + 1)));
  int category = j.category_id;
  if (auto c = text(a[6])) category = verify_category(c, std::nullopt, j.targets_local_server);
  verify_owner(owner_id);
  verify_levels_and_operators(eventlog, email, netsend, page, text(a[12]), text(a[13]), text(a[14]), deletion);

  j.name = name;
  j.enabled = static_cast<int>(enabled);
  if (description) j.description = *description;
  j.start_step_id = static_cast<int>(start_step);
  j.category_id = category;
  j.owner_sid = *owner_id;
  j.notify_level_eventlog = static_cast<int>(eventlog);
  j.delete_level = static_cast<int>(deletion);
  j.date_modified = now_utc();
  ++j.version_number;
}

// --- sp_add_jobstep --------------------------------------------------------------

void Executor::agent_add_jobstep(Frame& f, std::vector<CallArg>& args) {
  std::vector<std::string> outputs;
  auto a = bind_procedure_arguments("sp_add_jobstep",
                                    {{"@job_id", guid(), false},
                                     {"@job_name", sysname(), false},
                                     {"@step_id", integer(), false},
                                     {"@step_name", sysname(), true},
                                     {"@subsystem", nvarchar(40), false},
                                     {"@command", nvarchar(-1), false},
                                     {"@additional_parameters", nvarchar(-1), false},
                                     {"@cmdexec_success_code", integer(), false},
                                     {"@on_success_action", tinyint(), false},
                                     {"@on_success_step_id", integer(), false},
                                     {"@on_fail_action", tinyint(), false},
                                     {"@on_fail_step_id", integer(), false},
                                     {"@server", sysname(), false},
                                     {"@database_name", sysname(), false},
                                     {"@database_user_name", sysname(), false},
                                     {"@retry_attempts", integer(), false},
                                     {"@retry_interval", integer(), false},
                                     {"@os_run_priority", integer(), false},
                                     {"@output_file_name", nvarchar(200), false},
                                     {"@flags", integer(), false},
                                     {"@proxy_id", integer(), false},
                                     {"@proxy_name", sysname(), false},
                                     {"@step_uid", guid(), false}},
                                    args, ci(), &outputs);
  if (describe_mode_) return;
  ServerState& s = server_;
  Caller caller = caller_of(s, session_);
  std::string step_name = a[3].is_null() ? std::string() : trim(a[3].value.as_string());
  std::string subsystem = a[4].is_null() ? std::string("TSQL") : trim(a[4].value.as_string());
  if (iequals(subsystem, "DTS")) subsystem = "SSIS";
  std::optional<std::string> command = a[5].is_null() ? std::nullopt : std::optional<std::string>(a[5].value.as_string());
  std::optional<std::string> additional = a[6].is_null() ? std::nullopt : std::optional<std::string>(a[6].value.as_string());
  std::int64_t success_code = number(a[7]).value_or(0);
  std::int64_t on_success = number(a[8]).value_or(1), on_success_step = number(a[9]).value_or(0);
  std::int64_t on_fail = number(a[10]).value_or(2), on_fail_step = number(a[11]).value_or(0);
  std::optional<std::string> server = text(a[12]);
  std::optional<std::string> database = text(a[13]);
  std::optional<std::string> database_user = text(a[14]);
  std::int64_t retry_attempts = number(a[15]).value_or(0), retry_interval = number(a[16]).value_or(0);
  std::int64_t priority = number(a[17]).value_or(0);
  std::optional<std::string> output_file = text(a[18]);
  std::int64_t flags = number(a[19]).value_or(0);
  std::optional<std::int64_t> proxy_id = number(a[20]);
  std::optional<std::string> proxy_name = text(a[21]);

  AgentJob& j = verify_agent_job(s, ci(), a[0], a[1]);
  if (!caller.sysadmin && j.owner_sid != caller.sid)
    raise(in(ErrorMessage{14525, 16, 1,
                          "Only members of sysadmin role are allowed to update or delete jobs owned by a different login.",
                          0, ""},
             "sp_add_jobstep_internal"));
  int max_step = static_cast<int>(j.steps.size());
  std::int64_t step_id = number(a[2]).value_or(max_step + 1);

  // sp_verify_jobstep, in its order.
  if (step_id < 1 || step_id > max_step + 1)
    raise(in(err::agent_invalid_value("@step_id", "1.." + std::to_string(max_step + 1)), "sp_verify_jobstep"));
  const auto& known = subsystems(s.os);
  auto sub = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return iequals(k, subsystem); });
  if (sub == known.end())
    raise(in(err::agent_invalid_choice("@subsystem", "sp_enum_sqlagent_subsystems"), "sp_verify_subsystem"));
  bool tsql = iequals(subsystem, "TSQL"), cmdexec = iequals(subsystem, "CmdExec");
  if (proxy_id || proxy_name) {
    // msdb.dbo.sysproxies is empty here; a T-SQL step never takes a proxy.
    // (Which of sp_verify_proxy_* raises these, and in which order: inferred.)
    if (tsql) raise(in(err::agent_proxy_for_tsql(), "sp_verify_proxy_permissions"));
    raise(in(proxy_id ? err::agent_does_not_exist("@proxy_id", std::to_string(*proxy_id))
                      : err::agent_does_not_exist("@proxy_name", *proxy_name),
             "sp_verify_proxy_identifiers"));
  }
  if (j.find_step(step_name, ci())) raise(in(err::agent_already_exists("@step_name", step_name), "sp_verify_jobstep"));
  if (on_success < 1 || on_success > 4)
    raise(in(err::agent_invalid_value("@on_success_action", "1, 2, 3, 4"), "sp_verify_jobstep"));
  if (on_success == 4 && (on_success_step < 1 || on_success_step == step_id))
    raise(err::agent_invalid_step_reference("@on_success_step", static_cast<int>(step_id)));
  if (on_fail < 1 || on_fail > 4)
    raise(in(err::agent_invalid_value("@on_failure_action", "1, 2, 3, 4"), "sp_verify_jobstep"));
  if (on_fail == 4 && (on_fail_step < 1 || on_fail_step == step_id))
    raise(err::agent_invalid_step_reference("@on_failure_step", static_cast<int>(step_id)));
  if (on_success == 4 && on_success_step > max_step)
    emit_info(ErrorMessage{14236, 0, 1, "Warning: Non-existent step referenced by @on_success_step_id.", 0,
                           "sp_verify_jobstep"});
  if (on_fail == 4 && on_fail_step > max_step)
    emit_info(ErrorMessage{14236, 0, 1, "Warning: Non-existent step referenced by @on_fail_step_id.", 0,
                           "sp_verify_jobstep"});
  bool olap = iequals(subsystem, "ANALYSISQUERY") || iequals(subsystem, "ANALYSISCOMMAND");
  if (olap && !server) raise(in(err::agent_does_not_exist("@server", ""), "sp_verify_jobstep"));
  if (!olap && server) {
    // master.dbo.sysservers holds only this server.
    std::string srv = server->substr(0, server->find(','));
    if (!iequals(srv, s.name)) raise(in(err::agent_invalid_choice("@srv", "sp_helpserver"), "sp_verify_jobstep"));
  }
  if (priority != -15 && priority != -1 && priority != 0 && priority != 1 && priority != 15)
    raise(in(err::agent_invalid_value("@os_run_priority", "-15, -1, 0, 1, 15"), "sp_verify_jobstep"));
  if (flags < 0 || flags > 114) raise(in(err::agent_invalid_value("@flags", "0..114"), "sp_verify_jobstep"));
  if (((flags & 4) != 0 && !tsql) || ((flags & 8) != 0 && (flags & 16) != 0) || ((flags & 64) != 0 && !cmdexec))
    raise(err::agent_parameter_not_valid_for_step("@flags", subsystem));
  bool file_ok = tsql || cmdexec || olap || iequals(subsystem, "SSIS") || iequals(subsystem, "PowerShell");
  if (output_file && !file_ok) raise(err::agent_parameter_not_valid_for_step("@output_file_name", subsystem));
  if (((flags & 8) != 0 || (flags & 16) != 0) && !file_ok) raise(err::agent_parameter_not_valid_for_step("@flags", subsystem));
  if (cmdexec) {
    database.reset();
    database_user.reset();
  }
  if (!tsql) database_user.reset();
  if (tsql) {
    server.reset();
    if (!database) database = "master";
    const Database* db = s.find_database(*database);
    if (!db) raise(in(err::agent_does_not_exist("@database_name", *database), "sp_verify_jobstep"));
    database = db->name;
    // Database users are not modelled: @database_user_name is kept as given.
  }

  // Insert, renumbering the steps from step_id on (sp_add_jobstep_internal).
  if (step_id <= max_step) {
    for (auto& st : j.steps) {
      if (st.step_id >= step_id) ++st.step_id;
      if (st.on_success_step_id >= step_id) ++st.on_success_step_id;
      if (st.on_fail_step_id >= step_id) ++st.on_fail_step_id;
    }
    for (auto& st : j.steps) {
      if (st.on_success_step_id == step_id) {
        st.on_success_step_id = 0;
        st.on_success_action = 1;
      }
      if (st.on_fail_step_id == step_id) {
        st.on_fail_step_id = 0;
        st.on_fail_action = 2;
      }
    }
  }
  AgentJobStep st;
  st.step_id = static_cast<int>(step_id);
  st.step_name = step_name;
  st.subsystem = *sub;
  st.command = command;
  st.flags = static_cast<int>(flags);
  st.additional_parameters = additional;
  st.cmdexec_success_code = static_cast<int>(success_code);
  st.on_success_action = static_cast<int>(on_success);
  st.on_success_step_id = static_cast<int>(on_success_step);
  st.on_fail_action = static_cast<int>(on_fail);
  st.on_fail_step_id = static_cast<int>(on_fail_step);
  st.server = server;
  st.database_name = database;
  st.database_user_name = database_user;
  st.retry_attempts = static_cast<int>(retry_attempts);
  st.retry_interval = static_cast<int>(retry_interval);
  st.os_run_priority = static_cast<int>(priority);
  st.output_file_name = output_file;
  st.step_uid = new_guid();
  std::string uid = st.step_uid;
  j.steps.push_back(std::move(st));
  std::sort(j.steps.begin(), j.steps.end(),
            [](const AgentJobStep& x, const AgentJobStep& y) { return x.step_id < y.step_id; });
  ++j.version_number;
  j.date_modified = now_utc();
  if (!outputs[22].empty()) assign(f, outputs[22], Datum::guid(uid));
}

// --- sp_add_schedule -------------------------------------------------------------

void Executor::agent_add_schedule(Frame& f, std::vector<CallArg>& args) {
  std::vector<std::string> outputs;
  auto a = bind_procedure_arguments("sp_add_schedule",
                                    {{"@schedule_name", sysname(), true},
                                     {"@enabled", tinyint(), false},
                                     {"@freq_type", integer(), false},
                                     {"@freq_interval", integer(), false},
                                     {"@freq_subday_type", integer(), false},
                                     {"@freq_subday_interval", integer(), false},
                                     {"@freq_relative_interval", integer(), false},
                                     {"@freq_recurrence_factor", integer(), false},
                                     {"@active_start_date", integer(), false},
                                     {"@active_end_date", integer(), false},
                                     {"@active_start_time", integer(), false},
                                     {"@active_end_time", integer(), false},
                                     {"@owner_login_name", sysname(), false},
                                     {"@schedule_uid", guid(), false},
                                     {"@schedule_id", integer(), false},
                                     {"@originating_server", sysname(), false}},
                                    args, ci(), &outputs);
  if (describe_mode_) return;
  ServerState& s = server_;
  Caller caller = caller_of(s, session_);
  std::string name = a[0].is_null() ? std::string() : trim(a[0].value.as_string());
  std::int64_t enabled = number(a[1]).value_or(1);
  std::int64_t freq_type = number(a[2]).value_or(0);
  std::int64_t freq_interval = number(a[3]).value_or(0);
  std::int64_t subday_type = number(a[4]).value_or(0);
  std::int64_t subday_interval = number(a[5]).value_or(0);
  std::int64_t relative = number(a[6]).value_or(0);
  std::int64_t recurrence = number(a[7]).value_or(0);
  std::int64_t start_date = number(a[8]).value_or(0);
  std::int64_t end_date = number(a[9]).value_or(99991231);
  std::int64_t start_time = number(a[10]).value_or(0);
  std::int64_t end_time = number(a[11]).value_or(235959);
  std::optional<std::string> owner = text(a[12]);

  std::vector<std::uint8_t> schedule_owner = caller.sid;
  if (owner) {
    const Login* l = s.find_login(*owner);
    if (!l) raise(in(err::agent_does_not_exist("@owner_login_name", *owner), "sp_add_schedule"));
    if (!caller.sysadmin && !iequals(*owner, caller.login))
      raise(in(ErrorMessage{14366, 16, 1, "Only members of sysadmin role can modify the owner of a schedule.", 0, ""},
               "sp_verify_schedule"));
    schedule_owner = login_sid(*l);
  }

  // sp_verify_schedule, in its order.
  if (upper(name) == "ALL") raise(err::agent_invalid("@name"));
  if (enabled != 0 && enabled != 1) raise(in(err::agent_invalid_value("@enabled", "0, 1"), "sp_verify_schedule"));
  if (freq_type == 0x2) raise(err::agent_ondemand_unsupported());
  if (freq_type != 0x1 && freq_type != 0x4 && freq_type != 0x8 && freq_type != 0x10 && freq_type != 0x20 &&
      freq_type != 0x40 && freq_type != 0x80)
    raise(in(err::agent_invalid_value("@freq_type", "1, 4, 8, 16, 32, 64, 128"), "sp_verify_schedule"));
  if (subday_type != 0 && subday_type != 0x1 && subday_type != 0x2 && subday_type != 0x4 && subday_type != 0x8)
    raise(in(err::agent_invalid_value("@freq_subday_type", "0x1, 0x2, 0x4, 0x8"), "sp_verify_schedule"));
  if (start_date == 0) start_date = yyyymmdd(now_utc());
  if (end_date == 0) end_date = 99991231;
  if (start_time == 0) start_time = 0;
  if (end_time == 0) end_time = 235959;
  auto verify_date = [](std::int64_t d, const char* param) {
    if (!valid_yyyymmdd(d) || d < 19900101 || d > 99991231)
      raise(in(err::agent_invalid_value(param, "19900101..99991231"), "sp_verify_job_date"));
  };
  verify_date(end_date, "@active_end_date");
  verify_date(start_date, "@active_start_date");
  if (end_date < start_date) raise(err::agent_end_before_start("@active_end_date", "@active_start_date"));
  auto verify_time = [](std::int64_t t, const char* param) {
    if (t < 0 || t > 235959) raise(in(err::agent_invalid_value(param, "000000..235959"), "sp_verify_job_time"));
    const char* part = t / 10000 > 23 ? "hour" : t % 10000 / 100 > 59 ? "minute" : t % 100 > 59 ? "second" : nullptr;
    if (part)
      raise(in(ErrorMessage{14287, 16, 1, std::string("The '") + param + "' supplied has an invalid " + part + ".", 0, ""},
               "sp_verify_job_time"));
  };
  verify_time(end_time, "@active_end_time");
  verify_time(start_time, "@active_start_time");
  if (start_time == end_time && (subday_type == 0x2 || subday_type == 0x4 || subday_type == 0x8))
    raise(in(err::agent_invalid_value("@active_end_time", "before or after @active_start_time"), "sp_verify_schedule"));
  if (freq_type == 0x1 || freq_type == 0x40 || freq_type == 0x80) {
    freq_interval = subday_type = subday_interval = relative = recurrence = 0;
  } else {
    if (subday_type == 0) subday_type = 0x1;
    if ((subday_type != 0x1 && subday_interval < 1) || (subday_type == 0x2 && subday_interval < 10))
      raise(err::agent_schedule_invalid("The specified '@freq_subday_interval' is invalid."));
    if (freq_type == 0x4) {
      recurrence = 0;
      if (freq_interval < 1) raise(err::agent_schedule_invalid("@freq_interval must be at least 1 for a daily job."));
    }
    if (freq_type == 0x8 && (freq_interval < 1 || freq_interval > 127))
      raise(err::agent_schedule_invalid(
          "@freq_interval must be a valid day of the week bitmask [Sunday = 1 .. Saturday = 64] for a weekly job."));
    if (freq_type == 0x10 && (freq_interval < 1 || freq_interval > 31))
      raise(err::agent_schedule_invalid("@freq_interval must be between 1 and 31 for a monthly job."));
    if (freq_type == 0x20 && relative != 0x1 && relative != 0x2 && relative != 0x4 && relative != 0x8 && relative != 0x10)
      raise(err::agent_schedule_invalid(
          "@freq_relative_interval must be one of 1st (0x1), 2nd (0x2), 3rd [0x4], 4th (0x8) or Last (0x10)."));
    if (freq_type == 0x20 && (freq_interval < 1 || freq_interval > 10))
      raise(err::agent_schedule_invalid("@freq_interval must be between 1 and 10 (1 = Sunday .. 7 = Saturday, 8 = Day, "
                                        "9 = Weekday, 10 = Weekend-day) for a monthly-relative job."));
    if ((freq_type == 0x8 || freq_type == 0x10 || freq_type == 0x20) && recurrence < 1)
      raise(err::agent_schedule_invalid("@freq_recurrence_factor must be at least 1."));
  }

  // A @schedule_uid naming an existing schedule updates it (a target server
  // receiving an MSX schedule); any other uid is kept for the new one.
  std::string uid = a[13].is_null() ? new_guid() : upper(a[13].value.as_string());
  AgentSchedule* sc = nullptr;
  for (auto& x : s.agent.schedules)
    if (iequals(x.schedule_uid, uid)) sc = &x;
  bool created = sc == nullptr;
  if (created) {
    s.agent.schedules.emplace_back();
    sc = &s.agent.schedules.back();
    sc->schedule_id = s.agent.next_schedule_id++;
    sc->schedule_uid = uid;
    sc->owner_sid = schedule_owner;
    sc->date_created = now_utc();
  }
  sc->name = name;
  sc->enabled = static_cast<int>(enabled);
  sc->freq_type = static_cast<int>(freq_type);
  sc->freq_interval = static_cast<int>(freq_interval);
  sc->freq_subday_type = static_cast<int>(subday_type);
  sc->freq_subday_interval = static_cast<int>(subday_interval);
  sc->freq_relative_interval = static_cast<int>(relative);
  sc->freq_recurrence_factor = static_cast<int>(recurrence);
  sc->active_start_date = static_cast<int>(start_date);
  sc->active_end_date = static_cast<int>(end_date);
  sc->active_start_time = static_cast<int>(start_time);
  sc->active_end_time = static_cast<int>(end_time);
  sc->date_modified = now_utc();
  if (!created) ++sc->version_number;
  int id = sc->schedule_id;
  if (!outputs[13].empty()) assign(f, outputs[13], Datum::guid(uid));
  if (!outputs[14].empty()) assign(f, outputs[14], Datum::integer(id));
}

// --- sp_attach_schedule ----------------------------------------------------------

void Executor::agent_attach_schedule(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto a = bind_procedure_arguments("sp_attach_schedule",
                                    {{"@job_id", guid(), false},
                                     {"@job_name", sysname(), false},
                                     {"@schedule_id", integer(), false},
                                     {"@schedule_name", sysname(), false},
                                     {"@automatic_post", bit(), false}},
                                    args, ci());
  if (describe_mode_) return;
  ServerState& s = server_;
  Caller caller = caller_of(s, session_);
  AgentJob& j = verify_agent_job(s, ci(), a[0], a[1]);
  // sp_verify_schedule_identifiers
  std::optional<std::string> name = text(a[3]);
  std::optional<std::int64_t> id = number(a[2]);
  if (name.has_value() == id.has_value()) raise(err::agent_supply_schedule("@schedule_id", "@schedule_name"));
  const AgentSchedule* sc = nullptr;
  if (id) {
    sc = s.agent.find_schedule(static_cast<int>(*id));
    if (!sc) raise(in(err::agent_does_not_exist("@schedule_id", std::to_string(*id)), "sp_verify_schedule_identifiers"));
  } else {
    int count = 0;
    for (const auto& x : s.agent.schedules)
      if (collate_equal(x.name, *name, ci())) {
        if (!sc || x.schedule_id < sc->schedule_id) sc = &x;
        ++count;
      }
    if (count > 1) raise(err::agent_schedule_ambiguous(*name, "@schedule_id", "@schedule_name"));
    if (!sc) raise(in(err::agent_does_not_exist("@schedule_name", *name), "sp_verify_schedule_identifiers"));
  }
  if (j.owner_sid != caller.sid && !caller.sysadmin)
    raise(in(ErrorMessage{14377, 16, 1,
                          "The schedule was not attached to the specified job. The schedule owner and the job owner must "
                          "be the same or the operation must be performed by a sysadmin.",
                          0, ""},
             "sp_attach_schedule"));
  // Attaching an attached schedule again changes nothing.
  if (std::find(j.schedule_ids.begin(), j.schedule_ids.end(), sc->schedule_id) == j.schedule_ids.end())
    j.schedule_ids.push_back(sc->schedule_id);
}

// --- sp_add_jobserver ------------------------------------------------------------

void Executor::agent_add_jobserver(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto a = bind_procedure_arguments("sp_add_jobserver",
                                    {{"@job_id", guid(), false},
                                     {"@job_name", sysname(), false},
                                     {"@server_name", sysname(), false},
                                     {"@automatic_post", bit(), false}},
                                    args, ci());
  if (describe_mode_) return;
  ServerState& s = server_;
  std::string server = a[2].is_null() ? s.name : a[2].value.as_string();
  if (iequals(server, "(LOCAL)")) server = s.name;
  server = upper(trim(server));
  AgentJob& j = verify_agent_job(s, ci(), a[0], a[1]);
  if (server != upper(s.name)) {
    // A multi-server job: msdb.dbo.systargetservers is empty (no MSX/TSX here).
    raise(in(err::agent_does_not_exist("@server_name", server), "sp_add_jobserver"));
  }
  if (j.targets_local_server) raise(err::agent_job_already_targeted(j.name, server));
  j.targets_local_server = true;
}

}  // namespace milink::emulator::sql
