//===- run/run_lock.hpp - One milink process per run -------------*- C++ -*-===//
///
/// \file
/// A run directory is used by one milink process at a time: a RunLock holds
/// an exclusive flock() on `<run dir>/lock` for as long as it lives (the
/// kernel drops it when the process ends, kill -9 included), and writes
/// who holds it (pid, host, start time, command line) into the file so a
/// second process can say who is in its way.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace milink::run {

class RunLock {
public:
  /// Takes the lock of \p run_dir without waiting. Returns nullopt when
  /// another process holds it, with \p holder set to what that process
  /// wrote ("pid 123 on host h, since 2026-12-05T21:00:00.000Z: milink run
  /// ..."). \p redact is applied to the command line written to the file.
  /// Throws std::runtime_error when the lock file cannot be opened.
  static std::optional<RunLock> acquire(const std::filesystem::path& run_dir,
                                        const std::function<std::string(const std::string&)>& redact,
                                        std::string& holder);

  RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace milink::run
