// Stalled clients on an encrypted TDS connection (ENCRYPT_ON: after the
// handshake every TDS packet travels inside TLS records straight over TCP).
// The packet deadline must also hold when the stalled bytes are part of a TLS
// record that arrived together with the previous request: those bytes sit in
// the TLS layer's buffer, not on the socket, so "the next packet's first byte
// has arrived" has to be asked of the TLS layer too.
//
// The client here plays a hostile peer over a raw socket, so it does not
// verify the emulator's (self-signed) certificate: what is under test is the
// server's deadlines, not the client's trust.
#include "tds_fixture.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

using namespace tdstest;
using raw::Bytes;
using raw::concat;

namespace {

/// TDS over TLS from the client's side, with memory BIOs: the handshake
/// wrapped in PRELOGIN packets, then records straight on the socket.
class TlsTdsClient {
public:
  explicit TlsTdsClient(std::uint16_t port) : socket_(raw::connect(port)) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    REQUIRE(ctx_);
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    ssl_.reset(SSL_new(ctx_.get()));
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_.get(), in_, out_);
    SSL_set_connect_state(ssl_.get());
  }

  /// PRELOGIN asking for ENCRYPT_ON, the TLS handshake, LOGIN7 as sa.
  void log_in() {
    raw::send(socket_, raw::packet(0x12, raw::prelogin(1)));
    REQUIRE(raw::read_reply(socket_).eom);
    for (int round = 0; round < 10; ++round) {
      const int r = SSL_do_handshake(ssl_.get());
      Bytes flight = drain_ciphertext();
      if (!flight.empty()) raw::send(socket_, raw::packet(0x12, flight));
      if (r == 1) break;
      REQUIRE(SSL_get_error(ssl_.get(), r) == SSL_ERROR_WANT_READ);
      raw::Reply reply = raw::read_reply(socket_);
      REQUIRE(reply.eom);
      BIO_write(in_, reply.payload.data(), static_cast<int>(reply.payload.size()));
    }
    REQUIRE(SSL_is_init_finished(ssl_.get()));
    raw::send(socket_, encrypt(raw::packet(0x10, raw::login7("sa", ScriptedEngine::kPassword))));
    Bytes tokens = read_message();
    REQUIRE(std::find(tokens.begin(), tokens.end(), 0xAD) != tokens.end());  // LOGINACK
  }

  /// \p plaintext as the TLS records that carry it (one record per call).
  Bytes encrypt(const Bytes& plaintext) {
    REQUIRE(SSL_write(ssl_.get(), plaintext.data(), static_cast<int>(plaintext.size())) > 0);
    return drain_ciphertext();
  }

  /// One decrypted reply message's payload, up to its EOM packet.
  Bytes read_message() {
    Bytes payload;
    for (;;) {
      while (plain_.size() >= 8) {
        const std::size_t length = (std::size_t(plain_[2]) << 8) | plain_[3];
        REQUIRE(length >= 8);
        if (plain_.size() < length) break;
        const bool eom = (plain_[1] & 0x01) != 0;
        payload.insert(payload.end(), plain_.begin() + 8, plain_.begin() + static_cast<std::ptrdiff_t>(length));
        plain_.erase(plain_.begin(), plain_.begin() + static_cast<std::ptrdiff_t>(length));
        if (eom) return payload;
      }
      std::uint8_t buf[16384];
      const int got = SSL_read(ssl_.get(), buf, sizeof buf);
      if (got > 0) {
        plain_.insert(plain_.end(), buf, buf + got);
        continue;
      }
      REQUIRE(SSL_get_error(ssl_.get(), got) == SSL_ERROR_WANT_READ);
      socket_.setReceiveTimeout(Poco::Timespan(5, 0));
      const int n = socket_.receiveBytes(buf, sizeof buf);
      REQUIRE(n > 0);
      BIO_write(in_, buf, n);
    }
  }

  Poco::Net::StreamSocket& socket() { return socket_; }

private:
  Bytes drain_ciphertext() {
    Bytes out;
    char buf[16384];
    while (BIO_ctrl_pending(out_) > 0) {
      const int n = BIO_read(out_, buf, sizeof buf);
      if (n <= 0) break;
      out.insert(out.end(), buf, buf + n);
    }
    return out;
  }

  struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };
  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  Poco::Net::StreamSocket socket_;
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;  ///< owns in_ and out_
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  Bytes plain_;  ///< decrypted bytes not yet returned as a message
};

Bytes batch(const std::string& sql) { return raw::packet(0x01, concat(raw::all_headers(), raw::ucs2(sql))); }

}  // namespace

TEST_CASE("stalled clients on an encrypted connection are closed at the packet deadline", "[tds][slow][tls]") {
  TestServer ts(short_deadlines(Encryption::On));
  TlsTdsClient client(ts.port());
  client.log_in();

  SECTION("a whole request answered, then idle past the deadlines, is still served") {
    raw::send(client.socket(), client.encrypt(batch("SELECT 1")));
    CHECK_FALSE(client.read_message().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    raw::send(client.socket(), client.encrypt(batch("SELECT 1")));
    CHECK_FALSE(client.read_message().empty());
    CHECK(ts.server->stats().timed_out == 0);
  }
  SECTION("half a TLS record, then silence") {
    Bytes record = client.encrypt(batch("SELECT 1"));
    raw::send(client.socket(), Bytes(record.begin(), record.begin() + static_cast<std::ptrdiff_t>(record.size() / 2)));
    CHECK(raw::closed_by_server(client.socket()));
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("a whole request and, in the same write, half of the next TLS record, then silence") {
    // The second record's first half arrives with the first request, so the
    // server has it buffered in its TLS layer before it answers; then the
    // socket stays silent. (While it replies the server reads ahead for an
    // ATTENTION, so it may be waiting for that second packet before the
    // reply is out: either way the wait ends at the deadline.)
    Bytes first = client.encrypt(batch("SELECT 1"));
    Bytes second = client.encrypt(batch("SELECT 2"));
    raw::send(client.socket(),
              concat(first, Bytes(second.begin(), second.begin() + static_cast<std::ptrdiff_t>(second.size() / 2))));
    CHECK(raw::closed_by_server(client.socket()));
    CHECK(ts.server->stats().timed_out == 1);
  }
}
