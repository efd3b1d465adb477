// The HTTPS listener under slow clients: connections that send nothing, or
// stop half-way through the TLS handshake, hold no server thread for long; a
// normal client is still served, and the silent ones are closed after the
// timeout. The timeouts are short here so that the test is.
#include "armemu_support.hpp"

#include "http/http_server.hpp"
#include "http/tls_material.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

using namespace armemu;
namespace http = milink::emulator::http;

namespace {

/// A TCP connection to 127.0.0.1:\p port that closes itself.
struct RawClient {
  explicit RawClient(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~RawClient() { ::close(fd); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send_bytes(const std::string& bytes) const {
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }
  /// Waits (at most 20 s) for the server to close the connection; true when it did.
  bool closed_by_server() const {
    timeval tv{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) return true;                    // orderly close
      if (n < 0) return errno == ECONNRESET;      // reset; EAGAIN means it is still open
    }
  }
  int fd = -1;
};

/// An HTTPS server with one route, GET /ping, and 2 serving threads.
struct PingServer {
  explicit PingServer(std::chrono::milliseconds first_byte, std::chrono::milliseconds io) {
    auto tls = http::issue_server_certificate(env().world.root_ca, {"localhost"}, {"127.0.0.1"});
    http::ServerOptions o;
    o.name = "ping";
    o.certificate_pem = tls.certificate_pem;
    o.private_key_pem = tls.private_key_pem;
    o.chain_pem = tls.ca_pem;
    o.max_threads = 2;
    o.first_byte_timeout = first_byte;
    o.io_timeout = io;
    o.keep_alive_timeout = std::chrono::milliseconds(200);
    http::Router router;
    router.add("GET", "/ping", [](http::Request&, http::Response& r) { r.text(200, "pong"); });
    server = std::make_unique<http::HttpServer>(o, std::move(router), nullptr);
    server->start();
  }
  Reply ping() const { return https(server->port(), "GET", "/ping", {}, {}, env().ca_file); }
  std::unique_ptr<http::HttpServer> server;
};

}  // namespace

TEST_CASE("connections that send nothing hold no thread, and are closed after the timeout", "[armemu][slow]") {
  PingServer s(std::chrono::milliseconds(1500), std::chrono::seconds(10));
  // Ten times as many silent connections as serving threads.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<RawClient>(s.server->port()));
  Reply r = s.ping();
  CHECK(r.status == 200);
  CHECK(r.body == "pong");
  // Each silent connection is closed by the server once first_byte_timeout passes.
  for (auto& c : idle) CHECK(c->closed_by_server());
  CHECK(s.ping().status == 200);
}

TEST_CASE("half-finished TLS handshakes are cut off after the I/O timeout; others are still served", "[armemu][slow]") {
  PingServer s(std::chrono::seconds(10), std::chrono::milliseconds(500));
  // A TLS record header announcing a ClientHello of 512 bytes, then 5 of them.
  const std::string partial_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03", 10);
  std::vector<std::unique_ptr<RawClient>> stalled;
  for (int i = 0; i < 6; ++i) {
    stalled.push_back(std::make_unique<RawClient>(s.server->port()));
    stalled.back()->send_bytes(partial_hello);
  }
  Reply r = s.ping();
  CHECK(r.status == 200);
  for (auto& c : stalled) CHECK(c->closed_by_server());
  CHECK(s.ping().status == 200);
}
