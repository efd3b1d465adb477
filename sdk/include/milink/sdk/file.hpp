//===- milink/sdk/file.hpp - Reading input files safely -----------*- C++ -*-===//
///
/// \file
/// The one way milink, its plugins and the emulator read a file a user names
/// (workflow, config, from_file secret, scenario, token and certificate
/// files): it must be a regular file no larger than a limit. A FIFO, a
/// directory or a device such as /dev/zero is refused at once, without
/// blocking on the open or reading forever.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace milink::sdk {

/// The default size limit of read_regular_file: 16 MiB, far above any real
/// workflow, config or scenario.
inline constexpr std::size_t kMaxInputFileBytes = 16u * 1024u * 1024u;

/// Raised by read_regular_file. what() reads "<path> <reason>", e.g.
/// "/tmp/x is a directory"; reason() alone suits messages that already name
/// the file.
class FileError : public std::runtime_error {
public:
  FileError(const std::string& path, std::string reason);
  ~FileError() override;  // key function: one type_info in libmilink_sdk
  const std::string& reason() const noexcept { return reason_; }

private:
  std::string reason_;
};

/// The whole content of \p path. Throws FileError when it cannot be opened
/// or read, is not a regular file (the reason says what it is: a directory,
/// a FIFO, a character device, ...), or holds more than \p max_bytes bytes.
/// Never blocks on a FIFO: the file is checked with stat() before it is
/// opened, and opened with O_NONBLOCK.
std::string read_regular_file(const std::string& path, std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace milink::sdk
