#include "run/run_lock.hpp"

#include "run/journal.hpp"

#include <Poco/Environment.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace milink::run {

namespace {

/// This process's command line, arguments separated by spaces.
std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (auto& c : raw)
    if (c == '\0') c = ' ';
  return raw;
}

std::string read_all(int fd) {
  std::string out;
  char buf[1024];
  if (::lseek(fd, 0, SEEK_SET) < 0) return out;
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::optional<RunLock> RunLock::acquire(const std::filesystem::path& run_dir,
                                        const std::function<std::string(const std::string&)>& redact,
                                        std::string& holder) {
  const std::string path = (run_dir / "lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open the run's lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    holder = read_all(fd);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd);
    if (err != EWOULDBLOCK)
      throw std::runtime_error("cannot lock the run's lock file " + path + ": " + std::strerror(err));
    if (holder.empty()) holder = "another milink process (it has not written its details yet)";
    return std::nullopt;
  }
  const std::string who = "pid " + std::to_string(::getpid()) + " on host " + Poco::Environment::nodeName() +
                          ", since " + now_iso8601() + ": " + redact(own_command_line()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t ignored = ::pwrite(fd, who.data(), who.size(), 0);
    (void)ignored;
  }
  return RunLock(fd);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

}  // namespace milink::run
