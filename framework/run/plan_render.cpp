#include "run/plan_render.hpp"

namespace milink::run {

using milink::sdk::Action;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

struct Grouped {
  std::map<std::string, std::string> sql;   // target -> script
  std::map<std::string, std::string> http;  // target -> requests
  std::string notes;
};

std::string comment_lines(const std::string& text) {
  std::string out;
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      out += "-- " + line + "\n";
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) out += "-- " + line + "\n";
  return out;
}

Grouped group(const std::string& name, const RunResult& result) {
  Grouped g;
  for (const auto& step : result.steps) {
    for (const Action& a : step.actions) {
      switch (a.kind) {
        case Action::Kind::Sql: {
          std::string& s = g.sql[a.target];
          if (s.empty())
            s = "-- milink plan for workflow \"" + name + "\", target " + a.target +
                "\n-- Review before running. Nothing was executed to produce this file.\n\n";
          s += comment_lines((a.destructive ? "DESTRUCTIVE: step " : "step ") + step.key + ": " + a.description) + a.sql;
          if (a.sql.empty() || a.sql.back() != '\n') s += "\n";
          s += "GO\n\n";
          break;
        }
        case Action::Kind::Http: {
          std::string& h = g.http[a.target];
          if (h.empty()) h = "# milink plan for workflow \"" + name + "\", target " + a.target + "\n\n";
          h += std::string(a.destructive ? "### DESTRUCTIVE: step " : "### step ") + step.key + ": " + a.description + "\n" +
               a.method + " " + a.url + "\n";
          if (!a.body.is_null()) h += "Content-Type: application/json\n\n" + a.body.to_pretty_json() + "\n";
          h += "\n";
          break;
        }
        case Action::Kind::Note:
          g.notes += std::string(a.destructive ? "- DESTRUCTIVE: step " : "- step ") + step.key + " (" + a.target +
                     "): " + a.description + "\n";
          break;
      }
    }
  }
  return g;
}

Value plan_json(const std::string& name, const RunResult& result) {
  Array steps;
  for (const auto& step : result.steps) {
    Array actions;
    for (const Action& a : step.actions) {
      Object o{{"kind", Value(a.kind == Action::Kind::Sql ? "sql" : a.kind == Action::Kind::Http ? "http" : "note")},
               {"target", Value(a.target)},
               {"description", Value(a.description)}};
      if (a.destructive) o.set("destructive", Value(true));
      if (a.kind == Action::Kind::Sql) o.set("sql", Value(a.sql));
      if (a.kind == Action::Kind::Http) {
        o.set("method", Value(a.method));
        o.set("url", Value(a.url));
        o.set("body", a.body);
      }
      actions.push_back(Value(std::move(o)));
    }
    steps.push_back(Value(Object{{"step", Value(step.key)},
                                 {"uses", Value(step.uses)},
                                 {"status", Value(step.status)},
                                 {"reason", Value(step.reason)},
                                 {"actions", Value(std::move(actions))}}));
  }
  return Value(Object{{"workflow", Value(name)}, {"steps", Value(std::move(steps))}});
}

}  // namespace

std::map<std::string, std::string> render_plan(const std::string& name, const RunResult& result,
                                               const Redactor& redactor) {
  Grouped g = group(name, result);
  std::map<std::string, std::string> files;
  for (const auto& [target, text] : g.sql) files[target + ".sql"] = redactor.redact(text);
  for (const auto& [target, text] : g.http) files[target + ".http"] = redactor.redact(text);
  if (!g.notes.empty()) files["notes.txt"] = redactor.redact(g.notes);
  files["plan.json"] = redactor.redact(plan_json(name, result)).to_pretty_json() + "\n";
  return files;
}

std::string render_plan_text(const std::string& name, const RunResult& result, const Redactor& redactor) {
  Grouped g = group(name, result);
  std::string out;
  for (const auto& [target, text] : g.sql) out += "==> " + target + ".sql <==\n" + text;
  for (const auto& [target, text] : g.http) out += "==> " + target + ".http <==\n" + text;
  if (!g.notes.empty()) out += "==> notes <==\n" + g.notes + "\n";
  std::string failures;
  for (const auto& s : result.steps)
    if (s.status == "failed") failures += "  " + s.key + ": " + s.reason + "\n";
  if (!failures.empty()) out += "==> steps that could not be planned <==\n" + failures;
  if (out.empty()) out = "(no actions)\n";
  return redactor.redact(out);
}

}  // namespace milink::run
