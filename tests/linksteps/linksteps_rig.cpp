#include "linksteps_rig.hpp"

#include "state/scenario.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using milink::sdk::Object;
using milink::sdk::Value;

namespace linksteps {

Events Events::parse(const std::string& stdout_text) {
  Events e;
  std::istringstream in(stdout_text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    try {
      Value v = milink::sdk::parse_json(line);
      if (v.is_object()) e.all.push_back(v.as_object());
    } catch (const std::exception&) {
      // not an event line
    }
  }
  return e;
}

namespace {
std::string str(const Object& o, const char* key) {
  const Value* v = o.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}
}  // namespace

const Object* Events::step_end(const std::string& step) const {
  for (const auto& ev : all)
    if (str(ev, "event") == "step_end" && str(ev, "step") == step) return &ev;
  return nullptr;
}

std::string Events::status(const std::string& step) const {
  const Object* e = step_end(step);
  return e != nullptr ? str(*e, "status") : std::string();
}

std::string Events::reason(const std::string& step) const {
  const Object* e = step_end(step);
  return e != nullptr ? str(*e, "reason") : std::string();
}

std::string Events::output(const std::string& step, const std::string& name) const {
  const Object* e = step_end(step);
  if (e == nullptr) return {};
  const Value* outputs = e->find("outputs");
  const Value* v = outputs != nullptr ? outputs->get(name) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

bool Events::flag(const std::string& step, const std::string& name) const {
  const Object* e = step_end(step);
  if (e == nullptr) return false;
  const Value* outputs = e->find("outputs");
  const Value* v = outputs != nullptr ? outputs->get(name) : nullptr;
  return v != nullptr && v->is_bool() && v->as_bool();
}

testsupport::ProcessResult milink(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  std::vector<std::string> argv{testsupport::milink_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = testsupport::run(argv, cwd);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  UNSCOPED_INFO("milink" << cmd << "\nexit " << r.exit_code << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err);
  return r;
}

milink::emulator::EmulatorOptions EmulatorRig::options(const std::string& scenario_json) {
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::parse_scenario(scenario_json, "<linksteps scenario>");
  return o;
}

EmulatorRig::EmulatorRig(const std::string& scenario_json) : emulator(options(scenario_json)) {
  emulator.start();
  emulator.write_config(dir / "milink.json");
  config = milink::sdk::parse_json(testsupport::read_file(dir / "milink.json"));
  // The master key password comes from a file, as a secret reference.
  testsupport::write_file(dir / "master-key-password", std::string(kMasterKeyPassword) + "\n");
  config.mutable_object().set(
      "inputs", Value(Object{{"master_key_password", Value(Object{{"from_file", Value("master-key-password")}})},
                             {"poll_interval_ms", Value(50)},
                             {"verify_timeout_seconds", Value(30)}}));
  save();
}

void EmulatorRig::set(const std::string& section, const std::string& key, const Value& v) {
  if (section.empty())
    config.mutable_object().set(key, v);
  else
    config.mutable_object().find(section)->mutable_object().set(key, v);
  save();
}

void EmulatorRig::save() { testsupport::write_file(dir / "milink.json", config.to_pretty_json() + "\n"); }

Run EmulatorRig::run(const std::filesystem::path& workflow, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"run", workflow.string(), "-c", "milink.json", "--output", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Run r;
  r.process = milink(args, dir.path());
  r.events = Events::parse(r.process.out);
  return r;
}

std::string EmulatorRig::everything(const Run& r) const {
  std::string state = std::filesystem::exists(dir / ".milink") ? testsupport::read_tree(dir / ".milink") : std::string();
  return r.process.out + r.process.err + state;
}

std::vector<std::string> EmulatorRig::sql_server_statements() const {
  std::vector<std::string> out;
  for (const auto& e :
       const_cast<milink::emulator::Emulator&>(emulator).world().statement_log(milink::emulator::Personality::SqlServer))
    out.push_back(e.text);
  return out;
}

Value bundled_workflow(const std::string& name) {
  return milink::sdk::parse_json(
      testsupport::read_file(std::filesystem::path(MILINK_LINKSTEPS_WORKFLOW_DIR) / name));
}

std::map<std::string, std::string> files_in(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file()) out[entry.path().filename().string()] = testsupport::read_file(entry.path());
  return out;
}

}  // namespace linksteps
