#include "tds/byte_io.hpp"

#include "tds/protocol_error.hpp"
#include "tds/text_codec.hpp"

namespace milink::emulator::tds {

void ByteReader::need(std::size_t n) const {
  if (n > size_ - pos_)
    throw ProtocolError("stream ended unexpectedly: need " + std::to_string(n) + " bytes at offset " +
                        std::to_string(pos_) + ", " + std::to_string(size_ - pos_) + " left");
}

std::uint8_t ByteReader::u8() {
  need(1);
  return data_[pos_++];
}

std::uint8_t ByteReader::peek() const {
  need(1);
  return data_[pos_];
}

std::uint16_t ByteReader::u16le() {
  const auto* p = take(2);
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint16_t ByteReader::u16be() {
  const auto* p = take(2);
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t ByteReader::u32le() {
  const auto* p = take(4);
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

std::uint32_t ByteReader::u32be() {
  const auto* p = take(4);
  return std::uint32_t(p[3]) | (std::uint32_t(p[2]) << 8) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[0]) << 24);
}

std::uint64_t ByteReader::u64le() {
  std::uint64_t lo = u32le();
  std::uint64_t hi = u32le();
  return lo | (hi << 32);
}

const std::uint8_t* ByteReader::take(std::size_t n) {
  need(n);
  const auto* p = data_ + pos_;
  pos_ += n;
  return p;
}

Bytes ByteReader::bytes(std::size_t n) {
  const auto* p = take(n);
  return Bytes(p, p + n);
}

std::string ByteReader::ucs2(std::size_t chars) {
  if (chars > remaining() / 2) need(chars * 2);  // throws with a clear message
  const auto* p = take(chars * 2);
  return utf16le_to_utf8(p, chars * 2);
}

std::string ByteReader::b_varbyte_ucs2() {
  const std::size_t n = u8();
  if (n % 2 != 0) throw ProtocolError("a UTF-16 name of " + std::to_string(n) + " bytes (an odd count)");
  return ucs2(n / 2);
}

void ByteWriter::u16le(std::uint16_t v) {
  buf_.push_back(static_cast<std::uint8_t>(v));
  buf_.push_back(static_cast<std::uint8_t>(v >> 8));
}

void ByteWriter::u16be(std::uint16_t v) {
  buf_.push_back(static_cast<std::uint8_t>(v >> 8));
  buf_.push_back(static_cast<std::uint8_t>(v));
}

void ByteWriter::u32le(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::u32be(std::uint32_t v) {
  for (int i = 3; i >= 0; --i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::u64le(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::size_t ByteWriter::ucs2(const std::string& s) {
  Bytes u = utf8_to_utf16le(s);
  bytes(u);
  return u.size() / 2;
}

void ByteWriter::b_varchar(const std::string& s) {
  Bytes u = utf8_to_utf16le(s);
  std::size_t units = std::min<std::size_t>(u.size() / 2, 255);
  u8(static_cast<std::uint8_t>(units));
  bytes(u.data(), units * 2);
}

void ByteWriter::us_varchar(const std::string& s) {
  Bytes u = utf8_to_utf16le(s);
  std::size_t units = std::min<std::size_t>(u.size() / 2, 65535);
  u16le(static_cast<std::uint16_t>(units));
  bytes(u.data(), units * 2);
}

void ByteWriter::patch_u16le(std::size_t at, std::uint16_t v) {
  buf_.at(at) = static_cast<std::uint8_t>(v);
  buf_.at(at + 1) = static_cast<std::uint8_t>(v >> 8);
}

void ByteWriter::patch_u32le(std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace milink::emulator::tds
