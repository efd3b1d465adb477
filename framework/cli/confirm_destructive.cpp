#include "cli/confirm_destructive.hpp"

#include "run/exit_codes.hpp"

#include <cctype>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace milink::cli {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

/// The dry run is a look-ahead: its events are not shown.
class SilentSink final : public milink::run::EventSink {
public:
  void on_event(const Object&) override {}
};

bool has_destructive_step(const std::vector<milink::workflow::StepDef>& steps, const Session& session) {
  for (const auto& s : steps) {
    if (s.is_group() ? has_destructive_step(s.steps, session) : session.validated.entry(s).factory->spec().destructive)
      return true;
  }
  return false;
}

void emit(bool json, const Array& actions, const std::string& decision, const milink::run::Redactor& redactor) {
  if (!json) return;
  Value e(Object{{"event", Value("destructive_actions")}, {"actions", Value(actions)}, {"decision", Value(decision)}});
  std::printf("%s\n", redactor.redact(e).to_json().c_str());
  std::fflush(stdout);
}

}  // namespace

int confirm_destructive(Session& session, milink::run::RunOptions& ro, bool yes, bool json,
                        const milink::run::RunResult* look_ahead) {
  ro.assume_yes = yes;
  if (!has_destructive_step(session.workflow.steps, session)) return kExitSuccess;

  milink::run::RunResult made;
  if (look_ahead == nullptr) {
    milink::run::RunOptions look = ro;
    look.mode = milink::run::Mode::DryRun;
    look.resume = false;
    SilentSink sink;
    milink::run::Runner runner(session.validated, session.registry, session.redactor, sink, look);
    made = runner.run();
  }
  const milink::run::RunResult& result = look_ahead != nullptr ? *look_ahead : made;

  Array actions;
  std::set<std::string> keys;
  std::string listing;
  for (const auto& step : result.steps)
    for (const auto& a : step.actions) {
      if (!a.destructive) continue;
      keys.insert(step.key);
      actions.push_back(Value(Object{{"step", Value(step.key)}, {"target", Value(a.target)}, {"description", Value(a.description)}}));
      listing += "  - " + step.key + ": " + a.description + "\n";
    }
  // A destructive step the look-ahead could not plan (its observe needs what
  // an earlier step changes first, or an earlier step would fail it): the run
  // may still reach it, so it is listed and confirmed too, with the reason.
  for (const auto& step : result.steps) {
    if (keys.count(step.key) != 0) continue;
    const bool undecided = step.status == "failed" || (step.status == "skipped" && step.reason.rfind("not run:", 0) == 0);
    if (!undecided) continue;
    const auto* entry = session.registry.find_step(step.uses);
    if (entry == nullptr || !entry->factory->spec().destructive) continue;
    std::string what = entry->factory->spec().summary;  // "Fails a link over ..." -> "which fails a link over ..."
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    const std::string description = "may run " + step.uses + (what.empty() ? "" : ", which " + what) +
                                    "; not decided before the run: " + step.reason;
    keys.insert(step.key);
    actions.push_back(Value(Object{{"step", Value(step.key)}, {"target", Value("")}, {"description", Value(description)}}));
    listing += "  - " + step.key + ": " + description + "\n";
  }
  if (keys.empty()) return kExitSuccess;  // nothing to destroy; the runner still refuses an unconfirmed surprise
  listing = session.redactor.redact(listing);

  std::FILE* out = json ? stderr : stdout;
  std::fprintf(out, "milink: this run will delete or drop:\n%s", listing.c_str());
  std::fflush(out);
  std::string decision;
  if (yes) {
    decision = "yes_option";
    std::fprintf(out, "milink: going ahead (--yes)\n");
  } else if (::isatty(0) != 0) {
    std::fprintf(stderr, "Type yes to go ahead, anything else to stop: ");
    std::fflush(stderr);
    std::string answer;
    std::getline(std::cin, answer);
    decision = answer == "yes" ? "confirmed" : "refused";
  } else {
    decision = "no_terminal";
  }
  emit(json, actions, decision, session.redactor);
  if (decision == "refused") {
    std::fprintf(stderr, "milink: not confirmed; nothing was changed\n");
    return kExitNotConfirmed;
  }
  if (decision == "no_terminal") {
    report_error("this run would delete or drop what is listed above, and stdin is not a terminal to confirm it; "
                 "pass --yes to go ahead. Nothing was changed",
                 json, &session.redactor);
    return kExitNotConfirmed;
  }
  ro.confirmed_destructive = std::move(keys);
  return kExitSuccess;
}

}  // namespace milink::cli
