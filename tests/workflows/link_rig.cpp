#include "link_rig.hpp"

#include "sql/sql_service.hpp"
#include "state/scenario.hpp"
#include "workflow/config.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace linkrig {

std::string scenario_with(const std::vector<std::string>& databases, const std::string& sql_version) {
  Array dbs;
  for (const auto& d : databases)
    dbs.push_back(Value(Object{{"name", Value(d)}, {"recovery", Value("FULL")}, {"size_mb", Value(8)},
                               {"backups", Value(Array{Value("full")})}}));
  return Value(Object{{"sql_server", Value(Object{{"version", Value(sql_version)}, {"databases", Value(dbs)}})}})
      .to_json();
}

std::string date_in(int days, bool compact) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%d" : "%Y-%m-%d", &tm);
  return buf;
}

std::vector<std::string> numbered(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "db%02d", i);
    out.push_back(buf);
  }
  return out;
}

namespace {
milink::emulator::EmulatorOptions options(const std::string& scenario_json, const std::string& faults,
                                         const std::string& profile) {
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::parse_scenario(scenario_json, "test scenario");
  o.faults = faults;
  o.profile = profile;
  return o;
}
}  // namespace

Rig::Rig(const std::string& scenario_json, const std::string& faults, const std::string& profile)
    : emulator(options(scenario_json, faults, profile)) {
  emulator.start();
  emulator.write_config(dir / "config.json");
  config = milink::sdk::parse_json(testsupport::read_file(dir / "config.json"));
  testsupport::write_file(dir / "master-key", kMasterKeyPassword);
  Object inputs{{"master_key_password", Value(Object{{"from_file", Value("master-key")}})},
                {"poll_interval_ms", Value(50)},
                {"verify_timeout_seconds", Value(60)}};
  config.mutable_object().set("inputs", Value(inputs));
  save();
}

void Rig::set_input(const std::string& name, const Value& v) {
  config.mutable_object().find("inputs")->mutable_object().set(name, v);
  save();
}

void Rig::set_databases(const std::vector<std::string>& dbs) {
  Array a;
  for (const auto& d : dbs) a.push_back(Value(d));
  config.mutable_object().set("databases", Value(a));
  save();
}

void Rig::save() { testsupport::write_file(dir / "config.json", config.to_pretty_json()); }

std::vector<std::string> Rig::args(const std::string& workflow, const std::vector<std::string>& extra) const {
  std::vector<std::string> a{testsupport::milink_binary().string(), "run",
                             workflow.front() == '/' ? workflow : std::string(MILINK_WORKFLOWS_DIR) + "/" + workflow,
                             "-c", "config.json", "--output", "json", "--state-dir", "state"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

testsupport::ProcessResult Rig::run(const std::string& workflow, const std::vector<std::string>& extra) {
  auto r = testsupport::run(args(workflow, extra), dir.path());
  UNSCOPED_INFO("milink exit " << r.exit_code << "\n" << r.out.substr(r.out.size() > 6000 ? r.out.size() - 6000 : 0)
                               << "\n" << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  return r;
}

pid_t Rig::spawn(const std::string& workflow, const std::vector<std::string>& extra, const std::string& tag) {
  return testsupport::spawn(args(workflow, extra), dir.path(), {}, tag);
}

std::map<std::string, std::string> Rig::statuses(const std::string& json_lines) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < json_lines.size()) {
    std::size_t end = json_lines.find('\n', pos);
    if (end == std::string::npos) end = json_lines.size();
    std::string line = json_lines.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("\"step_end\"") == std::string::npos) continue;
    Value v = milink::sdk::parse_json(line);
    const Value* ev = v.get("event");
    if (ev == nullptr || ev->as_string() != "step_end") continue;
    out[v.get("step")->as_string()] = v.get("status")->as_string();
  }
  return out;
}

std::vector<Value> Rig::events(const std::string& json_lines) {
  std::vector<Value> list;
  std::istringstream in(json_lines);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line.front() == '{') list.push_back(milink::sdk::parse_json(line));
  return list;
}

std::string Rig::reason_of(const std::string& json_lines, const std::string& step) {
  for (auto& e : events(json_lines))
    if (e.get("event")->as_string() == "step_end" && e.get("step")->as_string() == step)
      return e.get("reason")->as_string();
  return {};
}

bool Rig::wait_for_step_end(int timeout_ms) {
  return testsupport::eventually([&] { return finished_steps() > 0; }, timeout_ms);
}

int Rig::finished_steps() const {
  int n = 0;
  std::error_code ec;
  const std::filesystem::path runs = dir / "state" / "runs";
  if (!std::filesystem::exists(runs, ec)) return 0;
  for (const auto& d : std::filesystem::directory_iterator(runs, ec)) {
    std::string j = testsupport::read_file(d.path() / "journal.jsonl");
    for (std::size_t p = j.find("\"step_end\""); p != std::string::npos; p = j.find("\"step_end\"", p + 1)) ++n;
  }
  return n;
}

std::vector<std::string> Rig::statements(const std::string& prefix, const std::string& server) {
  std::vector<std::string> out;
  Value d = dump();
  const Value* log = d.get("statement_log")->get(server);
  for (const auto& e : log->as_array()) {
    if (!e.get("ok")->as_bool()) continue;
    const std::string& text = e.get("text")->as_string();
    // The network check's temporary endpoint, certificate and jobs are not
    // the workflow's objects (network_check_tests.cpp looks at them).
    if (text.find("milink_network_check") != std::string::npos) continue;
    if (text.compare(0, prefix.size(), prefix) == 0) out.push_back(text);
  }
  return out;
}

int Rig::arm_requests(const std::string& method, const std::string& fragment) {
  return static_cast<int>(arm_bodies(method, fragment).size());
}

std::vector<std::string> Rig::arm_bodies(const std::string& method, const std::string& fragment) {
  std::vector<std::string> out;
  Value d = dump();
  for (const auto& r : d.get("azure_requests")->as_array()) {
    int status = static_cast<int>(r.get("status")->as_int());
    if (r.get("method")->as_string() == method && r.get("path")->as_string().find(fragment) != std::string::npos &&
        status < 300)
      out.push_back(r.get("body") ? r.get("body")->as_string() : "");
  }
  return out;
}

std::vector<std::string> Rig::availability_groups() {
  std::vector<std::string> out;
  Value d = dump();
  for (const auto& ag : d.get("sql_server")->get("availability_groups")->as_array())
    out.push_back(ag.get("name")->as_string());
  return out;
}

std::vector<std::string> Rig::certificates() {
  std::vector<std::string> out;
  Value d = dump();
  for (const auto& db : d.get("sql_server")->get("databases")->as_array()) {
    if (db.get("name")->as_string() != "master") continue;
    if (const Value* certs = db.get("certificates"))
      for (const auto& c : certs->as_array()) out.push_back(c.get("name")->as_string());
  }
  return out;
}

std::map<std::string, std::string> Rig::instance_databases() {
  std::map<std::string, std::string> out;
  Value d = dump();
  for (const auto& db : d.get("managed_instance")->get("databases")->as_array()) {
    std::string name = db.get("name")->as_string();
    if (name == "master" || name == "msdb" || name == "model" || name == "tempdb") continue;
    const Value* st = db.get("state");
    out[name] = st != nullptr && st->is_string() ? st->as_string() : std::string("?");
  }
  return out;
}

milink::emulator::LinkResource link_now(Rig& rig, const std::string& db) {
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  if (world.advance) world.advance();
  const auto* l = world.azure.find_link("DAG_" + db);
  REQUIRE(l != nullptr);
  return *l;
}

void wait_healthy(Rig& rig, const std::vector<std::string>& dbs) {
  REQUIRE(testsupport::eventually([&] {
    for (const auto& db : dbs) {
      auto l = link_now(rig, db);
      if (l.databases.empty() || l.databases[0].synchronization_health != "HEALTHY") return false;
    }
    return true;
  }));
}

void link(Rig& rig, const std::vector<std::string>& dbs) {
  rig.set_databases(dbs);
  REQUIRE(rig.run(dbs.size() == 1 ? "replicate-database.json" : "replicate-databases.json").exit_code == 0);
  wait_healthy(rig, dbs);
}

milink::sdk::SqlResult Rig::query(const std::string& target, const std::string& sql,
                                  const std::vector<milink::sdk::SqlValue>& params) {
  auto loaded = milink::workflow::load_config((dir / "config.json").string());
  milink::sql::SqlService service(loaded.root, loaded.file);
  std::string error;
  auto session = service.open(target, false, {}, error);
  INFO(target << ": " << error);
  REQUIRE(session);
  milink::sdk::SqlResult out;
  milink::sdk::SqlError err;
  bool ok = session->execute(sql, params, false, out, err);
  INFO("SQL: " << sql << "\nerror " << err.number << ": " << err.message);
  REQUIRE(ok);
  return out;
}

std::vector<std::string> first(const std::vector<std::string>& v, std::size_t n) { return {v.begin(), v.begin() + n}; }

Value names(const std::vector<std::string>& v) {
  Array a;
  for (const auto& s : v) a.push_back(Value(s));
  return Value(a);
}

std::string run_failing(Rig& rig, const std::string& workflow, const std::string& step, const std::string& message) {
  auto r = rig.run(workflow);
  CHECK(r.exit_code != 0);
  CHECK(Rig::statuses(r.out)[step] == "failed");
  std::string out = r.out + r.err;
  INFO(out);
  CHECK(out.find(message) != std::string::npos);
  return out;
}

void check_all_ok(const std::string& json_lines) {
  for (const auto& [step, status] : Rig::statuses(json_lines)) {
    INFO(step);
    CHECK(status == "ok");
  }
}

std::vector<std::string> link_databases(Rig& rig, const std::string& link) {
  auto& w = rig.emulator.world();
  auto lock = w.lock();
  if (w.advance) w.advance();
  const auto* l = w.azure.find_link(link);
  REQUIRE(l != nullptr);
  std::vector<std::string> out;
  for (const auto& d : l->databases) out.push_back(d.name);
  return out;
}

bool link_healthy(Rig& rig, const std::string& link) {
  auto& w = rig.emulator.world();
  auto lock = w.lock();
  if (w.advance) w.advance();
  const auto* l = w.azure.find_link(link);
  if (!l) return false;
  for (const auto& d : l->databases)
    if (d.synchronization_health != "HEALTHY") return false;
  return true;
}

}  // namespace linkrig
