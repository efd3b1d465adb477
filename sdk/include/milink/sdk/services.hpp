//===- milink/sdk/services.hpp - What milink offers a running step -*- C++ -*-===//
///
/// \file
/// Interfaces milink implements and plugins call. Each method is noexcept:
/// failures come back as values. Objects are owned by milink and are valid
/// for the duration of the call into the plugin that received them; a
/// plugin must not keep references past that call.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/result.hpp>
#include <milink/sdk/value.hpp>

#include <string>

namespace milink::sdk {

class ArmClient;
class HttpClient;
class Provider;
class SqlSession;

enum class LogLevel { Debug, Info, Warning, Error };

/// Shared, run-wide services. Owned by milink; valid for the whole run.
class Services {
public:
  virtual ~Services();

  /// Required. Writes a log line attributed to the calling step. Secrets are
  /// redacted by milink before the line goes anywhere.
  /// Thread safety: may be called from any thread.
  virtual void log(LogLevel level, const std::string& message) noexcept = 0;

  /// Required. True once the user asked to stop (Ctrl-C). Long operations
  /// should poll it and return early. Thread safety: any thread.
  virtual bool cancelled() const noexcept = 0;

  /// Required. The provider of \p kind configured under \p name (e.g.
  /// "credential", "azure-cli"), created on first use and owned by milink
  /// for the rest of the run. Returns nullptr and fills \p error when there
  /// is none or it failed to start. The pointer stays valid for the run.
  /// Thread safety: any thread; the provider itself must be thread-safe.
  virtual Provider* provider(const std::string& kind, const std::string& name,
                             std::string& error) noexcept = 0;

  /// Required. A session on SQL target \p target ("sqlserver",
  /// "managed_instance"), connected on first use with the config's
  /// connection settings. Returns nullptr and fills \p error when the
  /// config has no such target or the connection fails (the error names
  /// the server and says what to check; it never contains the password).
  /// The session belongs to the calling step execution and stays valid
  /// until that call into the plugin returns. It may be a connection an
  /// earlier step execution used, reset to the state after login (see
  /// SqlSession in sql.hpp for what a step may assume). Thread safety: any
  /// thread; each step execution gets its own session.
  virtual SqlSession* sql(const std::string& target, std::string& error) noexcept = 0;

  /// Required. The ARM client for this step execution, authenticated with
  /// the config's credential provider (azure.credential). Returns nullptr
  /// and fills \p error when the config has no azure section or the
  /// credential cannot be set up. Valid until the call into the plugin
  /// returns. Not available in `milink plan`.
  virtual ArmClient* arm(std::string& error) noexcept = 0;

  /// Required. milink's HTTP client (verification always on). Valid for
  /// the whole run; thread-safe.
  virtual HttpClient& http() noexcept = 0;
};

/// Per-execution context of one step (one for_each item).
class StepContext {
public:
  virtual ~StepContext();

  /// "<id>" or "<group>[<item>].<id>", as shown in progress and the journal.
  virtual const std::string& step_key() const noexcept = 0;

  /// Sets a declared output. Returns false (and leaves outputs unchanged)
  /// when \p name is not declared in the spec or \p value has the wrong
  /// type; \p error then says why.
  virtual bool set_output(const std::string& name, const Value& value,
                          std::string& error) noexcept = 0;

  /// Reports progress of a long operation (seeding, polling): a message and
  /// a fraction in [0, 1], or a negative fraction when unknown.
  virtual void progress(const std::string& message, double fraction) noexcept = 0;

  /// Marks a string as secret for the rest of the run (a generated password,
  /// a token): it is redacted from every output from now on.
  virtual void add_secret(const std::string& text) noexcept = 0;

  /// True in `milink run --dry-run` and `milink plan`: nothing may change.
  virtual bool read_only() const noexcept = 0;

  virtual Services& services() noexcept = 0;
};

}  // namespace milink::sdk
