#include "workflow/validator.hpp"

#include "expr/expression.hpp"
#include "workflow/inputs.hpp"
#include "workflow/schema.hpp"
#include "workflow/suggest.hpp"

#include <functional>
#include <optional>
#include <set>

namespace milink::workflow {

using milink::expr::ExprError;
using milink::expr::Reference;
using milink::expr::Template;
using milink::sdk::json_pointer_join;
using milink::sdk::Object;
using milink::sdk::ParamSpec;
using milink::sdk::Value;
using milink::sdk::ValueType;

namespace {

struct StepInfo {
  const StepDef* def = nullptr;
  const milink::sdk::StepSpec* spec = nullptr;  ///< null for groups
  bool per_item = false;                        ///< a for_each leaf read from after it: outputs are arrays
};

/// What a step can see: the steps before it at each enclosing level and the
/// loop variables of the enclosing for_each. One Scope serves the whole walk:
/// a group's own steps are undone when the walk leaves the group, so that
/// validation stays linear in the number of steps (copying the scope for
/// every step made 20,000 steps take 18 s).
struct Scope {
  std::map<std::string, StepInfo> visible;
  std::vector<std::string> loop_vars;

  /// Makes \p id visible, remembering what it hid.
  void declare(const std::string& id, StepInfo info) {
    auto it = visible.find(id);
    undo.emplace_back(id, it == visible.end() ? std::nullopt : std::optional<StepInfo>(it->second));
    visible[id] = info;
  }
  std::size_t mark() const { return undo.size(); }
  /// Undoes the declarations made since \p m.
  void restore(std::size_t m) {
    while (undo.size() > m) {
      auto& [id, before] = undo.back();
      if (before)
        visible[id] = *before;
      else
        visible.erase(id);
      undo.pop_back();
    }
  }

private:
  std::vector<std::pair<std::string, std::optional<StepInfo>>> undo;
};

struct GlobalStep {
  const StepDef* def;
  const StepDef* group;  ///< enclosing group or null
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool type_compatible(ValueType want, ValueType got) {
  if (want == ValueType::Any || got == ValueType::Any) return true;
  if (want == ValueType::Number && got == ValueType::Integer) return true;
  return want == got;
}

std::optional<ValueType> type_of(const Value& v) {
  switch (v.kind()) {
    case milink::sdk::Kind::String: return ValueType::String;
    case milink::sdk::Kind::Int: return ValueType::Integer;
    case milink::sdk::Kind::Double: return ValueType::Number;
    case milink::sdk::Kind::Bool: return ValueType::Boolean;
    case milink::sdk::Kind::Array: return ValueType::Array;
    case milink::sdk::Kind::Object: return ValueType::Object;
    default: return std::nullopt;
  }
}

std::vector<std::string> keys_of(const Object& o) {
  std::vector<std::string> out;
  for (const auto& m : o) out.push_back(m.first);
  return out;
}

class Validator {
public:
  Validator(const Workflow& wf, const Config& cfg, const milink::host::Registry& reg, ValidatedWorkflow& out,
            bool config_required)
      : wf_(wf),
        cfg_(cfg),
        reg_(reg),
        out_(out),
        diags_(wf.file, &wf.map),
        cfg_diags_(cfg.file, &cfg.map),
        config_required_(config_required) {}

  void run(const std::vector<std::string>& sets) {
    out_.inputs = resolve_inputs(wf_, cfg_, sets, diags_, out_.secrets);
    out_.secrets.insert(out_.secrets.end(), cfg_.secrets.begin(), cfg_.secrets.end());
    index(wf_.steps, nullptr);
    Scope scope;
    walk(wf_.steps, scope);
    providers();
    std::vector<Diagnostic> all = diags_.list();
    all.insert(all.end(), cfg_diags_.list().begin(), cfg_diags_.list().end());
    if (!all.empty()) throw InvalidInput(all);
  }

private:
  void index(const std::vector<StepDef>& steps, const StepDef* group) {
    for (const auto& s : steps) {
      if (!s.id.empty()) all_.emplace(s.id, GlobalStep{&s, group});
      if (s.is_group()) index(s.steps, &s);
    }
  }

  /// Checks \p steps in order; what they declare is undone on return, so
  /// \p scope is as it was on entry.
  void walk(const std::vector<StepDef>& steps, Scope& scope) {
    const std::size_t entry = scope.mark();
    for (const auto& s : steps) {
      current_ = &s;
      // for_each is evaluated before the loop variable exists.
      std::optional<ValueType> each_type;
      if (s.for_each) {
        std::string p = json_pointer_join(s.pointer, "for_each");
        if (s.for_each->is_string()) {
          auto t = check_template(s.for_each->as_string(), p, scope);
          if (t && t->is_literal())
            diags_.error(p, "for_each must be an array or one ${{ }} expression that yields an array",
                         "e.g. \"for_each\": \"${{ config.databases }}\"");
          else if (t && t->is_single_expression())
            each_type = infer(s.for_each->as_string(), *t, scope);
          if (each_type && *each_type != ValueType::Array && *each_type != ValueType::Any)
            diags_.error(p, std::string("for_each needs an array, but this expression is ") +
                                milink::sdk::value_type_name(*each_type));
        } else {
          check_templates_in(*s.for_each, p, scope);
        }
      }
      if (s.for_each) scope.loop_vars.push_back(s.as);
      const StepInfo info = check_step(s, scope);
      if (s.for_each) scope.loop_vars.pop_back();
      scope.declare(s.id, info);
    }
    scope.restore(entry);
  }

  /// Checks one step (its loop variable, if any, in \p scope) and returns
  /// what later steps see of it.
  StepInfo check_step(const StepDef& s, Scope& scope) {
    if (s.if_expr) check_condition(*s.if_expr, json_pointer_join(s.pointer, "if"), scope);
    if (s.concurrency) check_concurrency(*s.concurrency, scope);
    if (s.is_group()) {
      walk(s.steps, scope);
      return StepInfo{&s, nullptr, false};
    }
    const auto* entry = reg_.find_step(s.uses);
    if (entry == nullptr) {
      unknown_plugin(s);
      return StepInfo{&s, nullptr, false};
    }
    out_.steps[s.pointer] = *entry;
    const auto& spec = entry->factory->spec();
    check_params(s.with, spec.params, json_pointer_join(s.pointer, "with"), "step '" + s.uses + "'", &scope,
                 diags_);
    return StepInfo{&s, &spec, s.for_each.has_value()};
  }

  void unknown_plugin(const StepDef& s) {
    std::string hint = did_you_mean(s.uses, reg_.step_names());
    if (hint.empty()) {
      std::string where;
      for (const auto& d : reg_.searched()) where += (where.empty() ? "" : ", ") + d.string();
      hint = "no loaded plugin provides it; milink looked in: " + (where.empty() ? std::string("(nowhere)") : where) +
             "; see `milink plugins list`";
    }
    diags_.error(json_pointer_join(s.pointer, "uses"), "unknown step plugin \"" + s.uses + "\"", hint);
  }

  /// Checks parameters against \p specs. \p scope is null for config values
  /// (providers), which take no expressions.
  void check_params(const Object& with, const std::vector<ParamSpec>& specs, const std::string& pointer,
                    const std::string& owner, const Scope* scope, Diagnostics& diags) {
    std::vector<std::string> names;
    for (const auto& p : specs) names.push_back(p.name);
    for (const auto& [key, value] : with) {
      std::string p = json_pointer_join(pointer, key);
      const ParamSpec* spec = nullptr;
      for (const auto& ps : specs)
        if (ps.name == key) spec = &ps;
      if (spec == nullptr) {
        std::string hint = did_you_mean(key, names);
        if (hint.empty()) hint = names.empty() ? "it takes no parameters" : "it takes: " + join(names);
        diags.error(p, "unknown parameter \"" + key + "\" for " + owner, hint);
        continue;
      }
      check_value(value, *spec, p, owner, scope, diags);
    }
    for (const auto& ps : specs)
      if (ps.required && !with.contains(ps.name))
        diags.error(pointer.empty() ? pointer : pointer,
                    "missing required parameter \"" + ps.name + "\" for " + owner,
                    ps.doc.empty() ? std::string() : ps.name + ": " + ps.doc);
  }

  void check_value(const Value& value, const ParamSpec& spec, const std::string& p, const std::string& owner,
                   const Scope* scope, Diagnostics& diags) {
    if (scope != nullptr && value.is_string() && Template::contains_expression(value.as_string())) {
      auto t = check_template(value.as_string(), p, *scope);
      if (!t) return;
      if (t->is_single_expression()) {
        auto got = infer(value.as_string(), *t, *scope);
        if (got && !type_compatible(spec.type, *got))
          diags.error(p, "parameter \"" + spec.name + "\" of " + owner + " is " +
                             milink::sdk::value_type_name(spec.type) + ", but " + trim_expr(value.as_string()) +
                             " is " + milink::sdk::value_type_name(*got));
        else
          check_known_choice(value.as_string(), *t, spec, p, owner, diags);
      } else if (!type_compatible(spec.type, ValueType::String)) {
        diags.error(p, "parameter \"" + spec.name + "\" of " + owner + " is " + milink::sdk::value_type_name(spec.type) +
                           ", but text with ${{ }} inside makes a string",
                     "make the value exactly one expression: \"${{ ... }}\"");
      }
      return;
    }
    if (scope != nullptr) check_templates_in(value, p, *scope);
    if (!milink::sdk::value_matches(value, spec.type)) {
      diags.error(p, "parameter \"" + spec.name + "\" of " + owner + " must be " +
                         milink::sdk::value_type_name(spec.type) + ", not " + kind_name(value.kind()));
      return;
    }
    if (!spec.choices.empty() && value.is_string()) {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == value.as_string();
      if (!ok)
        diags.error(p, "parameter \"" + spec.name + "\" of " + owner + " must be one of: " + join(spec.choices),
                    did_you_mean(value.as_string(), spec.choices));
    }
    if (spec.secret && scope != nullptr && value.is_string() && !value.as_string().empty())
      diags.error(p, "parameter \"" + spec.name + "\" of " + owner + " is secret and must not be written in the workflow",
                  "declare an input with \"secret\": true, or read it from the config, whose {\"from_env\": ...} "
                  "references keep it out of files");
  }

  /// A value with choices given by an expression that validation can
  /// already evaluate (it reads only inputs and, with a config, config):
  /// the value it gives is checked now, before anything runs, not when the
  /// step is reached in the middle of a run.
  void check_known_choice(const std::string& text, const Template& t, const ParamSpec& spec, const std::string& p,
                          const std::string& owner, Diagnostics& diags) const {
    if (spec.choices.empty()) return;
    for (const auto& r : t.references()) {
      const std::string& root = r.path.empty() ? std::string() : r.path[0];
      if (root != "inputs" && !(root == "config" && !cfg_.file.empty())) return;
    }
    Value got;
    try {
      milink::expr::Scope known{{"inputs", Value(out_.inputs)}};
      if (!cfg_.file.empty()) known.set("config", cfg_.root);
      got = t.evaluate(known);
    } catch (const ExprError&) {
      return;  // reported elsewhere, or decided only at run time
    }
    if (!got.is_string()) return;
    for (const auto& c : spec.choices)
      if (c == got.as_string()) return;
    bool secret = false;
    for (const auto& sec : out_.secrets) secret = secret || sec == got.as_string();
    diags.error(p,
                "parameter \"" + spec.name + "\" of " + owner + " must be one of: " + join(spec.choices) + "; " +
                    trim_expr(text) + " gives " + (secret ? std::string("a secret value") : "\"" + got.as_string() + "\""),
                [&] {
                  std::string hint = "change the value given by --set, the config's inputs or the input's default";
                  const std::string dym = secret ? std::string() : did_you_mean(got.as_string(), spec.choices);
                  return dym.empty() ? hint : hint + "; " + dym;
                }());
  }

  /// Visits strings nested in arrays and objects of a literal value.
  void check_templates_in(const Value& v, const std::string& p, const Scope& scope) {
    if (v.is_string()) {
      if (Template::contains_expression(v.as_string())) check_template(v.as_string(), p, scope);
    } else if (v.is_array()) {
      for (std::size_t i = 0; i < v.as_array().size(); ++i)
        check_templates_in(v.as_array()[i], json_pointer_join(p, i), scope);
    } else if (v.is_object()) {
      for (const auto& [k, child] : v.as_object()) check_templates_in(child, json_pointer_join(p, k), scope);
    }
  }

  void check_condition(const std::string& text, const std::string& p, const Scope& scope) {
    if (Template::contains_expression(text)) {
      auto t = check_template(text, p, scope);
      if (t && !t->is_single_expression())
        diags_.error(p, "an if condition must be one expression; text around ${{ }} makes it a string, which is always true",
                     "write \"if\": \"${{ ... }}\" or leave out the braces");
      return;
    }
    try {
      auto e = milink::expr::Expression::parse(text);
      for (const auto& r : e.references()) check_reference(r, p, scope);
    } catch (const ExprError& e) {
      diags_.error(p, std::string("invalid expression: ") + e.what() + " (at character " +
                          std::to_string(e.offset() + 1) + " of \"" + text + "\")");
    }
  }

  /// concurrency.group may mix text and expressions; a string limit must be
  /// one expression that can give an integer.
  void check_concurrency(const ConcurrencyDef& c, const Scope& scope) {
    if (Template::contains_expression(c.group)) check_template(c.group, json_pointer_join(c.pointer, "group"), scope);
    if (!c.limit.is_string()) return;
    std::string p = json_pointer_join(c.pointer, "limit");
    const std::string& text = c.limit.as_string();
    auto t = check_template(text, p, scope);
    if (!t) return;
    if (!t->is_single_expression()) {
      diags_.error(p, "concurrency.limit must be an integer or exactly one ${{ }} expression that gives one",
                   "e.g. \"limit\": 8 or \"limit\": \"${{ config.settings.max_seeding_per_instance || 8 }}\"");
      return;
    }
    auto got = infer(text, *t, scope);
    if (got && !type_compatible(ValueType::Integer, *got))
      diags_.error(p, "concurrency.limit must be an integer, but " + trim_expr(text) + " is " +
                          milink::sdk::value_type_name(*got));
  }

  std::optional<Template> check_template(const std::string& text, const std::string& p, const Scope& scope) {
    try {
      Template t = Template::parse(text);
      for (const auto& r : t.references()) check_reference(r, p, scope);
      return t;
    } catch (const ExprError& e) {
      diags_.error(p, std::string("invalid expression: ") + e.what() + " (at character " +
                          std::to_string(e.offset() + 1) + " of \"" + text + "\")");
      return std::nullopt;
    }
  }

  static std::string trim_expr(const std::string& text) {
    std::string t = trim(text);
    if (t.rfind("${{", 0) == 0 && t.size() >= 5) t = trim(t.substr(3, t.size() - 5));
    return t;
  }

  /// The static type of a single-expression template that is one plain
  /// reference; nullopt when unknown.
  std::optional<ValueType> infer(const std::string& text, const Template& t, const Scope& scope) {
    auto refs = t.references();
    if (refs.size() != 1 || refs[0].text() != trim_expr(text)) return std::nullopt;
    const auto& path = refs[0].path;
    if (path[0] == "inputs" && path.size() == 2) {
      if (const InputDef* in = wf_.input(path[1])) return in->type;
      return std::nullopt;
    }
    if (path[0] == "steps" && path.size() >= 3) {
      auto it = scope.visible.find(path[1]);
      if (it == scope.visible.end() || it->second.spec == nullptr) return std::nullopt;
      if (path[2] == "status") return it->second.per_item ? ValueType::Array : ValueType::String;
      if (path[2] == "outputs" && path.size() == 4) {
        if (it->second.per_item) return ValueType::Array;
        if (const auto* o = it->second.spec->output(path[3])) return o->type;
      }
      return std::nullopt;
    }
    if (path[0] == "config" && !cfg_.file.empty()) {
      const Value* v = &cfg_.root;
      for (std::size_t i = 1; i < path.size() && v != nullptr; ++i) v = v->get(path[i]);
      if (v != nullptr) return type_of(*v);
    }
    return std::nullopt;
  }

  void check_reference(const Reference& r, const std::string& p, const Scope& scope) {
    const auto& path = r.path;
    if (path.empty()) return;
    const std::string& root = path[0];
    if (root == "inputs") {
      if (path.size() >= 2 && wf_.input(path[1]) == nullptr) {
        std::vector<std::string> names;
        for (const auto& i : wf_.inputs) names.push_back(i.name);
        std::string hint = did_you_mean(path[1], names);
        diags_.error(p, r.text() + ": the workflow declares no input \"" + path[1] + "\"",
                     hint.empty() ? "declare it under \"inputs\"" : hint);
      }
      return;
    }
    if (root == "config") {
      check_config_reference(r, p);
      return;
    }
    if (root == "steps") {
      check_step_reference(r, p, scope);
      return;
    }
    for (const auto& v : scope.loop_vars)
      if (v == root) return;
    std::vector<std::string> roots{"inputs", "config", "steps"};
    roots.insert(roots.end(), scope.loop_vars.begin(), scope.loop_vars.end());
    std::string hint = did_you_mean(root, roots);
    diags_.error(p, "unknown name \"" + root + "\" in expression", hint.empty() ? "available: " + join(roots) : hint);
  }

  void check_config_reference(const Reference& r, const std::string& p) {
    const auto& path = r.path;
    if (path.size() < 2) return;
    if (cfg_.file.empty() && !config_required_) {
      // What a config for this workflow must provide (settings are optional).
      if (path[1] != "settings")
        out_.config_needs.insert(path.size() >= 3 && (path[1] == "sqlserver" || path[1] == "managed_instance" ||
                                                      path[1] == "azure")
                                     ? path[1] + "." + path[2]
                                     : path[1]);
      // No config given: check the names against the config schema.
      const KeySpec* section = config_schema().find(path[1]);
      if (section == nullptr) {
        diags_.error(p, r.text() + ": \"" + path[1] + "\" is not a config section",
                     did_you_mean(path[1], config_schema().key_names()));
        return;
      }
      const ObjectSchema* sub = nullptr;
      if (path[1] == "sqlserver" || path[1] == "managed_instance") sub = &sql_target_schema();
      if (path[1] == "azure") sub = &azure_schema();
      if (sub != nullptr && path.size() >= 3 && sub->find(path[2]) == nullptr)
        diags_.error(p, r.text() + ": \"" + path[2] + "\" is not a key of " + path[1],
                     did_you_mean(path[2], sub->key_names()));
      return;
    }
    const Value* v = &cfg_.root;
    std::string walked = "config";
    for (std::size_t i = 1; i < path.size(); ++i) {
      if (v->is_array()) return;  // indexes are checked at run time
      const Value* next = v->get(path[i]);
      if (next == nullptr && path[1] == "settings") return;  // free-form: an unset key reads as null
      if (next == nullptr) {
        std::string hint = v->is_object() ? did_you_mean(path[i], keys_of(v->as_object())) : std::string();
        if (cfg_.file.empty())
          diags_.error(p, r.text() + " is not set: no config file was given", "pass -c CONFIG");
        else
          diags_.error(p, r.text() + ": " + walked + " has no \"" + path[i] + "\" in " + cfg_.file,
                       hint.empty() ? "add it to the config file" : hint);
        return;
      }
      walked += "." + path[i];
      v = next;
    }
  }

  void check_step_reference(const Reference& r, const std::string& p, const Scope& scope) {
    const auto& path = r.path;
    if (path.size() < 2) return;
    const std::string& id = path[1];
    auto vis = scope.visible.find(id);
    if (vis == scope.visible.end()) {
      auto g = all_.find(id);
      if (g == all_.end()) {
        std::vector<std::string> ids;
        for (const auto& [k, v] : scope.visible) ids.push_back(k);
        std::string hint = did_you_mean(id, ids);
        diags_.error(p, r.text() + ": there is no step \"" + id + "\"", hint.empty() ? "check the step ids" : hint);
      } else if (g->second.def == current_) {
        diags_.error(p, r.text() + ": a step cannot read its own outputs");
      } else if (g->second.group != nullptr && !encloses(g->second.group)) {
        diags_.error(p, r.text() + ": step \"" + id + "\" is inside group \"" + g->second.group->id +
                            "\" and runs once per item; it cannot be read from outside that group");
      } else {
        diags_.error(p, r.text() + ": step \"" + id + "\" runs later (" + g->second.def->pointer + ")",
                     "a step can only read steps before it; move it earlier");
      }
      return;
    }
    if (path.size() == 2) return;
    const StepInfo& info = vis->second;
    if (path[2] == "status") return;
    if (path[2] != "outputs") {
      diags_.error(p, r.text() + ": \"" + path[2] + "\" is not a property of a step",
                   "use steps." + id + ".outputs.<name> or steps." + id + ".status");
      return;
    }
    if (info.def->is_group()) {
      diags_.error(p, r.text() + ": group \"" + id + "\" has no outputs", "read the steps inside it from within the group");
      return;
    }
    if (info.spec == nullptr || path.size() < 4) return;  // unknown plugin already reported
    if (info.spec->output(path[3]) == nullptr) {
      std::vector<std::string> names;
      for (const auto& o : info.spec->outputs) names.push_back(o.name);
      std::string hint = did_you_mean(path[3], names);
      diags_.error(p, r.text() + ": step \"" + id + "\" (" + info.spec->uses + ") has no output \"" + path[3] + "\"",
                   hint.empty() ? (names.empty() ? "it declares no outputs" : "its outputs: " + join(names)) : hint);
    }
  }

  /// Whether \p group encloses the step being checked.
  bool encloses(const StepDef* group) const {
    const std::string& p = current_->pointer;
    return p.size() > group->pointer.size() && p.compare(0, group->pointer.size(), group->pointer) == 0 &&
           p[group->pointer.size()] == '/';
  }

  void providers() {
    for (const auto& inst : cfg_.providers) {
      const milink::host::Registry::ProviderEntry* found = nullptr;
      std::vector<std::string> names;
      for (const auto& [kind, name] : reg_.provider_names()) {
        names.push_back(name);
        if (name == inst.use) found = reg_.find_provider(kind, name);
      }
      if (found == nullptr) {
        std::string hint = did_you_mean(inst.use, names);
        cfg_diags_.error(json_pointer_join(inst.pointer, "use"), "unknown provider \"" + inst.use + "\"",
                         hint.empty() ? "available: " + (names.empty() ? std::string("none") : join(names)) : hint);
        continue;
      }
      out_.providers[inst.name] = *found;
      check_params(inst.with, found->factory->spec().params, json_pointer_join(inst.pointer, "with"),
                   "provider '" + inst.use + "'", nullptr, cfg_diags_);
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  const Workflow& wf_;
  const Config& cfg_;
  const milink::host::Registry& reg_;
  ValidatedWorkflow& out_;
  Diagnostics diags_;
  Diagnostics cfg_diags_;
  std::multimap<std::string, GlobalStep> all_;
  const StepDef* current_ = nullptr;
  bool config_required_;
};

}  // namespace

ValidatedWorkflow validate(const Workflow& wf, const Config& cfg, const milink::host::Registry& registry,
                           const std::vector<std::string>& sets, bool config_required) {
  ValidatedWorkflow out;
  out.workflow = &wf;
  out.config = &cfg;
  Validator v(wf, cfg, registry, out, config_required);
  v.run(sets);
  return out;
}

}  // namespace milink::workflow
