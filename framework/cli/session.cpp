#include "cli/session.hpp"
#include "cli/workflow_lookup.hpp"
#include "run/config_check.hpp"
#include "run/step_config_check.hpp"
#include "run/journal.hpp"

#include <milink/sdk/value.hpp>

#include <filesystem>

namespace milink::cli {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

void report_error(const std::string& message, bool json, const milink::run::Redactor* redactor) {
  std::string text = redactor ? redactor->redact(message) : message;
  std::fprintf(stderr, "milink: error: %s\n", text.c_str());
  if (json) {
    std::string line =
        Value(Object{{"event", Value("error")}, {"message", Value(text)}, {"time", Value(milink::run::now_iso8601())}})
            .to_json();
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

bool load_plugins(milink::host::Registry& registry, const std::vector<std::string>& plugin_paths, bool json) {
  try {
    registry.load_search_path(milink::host::plugin_search_path(plugin_paths));
    return true;
  } catch (const milink::host::PluginLoadError& e) {
    report_error(e.what(), json);
    return false;
  }
}

void report_invalid(const milink::workflow::InvalidInput& e, bool json, const milink::run::Redactor& redactor) {
  Array list;
  for (const auto& d : e.diagnostics()) {
    std::string text = redactor.redact(d.format());
    std::fprintf(stderr, "%s: error: %s\n", "milink", text.c_str());
    list.push_back(Value(Object{{"file", Value(d.file)},
                                {"line", Value(d.location.line)},
                                {"column", Value(d.location.column)},
                                {"pointer", Value(d.pointer)},
                                {"message", Value(redactor.redact(d.message))},
                                {"hint", Value(redactor.redact(d.hint))}}));
  }
  std::fprintf(stderr, "milink: %zu problem%s found; nothing was run\n", e.diagnostics().size(),
               e.diagnostics().size() == 1 ? "" : "s");
  if (json) {
    std::string line = Value(Object{{"event", Value("invalid_input")},
                                    {"diagnostics", Value(std::move(list))},
                                    {"time", Value(milink::run::now_iso8601())}})
                           .to_json();
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

bool check_config(Session& session, bool json, bool start_credential) {
  try {
    milink::run::check_config_requirements(session.validated, milink::run::config_requirements(session.validated),
                                           session.registry, session.redactor, start_credential);
  } catch (const milink::workflow::InvalidInput& e) {
    report_invalid(e, json, session.redactor);
    return false;
  }
  return check_step_configs(session, json);
}

bool check_step_configs(Session& session, bool json) {
  try {
    milink::run::check_step_configs(session.validated, session.registry);
    return true;
  } catch (const milink::workflow::InvalidInput& e) {
    report_invalid(e, json, session.redactor);
    return false;
  }
}

std::unique_ptr<Session> open_session(const CommonOptions& opts) {
  auto s = std::make_unique<Session>();
  if (!load_plugins(s->registry, opts.plugin_paths, opts.json)) return nullptr;
  try {
    s->config = opts.config.empty() ? milink::workflow::empty_config() : milink::workflow::load_config(opts.config, opts.secrets);
    for (const auto& secret : s->config.secrets) s->redactor.add(secret);
    const std::string workflow_file = resolve_workflow(opts.workflow);
    std::error_code ec;
    if (!std::filesystem::exists(workflow_file, ec)) {
      milink::workflow::Diagnostic d;
      d.file = opts.workflow;
      d.message = "no such file, and no bundled workflow of that name";
      std::string names;
      for (const auto& n : bundled_workflow_names()) names += (names.empty() ? "" : ", ") + n;
      d.hint = names.empty() ? "check the path"
                             : "check the path, or name a bundled workflow (" + names + ")";
      throw milink::workflow::InvalidInput({d});
    }
    s->workflow = milink::workflow::parse_workflow_file(workflow_file);
    s->validated =
        milink::workflow::validate(s->workflow, s->config, s->registry, opts.sets, opts.config_required);
    for (const auto& secret : s->validated.secrets) s->redactor.add(secret);
    if (std::size_t n = s->redactor.too_short())
      std::fprintf(stderr,
                   "milink: warning: %zu secret value%s shorter than %zu characters: too short to mask without "
                   "mangling unrelated words, so %s not masked in the output; use longer secrets\n",
                   n, n == 1 ? " is" : "s are", milink::run::Redactor::kMinimumLength, n == 1 ? "it is" : "they are");
  } catch (const milink::workflow::InvalidInput& e) {
    report_invalid(e, opts.json, s->redactor);
    return nullptr;
  }
  return s;
}

}  // namespace milink::cli
