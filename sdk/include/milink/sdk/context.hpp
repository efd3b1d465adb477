//===- milink/sdk/context.hpp - The step author's view of a run --*- C++ -*-===//
///
/// \file
/// \c Context wraps the framework's StepContext for step code. It is compiled
/// into the plugin; where StepContext returns errors as values, Context throws
/// StepError, which StepAdapter catches before it could leave the plugin.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/provider.hpp>
#include <milink/sdk/services.hpp>

#include <stdexcept>
#include <string>

namespace milink::sdk {

/// An error in step code; the message is shown to the user as the reason
/// the step failed.
class StepError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
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

  StepContext& raw() noexcept { return ctx_; }

private:
  StepContext& ctx_;
};

}  // namespace milink::sdk
