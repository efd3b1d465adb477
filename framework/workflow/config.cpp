#include "workflow/config.hpp"

#include "workflow/replica_config.hpp"
#include "workflow/schema.hpp"
#include "workflow/workflow_parser.hpp"

#include <milink/sdk/file.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace milink::workflow {

using milink::sdk::Array;
using milink::sdk::json_pointer_join;
using milink::sdk::Object;
using milink::sdk::Value;

const ProviderInstance* Config::provider(const std::string& n) const {
  for (const auto& p : providers)
    if (p.name == n) return &p;
  return nullptr;
}

Object Config::inputs() const {
  if (const Value* in = root.get("inputs"); in && in->is_object()) return in->as_object();
  return {};
}

namespace {

bool is_secret_ref(const Value& v) {
  if (!v.is_object() || v.as_object().size() != 1) return false;
  return v.as_object().contains("from_env") || v.as_object().contains("from_file");
}

bool is_env_ref(const Value& v) { return v.is_object() && v.as_object().size() == 1 && v.as_object().contains("env"); }

/// The first "${...}" in \p s ("${VAR}", "${env:VAR}": substitution other
/// tools do and milink does not; "${{" starts a workflow expression and is
/// not matched), or "".
std::string shell_variable(const std::string& s) {
  static const std::regex form(R"(\$\{[^{}\s]+\})");
  std::smatch m;
  return std::regex_search(s, m, form) ? m.str() : std::string();
}

/// Replaces every {"env": "VAR"} with the variable's value (not a secret:
/// never registered with the redactor), and refuses strings holding a
/// shell-style ${VAR}, which would otherwise be sent literally (to Entra
/// ID as a client secret, say). Runs before the schema check, so an env
/// reference stands wherever a string may.
/// Whether the value at \p pointer is an object by the config's schema (a
/// section, a provider instance, its `with`): {"env": ...} there is that
/// object (the static-token provider has a parameter named env), not a
/// reference.
bool object_slot(const std::string& pointer) {
  std::vector<std::string> parts;
  for (std::size_t at = 0; at < pointer.size();) {
    std::size_t next = pointer.find('/', at + 1);
    parts.push_back(pointer.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next == std::string::npos ? pointer.size() : next;
  }
  if (parts.size() <= 1) return true;  // the document, or a section
  if (parts[0] != "providers") return false;
  return parts.size() == 2 || (parts.size() == 3 && parts[2] == "with");
}

Value resolve_env(const Value& v, const std::string& pointer, Diagnostics& diags) {
  if (is_env_ref(v) && !object_slot(pointer)) {
    const Value& name = *v.as_object().find("env");
    const std::string p = json_pointer_join(pointer, "env");
    if (!name.is_string() || name.as_string().empty()) {
      diags.error(p, "env must name an environment variable");
      return Value(std::string());  // a string, so the schema check adds no second error
    }
    const char* val = std::getenv(name.as_string().c_str());
    if (val == nullptr) {
      diags.error(p, "environment variable " + name.as_string() + " is not set",
                  "export " + name.as_string() + " before running milink, or write the value in the config");
      return Value(std::string());
    }
    return Value(std::string(val));
  }
  if (v.is_string()) {
    std::string var = shell_variable(v.as_string());
    if (!var.empty()) {
      std::string bare = var.substr(2, var.size() - 3);
      if (bare.rfind("env:", 0) == 0) bare = bare.substr(4);  // "${env:VAR}", as some tools write it
      diags.error(pointer, "\"" + var + "\" is not expanded: milink does not substitute ${...} in a config",
                  "write {\"from_env\": \"" + bare + "\"} (a secret) or {\"env\": \"" + bare +
                      "\"} (a plain value) instead of the string");
    }
    return v;
  }
  if (v.is_object()) {
    Object out;
    for (const auto& [k, child] : v.as_object()) out.set(k, resolve_env(child, json_pointer_join(pointer, k), diags));
    return Value(std::move(out));
  }
  if (v.is_array()) {
    Array out;
    for (std::size_t i = 0; i < v.as_array().size(); ++i)
      out.push_back(resolve_env(v.as_array()[i], json_pointer_join(pointer, i), diags));
    return Value(std::move(out));
  }
  return v;
}

class SecretResolver {
public:
  SecretResolver(Config& cfg, Diagnostics& diags, std::filesystem::path base, SecretReading reading)
      : cfg_(cfg), diags_(diags), base_(std::move(base)), reading_(reading) {}

  Value resolve(const Value& v, const std::string& pointer) {
    if (is_secret_ref(v)) return resolve_ref(v.as_object(), pointer);
    if (v.is_object()) {
      Object out;
      for (const auto& [k, child] : v.as_object()) out.set(k, resolve(child, json_pointer_join(pointer, k)));
      return Value(std::move(out));
    }
    if (v.is_array()) {
      Array out;
      for (std::size_t i = 0; i < v.as_array().size(); ++i)
        out.push_back(resolve(v.as_array()[i], json_pointer_join(pointer, i)));
      return Value(std::move(out));
    }
    return v;
  }

private:
  Value resolve_ref(const Object& ref, const std::string& pointer) {
    if (const Value* env = ref.find("from_env")) {
      std::string p = json_pointer_join(pointer, "from_env");
      if (!env->is_string() || env->as_string().empty()) {
        diags_.error(p, "from_env must name an environment variable");
        return Value();
      }
      if (reading_ == SecretReading::Leave) return Value("<secret from environment variable " + env->as_string() + ">");
      const char* val = std::getenv(env->as_string().c_str());
      if (val == nullptr) {
        diags_.error(p, "environment variable " + env->as_string() + " is not set",
                     "export " + env->as_string() + " before running milink, or use {\"from_file\": ...}");
        return Value();
      }
      return secret(val);
    }
    const Value* file = ref.find("from_file");
    std::string p = json_pointer_join(pointer, "from_file");
    if (!file->is_string() || file->as_string().empty()) {
      diags_.error(p, "from_file must name a file");
      return Value();
    }
    std::filesystem::path path(file->as_string());
    if (path.is_relative()) path = base_ / path;
    if (reading_ == SecretReading::Leave) return Value("<secret from file " + path.string() + ">");
    std::string text;
    try {
      text = milink::sdk::read_regular_file(path.string());
    } catch (const milink::sdk::FileError& e) {
      diags_.error(p, "the secret file " + path.string() + " " + e.reason(),
                   "check the path; a relative one starts at the config file's folder; it must be a regular file of at most 16 MiB");
      return Value();
    }
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return secret(text);
  }

  Value secret(std::string text) {
    if (!text.empty()) cfg_.secrets.push_back(text);
    return Value(std::move(text));
  }

  Config& cfg_;
  Diagnostics& diags_;
  std::filesystem::path base_;
  SecretReading reading_;
};

void check_sections(const Object& top, Diagnostics& diags) {
  check_keys(top, config_schema(), "", diags);
  if (const Value* v = top.find("milink_config"); v && v->is_int() && v->as_int() != 1)
    diags.error("/milink_config", "unsupported config format " + std::to_string(v->as_int()),
                "this milink reads format 1");
  for (const char* target : {"sqlserver", "managed_instance"})
    if (const Value* t = top.find(target); t && t->is_object())
    {
      check_keys(t->as_object(), sql_target_schema(), std::string("/") + target, diags);
      for (const char* key : {"port", "endpoint_port"}) {
        const Value* port = t->get(key);
        if (port != nullptr && port->is_int() && (port->as_int() < 1 || port->as_int() > 65535))
          diags.error(json_pointer_join(json_pointer_join("", target), key),
                      std::to_string(port->as_int()) + " is not a TCP port", "a port is between 1 and 65535");
      }
    }
  check_sql_replicas(top, diags);
  if (const Value* a = top.find("azure"); a && a->is_object()) check_keys(a->as_object(), azure_schema(), "/azure", diags);
  if (const Value* dbs = top.find("databases"); dbs && dbs->is_array()) {
    for (std::size_t i = 0; i < dbs->as_array().size(); ++i)
      if (!dbs->as_array()[i].is_string())
        diags.error(json_pointer_join("/databases", i), "a database must be a name (a string)");
  }
}

}  // namespace

Config load_config_text(const std::string& text, const std::string& file, SecretReading reading) {
  Config cfg;
  cfg.file = file;
  cfg.sha256 = sha256_hex(text);
  Value doc = parse_input_document(text, file, cfg.map);
  Diagnostics diags(file, &cfg.map);
  if (!doc.is_object()) {
    diags.error("", "a config must be a JSON object", "see docs/workflow-language.md, section config");
    throw InvalidInput(diags.list());
  }
  doc = resolve_env(doc, "", diags);
  check_sections(doc.as_object(), diags);
  SecretResolver resolver(cfg, diags, std::filesystem::path(file).parent_path(), reading);
  cfg.root = resolver.resolve(doc, "");
  // The documented default, filled in so workflows can read it as any other
  // value: SQL Server's mirroring endpoint listens on 5022 unless told.
  if (const Value* sql = cfg.root.get("sqlserver"); sql && sql->is_object() && !sql->as_object().contains("endpoint_port"))
    cfg.root.mutable_object().find("sqlserver")->mutable_object().set("endpoint_port", Value(5022));
  // Each replica of /sqlserver/replicas: its fqdn defaults to its name and
  // its endpoint port to SQL Server's, so workflows read both as any value.
  // With an existing AG, an absent listener reads as null and absent
  // replicas as none, so a workflow can test them (`listener || ...`).
  if (Value* sql = cfg.root.is_object() ? cfg.root.mutable_object().find("sqlserver") : nullptr; sql && sql->is_object()) {
    if (sql->as_object().contains("availability_group")) {
      if (!sql->as_object().contains("listener")) sql->mutable_object().set("listener", Value());
      if (!sql->as_object().contains("replicas")) sql->mutable_object().set("replicas", Value(Array{}));
    }
    if (Value* reps = sql->mutable_object().find("replicas"); reps && reps->is_array()) {
      const Value* port = sql->get("endpoint_port");
      for (Value& r : reps->mutable_array()) {
        if (!r.is_object()) continue;
        const Value* name = r.get("name");
        if (!r.as_object().contains("fqdn") && name && name->is_string()) r.mutable_object().set("fqdn", *name);
        if (!r.as_object().contains("endpoint_port") && port) r.mutable_object().set("endpoint_port", *port);
      }
    }
  }
  if (const Value* provs = cfg.root.get("providers"); provs && provs->is_object()) {
    for (const auto& [name, def] : provs->as_object()) {
      std::string p = json_pointer_join("/providers", name);
      if (!def.is_object()) {
        diags.error(p, "a provider instance must be an object such as {\"use\": \"azure-cli\"}");
        continue;
      }
      check_keys(def.as_object(), provider_instance_schema(), p, diags);
      ProviderInstance inst;
      inst.name = name;
      inst.pointer = p;
      if (const Value* u = def.get("use"); u && u->is_string()) inst.use = u->as_string();
      if (const Value* w = def.get("with"); w && w->is_object()) inst.with = w->as_object();
      cfg.providers.push_back(std::move(inst));
    }
  }
  if (!diags.empty()) throw InvalidInput(diags.list());
  return cfg;
}

Config load_config(const std::string& path, SecretReading reading) {
  return load_config_text(read_file(path), path, reading);
}

Config empty_config() {
  Config cfg;
  cfg.root = Value(Object{});
  return cfg;
}

}  // namespace milink::workflow
