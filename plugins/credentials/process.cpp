#include "process.hpp"

#include "common.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace milink::credentials {

std::string find_on_path(const std::string& name) {
  const std::string path = env("PATH");
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    start = end + 1;
    if (dir.empty()) continue;  // an empty entry means ".", which we do not search on purpose
    std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

namespace {

struct Fd {
  int fd = -1;
  ~Fd() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// Waits for \p pid until \p deadline; returns true when it was reaped.
bool reap(pid_t pid, int& exit_code, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      exit_code = decode_status(status);
      return true;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {  // ECHILD: the host ignores SIGCHLD, so the child was reaped for us
      exit_code = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

ProcessResult run_process(const std::string& exe, const std::vector<std::string>& args, int timeout_seconds,
                          std::size_t max_output) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw CredentialError(std::string("cannot create a pipe: ") + std::strerror(errno));
  Fd out_r{out_pipe[0]}, out_w{out_pipe[1]};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw CredentialError(std::string("cannot create a pipe: ") + std::strerror(errno));
  Fd err_r{err_pipe[0]}, err_w{err_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.fd, 2);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGCHLD);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills az and the python it started
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, exe.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw CredentialError("cannot start " + exe + ": " + std::strerror(rc));
  out_w.close();
  err_w.close();

  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(timeout_seconds);
  // Once the child has exited, a grandchild that kept the pipes open (a
  // detached helper) gets a short grace period, not the whole timeout.
  std::optional<clock::time_point> drain_until;
  bool exited = false;
  ProcessResult result;
  char buf[8192];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    if (!exited) {
      int status = 0;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        exited = true;
        result.exit_code = r == pid ? decode_status(status) : -1;
        drain_until = clock::now() + std::chrono::milliseconds(500);
      }
    }
    const auto now = clock::now();
    if (now >= deadline) {
      result.timed_out = !exited;
      break;
    }
    if (drain_until && now >= *drain_until) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd fds[2];
    nfds_t n = 0;
    Fd* owners[2];
    std::string* sinks[2];
    if (out_r.fd >= 0) {
      fds[n] = {out_r.fd, POLLIN, 0};
      owners[n] = &out_r;
      sinks[n++] = &result.out;
    }
    if (err_r.fd >= 0) {
      fds[n] = {err_r.fd, POLLIN, 0};
      owners[n] = &err_r;
      sinks[n++] = &result.err;
    }
    int pr = ::poll(fds, n, static_cast<int>(left > 50 ? 50 : left));
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        owners[i]->close();
        continue;
      }
      std::string& sink = *sinks[i];
      if (sink.size() < max_output) sink.append(buf, std::min(static_cast<std::size_t>(got), max_output - sink.size()));
    }
  }
  out_r.close();
  err_r.close();

  if (exited) return result;
  if (!result.timed_out && reap(pid, result.exit_code, deadline)) return result;
  result.timed_out = true;
  ::kill(-pid, SIGKILL);  // the whole group: az is a script that starts python
  ::kill(pid, SIGKILL);
  reap(pid, result.exit_code, clock::now() + std::chrono::seconds(5));
  return result;
}

}  // namespace milink::credentials
