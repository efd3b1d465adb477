#include "tds/tls_channel.hpp"

#include "tds/protocol_error.hpp"

#include <mutex>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace milink::emulator::tds {

namespace {

std::string openssl_errors() {
  std::string all;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!all.empty()) all += "; ";
    all += buf;
  }
  return all.empty() ? "no OpenSSL detail" : all;
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("TLS setup: " + what + ": " + openssl_errors()); }

struct Generated {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

/// A self-signed RSA-2048 certificate for localhost, made once per process
/// (key generation costs ~100 ms; tests start many servers).
const Generated& self_signed() {
  static std::once_flag once;
  static Generated g;
  static std::string error;
  std::call_once(once, [] {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    if (!key) {
      error = "RSA key generation failed: " + openssl_errors();
      return;
    }
    X509* x = X509_new();
    X509_set_version(x, 2);
    std::uint64_t serial = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
    X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    if (X509_EXTENSION* ext =
            X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1")) {
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    if (!X509_sign(x, key, EVP_sha256())) {
      error = "signing the self-signed certificate failed: " + openssl_errors();
      X509_free(x);
      EVP_PKEY_free(key);
      return;
    }
    g.cert = x;
    g.key = key;
  });
  if (!g.cert) throw std::runtime_error("TLS setup: " + error);
  return g;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::create(const std::string& certificate_pem, const std::string& private_key_pem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) fail("SSL_CTX_new");
  std::shared_ptr<TlsContext> result(new TlsContext(ctx));
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

  if (certificate_pem.empty() != private_key_pem.empty())
    throw std::runtime_error("TLS setup: certificate_pem and private_key_pem must be given together");
  if (certificate_pem.empty()) {
    const Generated& g = self_signed();
    if (SSL_CTX_use_certificate(ctx, g.cert) != 1) fail("using the generated certificate");
    if (SSL_CTX_use_PrivateKey(ctx, g.key) != 1) fail("using the generated key");
  } else {
    BIO* cb = BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size()));
    X509* leaf = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    if (!leaf) {
      BIO_free(cb);
      fail("no certificate in certificate_pem");
    }
    int ok = SSL_CTX_use_certificate(ctx, leaf);
    X509_free(leaf);
    if (ok != 1) {
      BIO_free(cb);
      fail("using certificate_pem");
    }
    while (X509* extra = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr))
      if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) X509_free(extra);
    ERR_clear_error();  // the end of the chain reads as an error
    BIO_free(cb);
    BIO* kb = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    if (!key) fail("no private key in private_key_pem");
    ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) fail("using private_key_pem");
    if (SSL_CTX_check_private_key(ctx) != 1) fail("the private key does not match the certificate");
  }
  return result;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(const TlsContext& context, Stream& lower) : lower_(lower) {
  ssl_ = SSL_new(context.native());
  if (!ssl_) throw std::runtime_error("SSL_new failed: " + openssl_errors());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in_, -1);  // empty means "want more", not EOF
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

void TlsStream::flush_out() {
  char buf[16384];
  while (BIO_ctrl_pending(out_) > 0) {
    int n = BIO_read(out_, buf, sizeof buf);
    if (n <= 0) break;
    lower_.write_all(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n));
  }
}

void TlsStream::handshake(PacketChannel& plain, std::uint16_t spid, std::size_t packet_size) {
  ERR_clear_error();
  for (int round = 0;; ++round) {
    int r = SSL_do_handshake(ssl_);
    Bytes out;
    char buf[16384];
    while (BIO_ctrl_pending(out_) > 0) {
      int n = BIO_read(out_, buf, sizeof buf);
      if (n <= 0) break;
      out.insert(out.end(), buf, buf + n);
    }
    if (!out.empty()) plain.write_message(packet_type::kPrelogin, out.data(), out.size(), spid, packet_size);
    if (r == 1) return;
    int err = SSL_get_error(ssl_, r);
    if (err != SSL_ERROR_WANT_READ) throw ProtocolError("TLS handshake failed: " + openssl_errors());
    if (round > 64) throw ProtocolError("TLS handshake did not finish");
    auto packet = plain.read_packet(kMaxPacketSize);
    if (!packet) throw ConnectionClosed();
    if (packet->type != packet_type::kPrelogin)
      throw ProtocolError("expected a TLS handshake in a PRELOGIN packet, got packet type " +
                          std::to_string(packet->type));
    if (!packet->payload.empty())
      BIO_write(in_, packet->payload.data(), static_cast<int>(packet->payload.size()));
  }
}

void TlsStream::feed(const Bytes& ciphertext) {
  if (!ciphertext.empty()) BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
}

Bytes TlsStream::take_unread() {
  Bytes rest;
  char buf[4096];
  while (BIO_ctrl_pending(in_) > 0) {
    int n = BIO_read(in_, buf, sizeof buf);
    if (n <= 0) break;
    rest.insert(rest.end(), buf, buf + n);
  }
  return rest;
}

std::size_t TlsStream::read_some(std::uint8_t* buf, std::size_t n) {
  int want = static_cast<int>(std::min<std::size_t>(n, 1 << 30));
  for (;;) {
    ERR_clear_error();
    int r = SSL_read(ssl_, buf, want);
    if (r > 0) return static_cast<std::size_t>(r);
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ) {
      flush_out();
      std::uint8_t raw[16384];
      std::size_t got = lower_.read_some(raw, sizeof raw);
      if (got == 0) return 0;
      BIO_write(in_, raw, static_cast<int>(got));
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN) return 0;  // close_notify
    throw ProtocolError("TLS record error: " + openssl_errors());
  }
}

void TlsStream::write_all(const std::uint8_t* data, std::size_t n) {
  while (n > 0) {
    ERR_clear_error();
    int chunk = static_cast<int>(std::min<std::size_t>(n, 16384));
    int r = SSL_write(ssl_, data, chunk);
    if (r <= 0) throw ConnectionClosed();
    data += r;
    n -= static_cast<std::size_t>(r);
    flush_out();
  }
}

bool TlsStream::readable_now() { return SSL_pending(ssl_) > 0 || BIO_ctrl_pending(in_) > 0 || lower_.readable_now(); }

bool TlsStream::holds_input() { return SSL_has_pending(ssl_) == 1 || BIO_ctrl_pending(in_) > 0; }

std::string TlsStream::protocol() const { return SSL_get_version(ssl_); }

}  // namespace milink::emulator::tds
