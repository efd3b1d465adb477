#include "workflow/workflow_parser.hpp"

#include "workflow/suggest.hpp"

#include <milink/sdk/file.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <set>
#include <sstream>

namespace milink::workflow {

using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::Value;

const char* on_error_name(OnError e) noexcept {
  switch (e) {
    case OnError::Stop: return "stop";
    case OnError::Continue: return "continue";
    case OnError::FailFast: return "fail_fast";
  }
  return "?";
}

const InputDef* Workflow::input(const std::string& n) const {
  for (const auto& i : inputs)
    if (i.name == n) return &i;
  return nullptr;
}

std::string read_file(const std::string& path) {
  try {
    return milink::sdk::read_regular_file(path);
  } catch (const milink::sdk::FileError& e) {
    Diagnostic d;
    d.file = path;
    d.message = "the file " + e.reason();
    d.hint = "name a regular file of at most 16 MiB; check the path and permissions";
    throw InvalidInput({d});
  }
}

std::string sha256_hex(const std::string& bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

namespace {

bool type_ok(const Value& v, const std::string& type) {
  if (type == "any") return true;
  std::stringstream ss(type);
  std::string alt;
  while (std::getline(ss, alt, '|')) {
    if (alt == "string" && v.is_string()) return true;
    if (alt == "integer" && v.is_int()) return true;
    if (alt == "boolean" && v.is_bool()) return true;
    if (alt == "array" && v.is_array()) return true;
    if (alt == "object" && v.is_object()) return true;
    if (alt == "secret" && v.is_object()) return true;
    if (alt == "number" && v.is_number()) return true;
  }
  return false;
}

}  // namespace

void check_keys(const Object& obj, const ObjectSchema& schema, const std::string& pointer, Diagnostics& diags) {
  for (const auto& [key, value] : obj) {
    const KeySpec* k = schema.find(key);
    std::string child = milink::sdk::json_pointer_join(pointer, key);
    if (k == nullptr) {
      std::string hint = did_you_mean(key, schema.key_names());
      if (hint.empty()) {
        std::string known;
        for (const auto& n : schema.key_names()) known += (known.empty() ? "" : ", ") + n;
        hint = "known keys: " + known;
      }
      diags.error(child, "unknown key \"" + key + "\" in " + schema.name, hint);
      continue;
    }
    if (!type_ok(value, k->type))
      diags.error(child, "\"" + key + "\" must be " + std::string(k->type) + ", not " + kind_name(value.kind()));
  }
  for (const auto& k : schema.keys)
    if (k.required && !obj.contains(k.key))
      diags.error(pointer, std::string("missing required key \"") + k.key + "\" in " + schema.name,
                  std::string("add \"") + k.key + "\": " + k.doc);
}

namespace {

struct Parser {
  Workflow& wf;
  Diagnostics& diags;
  std::set<std::string> ids;

  void inputs(const Value& v, const std::string& pointer) {
    for (const auto& [name, def] : v.as_object()) {
      std::string p = milink::sdk::json_pointer_join(pointer, name);
      if (!milink::sdk::is_snake_case(name)) {
        diags.error(p, "input name \"" + name + "\" is not snake_case", "use lowercase letters, digits and _");
        continue;
      }
      if (!def.is_object()) {
        diags.error(p, "an input must be an object such as {\"type\": \"string\"}");
        continue;
      }
      check_keys(def.as_object(), input_schema(), p, diags);
      InputDef in;
      in.name = name;
      in.pointer = p;
      if (const Value* t = def.get("type"); t && t->is_string()) {
        auto parsed = milink::sdk::parse_value_type(t->as_string());
        if (!parsed) {
          diags.error(milink::sdk::json_pointer_join(p, "type"), "unknown type \"" + t->as_string() + "\"",
                      did_you_mean(t->as_string(), {"string", "integer", "number", "boolean", "array", "object", "any"}));
        } else {
          in.type = *parsed;
        }
      }
      if (const Value* r = def.get("required"); r && r->is_bool()) in.required = r->as_bool();
      if (const Value* s = def.get("secret"); s && s->is_bool()) in.secret = s->as_bool();
      if (const Value* d = def.get("description"); d && d->is_string()) in.doc = d->as_string();
      if (const Value* d = def.get("default")) {
        in.fallback = *d;
        if (!milink::sdk::value_matches(*d, in.type))
          diags.error(milink::sdk::json_pointer_join(p, "default"),
                      std::string("default is ") + kind_name(d->kind()) + " but the input is declared " +
                          milink::sdk::value_type_name(in.type));
      }
      wf.inputs.push_back(std::move(in));
    }
  }

  void steps(const Value& v, const std::string& pointer, std::vector<StepDef>& out) {
    const Array& arr = v.as_array();
    if (arr.empty()) diags.error(pointer, "there are no steps", "add at least one step");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = milink::sdk::json_pointer_join(pointer, i);
      if (!arr[i].is_object()) {
        diags.error(p, std::string("a step must be an object, not ") + kind_name(arr[i].kind()));
        continue;
      }
      out.push_back(step(arr[i].as_object(), p));
    }
  }

  /// max_parallel: an integer (a default), or {"limit", "reason"} (a ceiling).
  void max_parallel(const Value& m, const std::string& p, StepDef& s) {
    const Value* limit = &m;
    std::string limit_p = p;
    if (m.is_object()) {
      check_keys(m.as_object(), max_parallel_ceiling_schema(), p, diags);
      limit = m.get("limit");
      limit_p = milink::sdk::json_pointer_join(p, "limit");
      if (const Value* r = m.get("reason"); r && r->is_string()) {
        if (r->as_string().find_first_not_of(" \t\r\n") == std::string::npos)
          diags.error(milink::sdk::json_pointer_join(p, "reason"), "max_parallel.reason is empty",
                      "say why the workflow must not run more branches at once: users see it when their --parallel "
                      "is lowered; or write max_parallel as a plain integer, a default --parallel overrides");
        else
          s.max_parallel_reason = r->as_string();
      }
    }
    if (limit == nullptr || !limit->is_int()) return;  // reported by check_keys
    if (limit->as_int() < 1 || limit->as_int() > 1024) {
      diags.error(limit_p, "max_parallel must be between 1 and 1024");
      s.max_parallel_reason.clear();
    } else {
      s.max_parallel = static_cast<int>(limit->as_int());
    }
    if (!s.max_parallel) s.max_parallel_reason.clear();
  }

  /// concurrency: {"group", "limit"}; expressions are checked by the validator.
  void concurrency(const Object& c, const std::string& p, StepDef& s) {
    check_keys(c, concurrency_schema(), p, diags);
    ConcurrencyDef def;
    def.pointer = p;
    const Value* group = c.find("group");
    const Value* limit = c.find("limit");
    if (group != nullptr && group->is_string()) {
      def.group = group->as_string();
      if (def.group.find_first_not_of(" \t\r\n") == std::string::npos)
        diags.error(milink::sdk::json_pointer_join(p, "group"), "concurrency.group is empty",
                    "name the resource being bounded, e.g. \"seeding-${{ config.managed_instance.name }}\"");
    }
    if (limit != nullptr && limit->is_int() && (limit->as_int() < 1 || limit->as_int() > 1024))
      diags.error(milink::sdk::json_pointer_join(p, "limit"), "concurrency.limit must be between 1 and 1024");
    if (limit != nullptr) def.limit = *limit;
    if (group != nullptr && group->is_string() && limit != nullptr && (limit->is_int() || limit->is_string()))
      s.concurrency = std::move(def);
  }

  StepDef step(const Object& o, const std::string& p) {
    check_keys(o, step_schema(), p, diags);
    StepDef s;
    s.pointer = p;
    auto str = [&](const char* key) -> std::string {
      const Value* v = o.find(key);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    s.id = str("id");
    if (o.contains("id")) {
      if (!milink::sdk::is_snake_case(s.id))
        diags.error(milink::sdk::json_pointer_join(p, "id"), "step id \"" + s.id + "\" is not snake_case",
                    "use lowercase letters, digits and _, starting with a letter");
      else if (!ids.insert(s.id).second)
        diags.error(milink::sdk::json_pointer_join(p, "id"), "step id \"" + s.id + "\" is used twice",
                    "step ids must be unique in the workflow");
    }
    s.name = o.contains("name") ? str("name") : s.id;
    s.uses = str("uses");
    bool has_uses = o.contains("uses"), has_steps = o.contains("steps");
    if (has_uses && has_steps)
      diags.error(p, "a step has either \"uses\" or \"steps\", not both",
                  "move the inner steps into their own group step");
    if (!has_uses && !has_steps)
      diags.error(p, "a step needs \"uses\" (a plugin) or \"steps\" (a group)",
                  "see `milink plugins list` for the plugins");
    if (has_uses && o.find("uses")->is_string() && s.uses.empty())
      diags.error(milink::sdk::json_pointer_join(p, "uses"), "\"uses\" is empty");
    if (const Value* w = o.find("with"); w && w->is_object()) s.with = w->as_object();
    if (has_steps && o.contains("with"))
      diags.error(milink::sdk::json_pointer_join(p, "with"), "a group step takes no \"with\"",
                  "put parameters on the steps inside the group");
    if (const Value* c = o.find("if"); c && c->is_string()) s.if_expr = c->as_string();
    if (const Value* f = o.find("for_each")) {
      if (f->is_string() || f->is_array()) s.for_each = *f;
    }
    if (const Value* a = o.find("as"); a && a->is_string()) {
      s.as = a->as_string();
      if (!milink::sdk::is_snake_case(s.as))
        diags.error(milink::sdk::json_pointer_join(p, "as"), "loop variable \"" + s.as + "\" is not snake_case");
      for (const char* reserved : {"inputs", "config", "steps"})
        if (s.as == reserved)
          diags.error(milink::sdk::json_pointer_join(p, "as"),
                      "loop variable \"" + s.as + "\" hides the " + reserved + " context", "choose another name");
    }
    if (o.contains("as") && !o.contains("for_each"))
      diags.error(milink::sdk::json_pointer_join(p, "as"), "\"as\" only makes sense with \"for_each\"");
    if (const Value* m = o.find("max_parallel"); m && (m->is_int() || m->is_object())) {
      max_parallel(*m, milink::sdk::json_pointer_join(p, "max_parallel"), s);
      if (!o.contains("for_each"))
        diags.error(milink::sdk::json_pointer_join(p, "max_parallel"),
                    "\"max_parallel\" only makes sense with \"for_each\"");
    }
    if (const Value* c = o.find("concurrency"); c && c->is_object())
      concurrency(c->as_object(), milink::sdk::json_pointer_join(p, "concurrency"), s);
    if (const Value* e = o.find("on_error"); e && e->is_string()) {
      const std::string& v = e->as_string();
      if (v == "stop")
        s.on_error = OnError::Stop;
      else if (v == "continue")
        s.on_error = OnError::Continue;
      else if (v == "fail_fast")
        s.on_error = OnError::FailFast;
      else
        diags.error(milink::sdk::json_pointer_join(p, "on_error"), "on_error must be stop, continue or fail_fast",
                    did_you_mean(v, {"stop", "continue", "fail_fast"}));
    }
    if (const Value* inner = o.find("steps"); inner && inner->is_array())
      steps(*inner, milink::sdk::json_pointer_join(p, "steps"), s.steps);
    return s;
  }
};

}  // namespace

Value parse_input_document(const std::string& text, const std::string& file, milink::sdk::SourceMap& map) {
  try {
    return milink::sdk::parse_json(text, file, &map);
  } catch (const milink::sdk::JsonError& e) {
    Diagnostic d;
    d.file = file;
    d.location = e.location();
    d.message = "invalid JSON: " + e.message();
    throw InvalidInput({d});
  }
}

Workflow parse_workflow_text(const std::string& text, const std::string& file) {
  Workflow wf;
  wf.file = file;
  wf.sha256 = sha256_hex(text);
  Value doc = parse_input_document(text, file, wf.map);
  Diagnostics diags(file, &wf.map);
  if (!doc.is_object()) {
    diags.error("", "a workflow must be a JSON object", "start from workflows/example.json");
    throw InvalidInput(diags.list());
  }
  const Object& top = doc.as_object();
  check_keys(top, workflow_schema(), "", diags);
  if (const Value* v = top.find("milink"); v && v->is_int() && v->as_int() != 1)
    diags.error("/milink", "unsupported workflow format " + std::to_string(v->as_int()),
                "this milink reads format 1");
  if (const Value* n = top.find("name"); n && n->is_string()) wf.name = n->as_string();
  if (const Value* d = top.find("description"); d && d->is_string()) wf.description = d->as_string();
  Parser parser{wf, diags, {}};
  if (const Value* in = top.find("inputs"); in && in->is_object()) parser.inputs(*in, "/inputs");
  if (const Value* st = top.find("steps"); st && st->is_array()) parser.steps(*st, "/steps", wf.steps);
  if (!diags.empty()) throw InvalidInput(diags.list());
  return wf;
}

Workflow parse_workflow_file(const std::string& path) { return parse_workflow_text(read_file(path), path); }

}  // namespace milink::workflow
