#include "cli/saved_plan.hpp"

#include "cli/plan_making.hpp"
#include "run/exit_codes.hpp"

#include <milink/sdk/file.hpp>
#include <milink/sdk/json.hpp>

#include <filesystem>

namespace milink::cli {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::string text_of(const Value* v) { return v != nullptr && v->is_string() ? v->as_string() : std::string(); }

const Array* steps_of(const Value& doc) {
  const Value* steps = doc.get("steps");
  return steps != nullptr && steps->is_array() ? &steps->as_array() : nullptr;
}

/// "would change (3 actions)", "ok", "failed: <reason>" for messages.
std::string summary(const Value& step) {
  std::string status = text_of(step.get("status"));
  const Value* wc = step.get("would_change");
  const Value* actions = step.get("actions");
  std::size_t n = actions != nullptr && actions->is_array() ? actions->as_array().size() : 0;
  if (wc != nullptr && wc->is_bool() && wc->as_bool())
    return "would change (" + std::to_string(n) + (n == 1 ? " action" : " actions") + ")";
  if (status == "failed") return "failed: " + text_of(step.get("reason"));
  return status + " (" + text_of(step.get("reason")) + ")";
}

/// The first difference between the saved and the fresh plan's steps, or "".
std::string first_difference(const Array& saved, const Array& fresh) {
  for (std::size_t i = 0; i < saved.size() || i < fresh.size(); ++i) {
    if (i >= saved.size()) return "step " + text_of(fresh[i].get("step")) + " is new (" + summary(fresh[i]) + ")";
    if (i >= fresh.size()) return "step " + text_of(saved[i].get("step")) + " of the plan is no longer run";
    const Value& a = saved[i];
    const Value& b = fresh[i];
    std::string key = text_of(a.get("step"));
    if (key != text_of(b.get("step")))
      return "the plan's step " + key + " is now step " + text_of(b.get("step"));
    const Value* wa = a.get("would_change");
    const Value* wb = b.get("would_change");
    bool change_a = wa != nullptr && wa->is_bool() && wa->as_bool();
    bool change_b = wb != nullptr && wb->is_bool() && wb->as_bool();
    if (text_of(a.get("status")) != text_of(b.get("status")) || change_a != change_b)
      return "step " + key + ": the plan says " + summary(a) + ", now " + summary(b);
    const Value* aa = a.get("actions");
    const Value* ab = b.get("actions");
    if (aa == nullptr || ab == nullptr || !(*aa == *ab)) {
      const Array* la = aa != nullptr && aa->is_array() ? &aa->as_array() : nullptr;
      const Array* lb = ab != nullptr && ab->is_array() ? &ab->as_array() : nullptr;
      std::size_t j = 0;
      while (la != nullptr && lb != nullptr && j < la->size() && j < lb->size() && (*la)[j] == (*lb)[j]) ++j;
      std::string what = la != nullptr && j < la->size() ? text_of((*la)[j].get("description"))
                         : lb != nullptr && j < lb->size() ? text_of((*lb)[j].get("description"))
                                                           : std::string("its actions");
      return "step " + key + " would now act differently (action " + std::to_string(j + 1) + ", \"" + what + "\")";
    }
  }
  return {};
}

}  // namespace

int check_saved_plan(Session& session, const std::string& plan_dir, bool skip_preflight, bool json,
                     milink::run::RunResult& fresh_result) {
  const std::string file = (std::filesystem::path(plan_dir) / "plan.json").string();
  const std::string remake = "make a new one with milink plan " + session.workflow.name + " ... --out " + plan_dir +
                             ", review it, and run again";
  Value saved;
  try {
    saved = milink::sdk::parse_json(milink::sdk::read_regular_file(file), file);
  } catch (const std::exception& e) {
    report_error("--plan " + plan_dir + ": cannot read the saved plan: " + e.what() +
                     "; a plan directory is what milink plan WORKFLOW --out DIR writes",
                 json);
    return kExitInvalidInput;
  }
  const Value* format = saved.get("format");
  if (format == nullptr || !format->is_int() || format->as_int() != 1 || steps_of(saved) == nullptr) {
    report_error(file + ": not a plan this milink can apply (\"format\" must be 1, with \"steps\"); " + remake, json);
    return kExitInvalidInput;
  }
  if (text_of(saved.get("source")) != "observed") {
    report_error(file + ": an offline plan (milink plan --offline) holds placeholders and cannot be applied; " + remake +
                     " without --offline",
                 json);
    return kExitInvalidInput;
  }
  if (text_of(saved.get("workflow")) != session.workflow.name) {
    report_error(file + ": the plan is for workflow \"" + text_of(saved.get("workflow")) + "\", not \"" +
                     session.workflow.name + "\"; run the workflow it was made for, or " + remake,
                 json);
    return kExitInvalidInput;
  }

  MadePlan fresh = make_plan(session, /*offline=*/false, skip_preflight);
  // Through JSON text, as the saved one went: placeholders become strings.
  Value now = milink::sdk::parse_json(
      milink::run::plan_document(session.workflow.name, fresh.result, session.redactor, fresh.info).to_json(), "<plan>");
  std::string diff = first_difference(*steps_of(saved), *steps_of(now));
  fresh_result = std::move(fresh.result);
  if (!diff.empty()) {
    report_error("the saved plan " + file + " (made " + text_of(saved.get("made_at")) +
                     ") no longer matches what milink observes: " + diff + ". Nothing was changed; " + remake,
                 json, &session.redactor);
    return kExitPlanChanged;
  }
  return kExitSuccess;
}

}  // namespace milink::cli
