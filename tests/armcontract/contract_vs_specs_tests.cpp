// The emulator's ARM contract (emulator/arm/contract) against Microsoft's
// published specs in ../shared/azure-specs: for every api-version whose
// spec file is there, the operations, body schemas (members, types, enums,
// required, read-only) and error codes must match; for the versions only
// described in that folder's README table, the rows' facts must hold.
#include "arm/contract/contract.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#ifndef MILINK_SHARED_AZURE_SPECS
#error "MILINK_SHARED_AZURE_SPECS must name ../shared/azure-specs"
#endif

namespace fs = std::filesystem;
using milink::emulator::arm::arm_contract;
using milink::emulator::arm::BodyKind;
using milink::emulator::arm::Contract;
using milink::emulator::arm::Field;
using milink::emulator::arm::FieldType;
using milink::emulator::arm::Schema;
using milink::emulator::arm::TypeContract;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

fs::path specs_dir() {
  fs::path dir = MILINK_SHARED_AZURE_SPECS;
  if (!fs::is_directory(dir))
    FAIL("the shared Azure specs are missing: expected " << dir.string()
                                                         << " (CI checks the contract against them; clone ../shared)");
  return dir;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Object::Ptr load(const fs::path& p) { return Poco::JSON::Parser().parse(read_text(p)).extract<Object::Ptr>(); }

/// A spec document and the common-types documents its $refs point into.
struct Specs {
  Object::Ptr common_sql, common_v5;
  explicit Specs(const fs::path& dir)
      : common_sql(load(dir / "common/sql/resource-manager/common/v1/types.json")),
        common_v5(load(dir / "common/common-types/resource-management/v5/types.json")) {}

  struct Node {
    Object::Ptr doc, node;
    std::string name;  ///< definition name, when reached through a $ref
  };

  Node resolve(Object::Ptr doc, const std::string& ref) const {
    std::size_t hash = ref.find('#');
    std::string file = ref.substr(0, hash);
    if (!file.empty()) doc = file.find("common-types/resource-management/v5") != std::string::npos ? common_v5 : common_sql;
    Object::Ptr node = doc;
    std::string name;
    std::stringstream ptr(ref.substr(hash + 1));
    for (std::string token; std::getline(ptr, token, '/');)
      if (!token.empty()) {
        node = node->getObject(token);
        REQUIRE(node);
        name = token;
      }
    return Node{doc, node, name};
  }

  /// Follows $refs; read-only on the way is kept.
  Node follow(Node n, bool& read_only) const {
    while (n.node->has("$ref")) {
      if (n.node->optValue<bool>("readOnly", false)) read_only = true;
      n = resolve(n.doc, n.node->getValue<std::string>("$ref"));
    }
    if (n.node->optValue<bool>("readOnly", false)) read_only = true;
    return n;
  }

  void flatten(Node n, std::vector<std::pair<std::string, Node>>& props, std::set<std::string>& required) const {
    bool ignored = false;
    n = follow(n, ignored);
    if (auto all = n.node->getArray("allOf"))
      for (std::size_t i = 0; i < all->size(); ++i) flatten(Node{n.doc, all->getObject(i), ""}, props, required);
    if (auto p = n.node->getObject("properties"))
      for (const auto& name : p->getNames()) props.emplace_back(name, Node{n.doc, p->getObject(name), ""});
    if (auto r = n.node->getArray("required"))
      for (std::size_t i = 0; i < r->size(); ++i) required.insert(r->getElement<std::string>(i));
  }

  /// One line per member, "path: type[/format] [ro] [req] [enum Name(a|b)] [<Object>]", sorted.
  void describe(Node n, const std::string& path, std::vector<std::string>& out) const {
    std::vector<std::pair<std::string, Node>> props;
    std::set<std::string> required;
    flatten(n, props, required);
    for (const auto& [name, child] : props) {
      bool ro = false;
      Node t = follow(child, ro);
      std::string type = t.node->optValue<std::string>("type", "");
      bool objectish = type == "object" || (type.empty() && (t.node->has("properties") || t.node->has("allOf")));
      std::string line = path + name + ": ";
      if (objectish) {
        line += "object <" + t.name + ">";
      } else if (type == "array") {
        bool item_ro = false;
        Node item = follow(Node{t.doc, t.node->getObject("items"), ""}, item_ro);
        line += "array <" + item.name + ">";
      } else {
        line += type;
        std::string format = t.node->optValue<std::string>("format", "");
        if (!format.empty()) line += "/" + format;
      }
      if (ro) line += " ro";
      if (required.count(name)) line += " req";
      if (auto e = t.node->getArray("enum")) {
        std::string name_of = t.node->has("x-ms-enum") ? t.node->getObject("x-ms-enum")->getValue<std::string>("name") : "";
        line += " enum " + name_of + "(";
        for (std::size_t i = 0; i < e->size(); ++i) line += (i ? "|" : "") + e->getElement<std::string>(i);
        line += ")";
      }
      out.push_back(line);
      if (objectish) describe(t, path + name + ".", out);
      if (type == "array") describe(Node{t.doc, t.node->getObject("items"), ""}, path + name + "[].", out);
    }
  }

  std::vector<std::string> lines(Node n) const {
    std::vector<std::string> out;
    describe(n, "", out);
    std::sort(out.begin(), out.end());
    return out;
  }
};

std::string type_text(FieldType t) {
  switch (t) {
    case FieldType::Uuid: return "string/uuid";
    case FieldType::DateTime: return "string/date-time";
    case FieldType::Int32: return "integer/int32";
    case FieldType::Boolean: return "boolean";
    default: return "string";
  }
}

void describe(const std::vector<Field>& fields, const std::string& path, std::vector<std::string>& out) {
  for (const auto& f : fields) {
    std::string line = path + f.name + ": ";
    if (f.type == FieldType::Object) line += "object <" + f.object_name + ">";
    else if (f.type == FieldType::Array) line += "array <" + f.object_name + ">";
    else line += type_text(f.type);
    if (f.read_only) line += " ro";
    if (f.required) line += " req";
    if (!f.enum_values.empty()) {
      line += " enum " + f.enum_name + "(";
      for (std::size_t i = 0; i < f.enum_values.size(); ++i) line += (i ? "|" : "") + f.enum_values[i];
      line += ")";
    }
    out.push_back(line);
    if (f.type == FieldType::Object) describe(f.fields, path + f.name + ".", out);
    if (f.type == FieldType::Array) describe(f.fields, path + f.name + "[].", out);
  }
}

std::vector<std::string> lines(const Schema& s) {
  std::vector<std::string> out;
  describe(s.fields, "", out);
  std::sort(out.begin(), out.end());
  return out;
}

const std::map<std::string, std::string> kFiles{
    {"DistributedAvailabilityGroups.json", "managedInstances/distributedAvailabilityGroups"},
    {"ServerTrustCertificates.json", "managedInstances/serverTrustCertificates"},
    {"EndpointCertificates.json", "managedInstances/endpointCertificates"},
};

/// The contract of one spec file: operations, schemas, error codes.
void check_file(const Specs& specs, const Contract& c, const std::string& version, const std::string& file) {
  const std::string& type = kFiles.at(file);
  INFO(version << "/" << file);
  const TypeContract* t = c.type(type, version);
  REQUIRE(t);
  Object::Ptr doc = load(specs_dir() / version / file);
  Object::Ptr paths = doc->getObject("paths");
  std::set<std::string> seen;
  std::map<std::string, std::string> listed;  // error code -> "status message"
  static const std::regex error_line(R"(\* ([0-9]{3}) ([A-Za-z0-9_]+) - ([^\n]*))");
  for (const auto& path : paths->getNames()) {
    Object::Ptr item = paths->getObject(path);
    for (const auto& method : item->getNames()) {
      if (method == "parameters") continue;
      Object::Ptr op = item->getObject(method);
      std::string id = op->getValue<std::string>("operationId");
      INFO(id);
      const auto* mine = c.find(id, version);
      REQUIRE(mine);
      seen.insert(id);
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      CHECK(mine->method == upper);
      CHECK(mine->path == path.substr(path.find("Microsoft.Sql/") + 14));
      CHECK(mine->long_running == op->optValue<bool>("x-ms-long-running-operation", false));
      if (!mine->action.empty()) CHECK(path.size() > mine->action.size());
      if (!mine->action.empty()) CHECK(path.substr(path.size() - mine->action.size() - 1) == "/" + mine->action);
      // The body.
      std::string body_ref;
      if (auto params = op->getArray("parameters"))
        for (std::size_t i = 0; i < params->size(); ++i) {
          Object::Ptr p = params->getObject(i);
          if (p->has("in") && p->getValue<std::string>("in") == "body")
            body_ref = p->getObject("schema")->getValue<std::string>("$ref");
        }
      if (body_ref.empty()) {
        CHECK(mine->body == BodyKind::None);
      } else {
        const Schema* schema = c.body_schema(*mine);
        REQUIRE(schema);
        auto node = specs.resolve(doc, body_ref);
        CHECK(schema->name == node.name);
        CHECK(lines(*schema) == specs.lines(node));
      }
      // GET of one item: the resource.
      if (upper == "GET" && id.find("ListByInstance") == std::string::npos) {
        auto node = specs.resolve(doc, op->getObject("responses")->getObject("200")->getObject("schema")->getValue<std::string>("$ref"));
        CHECK(t->resource.name == node.name);
        CHECK(lines(t->resource) == specs.lines(node));
      }
      if (auto def = op->getObject("responses")->getObject("default")) {
        std::string text = def->optValue<std::string>("description", "");
        for (std::sregex_iterator it(text.begin(), text.end(), error_line), end; it != end; ++it)
          listed.emplace((*it)[2], std::string((*it)[1]) + " " + std::string((*it)[3]));
      }
    }
  }
  for (const auto& o : t->operations) {
    INFO(o.operation_id);
    CHECK(seen.count(o.operation_id));
  }
  for (const auto& e : c.errors()) {
    if (e.resource_type != type) continue;
    INFO(e.code);
    auto it = listed.find(e.code);
    CHECK(c.documents(e.code, version) == (it != listed.end()));
    if (it != listed.end()) CHECK(std::to_string(e.status) + " " + e.message == it->second);
  }
}

std::set<std::string> versions_in(const std::string& text) {
  static const std::regex version(R"([0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?)");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), version), end; it != end; ++it) out.insert(it->str());
  return out;
}

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|' && row[i - 1] != '\\') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

/// The backticked lowerCamel names of \p cell, less those after "except ".
std::vector<std::string> member_names(const std::string& cell) {
  static const std::regex tick(R"((except )?`([a-z][A-Za-z]*(\[\]\.[a-z][A-Za-z]*)?)`)");
  std::vector<std::string> out;
  for (std::sregex_iterator it(cell.begin(), cell.end(), tick), end; it != end; ++it) {
    if ((*it)[1].matched) continue;
    std::string name = (*it)[2];
    std::size_t dot = name.rfind('.');
    out.push_back(dot == std::string::npos ? name : name.substr(dot + 1));
  }
  return out;
}

const Field* find_deep(const std::vector<Field>& fields, const std::string& name) {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
    if (const Field* inner = find_deep(f.fields, name)) return inner;
  }
  return nullptr;
}

const std::vector<Field>& properties(const Schema* s) {
  static const std::vector<Field> none;
  const Field* p = s ? milink::emulator::arm::find_field(s->fields, "properties") : nullptr;
  return p ? p->fields : none;
}

}  // namespace

TEST_CASE("the contract matches every spec file in ../shared/azure-specs", "[armcontract]") {
  fs::path dir = specs_dir();
  Specs specs(dir);
  const Contract& c = arm_contract();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string version = entry.path().filename().string();
    if (!entry.is_directory() || versions_in(version).empty()) continue;
    for (const auto& [file, type] : kFiles)
      if (fs::exists(entry.path() / file)) {
        check_file(specs, c, version, file);
        ++files;
      }
  }
  CHECK(files >= 25);
}

TEST_CASE("the contract holds the README's table of every link version and its lists of certificate versions",
          "[armcontract]") {
  const Contract& c = arm_contract();
  std::string readme = read_text(specs_dir() / "README.md");
  // Bullets wrap onto indented lines: join them; the table is the section "Which api-version uses which body shape".
  std::vector<std::string> joined;
  bool in_table_section = false;
  {
    std::istringstream in(readme);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("## ", 0) == 0) in_table_section = line.find("Which api-version uses which body shape") != std::string::npos;
      if (line.rfind("  ", 0) == 0 && !joined.empty()) joined.back() += " " + line.substr(2);
      else joined.push_back((in_table_section ? "T" : "-") + line);
    }
  }
  std::set<std::string> table_versions, trust_versions, endpoint_versions;
  int rows = 0;
  for (const std::string& tagged : joined) {
    std::string line = tagged.substr(1);
    if (line.find("`ServerTrustCertificates.json` for") != std::string::npos)
      for (const auto& v : versions_in(line)) trust_versions.insert(v);
    if (line.find("`EndpointCertificates.json` for") != std::string::npos)
      for (const auto& v : versions_in(line)) endpoint_versions.insert(v);
    if (line.find("Everything of `") != std::string::npos)
      for (const auto& v : versions_in(line)) {
        trust_versions.insert(v);
        endpoint_versions.insert(v);
      }
    if (tagged[0] != 'T' || line.rfind("| `20", 0) != 0) continue;
    auto row = cells(line);
    REQUIRE(row.size() >= 5);
    ++rows;
    for (const auto& v : versions_in(row[0])) {
      INFO(v << ": " << line);
      table_versions.insert(v);
      const TypeContract* t = c.type("managedInstances/distributedAvailabilityGroups", v);
      REQUIRE(t);
      const auto& answered = properties(&t->resource);
      const auto* put = c.find("DistributedAvailabilityGroups_CreateOrUpdate", v);
      REQUIRE(put);
      const auto& taken = properties(c.body_schema(*put));
      std::string shape = row[1].substr(row[1].find_first_not_of(' '));
      if (shape.rfind("old", 0) == 0) {
        CHECK(find_deep(answered, "targetDatabase"));
        CHECK_FALSE(find_deep(answered, "databases"));
      } else if (shape.rfind("mixed", 0) == 0) {
        CHECK(find_deep(taken, "targetDatabase"));
        CHECK(find_deep(answered, "databases"));
      } else {
        CHECK(shape.rfind("new", 0) == 0);
        CHECK(find_deep(answered, "databases"));
        CHECK(find_deep(answered, "partnerEndpoint"));
      }
      for (const auto& name : member_names(row[2])) {
        INFO("sent: " << name);
        const Field* f = find_deep(taken, name);
        REQUIRE(f);
        CHECK_FALSE(f->read_only);
      }
      for (const auto& name : member_names(row[3])) {
        INFO("read-only: " << name);
        const Field* f = find_deep(answered, name);
        REQUIRE(f);
        CHECK(f->read_only);
      }
      bool set_role = row[4].find("/setRole") != std::string::npos;
      bool failover = row[4].find("/failover") != std::string::npos;
      CHECK(bool(c.find("DistributedAvailabilityGroups_SetRole", v)) == set_role);
      CHECK(bool(c.find("DistributedAvailabilityGroups_Failover", v)) == failover);
      // The action bodies the row spells out: "key": "A"\|"B".
      static const std::regex pair(R"re("([a-zA-Z]+)": "([A-Za-z]+)"\\\|"([A-Za-z]+)")re");
      for (std::sregex_iterator it(row[4].begin(), row[4].end(), pair), end; it != end; ++it) {
        std::string key = (*it)[1];
        const auto* op = c.find(key == "failoverType" ? "DistributedAvailabilityGroups_Failover"
                                                      : "DistributedAvailabilityGroups_SetRole", v);
        REQUIRE(op);
        const Field* f = find_deep(c.body_schema(*op)->fields, key);
        REQUIRE(f);
        CHECK(f->required);
        CHECK(f->enum_values == std::vector<std::string>{(*it)[2], (*it)[3]});
      }
    }
  }
  CHECK(rows == 8);
  auto as_set = [](std::vector<std::string> v) { return std::set<std::string>(v.begin(), v.end()); };
  CHECK(as_set(c.versions_for_type("managedInstances/distributedAvailabilityGroups")) == table_versions);
  CHECK(as_set(c.versions_for_type("managedInstances/serverTrustCertificates")) == trust_versions);
  CHECK(as_set(c.versions_for_type("managedInstances/endpointCertificates")) == endpoint_versions);
}
