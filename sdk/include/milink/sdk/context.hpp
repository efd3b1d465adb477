//===- milink/sdk/context.hpp - The step author's view of a run --*- C++ -*-===//
///
/// \file
/// \c Context wraps the framework's StepContext for step code. It is compiled
/// into the plugin; where StepContext returns errors as values, Context throws
/// StepError, which StepAdapter catches before it could leave the plugin.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/arm.hpp>
#include <milink/sdk/provider.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/sql.hpp>

#include <stdexcept>
#include <string>

namespace milink::sdk {

/// An error in step code; the message is shown to the user as the reason
/// the step failed.
class StepError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A failed SQL statement, thrown by Sql inside the plugin.
class SqlException : public StepError {
public:
  explicit SqlException(SqlError e)
      : StepError(e.number > 0 ? "SQL error " + std::to_string(e.number) + ": " + e.message
                               : e.message + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")")),
        error_(std::move(e)) {}
  int number() const noexcept { return error_.number; }
  const SqlError& error() const noexcept { return error_; }

private:
  SqlError error_;
};

/// The step author's view of a SqlSession: throws SqlException on failure.
class Sql {
public:
  explicit Sql(SqlSession& session) noexcept : session_(session) {}

  /// Runs a batch or statement; every result set, row count and message.
  /// \p idempotent: see SqlSession::execute (false by default: changes are
  /// not repeated after a broken connection).
  SqlResult run(const std::string& sql, const std::vector<SqlValue>& params = {}, bool idempotent = false) {
    SqlResult out;
    SqlError err;
    if (!session_.execute(sql, params, idempotent, out, err)) throw SqlException(std::move(err));
    return out;
  }
  /// A read: the first result set (empty when there is none). Repeated once
  /// after a broken connection.
  SqlResultSet query(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    SqlResult r = run(sql, params, /*idempotent=*/true);
    return r.sets.empty() ? SqlResultSet{} : std::move(r.sets.front());
  }
  /// The first column of the first row, or nullopt when there is no row.
  std::optional<SqlValue> scalar(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    SqlResultSet set = query(sql, params);
    if (set.rows.empty() || set.rows.front().empty()) return std::nullopt;
    return set.rows.front().front();
  }
  const std::string& target() const noexcept { return session_.target(); }

private:
  SqlSession& session_;
};

/// A failed ARM call, thrown by Arm inside the plugin.
class ArmException : public StepError {
public:
  ArmException(ArmError e, const std::string& method, const std::string& path)
      : StepError(e.describe(method, path)), error_(std::move(e)) {}
  const ArmError& error() const noexcept { return error_; }

private:
  ArmError error_;
};

/// The step author's view of an ArmClient: throws ArmException on failure.
class Arm {
public:
  explicit Arm(ArmClient& client) noexcept : client_(client) {}
  const ArmCoordinates& coordinates() const noexcept { return client_.coordinates(); }
  std::string url(const std::string& path, const std::string& api_version) const {
    return client_.url(path, api_version);
  }
  /// GET; a 404 is returned (status 404), not thrown, so observe() can ask
  /// whether a resource exists.
  ArmResponse get(const std::string& path, const std::string& api_version) {
    ArmResponse out;
    ArmError err;
    if (!client_.call("GET", path, api_version, Value(), false, out, err)) {
      if (err.status == 404) {
        out.status = 404;
        out.request_id = err.request_id;
        return out;
      }
      throw ArmException(std::move(err), "GET", path);
    }
    return out;
  }
  /// Every item of a list operation (GET of a collection), following
  /// `nextLink` to the last page (list_all). Throws ArmException on failure,
  /// a 404 included.
  std::vector<Value> list(const std::string& path, const std::string& api_version) {
    std::vector<Value> items;
    ArmError err;
    if (!list_all(client_, path, api_version, items, err)) throw ArmException(std::move(err), "GET", path);
    return items;
  }
  /// PUT, waiting for a long-running operation to finish.
  ArmResponse put(const std::string& path, const std::string& api_version, const Value& body) {
    return send("PUT", path, api_version, body);
  }
  /// PUT without waiting for its long-running operation: returns ARM's
  /// first answer (200, 201 or 202) so the step can follow the resource
  /// with get() and report progress while it converges.
  ArmResponse begin_put(const std::string& path, const std::string& api_version, const Value& body) {
    ArmResponse out;
    ArmError err;
    if (!client_.call("PUT", path, api_version, body, false, out, err)) throw ArmException(std::move(err), "PUT", path);
    return out;
  }
  /// PATCH (a partial update: only the members of \p body change), waiting
  /// for a long-running operation to finish; returns the resource as it is
  /// afterwards. Throws ArmException on an ARM error, a failed operation or
  /// a timeout. PATCH is retried only on 429/503 with Retry-After.
  ArmResponse patch(const std::string& path, const std::string& api_version, const Value& body) {
    return send("PATCH", path, api_version, body);
  }
  ArmResponse remove(const std::string& path, const std::string& api_version) {
    return send("DELETE", path, api_version, Value());
  }
  ArmResponse post(const std::string& path, const std::string& api_version, const Value& body) {
    return send("POST", path, api_version, body);
  }

private:
  ArmResponse send(const std::string& method, const std::string& path, const std::string& api_version,
                   const Value& body) {
    ArmResponse out;
    ArmError err;
    if (!client_.call(method, path, api_version, body, true, out, err)) throw ArmException(std::move(err), method, path);
    return out;
  }
  ArmClient& client_;
};

class Context {
public:
  explicit Context(StepContext& ctx) noexcept : ctx_(ctx) {}

  const std::string& step_key() const noexcept { return ctx_.step_key(); }

  /// Sets a declared output; throws StepError for an undeclared name or a
  /// value of the wrong type (a plugin bug).
  void output(const std::string& name, const Value& value) {
    std::string error;
    if (!ctx_.set_output(name, value, error)) throw StepError(error);
  }

  void debug(const std::string& m) { ctx_.services().log(LogLevel::Debug, m); }
  void info(const std::string& m) { ctx_.services().log(LogLevel::Info, m); }
  void warn(const std::string& m) { ctx_.services().log(LogLevel::Warning, m); }
  /// Logs a finding that fails the step (e.g. a failed check) while the step
  /// goes on to report the others; the step still signals failure itself.
  void error(const std::string& m) { ctx_.services().log(LogLevel::Error, m); }
  void progress(const std::string& message, double fraction = -1) { ctx_.progress(message, fraction); }
  void add_secret(const std::string& text) { ctx_.add_secret(text); }
  bool cancelled() const noexcept { return ctx_.services().cancelled(); }
  bool read_only() const noexcept { return ctx_.read_only(); }

  /// The configured provider \p name of interface \p T (e.g. a credential
  /// provider). Throws StepError when missing or of another interface.
  template <typename T>
  T& provider(const std::string& kind, const std::string& name) {
    std::string error;
    Provider* p = ctx_.services().provider(kind, name, error);
    if (p == nullptr) throw StepError(error);
    T* typed = provider_cast<T>(p);
    if (typed == nullptr)
      throw StepError(kind + " provider '" + name + "' implements '" + p->interface_id() +
                      "', not '" + T::kInterface + "'");
    return *typed;
  }

  /// A SQL session on \p target ("sqlserver", "managed_instance"); throws
  /// StepError when the target is not configured or cannot be reached.
  Sql sql(const std::string& target) {
    std::string error;
    SqlSession* s = ctx_.services().sql(target, error);
    if (s == nullptr) throw StepError(error);
    return Sql(*s);
  }

  /// The ARM client; throws StepError when Azure is not configured.
  Arm arm() {
    std::string error;
    ArmClient* a = ctx_.services().arm(error);
    if (a == nullptr) throw StepError(error);
    return Arm(*a);
  }

  HttpClient& http() noexcept { return ctx_.services().http(); }

  StepContext& raw() noexcept { return ctx_; }

private:
  StepContext& ctx_;
};

}  // namespace milink::sdk
