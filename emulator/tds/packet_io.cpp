#include "tds/packet_io.hpp"

#include "tds/protocol_error.hpp"

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace milink::emulator::tds {

std::optional<ReadDeadline::Clock::time_point> ReadDeadline::due() const noexcept {
  if (phase_ && packet_) return std::min(*phase_, *packet_);
  return phase_ ? phase_ : packet_;
}

std::size_t FdStream::read_some(std::uint8_t* buf, std::size_t n) {
  for (;;) {
    if (deadline_ != nullptr) {
      if (auto due = deadline_->due()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*due - ReadDeadline::Clock::now());
        if (left.count() <= 0) {
          deadline_->expired = true;
          return 0;
        }
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count() + 1, 60000)));
        if (r <= 0) continue;  // EINTR or not yet: look at the deadline again
      }
    }
    ssize_t r = ::recv(fd_, buf, n, 0);
    if (r > 0) {
      if (deadline_ != nullptr) deadline_->bytes_arrived();
      return static_cast<std::size_t>(r);
    }
    if (r == 0) return 0;
    if (errno == EINTR) continue;
    return 0;  // ECONNRESET, ETIMEDOUT, EAGAIN (receive timeout), shutdown by stop()
  }
}

void FdStream::write_all(const std::uint8_t* data, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::send(fd_, data, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw ConnectionClosed();
    }
    data += r;
    n -= static_cast<std::size_t>(r);
  }
}

bool FdStream::readable_now() {
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, 0);
  return r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

Bytes PacketChannel::take_buffered() {
  Bytes rest(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.end());
  buf_.clear();
  pos_ = 0;
  return rest;
}

void PacketChannel::prepend_buffered(const Bytes& bytes) {
  if (bytes.empty()) return;
  Bytes joined(bytes);
  joined.insert(joined.end(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.end());
  buf_ = std::move(joined);
  pos_ = 0;
}

bool PacketChannel::fill(std::size_t want) {
  if (pos_ > 0 && (pos_ >= 65536 || pos_ == buf_.size())) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  while (buf_.size() - pos_ < want) {
    std::uint8_t chunk[16384];
    std::size_t n = stream_->read_some(chunk, sizeof chunk);
    if (n == 0) return false;
    buf_.insert(buf_.end(), chunk, chunk + n);
  }
  return true;
}

std::optional<Packet> PacketChannel::read_packet(std::size_t max_packet_size) {
  return read_packet(max_packet_size, false);
}

std::optional<Packet> PacketChannel::read_packet(std::size_t max_packet_size, bool within_message) {
  if (!unread_.empty()) {
    Packet p = std::move(unread_.front());
    unread_.pop_front();
    return p;
  }
  // Mid-message, or with bytes of the packet already here (in this buffer or
  // below it, such as the start of a TLS record that came with the previous
  // one), the client is sending: the packet is due from now. Otherwise from
  // its first byte.
  if (deadline_ != nullptr) {
    if (within_message || pos_ < buf_.size() || stream_->holds_input()) deadline_->start_packet();
    else deadline_->await_packet();
  }
  if (!fill(1)) return std::nullopt;
  if (!fill(kHeaderSize)) throw ConnectionClosed();
  const std::uint8_t* h = buf_.data() + pos_;
  Packet p;
  p.type = h[0];
  p.status = h[1];
  std::size_t length = (std::size_t(h[2]) << 8) | h[3];
  p.spid = static_cast<std::uint16_t>((h[4] << 8) | h[5]);
  p.id = h[6];
  switch (p.type) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x06: case 0x07: case 0x08: case 0x0E: case 0x10: case 0x11:
    case 0x12:
      break;
    default:
      throw ProtocolError("unknown packet type " + std::to_string(p.type));
  }
  if (p.status & ~0x1F) throw ProtocolError("invalid packet status " + std::to_string(p.status));
  if (length < kHeaderSize)
    throw ProtocolError("packet length " + std::to_string(length) + " is shorter than the header");
  if (length > max_packet_size || length > kMaxPacketSize)
    throw ProtocolError("packet length " + std::to_string(length) + " exceeds the limit of " +
                        std::to_string(std::min(max_packet_size, kMaxPacketSize)));
  if (!fill(length)) throw ConnectionClosed();
  p.payload.assign(buf_.begin() + static_cast<std::ptrdiff_t>(pos_ + kHeaderSize),
                   buf_.begin() + static_cast<std::ptrdiff_t>(pos_ + length));
  pos_ += length;
  return p;
}

std::optional<TdsMessage> PacketChannel::read_message(std::size_t max_packet_size, std::size_t max_message_size) {
  auto first = read_packet(max_packet_size);
  if (!first) return std::nullopt;
  TdsMessage m;
  m.type = first->type;
  m.status = first->status;
  m.payload = std::move(first->payload);
  bool eom = first->eom();
  while (!eom) {
    auto next = read_packet(max_packet_size, true);
    if (!next) throw ConnectionClosed();
    if (next->type != m.type) {
      // An ATTENTION may not interrupt a request being sent; anything else
      // changing type mid-message is not TDS.
      throw ProtocolError("packet type 0x" + std::to_string(next->type) + " inside a message of type " +
                          std::to_string(m.type));
    }
    if (m.payload.size() + next->payload.size() > max_message_size)
      throw ProtocolError("message larger than " + std::to_string(max_message_size) + " bytes");
    m.payload.insert(m.payload.end(), next->payload.begin(), next->payload.end());
    eom = next->eom();
    if (next->status & packet_status::kIgnore) m.ignore = true;
  }
  if (m.status & packet_status::kIgnore) m.ignore = true;
  return m;
}

bool PacketChannel::input_ready() {
  return !unread_.empty() || pos_ < buf_.size() || stream_->readable_now();
}

void PacketChannel::write_packet(std::uint8_t type, std::uint8_t status, std::uint16_t spid, std::uint8_t id,
                                 const std::uint8_t* payload, std::size_t n) {
  std::size_t length = n + kHeaderSize;
  Bytes packet;
  packet.reserve(length);
  packet.push_back(type);
  packet.push_back(status);
  packet.push_back(static_cast<std::uint8_t>(length >> 8));
  packet.push_back(static_cast<std::uint8_t>(length));
  packet.push_back(static_cast<std::uint8_t>(spid >> 8));
  packet.push_back(static_cast<std::uint8_t>(spid));
  packet.push_back(id);
  packet.push_back(0);
  packet.insert(packet.end(), payload, payload + n);
  stream_->write_all(packet.data(), packet.size());
}

void PacketChannel::write_message(std::uint8_t type, const std::uint8_t* data, std::size_t n, std::uint16_t spid,
                                  std::size_t packet_size) {
  std::size_t chunk = std::max<std::size_t>(packet_size, 512) - kHeaderSize;
  std::uint8_t id = 1;
  std::size_t off = 0;
  do {
    std::size_t len = std::min(chunk, n - off);
    bool last = off + len == n;
    write_packet(type, last ? packet_status::kEom : 0, spid, id++, data + off, len);
    off += len;
  } while (off < n);
}

}  // namespace milink::emulator::tds
