//===- emulator/tds/byte_io.hpp - Bounded little-endian codec ---*- C++ -*-===//
///
/// \file
/// ByteReader reads from a buffer and throws ProtocolError instead of ever
/// reading past its end; ByteWriter appends. TDS is little-endian after the
/// packet header, except PRELOGIN offsets and a few version fields.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace milink::emulator::tds {

using Bytes = std::vector<std::uint8_t>;

class ByteReader {
public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  explicit ByteReader(const Bytes& b) : data_(b.data()), size_(b.size()) {}

  std::size_t remaining() const noexcept { return size_ - pos_; }
  std::size_t position() const noexcept { return pos_; }
  bool empty() const noexcept { return pos_ == size_; }

  std::uint8_t u8();
  std::uint16_t u16le();
  std::uint16_t u16be();
  std::uint32_t u32le();
  std::uint32_t u32be();
  std::uint64_t u64le();
  std::int32_t i32le() { return static_cast<std::int32_t>(u32le()); }
  std::uint8_t peek() const;

  /// Pointer to the next \p n bytes, advancing; throws when fewer remain.
  const std::uint8_t* take(std::size_t n);
  void skip(std::size_t n) { take(n); }
  Bytes bytes(std::size_t n);
  /// \p chars UTF-16LE code units, returned as UTF-8.
  std::string ucs2(std::size_t chars);
  /// B_VARCHAR: u8 character count then UTF-16LE.
  std::string b_varchar() { return ucs2(u8()); }
  /// US_VARCHAR: u16 character count then UTF-16LE.
  std::string us_varchar() { return ucs2(u16le()); }
  /// B_USVARBYTE text: u8 *byte* count then UTF-16LE (the transaction name of
  /// a TRANSACTION_MANAGER request). Throws ProtocolError for an odd count.
  std::string b_varbyte_ucs2();

private:
  void need(std::size_t n) const;
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

class ByteWriter {
public:
  Bytes& buffer() noexcept { return buf_; }
  const Bytes& buffer() const noexcept { return buf_; }
  std::size_t size() const noexcept { return buf_.size(); }

  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u16le(std::uint16_t v);
  void u16be(std::uint16_t v);
  void u32le(std::uint32_t v);
  void u32be(std::uint32_t v);
  void u64le(std::uint64_t v);
  void i32le(std::int32_t v) { u32le(static_cast<std::uint32_t>(v)); }
  void bytes(const std::uint8_t* p, std::size_t n) { buf_.insert(buf_.end(), p, p + n); }
  void bytes(const Bytes& b) { bytes(b.data(), b.size()); }
  void zeros(std::size_t n) { buf_.insert(buf_.end(), n, 0); }
  /// UTF-8 \p s as UTF-16LE; returns the number of code units written.
  std::size_t ucs2(const std::string& s);
  /// B_VARCHAR (at most 255 code units; longer text is cut).
  void b_varchar(const std::string& s);
  /// US_VARCHAR (at most 65535 code units; longer text is cut).
  void us_varchar(const std::string& s);
  void patch_u16le(std::size_t at, std::uint16_t v);
  void patch_u32le(std::size_t at, std::uint32_t v);

private:
  Bytes buf_;
};

}  // namespace milink::emulator::tds
