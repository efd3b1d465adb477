#include "tds/request_handler.hpp"

#include <algorithm>
#include <cctype>

namespace milink::emulator::tds {

namespace {

constexpr std::size_t kMaxPreparedPerConnection = 65536;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// "master.sys.sp_executesql", "[sys].[sp_prepare]" -> "sp_executesql", "sp_prepare".
std::string bare_name(const std::string& name) {
  std::string n;
  for (char c : name)
    if (c != '[' && c != ']') n += c;
  if (auto dot = n.rfind('.'); dot != std::string::npos) n = n.substr(dot + 1);
  return lower(n);
}

std::uint16_t builtin_id(const RpcCall& c) {
  if (c.proc_id != 0) return c.proc_id;
  std::string n = bare_name(c.name);
  if (n == "sp_executesql") return proc_id::kExecuteSql;
  if (n == "sp_prepare") return proc_id::kPrepare;
  if (n == "sp_execute") return proc_id::kExecute;
  if (n == "sp_prepexec") return proc_id::kPrepExec;
  if (n == "sp_unprepare") return proc_id::kUnprepare;
  return 0;
}

/// Transaction and savepoint names compare like identifiers (case-insensitively).
bool iequal_name(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

bool is_text(const RpcParam& p) { return !p.value.is_null() && p.value.type() == SqlType::NVarChar; }

Bytes descriptor_bytes(std::uint64_t d) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(d >> (8 * i));
  return b;
}

Response error_response(int number, int state, const std::string& text) {
  Response r;
  r.add_error(number, 16, state, text);
  return r;
}

}  // namespace

Message malformed_stream_message() {
  Message m;
  m.number = 4002;
  m.state = 1;
  m.severity = 16;
  m.text = "The incoming tabular data stream (TDS) protocol stream is incorrect.";
  m.line = 0;
  return m;
}

RequestHandler::RequestHandler(Engine& engine, Session& session, const ServerIdentity& identity,
                               std::uint32_t tds_version, std::atomic<std::uint64_t>& next_transaction)
    : engine_(engine), session_(session), identity_(identity), tds_version_(tds_version),
      next_transaction_(next_transaction) {}

Response RequestHandler::guarded(const std::function<Response()>& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return error_response(50000, 1, std::string("The emulator's SQL engine failed: ") + e.what());
  }
}

void RequestHandler::transaction_changes(std::uint64_t before, bool failed, TokenWriter& tw) {
  std::uint64_t after = session_.transaction;
  if (before == after) return;
  if (before != 0)
    tw.envchange_bytes(failed ? envchange::kRollbackTran : envchange::kCommitTran, {}, descriptor_bytes(before));
  if (after != 0) tw.envchange_bytes(envchange::kBeginTran, descriptor_bytes(after), {});
}

bool RequestHandler::sql_batch(const SqlBatch& batch, TokenWriter& tw) {
  const std::uint64_t before = session_.transaction;
  Response r = guarded([&] { return engine_.execute(session_, batch.text, {}); });
  transaction_changes(before, r.failed, tw);
  tw.response_items(r, session_, false);
  if (!tw.ends_with_done() || tw.error_pending()) tw.done(token::kDone, done_status::kFinal, 0, 0);
  return r.failed;
}

bool RequestHandler::rpc(const RpcRequest& request, TokenWriter& tw) {
  for (const auto& c : request.calls) call(c, tw);
  return false;  // each DONEPROC carries its own DONE_ERROR
}

void RequestHandler::call(const RpcCall& c, TokenWriter& tw) {
  switch (builtin_id(c)) {
    case proc_id::kExecuteSql: return execute_sql(c, tw);
    case proc_id::kPrepare: return prepare(c, tw);
    case proc_id::kExecute: return execute_prepared(c, tw);
    case proc_id::kPrepExec: return prepexec(c, tw);
    case proc_id::kUnprepare: return unprepare(c, tw);
    default: return procedure(c, tw);
  }
}

std::vector<Param> RequestHandler::bind(const std::vector<DeclaredParam>& declaration,
                                        const std::vector<RpcParam>& values, std::size_t first) const {
  std::vector<Param> out;
  for (std::size_t i = first; i < values.size(); ++i) {
    const RpcParam& v = values[i];
    const std::size_t k = i - first;
    Param p;
    p.value = v.value;
    p.output = v.output();
    if (!v.name.empty()) {
      p.name = v.name;
      for (const auto& d : declaration)
        if (lower(d.name) == lower(v.name)) p.output = p.output || d.output;
    } else if (k < declaration.size()) {
      p.name = declaration[k].name;
      p.output = p.output || declaration[k].output;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::int32_t RequestHandler::store(std::string sql, std::vector<DeclaredParam> declaration) {
  if (prepared_.size() >= kMaxPreparedPerConnection) prepared_.erase(prepared_.begin());  // oldest leaked handle
  std::int32_t h = next_handle_++;
  if (next_handle_ <= 0) next_handle_ = 1;
  prepared_[h] = Prepared{std::move(sql), std::move(declaration)};
  return h;
}

void RequestHandler::finish_proc(const RpcCall& c, const Response& r, TokenWriter& tw, const std::int32_t* handle) {
  tw.response_items(r, session_, true);
  if (tw.error_pending()) tw.done(token::kDoneInProc, done_status::kFinal, 0, 0);
  std::int32_t status = 0;
  for (const auto& item : r.items)
    if (const auto* s = std::get_if<ReturnStatus>(&item)) status = s->value;
  tw.return_status(status);
  if (handle) {
    std::string name = c.params.empty() ? std::string() : c.params[0].name;
    tw.return_value(0, name, SqlValue::integer(*handle), SqlType::Int, false);
  }
  // Output parameters: matched to the RPC's parameters by name, else to the
  // next output parameter in order (clients such as FreeTDS send them unnamed).
  std::vector<bool> used(c.params.size(), false);
  for (const auto& item : r.items) {
    const auto* rv = std::get_if<ReturnValue>(&item);
    if (!rv) continue;
    std::size_t match = c.params.size();
    for (std::size_t i = 0; i < c.params.size() && match == c.params.size(); ++i)
      if (!used[i] && !c.params[i].name.empty() && lower(c.params[i].name) == lower(rv->name)) match = i;
    for (std::size_t i = 0; i < c.params.size() && match == c.params.size(); ++i)
      if (!used[i] && c.params[i].output() && (handle == nullptr || i != 0)) match = i;
    std::uint16_t ordinal = 0;
    SqlType hint = rv->value.type();
    bool prefer_max = false;
    if (match < c.params.size()) {
      used[match] = true;
      ordinal = static_cast<std::uint16_t>(match);
      if (hint == SqlType::Null) hint = sql_type_of(c.params[match].type);
      prefer_max = c.params[match].type.plp;
    }
    try {
      tw.return_value(ordinal, rv->name, rv->value, hint, prefer_max);
    } catch (const std::exception& e) {
      Message m;
      m.number = 50000;
      m.severity = 16;
      m.text = "The emulator could not encode output parameter " + rv->name + ": " + e.what();
      tw.message(m);
    }
  }
  tw.done(token::kDoneProc, r.failed ? done_status::kError : done_status::kFinal, 0, 0);
}

void RequestHandler::execute_sql(const RpcCall& c, TokenWriter& tw) {
  if (c.params.empty() || !is_text(c.params[0]))
    return finish_proc(c, error_response(214, 2, "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'."),
                       tw, nullptr);
  std::vector<DeclaredParam> decl;
  if (c.params.size() > 1 && is_text(c.params[1])) decl = parse_declaration(c.params[1].value.as_string());
  const std::uint64_t before = session_.transaction;
  auto params = bind(decl, c.params, std::min<std::size_t>(2, c.params.size()));
  Response r = guarded([&] { return engine_.execute(session_, c.params[0].value.as_string(), params); });
  transaction_changes(before, r.failed, tw);
  finish_proc(c, r, tw, nullptr);
}

void RequestHandler::prepare(const RpcCall& c, TokenWriter& tw) {
  // @handle OUTPUT, @params, @stmt [, @options]
  if (c.params.size() < 3 || !is_text(c.params[2]))
    return finish_proc(c, error_response(214, 2, "Procedure expects parameter '@stmt' of type 'ntext/nchar/nvarchar'."), tw,
                       nullptr);
  std::vector<DeclaredParam> decl;
  if (is_text(c.params[1])) decl = parse_declaration(c.params[1].value.as_string());
  std::vector<Param> described;
  for (const auto& d : decl) described.push_back(Param{d.name, SqlValue::null(sql_type_of_declared(d.type)), d.output});
  const std::string sql = c.params[2].value.as_string();
  std::optional<std::vector<Column>> columns;
  try {
    columns = engine_.describe(session_, sql, described);
  } catch (const std::exception&) {
    columns.reset();
  }
  std::int32_t handle = store(sql, std::move(decl));
  if (columns && !columns->empty()) {
    std::vector<ColumnFormat> formats;
    for (std::size_t i = 0; i < columns->size(); ++i) formats.push_back(column_format((*columns)[i], {}, i, tds_version_));
    tw.colmetadata(formats);
  }
  finish_proc(c, Response{}, tw, &handle);
}

void RequestHandler::execute_prepared(const RpcCall& c, TokenWriter& tw) {
  if (c.params.empty() || c.params[0].value.is_null() ||
      (c.params[0].value.type() != SqlType::Int && c.params[0].value.type() != SqlType::BigInt))
    return finish_proc(c, error_response(214, 2, "Procedure expects parameter '@handle' of type 'int'."), tw, nullptr);
  std::int64_t h = c.params[0].value.as_int64();
  auto it = prepared_.find(static_cast<std::int32_t>(h));
  if (it == prepared_.end())
    return finish_proc(c, error_response(8179, 4, "Could not find prepared statement with handle " + std::to_string(h) + "."),
                       tw, nullptr);
  const Prepared prepared = it->second;
  const std::uint64_t before = session_.transaction;
  auto params = bind(prepared.declaration, c.params, 1);
  Response r = guarded([&] { return engine_.execute(session_, prepared.sql, params); });
  transaction_changes(before, r.failed, tw);
  finish_proc(c, r, tw, nullptr);
}

void RequestHandler::prepexec(const RpcCall& c, TokenWriter& tw) {
  // @handle OUTPUT, @params, @stmt, values...
  if (c.params.size() < 3 || !is_text(c.params[2]))
    return finish_proc(c, error_response(214, 2, "Procedure expects parameter '@stmt' of type 'ntext/nchar/nvarchar'."), tw,
                       nullptr);
  std::vector<DeclaredParam> decl;
  if (is_text(c.params[1])) decl = parse_declaration(c.params[1].value.as_string());
  const std::string sql = c.params[2].value.as_string();
  auto params = bind(decl, c.params, 3);
  std::int32_t handle = store(sql, decl);
  const std::uint64_t before = session_.transaction;
  Response r = guarded([&] { return engine_.execute(session_, sql, params); });
  transaction_changes(before, r.failed, tw);
  finish_proc(c, r, tw, &handle);
}

void RequestHandler::unprepare(const RpcCall& c, TokenWriter& tw) {
  if (!c.params.empty() && !c.params[0].value.is_null() &&
      (c.params[0].value.type() == SqlType::Int || c.params[0].value.type() == SqlType::BigInt))
    prepared_.erase(static_cast<std::int32_t>(c.params[0].value.as_int64()));
  finish_proc(c, Response{}, tw, nullptr);
}

void RequestHandler::procedure(const RpcCall& c, TokenWriter& tw) {
  std::vector<Param> params;
  for (const auto& p : c.params) params.push_back(Param{p.name, p.value, p.output()});
  const std::uint64_t before = session_.transaction;
  Response r = guarded([&] { return engine_.execute_procedure(session_, c.name, params); });
  transaction_changes(before, r.failed, tw);
  finish_proc(c, r, tw, nullptr);
}

bool RequestHandler::transaction_manager(const TransactionManagerRequest& t, TokenWriter& tw) {
  // Savepoints and the outermost transaction's name belong to one
  // transaction: forget them once it ended (also by a COMMIT in a batch).
  if (session_.transaction == 0 || session_.transaction != named_transaction_) {
    transaction_name_.clear();
    savepoints_.clear();
  }
  auto begin = [&](const std::string& name) -> bool {
    const bool outermost = session_.transaction == 0;
    Response r = guarded([&] { return engine_.transaction(session_, TransactionRequest::Begin); });
    tw.response_items(r, session_, false);
    if (r.failed) return false;
    if (session_.transaction == 0) session_.transaction = next_transaction_++;
    if (outermost) {
      transaction_name_ = name;
      savepoints_.clear();
      tw.envchange_bytes(envchange::kBeginTran, descriptor_bytes(session_.transaction), {});
    }
    named_transaction_ = session_.transaction;
    return true;
  };
  auto fail = [&](int number, const std::string& text) {
    Message m;
    m.number = number;
    m.severity = 16;
    m.state = 1;
    m.text = text;
    tw.message(m);
    return true;
  };
  bool failed = false;
  switch (t.type) {
    case 5:
      failed = !begin(t.name);
      break;
    case 9:  // SAVE TRANSACTION name
      if (session_.transaction == 0)
        failed = fail(628, "Cannot issue SAVE TRANSACTION when there is no active transaction.");
      else if (t.name.empty())
        failed = fail(50000, "The emulator needs a savepoint name in SAVE TRANSACTION.");
      else
        savepoints_.push_back(t.name);
      break;
    case 7:
    case 8: {
      const bool commit = t.type == 7;
      if (!commit && !t.name.empty() && session_.transaction != 0 && !iequal_name(t.name, transaction_name_)) {
        // ROLLBACK TRANSACTION savepoint: back to the newest savepoint of that
        // name; the transaction stays open.
        auto it = std::find_if(savepoints_.rbegin(), savepoints_.rend(),
                               [&](const std::string& n) { return iequal_name(n, t.name); });
        if (it == savepoints_.rend()) {
          failed = fail(6401, "Cannot roll back " + t.name + ". No transaction or savepoint of that name was found.");
          break;
        }
        savepoints_.erase(it.base(), savepoints_.end());
        break;
      }
      const std::uint64_t old = session_.transaction;
      Response r = guarded([&] {
        return engine_.transaction(session_, commit ? TransactionRequest::Commit : TransactionRequest::Rollback);
      });
      tw.response_items(r, session_, false);
      if (r.failed) {
        failed = true;
        break;
      }
      if (!commit) session_.transaction = 0;
      if (old != 0 && session_.transaction == 0) {
        tw.envchange_bytes(commit ? envchange::kCommitTran : envchange::kRollbackTran, {}, descriptor_bytes(old));
        transaction_name_.clear();
        savepoints_.clear();
      }
      if (t.begin_new) failed = !begin(t.new_name);
      break;
    }
    default: {
      Message m;
      m.number = 50000;  // no SQL Server message fits: DTC requests are not emulated
      m.severity = 16;
      m.text = "The emulator does not support transaction manager request type " + std::to_string(t.type) +
               " (distributed transactions).";
      tw.message(m);
      failed = true;
      break;
    }
  }
  tw.done(token::kDone, done_status::kFinal, 0, 0);
  return failed;
}

}  // namespace milink::emulator::tds
