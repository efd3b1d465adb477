#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace testsupport {

namespace fs = std::filesystem;

fs::path test_plugin_dir() { return MILINK_TEST_PLUGIN_DIR; }
fs::path milink_binary() { return MILINK_BINARY; }

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("milink-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> read_list(const fs::path& p) {
  std::vector<std::string> out;
  std::istringstream in(read_file(p));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line.front() != '#') out.push_back(line);
  return out;
}

std::vector<milink::sdk::Object> read_json_lines(const fs::path& p) {
  std::vector<milink::sdk::Object> out;
  std::ifstream in(p, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    out.push_back(milink::sdk::parse_json(line, p.string()).as_object());
  }
  return out;
}

std::string read_tree(const fs::path& dir) {
  std::string all;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file()) all += read_file(it->path()) + "\n";
  return all;
}

pid_t spawn(const std::vector<std::string>& argv, const fs::path& cwd, const std::map<std::string, std::string>& env,
            const std::string& tag) {
  fs::path out = cwd / (tag + ".stdout"), err = cwd / (tag + ".stderr");
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
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
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd, const std::map<std::string, std::string>& env) {
  // The output files live in cwd, which concurrent test processes may share
  // (several run milink in its own bin directory): the pid keeps their names
  // apart, or one test reads another's output.
  static std::atomic<int> counter{0};
  std::string tag = "proc" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  ProcessResult r;
  r.exit_code = wait_for(spawn(argv, cwd, env, tag));
  r.out = read_file(cwd / (tag + ".stdout"));
  r.err = read_file(cwd / (tag + ".stderr"));
  std::error_code ec;
  fs::remove(cwd / (tag + ".stdout"), ec);
  fs::remove(cwd / (tag + ".stderr"), ec);
  return r;
}

bool eventually(const std::function<bool()>& predicate, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return predicate();
}

}  // namespace testsupport
