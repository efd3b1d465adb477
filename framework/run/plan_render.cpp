#include "run/plan_render.hpp"

#include <algorithm>
#include <regex>

namespace milink::run {

using milink::sdk::Action;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

constexpr int kPlanFormat = 1;  ///< plan.json's layout; milink run --plan reads only this one

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

Grouped group(const RunResult& result) {
  Grouped g;
  for (const auto& step : result.steps) {
    for (const Action& a : step.actions) {
      switch (a.kind) {
        case Action::Kind::Sql: {
          std::string& s = g.sql[a.target];
          s += comment_lines((a.destructive ? "DESTRUCTIVE: step " : "step ") + step.key + ": " + a.description) + a.sql;
          if (a.sql.empty() || a.sql.back() != '\n') s += "\n";
          s += "GO\n\n";
          break;
        }
        case Action::Kind::Http: {
          std::string& h = g.http[a.target];
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

Value plan_json(const std::string& name, const RunResult& result, const PlanInfo& info) {
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
    Object entry{{"step", Value(step.key)},
                 {"uses", Value(step.uses)},
                 {"status", Value(step.status)},
                 {"reason", Value(step.reason)},
                 {"actions", Value(std::move(actions))}};
    if (step.would_change) entry.set("would_change", Value(true));
    steps.push_back(Value(std::move(entry)));
  }
  return Value(Object{{"format", Value(kPlanFormat)},
                      {"workflow", Value(name)},
                      {"made_at", Value(info.made_at)},
                      {"source", Value(info.offline ? "offline" : "observed")},
                      {"steps", Value(std::move(steps))}});
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

/// The sqlcmd variables ("$(NAME)") in \p text, each once, in order.
std::vector<std::string> sqlcmd_variables_in(const std::string& text) {
  static const std::regex variable("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), variable); it != std::sregex_iterator(); ++it)
    if (std::find(out.begin(), out.end(), (*it)[1].str()) == out.end()) out.push_back((*it)[1].str());
  return out;
}

/// The lines that open a plan file, each prefixed with \p mark ("--", "#").
std::string header(const std::string& mark, const std::string& name, const std::string& target, const std::string& body,
                   const PlanInfo& info) {
  std::string h = mark + " milink plan for workflow \"" + name + "\", target " + target + ", made " + info.made_at + "\n";
  auto open = placeholders_in(body);
  if (info.offline)
    h += mark + " OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>\n" +
         mark + " are placeholders for what a run reads or creates. It does not run as it is; review it, then\n" +
         mark + " make a plan without --offline to get one that does.\n";
  else
    h += mark + " Made by reading the servers and Azure (read-only); nothing was changed. Review it, then apply it\n" +
         mark + " with milink run --plan DIR (which refuses if what it observes has changed since).\n";
  auto variables = sqlcmd_variables_in(body);
  if (!variables.empty())
    h += mark + " Needs sqlcmd variables (secrets are never written into plans): " + joined(variables) + "\n" + mark +
         " e.g. sqlcmd -i FILE -v " + variables.front() + "=..., or :setvar in SSMS's SQLCMD mode.\n";
  if (!info.offline && !open.empty())
    h += mark + " NOT RUNNABLE AS IT IS: " + joined(open) + "\n" + mark +
         " only exist once earlier changes of this plan are made; milink run --plan DIR fills them in.\n";
  return h + "\n";
}

}  // namespace

std::vector<std::string> placeholders_in(const std::string& text) {
  // "<" a lower-case letter or "@" ... ">" on one line: what Value::unknown
  // renders and what steps write for a value they could not read. T-SQL's
  // own "<" and "<>" are followed by a space, a digit or ">".
  static const std::regex placeholder("<[a-z@][^<>\n]{0,160}>");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it)
    if (std::find(out.begin(), out.end(), it->str()) == out.end()) out.push_back(it->str());
  return out;
}

Value plan_document(const std::string& name, const RunResult& result, const Redactor& redactor, const PlanInfo& info) {
  return redactor.redact(plan_json(name, result, info));
}

std::map<std::string, std::string> render_plan(const std::string& name, const RunResult& result,
                                               const Redactor& redactor, const PlanInfo& info) {
  Grouped g = group(result);
  std::map<std::string, std::string> files;
  for (const auto& [target, text] : g.sql) files[target + ".sql"] = redactor.redact(header("--", name, target, text, info) + text);
  for (const auto& [target, text] : g.http) files[target + ".http"] = redactor.redact(header("#", name, target, text, info) + text);
  if (!g.notes.empty()) files["notes.txt"] = redactor.redact(g.notes);
  files["plan.json"] = plan_document(name, result, redactor, info).to_pretty_json() + "\n";
  return files;
}

std::string render_plan_text(const RunResult& result, const Redactor& redactor) {
  Grouped g = group(result);
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
