#include "arm/spec_catalog.hpp"

#include "http/encoding.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <unistd.h>

#ifndef MILINK_AZURE_SPECS_SOURCE_DIR
#define MILINK_AZURE_SPECS_SOURCE_DIR ""
#endif
#ifndef MILINK_AZURE_SPECS_INSTALL_SUFFIX
#define MILINK_AZURE_SPECS_INSTALL_SUFFIX "share/milink/azure-specs"
#endif

namespace milink::emulator::arm {

using milink::sdk::Kind;
using milink::sdk::Object;
using milink::sdk::SourceMap;
using milink::sdk::Value;

namespace {

const char* kCommonSql = "common/sql/resource-manager/common/v1/types.json";
const char* kCommonTypes = "common/common-types/resource-management/v5/types.json";

bool is_api_version_dir(const std::string& name) {
  static const std::regex re("^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$");
  return std::regex_match(name, re);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw SpecError("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const Value* member(const Value& v, const std::string& name) { return v.is_object() ? v.get(name) : nullptr; }

std::string string_member(const Value& v, const std::string& name) {
  const Value* m = member(v, name);
  return m && m->is_string() ? m->as_string() : std::string();
}

bool bool_member(const Value& v, const std::string& name) {
  const Value* m = member(v, name);
  return m && m->is_bool() && m->as_bool();
}

/// JSON pointer ("/definitions/X") into \p root.
const Value* pointer(const Value& root, const std::string& ptr) {
  const Value* cur = &root;
  for (const auto& raw : http::split_path(ptr)) {
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    cur = member(*cur, token);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string dotnet_type(const std::string& swagger_type, const std::string& format) {
  if (swagger_type == "string") return "System.String";
  if (swagger_type == "integer") return format == "int64" ? "System.Int64" : "System.Int32";
  if (swagger_type == "number") return "System.Double";
  if (swagger_type == "boolean") return "System.Boolean";
  return swagger_type;
}

std::string render_value(const Value& v) {
  if (v.is_string()) return "\"" + v.as_string() + "\"";
  return v.to_json();
}

}  // namespace

std::string format_message(const std::string& templ, const std::vector<std::string>& args) {
  std::string out = templ;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string key = "{" + std::to_string(i) + "}";
    std::size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      out.replace(pos, key.size(), args[i]);
      pos += args[i].size();
    }
  }
  return out;
}

std::filesystem::path find_spec_dir(const std::filesystem::path& configured) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (!configured.empty()) candidates.push_back(configured);
  if (const char* env = std::getenv("MILINK_AZURE_SPECS"); env && *env) candidates.emplace_back(env);
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    fs::path bin = fs::path(exe).parent_path();
    candidates.push_back(bin.parent_path() / MILINK_AZURE_SPECS_INSTALL_SUFFIX);
    candidates.push_back(bin / "azure-specs");
  }
  if (*MILINK_AZURE_SPECS_SOURCE_DIR) candidates.emplace_back(MILINK_AZURE_SPECS_SOURCE_DIR);
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c / "common", ec)) return c;
    if (!configured.empty() && c == configured)
      throw SpecError("no Azure REST API specs in " + c.string() + " (expected <api-version>/*.json and common/)");
  }
  throw SpecError("cannot find the Azure REST API specs (emulator/arm/specs); set MILINK_AZURE_SPECS");
}

SpecCatalog::SpecCatalog(const std::filesystem::path& dir) : dir_(dir) {
  namespace fs = std::filesystem;
  auto load = [&](const fs::path& file, const std::string& key) {
    std::string text = read_file(file);
    try {
      documents_.push_back(Document{key, milink::sdk::parse_json(text, file.string())});
    } catch (const std::exception& e) {
      throw SpecError(std::string("bad spec file: ") + e.what());
    }
  };
  load(dir / kCommonSql, kCommonSql);
  load(dir / kCommonTypes, kCommonTypes);
  std::error_code ec;
  std::vector<fs::path> version_dirs;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && is_api_version_dir(entry.path().filename().string())) version_dirs.push_back(entry.path());
  if (ec) throw SpecError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(version_dirs.begin(), version_dirs.end());
  // documents_ must not reallocate once pointers to it are handed out: load everything first.
  std::vector<std::pair<std::string, std::string>> spec_files;  // key, version
  for (const auto& vd : version_dirs) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(vd))
      if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string key = vd.filename().string() + "/" + f.filename().string();
      load(f, key);
      spec_files.emplace_back(key, vd.filename().string());
    }
  }
  if (spec_files.empty()) throw SpecError("no api-version folders with specs in " + dir.string());

  static const std::regex error_line(R"(\* ([0-9]{3}) ([A-Za-z0-9_]+) - ([^\n]*))");
  for (const auto& [key, version] : spec_files) {
    const Document* doc = document(key);
    const Value* paths = member(doc->root, "paths");
    if (!paths || !paths->is_object()) continue;
    std::string file = key.substr(key.find('/') + 1);
    for (const auto& [path, item] : paths->as_object()) {
      if (!item.is_object()) continue;
      for (const auto& [method, op] : item.as_object()) {
        if (method == "parameters" || !op.is_object()) continue;
        SpecOperation so;
        so.api_version = version;
        so.file = file;
        so.method = http::to_lower(method);
        std::transform(so.method.begin(), so.method.end(), so.method.begin(), ::toupper);
        so.path = path;
        so.operation_id = string_member(op, "operationId");
        so.long_running = bool_member(op, "x-ms-long-running-operation");
        if (const Value* o = member(op, "x-ms-long-running-operation-options"))
          so.final_state_via = string_member(*o, "final-state-via");
        if (const Value* params = member(op, "parameters"); params && params->is_array())
          for (const auto& p : params->as_array())
            if (string_member(p, "in") == "body")
              if (const Value* schema = member(p, "schema")) so.body_ref = string_member(*schema, "$ref");
        if (const Value* responses = member(op, "responses"); responses && responses->is_object()) {
          for (const auto& [status, r] : responses->as_object()) {
            so.responses.push_back(status);
            if (status != "default") continue;
            std::string text = string_member(r, "description");
            for (std::sregex_iterator it(text.begin(), text.end(), error_line), end; it != end; ++it) {
              std::string code = (*it)[2];
              auto& slot = errors_[version];
              if (!slot.count(code)) slot[code] = ErrorTemplate{std::stoi((*it)[1]), (*it)[3]};
            }
          }
        }
        // Resource type and action from the path after "providers/Microsoft.Sql/".
        auto segs = http::split_path(path);
        std::size_t start = 0;
        for (std::size_t i = 0; i + 1 < segs.size(); ++i)
          if (http::iequals(segs[i], "providers")) start = i + 2;
        std::vector<std::string> lits;
        for (std::size_t i = start; i < segs.size(); i += 2) lits.push_back(segs[i]);
        std::size_t rest = segs.size() - start;
        if (so.method == "POST" && rest % 2 == 1 && rest >= 3) {
          so.action = lits.back();
          lits.pop_back();
        }
        for (std::size_t i = 0; i < lits.size(); ++i) so.resource_type += (i ? "/" : "") + lits[i];
        operations_.push_back(std::move(so));
      }
    }
  }
}

const SpecCatalog::Document* SpecCatalog::document(const std::string& key) const {
  for (const auto& d : documents_)
    if (d.key == key) return &d;
  return nullptr;
}

const SpecOperation* SpecCatalog::find(const std::string& operation_id, const std::string& api_version) const {
  for (const auto& o : operations_)
    if (o.operation_id == operation_id && o.api_version == api_version) return &o;
  return nullptr;
}

std::vector<std::string> SpecCatalog::versions_for_operation(const std::string& operation_id) const {
  std::set<std::string> s;
  for (const auto& o : operations_)
    if (o.operation_id == operation_id) s.insert(o.api_version);
  return {s.begin(), s.end()};
}

std::vector<std::string> SpecCatalog::versions_for_type(const std::string& resource_type) const {
  std::set<std::string> s;
  for (const auto& o : operations_)
    if (http::iequals(o.resource_type, resource_type)) s.insert(o.api_version);
  return {s.begin(), s.end()};
}

std::vector<std::string> SpecCatalog::versions() const {
  std::set<std::string> s;
  for (const auto& o : operations_) s.insert(o.api_version);
  return {s.begin(), s.end()};
}

std::optional<ErrorTemplate> SpecCatalog::error(const std::string& code, const std::string& api_version) const {
  if (auto it = errors_.find(api_version); it != errors_.end())
    if (auto e = it->second.find(code); e != it->second.end()) return e->second;
  // Newest version first: its wording is the current one.
  for (auto it = errors_.rbegin(); it != errors_.rend(); ++it)
    if (auto e = it->second.find(code); e != it->second.end()) return e->second;
  return std::nullopt;
}

bool SpecCatalog::documents(const std::string& code, const std::string& api_version) const {
  auto it = errors_.find(api_version);
  return it != errors_.end() && it->second.count(code) > 0;
}

SpecCatalog::SchemaRef SpecCatalog::resolve(const Document* from, const std::string& ref) const {
  SchemaRef out;
  std::size_t hash = ref.find('#');
  std::string file = ref.substr(0, hash);
  std::string ptr = hash == std::string::npos ? std::string() : ref.substr(hash + 1);
  const Document* doc = from;
  if (!file.empty()) {
    if (file.size() >= 19 && file.compare(file.size() - 19, 19, "common/v1/types.json") == 0) doc = document(kCommonSql);
    else if (file.find("common-types/resource-management/v5/types.json") != std::string::npos) doc = document(kCommonTypes);
    else doc = nullptr;
  }
  if (!doc) return out;
  out.doc = doc;
  out.node = pointer(doc->root, ptr);
  auto parts = http::split_path(ptr);
  if (parts.size() == 2 && parts[0] == "definitions") out.name = parts[1];
  return out;
}

SpecCatalog::SchemaRef SpecCatalog::follow(SchemaRef s) const {
  for (int i = 0; i < 16 && s.node; ++i) {
    std::string ref = string_member(*s.node, "$ref");
    if (ref.empty()) break;
    s = resolve(s.doc, ref);
  }
  return s;
}

void SpecCatalog::flatten(const SchemaRef& in, Flattened& out, int depth) const {
  if (depth > 16) return;
  SchemaRef s = follow(in);
  if (!s.node) return;
  if (const Value* all = member(*s.node, "allOf"); all && all->is_array())
    for (const auto& part : all->as_array()) flatten(follow(SchemaRef{s.doc, &part, ""}), out, depth + 1);
  if (const Value* props = member(*s.node, "properties"); props && props->is_object())
    for (const auto& [name, schema] : props->as_object()) {
      SchemaRef ps{s.doc, &schema, ""};
      bool replaced = false;
      for (auto& existing : out.properties)
        if (existing.first == name) {
          existing.second = ps;
          replaced = true;
        }
      if (!replaced) out.properties.emplace_back(name, ps);
    }
  if (const Value* req = member(*s.node, "required"); req && req->is_array())
    for (const auto& r : req->as_array())
      if (r.is_string()) out.required.push_back(r.as_string());
  if (const Value* add = member(*s.node, "additionalProperties"))
    out.additional = !add->is_bool() || add->as_bool();
}

const Value* SpecCatalog::definition(const SpecOperation& op, const std::string& name) const {
  const Document* doc = document(op.api_version + "/" + op.file);
  if (!doc) return nullptr;
  return follow(resolve(doc, "#/definitions/" + name)).node;
}

std::string SpecCatalog::where(const SourceMap& map, const std::string& ptr, const std::string& path) const {
  milink::sdk::SourceLocation loc = map.locate(ptr);
  return "Path '" + path + "', line " + std::to_string(loc.line) + ", position " + std::to_string(loc.column) + ".";
}

std::optional<BodyIssue> SpecCatalog::validate_body(const SpecOperation& op, const Value& body, const SourceMap& map,
                                                    bool envelope) const {
  const Document* doc = document(op.api_version + "/" + op.file);
  if (!doc || op.body_ref.empty()) return std::nullopt;
  return check(resolve(doc, op.body_ref), body, map, "", "", envelope, 0);
}

std::optional<BodyIssue> SpecCatalog::validate_definition(const SpecOperation& op, const std::string& definition,
                                                          const Value& value, const SourceMap& map,
                                                          const std::string& ptr, const std::string& path) const {
  const Document* doc = document(op.api_version + "/" + op.file);
  if (!doc) return std::nullopt;
  return check(resolve(doc, "#/definitions/" + definition), value, map, ptr, path, false, 0);
}

std::optional<BodyIssue> SpecCatalog::check(const SchemaRef& in, const Value& value, const SourceMap& map,
                                            const std::string& ptr, const std::string& path, bool envelope,
                                            int depth) const {
  static const char* kPrefix = "The request content was invalid and could not be deserialized: '";
  SchemaRef s = follow(in);
  if (!s.node || depth > 32 || value.is_null()) return std::nullopt;
  std::string name = s.name.empty() ? in.name : s.name;
  std::string type = string_member(*s.node, "type");
  bool objectish = type == "object" || (type.empty() && (member(*s.node, "properties") || member(*s.node, "allOf")));

  auto wrong = [&](BodyIssue::Kind kind, const std::string& text) {
    BodyIssue issue;
    issue.kind = kind;
    issue.path = path;
    std::size_t dot = path.find_last_of(".[");
    issue.member = dot == std::string::npos ? path : path.substr(dot + 1);
    issue.message = kPrefix + text + " " + where(map, ptr, path) + "'.";
    return issue;
  };

  if (objectish) {
    if (!value.is_object())
      return wrong(BodyIssue::Kind::WrongType,
                   "Error converting value " + render_value(value) + " to type '" + (name.empty() ? "object" : name) + "'.");
    Flattened f;
    flatten(s, f, 0);
    static const char* envelope_members[] = {"id",       "name",     "type",      "location",         "properties",
                                             "tags",     "sku",      "plan",      "kind",             "identity",
                                             "zones",    "managedBy", "etag",     "extendedLocation", "systemData",
                                             "scale"};
    for (const auto& [key, child] : value.as_object()) {
      const SchemaRef* ps = nullptr;
      for (const auto& [pname, pschema] : f.properties)
        if (http::iequals(pname, key)) ps = &pschema;
      std::string child_ptr = milink::sdk::json_pointer_join(ptr, key);
      std::string child_path = path.empty() ? key : path + "." + key;
      if (!ps) {
        if (f.additional) continue;
        bool tolerated = false;
        if (envelope)
          for (const char* e : envelope_members)
            if (http::iequals(e, key)) tolerated = true;
        if (tolerated) continue;
        BodyIssue issue;
        issue.kind = BodyIssue::Kind::UnknownMember;
        issue.member = key;
        issue.path = child_path;
        issue.message = std::string(kPrefix) + "Could not find member '" + key + "' on object of type '" +
                        (envelope ? std::string("ResourceDefinition") : (name.empty() ? std::string("Object") : name)) +
                        "'. " + where(map, child_ptr, child_path) + "'.";
        return issue;
      }
      SchemaRef target = follow(*ps);
      if (bool_member(*ps->node, "readOnly") || (target.node && bool_member(*target.node, "readOnly"))) continue;
      if (auto issue = check(*ps, child, map, child_ptr, child_path, false, depth + 1)) return issue;
    }
    for (const auto& req : f.required) {
      bool present = false;
      for (const auto& [key, child] : value.as_object())
        if (http::iequals(key, req) && !child.is_null()) present = true;
      if (!present) {
        BodyIssue issue;
        issue.kind = BodyIssue::Kind::MissingRequired;
        issue.member = req;
        issue.path = path.empty() ? req : path + "." + req;
        issue.message = std::string(kPrefix) + "Required property '" + req + "' not found in JSON. " +
                        where(map, ptr, path) + "'.";
        return issue;
      }
    }
    return std::nullopt;
  }

  if (type == "array") {
    if (!value.is_array())
      return wrong(BodyIssue::Kind::WrongType,
                   "Error converting value " + render_value(value) + " to type 'System.Collections.Generic.List`1'.");
    const Value* items = member(*s.node, "items");
    if (!items) return std::nullopt;
    const auto& arr = value.as_array();
    for (std::size_t i = 0; i < arr.size(); ++i)
      if (auto issue = check(SchemaRef{s.doc, items, ""}, arr[i], map, milink::sdk::json_pointer_join(ptr, i),
                             path + "[" + std::to_string(i) + "]", false, depth + 1))
        return issue;
    return std::nullopt;
  }

  std::string format = string_member(*s.node, "format");
  if (type == "string") {
    if (!value.is_string())
      return wrong(BodyIssue::Kind::WrongType,
                   "Error converting value " + render_value(value) + " to type '" + dotnet_type(type, format) + "'.");
    if (const Value* e = member(*s.node, "enum"); e && e->is_array()) {
      bool ok = false;
      for (const auto& allowed : e->as_array())
        if (allowed.is_string() && http::iequals(allowed.as_string(), value.as_string())) ok = true;
      if (!ok) {
        std::string enum_name = "String";
        if (const Value* x = member(*s.node, "x-ms-enum")) enum_name = string_member(*x, "name");
        return wrong(BodyIssue::Kind::BadEnum,
                     "Error converting value " + render_value(value) + " to type '" + enum_name + "'.");
      }
    }
    return std::nullopt;
  }
  if (type == "integer") {
    bool ok = value.is_int() && (format != "int32" || (value.as_int() >= INT32_MIN && value.as_int() <= INT32_MAX));
    if (!ok)
      return wrong(BodyIssue::Kind::WrongType,
                   "Error converting value " + render_value(value) + " to type '" + dotnet_type(type, format) + "'.");
    return std::nullopt;
  }
  if (type == "number" && !value.is_number())
    return wrong(BodyIssue::Kind::WrongType,
                 "Error converting value " + render_value(value) + " to type '" + dotnet_type(type, format) + "'.");
  if (type == "boolean" && !value.is_bool())
    return wrong(BodyIssue::Kind::WrongType,
                 "Error converting value " + render_value(value) + " to type '" + dotnet_type(type, format) + "'.");
  return std::nullopt;
}

}  // namespace milink::emulator::arm
