#include "sql/sql_engine.hpp"

#include "faults/sql_faults.hpp"
#include "sql/errors.hpp"
#include "sql/executor.hpp"
#include "state/collation.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace milink::emulator {

namespace {

std::atomic<std::uint64_t> g_next_transaction{1};

sql::SessionData& session_data(Session& session) {
  if (!session.engine_data) session.engine_data = std::make_shared<sql::SessionData>();
  return *static_cast<sql::SessionData*>(session.engine_data.get());
}

Message to_message(const sql::ErrorMessage& m) {
  Message out;
  out.number = m.number;
  out.state = m.state;
  out.severity = m.severity;
  out.text = m.text;
  out.procedure = m.procedure;
  out.line = m.line > 0 ? m.line : 1;
  return out;
}

}  // namespace

SqlEngine::SqlEngine(EmulatorWorld& world, Personality personality) : SqlEngine(world, personality, nullptr) {}

SqlEngine::SqlEngine(EmulatorWorld& world, Personality personality, FaultPlan* faults)
    : SqlEngine(world, world.server(personality), faults) {}

SqlEngine::SqlEngine(EmulatorWorld& world, ServerState& server_state, FaultPlan* faults)
    : world_(world), server_(server_state), personality_(server_state.personality), faults_(faults) {
  auto lock = world_.lock();
  ServerState& server = server_;
  if (server.init_done) return;
  server.init_done = true;
  for (std::size_t i = 0; i < server.init_sql.size(); ++i) {
    Session s;
    s.spid = 1;
    s.login = "sa";
    s.database = "master";
    Response r;
    sql::SessionData data;
    sql::Executor(world_, server, s, data, r).run_batch(server.init_sql[i], {});
    if (const Message* m = r.first_error())
      throw std::runtime_error(std::string(personality_name(personality_)) + " init_sql[" + std::to_string(i) +
                               "]: Msg " + std::to_string(m->number) + ", Level " + std::to_string(m->severity) +
                               ", Line " + std::to_string(m->line) + ": " + m->text);
  }
}

ServerIdentity SqlEngine::identity() const {
  auto lock = world_.lock_tracked();
  const ServerState& s = server_;
  ServerIdentity id;
  id.name = s.name;
  id.major = static_cast<std::uint8_t>(std::clamp(s.major(), 0, 255));
  id.minor = static_cast<std::uint8_t>(std::clamp(s.minor(), 0, 255));
  id.build = static_cast<std::uint16_t>(std::clamp(s.build(), 0, 65535));
  const CollationInfo& c = s.collation_info();
  id.lcid = c.lcid;
  id.collation_flags = c.flags;
  id.sort_id = c.sort_id;
  return id;
}

std::optional<Response> SqlEngine::apply_faults(Session& session) {
  FaultPlan* plan = faults_.load();
  if (!plan || FaultsDrawnScope::active()) return std::nullopt;
  const Service service = personality_ == Personality::SqlServer ? Service::Sql : Service::Mi;
  for (const Fault& f : plan->next(service)) {
    switch (f.kind) {
      case Fault::Kind::Latency:
        std::this_thread::sleep_for(std::chrono::milliseconds(f.value));
        break;
      case Fault::Kind::Reset:
      case Fault::Kind::Drop:
        throw InjectedConnectionReset{service};
      case Fault::Kind::SqlError: {
        std::string server;
        {
          auto lock = world_.lock_tracked();
          server = server_.name;
        }
        Response r;
        r.items.emplace_back(injected_sql_error(f.value, session.spid, server, session.database));
        r.failed = true;
        return r;
      }
      case Fault::Kind::HttpStatus:
        break;  // not for the TDS services (the spec parser refuses them)
    }
  }
  return std::nullopt;
}

LoginResult SqlEngine::login(const LoginRequest& request) {
  auto lock = world_.lock_tracked();
  if (world_.advance) world_.advance();
  const ServerState& s = server_;
  LoginResult result;
  const Login* l = s.find_login(request.user);
  if (!l || l->password != request.password) {
    result.error = to_message(sql::err::login_failed(request.user));
    return result;
  }
  if (l->disabled) {
    result.error = to_message(sql::err::login_disabled(request.user));
    return result;
  }
  std::string db = request.database.empty() ? l->default_database : request.database;
  const Database* d = s.find_database(db);
  if (!d || d->state != DatabaseState::Online) {
    result.error = to_message(sql::err::cannot_open_database(db));
    return result;
  }
  result.ok = true;
  result.database = d->name;
  return result;
}

Response SqlEngine::execute(Session& session, const std::string& sql, const std::vector<Param>& params) {
  if (auto injected = apply_faults(session)) return std::move(*injected);
  auto lock = world_.lock_tracked();
  if (world_.advance) world_.advance();
  Response r;
  sql::Executor exec(world_, server_, session, session_data(session), r);
  exec.set_world_lock(&lock);
  exec.set_view_cache(&view_cache_);
  exec.run_batch(sql, params);
  return r;
}

Response SqlEngine::execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) {
  if (auto injected = apply_faults(session)) return std::move(*injected);
  auto lock = world_.lock_tracked();
  if (world_.advance) world_.advance();
  Response r;
  sql::Executor exec(world_, server_, session, session_data(session), r);
  exec.set_world_lock(&lock);
  exec.set_view_cache(&view_cache_);
  exec.run_procedure(name, params);
  return r;
}

std::optional<std::vector<Column>> SqlEngine::describe(Session& session, const std::string& sql,
                                                       const std::vector<Param>& params) {
  auto lock = world_.lock_tracked();
  Response r;
  return sql::Executor(world_, server_, session, session_data(session), r).describe(sql, params);
}

Response SqlEngine::transaction(Session& session, TransactionRequest request) {
  auto lock = world_.lock_tracked();
  Response r;
  sql::SessionData& data = session_data(session);
  switch (request) {
    case TransactionRequest::Begin:
      if (data.trancount++ == 0) session.transaction = g_next_transaction++;
      break;
    case TransactionRequest::Commit:
      if (data.trancount == 0) {
        r.items.emplace_back(to_message(sql::err::commit_without_begin()));
        r.failed = true;
        break;
      }
      if (--data.trancount == 0) session.transaction = 0;
      break;
    case TransactionRequest::Rollback:
      if (data.trancount == 0) {
        r.items.emplace_back(to_message(sql::err::rollback_without_begin()));
        r.failed = true;
        break;
      }
      data.trancount = 0;
      session.transaction = 0;
      break;
  }
  return r;
}

void SqlEngine::reset(Session& session, bool keep_transaction) {
  auto lock = world_.lock_tracked();
  sql::SessionData& data = session_data(session);
  const int trancount = data.trancount;
  data = sql::SessionData{};
  if (keep_transaction)
    data.trancount = trancount;
  else
    session.transaction = 0;
}

void SqlEngine::disconnect(Session& session) {
  auto lock = world_.lock_tracked();
  session.engine_data.reset();
  session.transaction = 0;
}

}  // namespace milink::emulator
