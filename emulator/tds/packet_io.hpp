//===- emulator/tds/packet_io.hpp - TDS packets over a byte stream -*- C++ -*-===//
///
/// \file
/// The transport below TDS messages: a Stream (the TCP socket, or TLS over
/// it) and a PacketChannel that reads 8-byte-header packets, reassembles
/// messages until EOM with every length bounded, and writes packets.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "tds/byte_io.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace milink::emulator::tds {

namespace packet_type {
constexpr std::uint8_t kSqlBatch = 0x01;
constexpr std::uint8_t kRpc = 0x03;
constexpr std::uint8_t kReply = 0x04;
constexpr std::uint8_t kAttention = 0x06;
constexpr std::uint8_t kBulkLoad = 0x07;
constexpr std::uint8_t kFedAuthToken = 0x08;
constexpr std::uint8_t kTransactionManager = 0x0E;
constexpr std::uint8_t kLogin7 = 0x10;
constexpr std::uint8_t kSspi = 0x11;
constexpr std::uint8_t kPrelogin = 0x12;
}  // namespace packet_type

namespace packet_status {
constexpr std::uint8_t kEom = 0x01;
constexpr std::uint8_t kIgnore = 0x02;
constexpr std::uint8_t kResetConnection = 0x08;
constexpr std::uint8_t kResetConnectionSkipTran = 0x10;
}  // namespace packet_status

constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kMaxPacketSize = 32767;  ///< the largest packet size TDS negotiates

/// A byte stream: the socket or TLS over it.
class Stream {
public:
  virtual ~Stream() = default;
  /// Reads 1..n bytes, blocking; 0 when the peer closed (EOF, reset, timeout).
  virtual std::size_t read_some(std::uint8_t* buf, std::size_t n) = 0;
  /// Writes everything; throws ConnectionClosed when the peer is gone.
  virtual void write_all(const std::uint8_t* data, std::size_t n) = 0;
  /// True when read_some would return without blocking.
  virtual bool readable_now() = 0;
  /// True when bytes already taken off the socket wait inside this stream
  /// (e.g. part of a TLS record): the client has begun sending, so the
  /// packet deadline must run even though the socket is silent.
  virtual bool holds_input() { return false; }
};

/// When a connection's reads must be done by, against slow clients: the
/// phase's deadline (the login's) and the current packet's. A packet's
/// deadline starts with its first byte off the wire (so a client idle
/// between requests has none) and restarts with each further packet of a
/// message. Shared by the socket and the packet channel above it.
class ReadDeadline {
public:
  using Clock = std::chrono::steady_clock;
  explicit ReadDeadline(std::chrono::milliseconds packet_timeout) : packet_timeout_(packet_timeout) {}
  /// Every read is due by \p until (nullopt: no phase deadline).
  void set_phase(std::optional<Clock::time_point> until) noexcept { phase_ = until; }
  /// Between messages: no packet deadline until bytes arrive.
  void await_packet() noexcept {
    packet_.reset();
    waiting_ = true;
  }
  /// A packet is under way: it is due packet_timeout from now.
  void start_packet() noexcept {
    packet_ = Clock::now() + packet_timeout_;
    waiting_ = false;
  }
  /// Bytes arrived (FdStream): starts the packet deadline when none runs.
  void bytes_arrived() noexcept {
    if (waiting_) start_packet();
  }
  /// The earlier of the deadlines, if any.
  std::optional<Clock::time_point> due() const noexcept;
  /// Set once a read gave up at a deadline.
  bool expired = false;

private:
  std::chrono::milliseconds packet_timeout_;
  std::optional<Clock::time_point> phase_;
  std::optional<Clock::time_point> packet_;
  bool waiting_ = true;
};

/// The connected socket (not owned: the server closes it after the thread ends).
class FdStream : public Stream {
public:
  /// \p deadline (optional, not owned) bounds every read; a read past it
  /// returns 0 as if the peer had closed, and sets ReadDeadline::expired.
  explicit FdStream(int fd, ReadDeadline* deadline = nullptr) : fd_(fd), deadline_(deadline) {}
  std::size_t read_some(std::uint8_t* buf, std::size_t n) override;
  void write_all(const std::uint8_t* data, std::size_t n) override;
  bool readable_now() override;
  int fd() const noexcept { return fd_; }

private:
  int fd_;
  ReadDeadline* deadline_;
};

struct Packet {
  std::uint8_t type = 0;
  std::uint8_t status = 0;
  std::uint16_t spid = 0;
  std::uint8_t id = 0;
  Bytes payload;
  bool eom() const noexcept { return (status & packet_status::kEom) != 0; }
};

/// A reassembled request: every packet up to EOM.
struct TdsMessage {
  std::uint8_t type = 0;
  std::uint8_t status = 0;  ///< of the first packet (RESETCONNECTION lives there)
  bool ignore = false;      ///< the client cancelled it mid-send (IGNORE bit)
  Bytes payload;
};

class PacketChannel {
public:
  /// \p deadline (optional, not owned; the one the FdStream below reads
  /// with) is told where packets begin and end.
  explicit PacketChannel(Stream* stream, ReadDeadline* deadline = nullptr) : stream_(stream), deadline_(deadline) {}
  void set_stream(Stream* stream) noexcept { stream_ = stream; }
  Stream* stream() const noexcept { return stream_; }

  /// Bytes read ahead from the stream and not yet consumed (handed over when
  /// the stream below changes, e.g. when TLS starts).
  Bytes take_buffered();
  void prepend_buffered(const Bytes& bytes);

  /// One packet. nullopt: the peer closed cleanly at a packet boundary.
  /// Throws ProtocolError for a header that cannot be TDS (length < 8 or
  /// greater than \p max_packet_size) and ConnectionClosed for EOF mid-packet.
  std::optional<Packet> read_packet(std::size_t max_packet_size);
  /// Puts a packet back; read_packet returns it next.
  void unread_packet(Packet packet) { unread_.push_front(std::move(packet)); }
  /// Packets up to EOM, all of one type, \p max_message_size bytes at most.
  std::optional<TdsMessage> read_message(std::size_t max_packet_size, std::size_t max_message_size);
  /// True when a read would not block (something is buffered or arriving).
  bool input_ready();

  void write_packet(std::uint8_t type, std::uint8_t status, std::uint16_t spid, std::uint8_t id,
                    const std::uint8_t* payload, std::size_t n);
  /// A whole message split into packets of at most \p packet_size bytes.
  void write_message(std::uint8_t type, const std::uint8_t* data, std::size_t n, std::uint16_t spid,
                     std::size_t packet_size);

private:
  bool fill(std::size_t want);  ///< false when EOF came first
  std::optional<Packet> read_packet(std::size_t max_packet_size, bool within_message);
  Stream* stream_;
  ReadDeadline* deadline_;
  Bytes buf_;
  std::size_t pos_ = 0;
  std::deque<Packet> unread_;
};

}  // namespace milink::emulator::tds
