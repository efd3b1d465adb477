//===- emulator/tds/tls_channel.hpp - TLS inside TDS ------------*- C++ -*-===//
///
/// \file
/// The server side of TDS 7.x TLS with OpenSSL memory BIOs: the handshake
/// records travel as the payload of PRELOGIN (0x12) packets in both
/// directions; afterwards TLS records go straight over TCP and carry TDS
/// packets. Capped at TLS 1.2 without session tickets (FreeTDS 1.3.17 with
/// GnuTLS deadlocks on TLS 1.3, see tds-findings §5).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "tds/packet_io.hpp"

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace milink::emulator::tds {

class TlsContext {
public:
  /// From PEM certificate (optionally followed by its chain) and private key;
  /// both empty: a self-signed RSA-2048 certificate for CN=localhost,
  /// generated once per process. Throws std::runtime_error saying what failed.
  static std::shared_ptr<TlsContext> create(const std::string& certificate_pem, const std::string& private_key_pem);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL_CTX* native() const noexcept { return ctx_; }

private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

/// A TLS session over \p lower (the socket).
class TlsStream : public Stream {
public:
  TlsStream(const TlsContext& context, Stream& lower);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  /// Runs the server handshake with the records wrapped in PRELOGIN packets
  /// on \p plain (a channel over the same lower stream). Throws
  /// ProtocolError when the client's bytes are not a TLS handshake,
  /// ConnectionClosed when it goes away.
  void handshake(PacketChannel& plain, std::uint16_t spid, std::size_t packet_size);
  /// Ciphertext that arrived before the switch (read ahead by the plain channel).
  void feed(const Bytes& ciphertext);
  /// Received ciphertext not yet decrypted (when TLS is dropped after LOGIN7).
  Bytes take_unread();

  std::size_t read_some(std::uint8_t* buf, std::size_t n) override;
  void write_all(const std::uint8_t* data, std::size_t n) override;
  bool readable_now() override;
  /// Ciphertext received and not yet returned as plaintext (a partial record).
  bool holds_input() override;
  /// "TLSv1.2" once the handshake is done.
  std::string protocol() const;

private:
  void flush_out();
  Stream& lower_;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   ///< ciphertext from the client (owned by ssl_)
  BIO* out_ = nullptr;  ///< ciphertext to the client (owned by ssl_)
};

}  // namespace milink::emulator::tds
