#include "process.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using milink::sdk::Object;
using milink::sdk::Value;

namespace acmetest {

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("acme-log-backup-" + std::to_string(rd()) + std::to_string(::getpid()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

namespace {

/// Starts \p argv in \p cwd, stdout and stderr to the given files.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& out, const fs::path& err) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0) ::_exit(126);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string str(const Object& o, const char* key) {
  const Value* v = o.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

}  // namespace

const Object* Run::step_end(const std::string& step) const {
  for (const auto& e : events)
    if (str(e, "event") == "step_end" && str(e, "step") == step) return &e;
  return nullptr;
}

std::string Run::status(const std::string& step) const {
  const Object* e = step_end(step);
  return e ? str(*e, "status") : std::string();
}

std::string Run::reason(const std::string& step) const {
  const Object* e = step_end(step);
  return e ? str(*e, "reason") : std::string();
}

Value Run::output(const std::string& step, const std::string& name) const {
  const Object* e = step_end(step);
  const Value* outputs = e ? e->find("outputs") : nullptr;
  const Value* v = outputs ? outputs->get(name) : nullptr;
  return v ? *v : Value();
}

std::vector<std::string> Run::logs(const std::string& step, const std::string& level) const {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (str(e, "event") == "step_log" && str(e, "step") == step && str(e, "level") == level)
      out.push_back(str(e, "message"));
  return out;
}

Run run_milink(const std::vector<std::string>& args, const fs::path& cwd) {
  static int counter = 0;
  std::string tag = "milink" + std::to_string(++counter);
  std::vector<std::string> argv{ACME_MILINK};
  argv.insert(argv.end(), args.begin(), args.end());
  Run r;
  r.exit_code = wait_for(spawn(argv, cwd, cwd / (tag + ".out"), cwd / (tag + ".err")));
  r.out = read_file(cwd / (tag + ".out"));
  r.err = read_file(cwd / (tag + ".err"));
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    try {
      Value v = milink::sdk::parse_json(line);
      if (v.is_object()) r.events.push_back(v.as_object());
    } catch (const std::exception&) {
    }
  }
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  UNSCOPED_INFO("milink" << cmd << "\nexit " << r.exit_code << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err);
  return r;
}

Emulator::Emulator(const fs::path& dir, const std::string& scenario_json)
    : dir_(dir), config_(dir / "milink.json"), dump_(dir / "emulator-state.json"), log_(dir / "emulator.log") {
  write_file(dir / "scenario.json", scenario_json);
  pid_ = spawn({ACME_MILINK_EMULATOR, "--scenario", "scenario.json", "--write-config", config_.string(), "--dump-state",
                dump_.string(), "--profile", "fast"},
               dir, log_, dir / "emulator.err");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_file(log_).find("milink-emulator: ready") == std::string::npos) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("milink-emulator exited before it was ready: " + read_file(dir / "emulator.err"));
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("milink-emulator was not ready in 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Emulator::~Emulator() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    wait_for(pid_);
  }
}

Value Emulator::stop() {
  if (pid_ <= 0) throw std::logic_error("the emulator is not running");
  ::kill(pid_, SIGTERM);
  int code = wait_for(pid_);
  pid_ = -1;
  if (code != 0) throw std::runtime_error("milink-emulator exited with " + std::to_string(code));
  return milink::sdk::parse_json(read_file(dump_));
}

std::vector<std::string> sql_server_statements(const Value& dump) {
  std::vector<std::string> out;
  for (const auto& s : dump.get("statement_log")->get("sql_server")->as_array()) out.push_back(s.get("text")->as_string());
  return out;
}

const milink::sdk::Array& agent_jobs(const Value& dump) {
  return dump.get("sql_server")->get("agent")->get("jobs")->as_array();
}

}  // namespace acmetest
