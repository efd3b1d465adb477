#include "cli/step_reference.hpp"

#include <sstream>

namespace milink::cli {

namespace {

/// Table cells cannot hold '|' or newlines.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string config_needs_text(const milink::sdk::StepSpec& spec) {
  std::string targets;
  for (const auto& t : spec.sql_targets)
    targets += (targets.empty() ? "" : ", ") + ("`" + t.param + "`") +
               (t.when_param.empty() ? std::string() : " (when `" + t.when_param + "` is `" + t.when_value + "`)");
  std::string out;
  if (!targets.empty()) out = "the SQL targets named by " + targets;
  if (spec.arm) out += (out.empty() ? "" : ", and ") + std::string("the `azure` section and its credential");
  return out.empty() ? out : "Needs from the config (checked by `milink validate -c` and before a run's first change): " + out + ".";
}

std::string step_markdown(const milink::sdk::StepSpec& spec, const std::string& plugin_name,
                          const std::string& plugin_version) {
  std::ostringstream md;
  md << "### `" << spec.uses << "`\n\n" << spec.summary << " (plugin `" << plugin_name << "` " << plugin_version
     << ")\n\n";
  if (spec.preflight)
    md << "A preflight check: it only verifies prerequisites, and `milink run --skip-preflight` skips it.\n\n";
  if (spec.destructive)
    md << "**Destructive**: it deletes or drops things; `milink run` lists them and asks for confirmation (or "
          "`--yes`) before the run changes anything.\n\n";
  if (std::string needs = config_needs_text(spec); !needs.empty()) md << needs << "\n\n";
  if (!spec.doc.empty()) md << spec.doc << "\n\n";
  md << "| parameter | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& p : spec.params) {
    std::string def = p.required ? "required" : p.fallback.is_null() ? "optional" : "`" + p.fallback.to_json() + "`";
    std::string meaning = p.doc;
    // Sentences appended below need the doc to end as one.
    auto end_sentence = [&meaning] {
      if (!meaning.empty() && meaning.back() != '.') meaning += '.';
    };
    if (!p.choices.empty()) {
      end_sentence();
      std::string c;
      for (const auto& x : p.choices) c += (c.empty() ? "" : ", ") + ("`" + x + "`");
      meaning += " One of " + c + ".";
    }
    if (p.secret) {
      end_sentence();
      meaning += " Secret: from a secret input or a config secret reference only.";
    }
    md << "| `" << p.name << "` | " << milink::sdk::value_type_name(p.type) << " | " << cell(def) << " | "
       << cell(meaning) << " |\n";
  }
  if (spec.params.empty()) md << "| (none) | | | |\n";
  md << "\n| output | type | meaning |\n|---|---|---|\n";
  for (const auto& o : spec.outputs)
    md << "| `" << o.name << "` | " << milink::sdk::value_type_name(o.type) << " | "
       << cell(o.doc + (o.secret ? " Secret: never journaled." : "")) << " |\n";
  if (spec.outputs.empty()) md << "| (none) | | |\n";
  return md.str();
}

}  // namespace milink::cli
