#include "run/step_context.hpp"

#include <milink/sdk/http.hpp>

#include "arm/arm_setup.hpp"
#include "http/http_client.hpp"
#include "sql/sql_service.hpp"

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;

StepContextImpl::StepContextImpl(std::string key, const milink::sdk::StepSpec& spec, bool read_only,
                                 bool allow_unknown, Redactor& redactor, EventEmitter emit,
                                 ProviderLookup providers, const std::function<bool()>& cancelled)
    : key_(std::move(key)),
      spec_(spec),
      read_only_(read_only),
      allow_unknown_(allow_unknown),
      redactor_(redactor),
      emit_(std::move(emit)),
      providers_(std::move(providers)),
      cancelled_(cancelled) {}

StepContextImpl::~StepContextImpl() { end_sql(false); }

void StepContextImpl::end_sql(bool succeeded) noexcept {
  std::map<std::string, std::unique_ptr<milink::sql::OdbcSqlSession>> sessions;
  {
    std::lock_guard<std::mutex> lock(sql_mu_);
    sessions.swap(sql_sessions_);
  }
  for (auto& [target, session] : sessions) {
    if (sql_service_ == nullptr) continue;  // closed with the map
    sql_service_->release(std::move(session), succeeded);  // after step_end: no step_log
  }
}

bool StepContextImpl::set_output(const std::string& name, const Value& value, std::string& error) noexcept {
  try {
    const milink::sdk::OutputSpec* o = spec_.output(name);
    if (o == nullptr) {
      error = "step '" + spec_.uses + "' set output \"" + name + "\", which its spec does not declare";
      return false;
    }
    if (value.is_unknown() && !allow_unknown_) {
      error = "output \"" + name + "\" of step '" + spec_.uses + "' is a placeholder; apply() must set real values";
      return false;
    }
    if (!value.is_null() && !milink::sdk::value_matches(value, o->type)) {
      error = "output \"" + name + "\" of step '" + spec_.uses + "' is declared " +
              milink::sdk::value_type_name(o->type) + " but was set to " + kind_name(value.kind());
      return false;
    }
    if (o->secret && value.is_string()) redactor_.add(value.as_string());
    std::lock_guard<std::mutex> lock(mu_);
    outputs_.set(name, value);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

void StepContextImpl::progress(const std::string& message, double fraction) noexcept {
  try {
    if (fraction >= 1.0) {
      std::lock_guard<std::mutex> lock(mu_);
      final_message_ = message;
    }
    emit_(Object{{"event", Value("step_progress")},
                 {"step", Value(key_)},
                 {"message", Value(message)},
                 {"fraction", fraction < 0 ? Value() : Value(fraction)}});
  } catch (...) {
  }
}

void StepContextImpl::add_secret(const std::string& text) noexcept {
  try {
    redactor_.add(text);
  } catch (...) {
  }
}

void StepContextImpl::log(milink::sdk::LogLevel level, const std::string& message) noexcept {
  const char* names[] = {"debug", "info", "warning", "error"};
  try {
    emit_(Object{{"event", Value("step_log")},
                 {"step", Value(key_)},
                 {"level", Value(names[static_cast<int>(level)])},
                 {"message", Value(message)}});
  } catch (...) {
  }
}

bool StepContextImpl::cancelled() const noexcept {
  try {
    return cancelled_();
  } catch (...) {
    return true;
  }
}

milink::sdk::Provider* StepContextImpl::provider(const std::string& kind, const std::string& name,
                                                 std::string& error) noexcept {
  try {
    return providers_(kind, name, error);
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

milink::sdk::SqlSession* StepContextImpl::sql(const std::string& target, std::string& error) noexcept {
  try {
    if (sql_service_ == nullptr) {
      error = "SQL target \"" + target + "\" is not available here: `milink plan` connects to no server, so a "
              "step's plan() must not run SQL";
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(sql_mu_);
    auto it = sql_sessions_.find(target);
    if (it != sql_sessions_.end()) return it->second.get();
    auto session = sql_service_->open(
        target, read_only_, [this](const std::string& m) { log(milink::sdk::LogLevel::Warning, m); }, error);
    if (!session) {
      error = redactor_.redact(error);
      return nullptr;
    }
    milink::sql::OdbcSqlSession* raw = session.get();
    sql_sessions_.emplace(target, std::move(session));
    return raw;
  } catch (const std::exception& e) {
    error = redactor_.redact(std::string("SQL target \"") + target + "\": " + e.what());
    return nullptr;
  }
}

milink::sdk::ArmClient* StepContextImpl::arm(std::string& error) noexcept {
  try {
    if (arm_service_ == nullptr) {
      error = "Azure Resource Manager is not available here: `milink plan` connects nowhere, so a step's plan() "
              "must not call ARM";
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(arm_mu_);
    if (arm_client_) return arm_client_.get();
    if (arm_plan_only_) {
      arm_client_ = arm_service_->open_for_plan(error);
      if (!arm_client_) error = redactor_.redact(error);
      return arm_client_.get();
    }
    milink::arm::ArmReporter reporter;
    reporter.progress = [this](const std::string& m, double f) { progress(m, f); };
    reporter.log = [this](milink::sdk::LogLevel level, const std::string& m) { log(level, m); };
    reporter.cancelled = [this] { return cancelled(); };
    arm_client_ = arm_service_->open(std::move(reporter), read_only_, error);
    if (!arm_client_) error = redactor_.redact(error);
    return arm_client_.get();
  } catch (const std::exception& e) {
    error = redactor_.redact(std::string("Azure Resource Manager: ") + e.what());
    return nullptr;
  }
}

milink::sdk::HttpClient& StepContextImpl::http() noexcept {
  if (http_ != nullptr) return *http_;
  static milink::http::RefusingClient refusing(
      "HTTP is not available here: `milink plan` connects nowhere, so a step's plan() must not send requests");
  return refusing;
}

Object StepContextImpl::outputs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outputs_;
}

std::vector<std::string> StepContextImpl::missing_outputs() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& o : spec_.outputs)
    if (!outputs_.contains(o.name)) out.push_back(o.name);
  return out;
}

std::string StepContextImpl::final_message() const {
  std::lock_guard<std::mutex> lock(mu_);
  return final_message_;
}

}  // namespace milink::run
