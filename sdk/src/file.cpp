#include <milink/sdk/file.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace milink::sdk {

FileError::FileError(const std::string& path, std::string reason)
    : std::runtime_error(path + " " + reason), reason_(std::move(reason)) {}

FileError::~FileError() = default;

namespace {

/// Why a file of mode \p mode cannot be read as input, or null for a regular file.
const char* not_regular(mode_t mode) {
  if (S_ISREG(mode)) return nullptr;
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode)) return "is a character device, not a regular file";
  if (S_ISBLK(mode)) return "is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

std::string too_large(std::size_t max_bytes) {
  return "is larger than the " + std::to_string(max_bytes) + " bytes allowed; is it the right file?";
}

/// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_regular_file(const std::string& path, std::size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw FileError(path, std::string("cannot be opened: ") + std::strerror(errno));
  if (const char* why = not_regular(st.st_mode)) throw FileError(path, why);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) throw FileError(path, too_large(max_bytes));
  // O_NONBLOCK: should the path be swapped for a FIFO after stat(), the open
  // still returns at once and fstat() refuses it.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) throw FileError(path, std::string("cannot be opened: ") + std::strerror(errno));
  if (::fstat(f.fd, &st) != 0) throw FileError(path, std::string("cannot be read: ") + std::strerror(errno));
  if (const char* why = not_regular(st.st_mode)) throw FileError(path, why);
  std::string out;
  out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FileError(path, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) throw FileError(path, too_large(max_bytes));
  }
  return out;
}

}  // namespace milink::sdk
