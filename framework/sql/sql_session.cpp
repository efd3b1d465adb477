#include "sql/sql_session.hpp"

#include "run/audit_log.hpp"

#include "retry/policy.hpp"
#include "sql/connect_error.hpp"
#include "sql/read_only.hpp"
#include "sql/sql_error.hpp"
#include "sql/tls_probe.hpp"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/ODBC/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/String.h>

#include <mutex>
#include <thread>

namespace milink::sql {

using milink::sdk::SqlError;
using milink::sdk::SqlResult;
using milink::sdk::SqlValue;

namespace {

constexpr std::size_t kMaxFieldSize = 16u << 20;  // 16 MiB: certificates, not backups

void register_odbc_connector() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::ODBC::Connector::registerConnector(); });
}

bool lower_contains(const std::string& text, const char* what) {
  return Poco::toLower(text).find(what) != std::string::npos;
}

/// A TLS or certificate failure: a setting to fix, not a server to wait for.
bool mentions_tls(const std::string& message) {
  for (const char* w : {"ssl", "tls", "certificate", "encrypt"})
    if (lower_contains(message, w)) return true;
  return false;
}

SQLHDBC handle_of(Poco::Data::Session& s) {
  auto* impl = dynamic_cast<Poco::Data::ODBC::SessionImpl*>(s.impl());
  return impl != nullptr ? static_cast<SQLHDBC>(impl->dbc().handle()) : SQL_NULL_HDBC;
}

}  // namespace

OdbcSqlSession::OdbcSqlSession(TargetSettings settings, ConnectionString cs, bool read_only, SqlNotice notice)
    : settings_(std::move(settings)), connection_(std::move(cs)), read_only_(read_only), notice_(std::move(notice)) {
  options_.query_timeout_seconds = settings_.query_timeout_seconds();
  options_.max_field_bytes = kMaxFieldSize;
}

OdbcSqlSession::~OdbcSqlSession() { disconnect(); }

milink::retry::Policy sql_retry_policy() {
  // Deadlocks and failovers clear in well under a minute; start small.
  milink::retry::Policy p;
  p.max_attempts = 6;
  p.base = std::chrono::milliseconds(200);
  p.cap = std::chrono::milliseconds(5000);
  p.max_total = std::chrono::minutes(1);
  return p;
}

milink::retry::Policy sql_reconnect_policy() {
  // A lost connection costs an attempt at once: a server restarting or
  // failing over, or a network dropping connections, needs more of them.
  milink::retry::Policy p = sql_retry_policy();
  p.max_attempts = 10;
  return p;
}

std::unique_ptr<OdbcSqlSession> OdbcSqlSession::open(const TargetSettings& settings, bool read_only, SqlNotice notice,
                                                     std::string& error) {
  ConnectionString cs;
  if (!build_connection_string(settings, cs, error)) return nullptr;
  std::unique_ptr<OdbcSqlSession> s(new OdbcSqlSession(settings, std::move(cs), read_only, std::move(notice)));
  SqlError e;
  if (!s->connect_retrying(e)) {
    error = e.message;
    return nullptr;
  }
  return s;
}

bool OdbcSqlSession::connect_retrying(SqlError& error) {
  // A server that drops the connection during login, times out or says it
  // is briefly unavailable may take it a moment later; a refused connection
  // (nothing listens) or a login failure will not. The reconnects of one
  // statement have a budget of their own, so that a flaky network does not
  // spend the statement's attempts on connections that never ran it.
  milink::retry::Backoff backoff(sql_reconnect_policy(), rng_);
  while (!connect(error)) {
    auto wait = connect_transient_ ? backoff.next() : std::nullopt;
    if (!wait) {
      if (backoff.retries() > 0) error.message += " (" + settings_.target + " unavailable: " + backoff.gave_up() + ")";
      return false;
    }
    if (notice_) notice_(settings_.target + ": cannot connect (" + transient_kind(error) + "); " + backoff.retrying(*wait));
    std::this_thread::sleep_for(*wait);
  }
  return true;
}

std::string OdbcSqlSession::scrub(std::string text) const {
  // POCO and drivers may echo the connection string; show the redacted one.
  if (!connection_.text.empty()) {
    std::size_t pos;
    while ((pos = text.find(connection_.text)) != std::string::npos)
      text.replace(pos, connection_.text.size(), connection_.redacted);
  }
  std::vector<std::string> secrets = connection_string_secrets(settings_.extra);
  secrets.push_back(settings_.password);
  return scrub_secrets(std::move(text), secrets);
}

bool OdbcSqlSession::connect(SqlError& error) {
  disconnect();
  register_odbc_connector();
  SqlError e;
  try {
    auto session = std::make_unique<Poco::Data::Session>(
        "ODBC", connection_.text, static_cast<std::size_t>(settings_.login_timeout_seconds()));
    session->setProperty("maxFieldSize", Poco::Any(kMaxFieldSize));
    session->setProperty("queryTimeout", Poco::Any(settings_.query_timeout_seconds()));
    if (!session->getFeature("autoCommit")) session->setFeature("autoCommit", true);
    if (handle_of(*session) == SQL_NULL_HDBC) {
      e.message = "the ODBC session has no connection handle";
    } else {
      session_ = std::move(session);
      broken_ = false;
      ++connects_;
      // The state a reused session must come back to (session_reset.hpp).
      // Not read: the session works, but is not reused.
      if (!read_state(session_state_query(), login_state_)) login_state_.clear();
      return true;
    }
  } catch (const Poco::Exception& ex) {
    std::string text = ex.displayText();
    std::vector<DiagRecord> recs = parse_poco_diagnostics(text);
    e = make_error(recs, recs.empty() ? text : std::string());
    // A failed login is a connection failure whatever SQLSTATE it carries.
    e.connection_lost = true;
  } catch (const std::exception& ex) {
    e.message = ex.what();
    e.connection_lost = true;
  }
  e.message = scrub(e.message);
  error = e;
  error.message = describe_connect_failure(settings_, e);
  // A server error is transient when its number says so (40613, 1205, ...):
  // every failed login counts as a lost connection, which is not the point here.
  SqlError numbered = e;
  numbered.connection_lost = false;
  connect_transient_ = e.number != 0 ? is_transient(numbered) : e.timed_out || e.sqlstate == "HYT00";
  // FreeTDS says only "connection failed" when it refuses the certificate:
  // without an error from the server, look at the certificate.
  if (settings_.verify_certificate && e.number == 0 && !e.timed_out && e.sqlstate != "HYT00") {
    std::string tls = certificate_failure_message(settings_,
                                                  probe_tds_certificate(settings_, settings_.login_timeout_seconds()));
    if (!tls.empty()) {
      error.message = "cannot connect to SQL target \"" + settings_.target + "\" at " + settings_.address() +
                      " (driver " + settings_.driver + "): " + tls;
      error.connection_lost = false;
      return false;
    }
  }
  // FreeTDS reports a refused connection and one the server broke during
  // login (a reset, a server restarting) alike, without an error number.
  // A server that accepts TCP connections is there: the failure is transient.
  const bool unable_to_connect = e.sqlstate.rfind("08", 0) == 0 || lower_contains(e.message, "unable to connect");
  if (e.number == 0 && !connect_transient_ && unable_to_connect && !mentions_tls(e.message) &&
      accepts_tcp_connections(settings_, settings_.login_timeout_seconds())) {
    connect_transient_ = true;
    std::string what = e.message + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")");
    while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
    error.message = "cannot connect to SQL target \"" + settings_.target + "\" at " + settings_.address() +
                    " (driver " + settings_.driver + "): the server accepted the connection and closed it during "
                    "login: " + what + ". It may be restarting, failing over or overloaded (or refuse the "
                    "encryption that " + settings_.pointer("encryption") + " asks for); this is the server, not "
                    "the credentials.";
    error.connection_lost = true;
  }
  return false;
}

void OdbcSqlSession::audit(const std::string& sql, const SqlError* error) const {
  if (error == nullptr) {
    milink::audit::record("SQL", settings_.target, sql, "ok");
    return;
  }
  milink::audit::record("SQL", settings_.target, sql,
                        "error" + (error->number != 0 ? " " + std::to_string(error->number) : std::string()) + ": " +
                            scrub(error->message));
}

bool OdbcSqlSession::read_state(const std::string& sql, std::vector<std::string>& out) {
  out.clear();
  SqlResult r;
  std::vector<DiagRecord> diag;
  SQLHDBC dbc = handle_of(*session_);
  if (!run_batch(dbc, sql, {}, options_, r, diag)) {
    SqlError e = make_error(diag, std::string());
    audit(sql, &e);
    if (e.connection_lost || connection_dead(dbc)) broken_ = true;
    return false;
  }
  audit(sql, nullptr);
  if (r.sets.empty() || r.sets.back().rows.size() != 1) return false;
  for (const auto& v : r.sets.back().rows[0]) out.push_back(v.to_display());
  return !out.empty() && !out[0].empty() && out[0] != "NULL";
}

bool OdbcSqlSession::reset_for_reuse() noexcept {
  try {
    // Not after a broken connection, nor without the state after login to compare with.
    if (!session_ || broken_ || login_state_.empty()) return false;
    std::vector<std::string> now;
    // Fails when the reset fails; differs when the step changed state the
    // reset cannot undo (SET options, EXECUTE AS, ...).
    return read_state(session_reset_batch(login_state_[0]), now) && now == login_state_;
  } catch (...) {
    return false;
  }
}

bool OdbcSqlSession::idle_connection_usable() noexcept {
  try {
    if (!session_ || broken_) return false;
    SQLHDBC dbc = handle_of(*session_);
    return !connection_dead(dbc) && !idle_socket_readable(dbc);
  } catch (...) {
    return false;
  }
}

void OdbcSqlSession::disconnect() noexcept {
  if (!session_) return;
  try {
    session_->close();
  } catch (...) {
    // A dead connection may fail to close cleanly; it is dropped either way.
  }
  session_.reset();
}

bool OdbcSqlSession::execute(const std::string& sql, const std::vector<SqlValue>& params, bool idempotent,
                             SqlResult& out, SqlError& error) noexcept {
  try {
    out = SqlResult{};
    error = SqlError{};
    if (read_only_) {
      ReadOnlyVerdict v = check_read_only(sql);
      if (!v.allowed) {
        error.message = "read-only mode (dry run): milink did not send this batch to " + settings_.target +
                        " because it could change the server (" + v.reason +
                        "); a dry run runs only SELECT, EXEC of read-only system procedures and DBCC TRACESTATUS";
        return false;
      }
    }
    // Made at the first transient failure, with the bounds of its kind.
    std::optional<milink::retry::Backoff> backoff;
    for (;;) {
      if (!session_ || broken_) {
        if (!connect_retrying(error)) {
          if (backoff && backoff->retries() > 0 && error.message.find(" unavailable: retried ") == std::string::npos)
            error.message += " (" + settings_.target + " unavailable: " + backoff->gave_up() + ")";
          return false;
        }
        if (backoff && backoff->retries() > 0 && notice_)
          notice_("reconnected to " + settings_.target + " (" + settings_.address() +
                  ") after the connection broke; running the idempotent statement again");
      }
      std::vector<DiagRecord> diag;
      SQLHDBC dbc = handle_of(*session_);
      if (run_batch(dbc, sql, params, options_, out, diag)) {
        audit(sql, nullptr);
        return true;
      }
      error = make_error(diag, std::string());
      audit(sql, &error);
      // The driver may give up on a connection without saying so in the
      // diagnostics (FreeTDS after an unanswered cancel on timeout).
      if (connection_dead(dbc)) error.connection_lost = true;
      error.message = scrub(error.message);
      if (error.connection_lost) broken_ = true;
      if (!is_transient(error)) return false;
      if (!idempotent) {
        if (error.connection_lost && !error.timed_out)
          error.message += " (the connection to " + settings_.target + " broke; milink did not repeat the statement "
                           "because it is not marked idempotent, and cannot tell whether it ran)";
        return false;
      }
      if (!backoff) backoff.emplace(error.connection_lost ? sql_reconnect_policy() : sql_retry_policy(), rng_);
      auto wait = backoff->next();
      if (!wait) {
        error.message += " (" + settings_.target + " unavailable: " + backoff->gave_up() + ")";
        return false;
      }
      if (notice_)
        notice_(settings_.target + ": " + transient_kind(error) + ", a transient error; " + backoff->retrying(*wait));
      std::this_thread::sleep_for(*wait);
    }
  } catch (const std::exception& ex) {
    error = SqlError{};
    error.message = scrub(std::string("internal error running SQL: ") + ex.what());
    return false;
  } catch (...) {
    error = SqlError{};
    error.message = "internal error running SQL";
    return false;
  }
}

}  // namespace milink::sql
