#include "sql/tls_probe.hpp"

#include "http/x509_text.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace milink::sql {

namespace {

constexpr std::uint8_t kPrelogin = 0x12;
constexpr std::uint8_t kEncryptNotSup = 0x02;

class Socket {
public:
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connect(const std::string& host, int port, int timeout_seconds) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return false;
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> hold(res, ::freeaddrinfo);
    timeval tv{timeout_seconds, 0};
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);  // bounds connect() too
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
        return true;
      }
      ::close(fd);
    }
    return false;
  }
  bool send_packet(const std::uint8_t* data, std::size_t n) {
    std::vector<std::uint8_t> p{kPrelogin, 0x01, static_cast<std::uint8_t>((n + 8) >> 8),
                                static_cast<std::uint8_t>((n + 8) & 0xFF), 0, 0, 1, 0};
    p.insert(p.end(), data, data + n);
    std::size_t done = 0;
    while (done < p.size()) {
      ssize_t w = ::send(fd_, p.data() + done, p.size() - done, MSG_NOSIGNAL);
      if (w <= 0) return false;
      done += static_cast<std::size_t>(w);
    }
    return true;
  }
  /// The payload of the next TDS packet.
  bool read_packet(std::vector<std::uint8_t>& payload) {
    std::uint8_t header[8];
    if (!read_exact(header, 8)) return false;
    std::size_t len = (static_cast<std::size_t>(header[2]) << 8) | header[3];
    if (len < 8) return false;
    payload.resize(len - 8);
    return read_exact(payload.data(), payload.size());
  }

private:
  bool read_exact(std::uint8_t* buf, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      ssize_t r = ::recv(fd_, buf + done, n - done, 0);
      if (r <= 0) return false;
      done += static_cast<std::size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
};

/// The ENCRYPTION byte of a PRELOGIN answer, or -1.
int encryption_of(const std::vector<std::uint8_t>& p) {
  for (std::size_t i = 0; i + 5 <= p.size() && p[i] != 0xFF; i += 5) {
    if (p[i] != 0x01) continue;
    std::size_t off = (static_cast<std::size_t>(p[i + 1]) << 8) | p[i + 2];
    return off < p.size() ? p[off] : -1;
  }
  return -1;
}

struct SslFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(X509* x) const { X509_free(x); }
};

}  // namespace

bool accepts_tcp_connections(const TargetSettings& t, int timeout_seconds) {
  Socket sock;
  return sock.connect(t.host, t.port, timeout_seconds);
}

TlsProbe probe_tds_certificate(const TargetSettings& t, int timeout_seconds) {
  TlsProbe out;
  Socket sock;
  if (!sock.connect(t.host, t.port, timeout_seconds)) return out;
  // PRELOGIN: VERSION (6 bytes) and ENCRYPTION = ON, then the terminator.
  const std::uint8_t prelogin[] = {0x00, 0x00, 11, 0x00, 6, 0x01, 0x00, 17, 0x00, 1, 0xFF,
                                   0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
  std::vector<std::uint8_t> answer;
  if (!sock.send_packet(prelogin, sizeof prelogin) || !sock.read_packet(answer)) return out;
  int enc = encryption_of(answer);
  if (enc < 0) return out;
  if (enc == kEncryptNotSup) {
    out.outcome = TlsProbe::Outcome::NoTls;
    return out;
  }

  out.outcome = TlsProbe::Outcome::Failed;
  std::unique_ptr<SSL_CTX, SslFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return out;
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // verified below, to say why
  std::string error;
  if (t.ca_file.empty()) SSL_CTX_set_default_verify_paths(ctx.get());
  else if (!milink::http::load_ca_file(t.ca_file, t.pointer("ca_file"), SSL_CTX_get_cert_store(ctx.get()), error)) {
    out.detail = error;
    return out;
  }
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* wr = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in, -1);
  SSL_set_bio(ssl.get(), in, wr);
  SSL_set_connect_state(ssl.get());
  in6_addr ip{};
  if (::inet_pton(AF_INET, t.host.c_str(), &ip) != 1 && ::inet_pton(AF_INET6, t.host.c_str(), &ip) != 1)
    SSL_set_tlsext_host_name(ssl.get(), t.host.c_str());  // SNI takes names only (RFC 6066)
  for (;;) {
    int r = SSL_do_handshake(ssl.get());
    char* data = nullptr;
    long pending = BIO_get_mem_data(wr, &data);
    if (pending > 0) {
      if (!sock.send_packet(reinterpret_cast<std::uint8_t*>(data), static_cast<std::size_t>(pending))) break;
      (void)BIO_reset(wr);
    }
    if (r == 1) break;
    if (SSL_get_error(ssl.get(), r) != SSL_ERROR_WANT_READ || !sock.read_packet(answer)) {
      unsigned long e = ERR_get_error();
      char buf[256] = "the server ended the TLS handshake";
      if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
      ERR_clear_error();
      out.detail = buf;
      return out;
    }
    BIO_write(in, answer.data(), static_cast<int>(answer.size()));
  }
  std::unique_ptr<X509, SslFree> cert(SSL_get1_peer_certificate(ssl.get()));
  if (!cert) return out;
  out.subject = milink::http::name_of(X509_get_subject_name(cert.get()));
  out.issuer = milink::http::name_of(X509_get_issuer_name(cert.get()));
  out.names = milink::http::alt_names(cert.get());
  long verify = SSL_get_verify_result(ssl.get());
  if (verify != X509_V_OK) {
    out.outcome = TlsProbe::Outcome::Untrusted;
    out.error = static_cast<int>(verify);
    out.detail = X509_verify_cert_error_string(verify);
  } else if (!milink::http::host_matches(cert.get(), t.host)) {
    out.outcome = TlsProbe::Outcome::WrongHost;
  } else {
    out.outcome = TlsProbe::Outcome::Verified;
  }
  return out;
}

std::string certificate_failure_message(const TargetSettings& t, const TlsProbe& p) {
  const std::string where = "SQL target \"" + t.target + "\" at " + t.address();
  switch (p.outcome) {
    case TlsProbe::Outcome::Unreachable:
    case TlsProbe::Outcome::NoTls:
    case TlsProbe::Outcome::Verified: return {};
    case TlsProbe::Outcome::Failed:
      return "TLS: the handshake with " + where + " failed (" + (p.detail.empty() ? "no detail" : p.detail) +
             "); check " + t.pointer("encryption") + " and " + t.pointer("ca_file");
    case TlsProbe::Outcome::WrongHost:
      return "TLS: the certificate of " + where + " is not valid for host \"" + t.host + "\" (it names " +
             (p.names.empty() ? "subject " + p.subject : p.names) + "); set " + t.pointer("host") +
             " to a name the certificate lists, or give the server a certificate for \"" + t.host + "\"";
    case TlsProbe::Outcome::Untrusted: break;
  }
  std::string detail = p.detail;
  if (!p.subject.empty()) detail += "; certificate " + p.subject;
  if (!p.issuer.empty() && p.issuer != p.subject) detail += ", issued by " + p.issuer;
  if (p.error == X509_V_ERR_CERT_HAS_EXPIRED || p.error == X509_V_ERR_CERT_NOT_YET_VALID)
    return "TLS: the certificate of " + where + " is not trusted (" + detail +
           "); check the server's certificate dates and this machine's clock";
  std::string msg = "TLS: the certificate of " + where + " is not trusted (" + detail + "). To trust it, set " +
                    t.pointer("ca_file") +
                    " in the config to the CA bundle that issued it (for the emulator: the file written by "
                    "`milink-emulator --ca-out`)";
  msg += t.ca_file.empty() ? "; milink checked it against this machine's trusted CAs"
                           : "; the current " + t.pointer("ca_file") + " (" + t.ca_file + ") does not contain that CA";
  if (t.target != "managed_instance")
    msg += ". A SQL Server with a self-signed certificate can be trusted as it is with " +
           t.pointer("trust_server_certificate") + " set to true (and no ca_file)";
  return msg;
}

}  // namespace milink::sql
