// The HTTPS listener under slow clients: connections that send nothing, or
// stop half-way through the TLS handshake, hold no server thread for long; a
// normal client is still served, and the silent ones are closed after the
// timeout. Clients that trickle their handshake, headers or body a byte at a
// time, each just inside the I/O timeout, are closed at the phase's deadline
// and logged. The timeouts are short here so that the test is.
#include "armemu_support.hpp"

#include "http/http_server.hpp"
#include "http/tls_material.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <poll.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <thread>
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
  /// Sends \p bytes one at a time, \p gap apart, then keeps sending spaces
  /// (at most 20 s in all); true as soon as the server closes the connection.
  bool trickle_until_closed(const std::string& bytes, std::chrono::milliseconds gap) const {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (std::size_t i = 0; std::chrono::steady_clock::now() < give_up; ++i) {
      const char c = i < bytes.size() ? bytes[i] : ' ';
      if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) return true;  // reset by the server
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(gap.count())) > 0) {
        char buf[256];
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      }
    }
    return false;
  }
  /// Reads until the end of one response's headers (a response without a body).
  std::string read_response_head() const {
    std::string got;
    char c;
    while (got.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) got += c;
    return got;
  }
  int fd = -1;
};

/// An HTTPS server with one route, GET /ping, and 2 serving threads.
struct PingServer {
  explicit PingServer(std::chrono::milliseconds first_byte, std::chrono::milliseconds io,
                      const std::function<void(http::ServerOptions&)>& tweak = {}) {
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
    if (tweak) tweak(o);
    http::Router router;
    router.add("GET", "/ping", [](http::Request&, http::Response& r) { r.text(200, "pong"); });
    router.add("POST", "/ping", [](http::Request&, http::Response& r) { r.text(200, "pong"); });
    server = std::make_unique<http::HttpServer>(o, std::move(router), nullptr);
    server->start();
  }
  Reply ping() const {
    return server->options().tls ? https(server->port(), "GET", "/ping", {}, {}, env().ca_file)
                                 : armemu::http(server->port(), "GET", "/ping");
  }
  /// The log's entries for connections closed at a deadline.
  std::vector<http::LogEntry> cut_off() const {
    std::vector<http::LogEntry> out;
    for (const auto& e : server->log().entries())
      if (!e.error.empty()) out.push_back(e);
    return out;
  }
  std::unique_ptr<http::HttpServer> server;
};

/// Short deadlines, and an I/O timeout no trickle (a byte every 50 ms) ever hits.
void short_deadlines(http::ServerOptions& o) {
  o.header_timeout = std::chrono::milliseconds(600);
  o.body_timeout = std::chrono::milliseconds(600);
  o.keep_alive_timeout = std::chrono::milliseconds(300);
}

/// The same over plain HTTP: the headers and body deadlines are the same code.
void plain_short_deadlines(http::ServerOptions& o) {
  short_deadlines(o);
  o.tls = false;
}

/// Runs \p n clients at once, each trickling \p bytes (after \p prefix, sent
/// whole, and the response to it read); each result is true once the server
/// closed that connection.
std::vector<int> trickle(std::uint16_t port, int n, const std::string& prefix, const std::string& bytes) {
  std::vector<int> closed(static_cast<std::size_t>(n), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      RawClient c(port);
      if (!prefix.empty()) {
        c.send_bytes(prefix);
        if (c.read_response_head().rfind("HTTP/1.1 200", 0) != 0) return;
      }
      closed[static_cast<std::size_t>(i)] = c.trickle_until_closed(bytes, std::chrono::milliseconds(50));
    });
  for (auto& t : threads) t.join();
  return closed;
}

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

TEST_CASE("half-finished TLS handshakes are cut off after the I/O timeout, others are still served", "[armemu][slow]") {
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

TEST_CASE("a TLS handshake trickled a byte at a time is cut off at header_timeout and logged", "[armemu][slow]") {
  PingServer s(std::chrono::seconds(10), std::chrono::seconds(10), short_deadlines);
  // A TLS record header announcing a ClientHello of 512 bytes; its bytes then come one by one.
  const std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03", 10);
  std::thread slow([&] { CHECK(trickle(s.server->port(), 2, {}, hello) == std::vector<int>{1, 1}); });
  // Both serving threads are taken; this one is served once a deadline frees one.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the trickling clients are being served
  Reply r = s.ping();
  CHECK(r.status == 200);
  slow.join();
  auto cut = s.cut_off();
  REQUIRE(cut.size() == 2);
  CHECK(cut[0].status == 0);
  CHECK(cut[0].server == "ping");
  CHECK(cut[0].error ==
        "connection closed: the TLS handshake and the request headers were not complete within 600 ms (header_timeout)");
}

TEST_CASE("request headers trickled a byte at a time are cut off at header_timeout, others are still served",
          "[armemu][slow]") {
  PingServer s(std::chrono::seconds(10), std::chrono::seconds(10), plain_short_deadlines);
  const std::string head = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  std::thread slow([&] { CHECK(trickle(s.server->port(), 2, {}, head) == std::vector<int>{1, 1}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the trickling clients are being served
  Reply r = s.ping();
  CHECK(r.status == 200);
  CHECK(r.body == "pong");
  slow.join();
  auto cut = s.cut_off();
  REQUIRE(cut.size() == 2);
  CHECK(cut[0].error == "connection closed: the request headers were not complete within 600 ms (header_timeout)");
  CHECK(s.ping().status == 200);
}

TEST_CASE("a request body trickled a byte at a time is cut off at body_timeout and logged with its request",
          "[armemu][slow]") {
  PingServer s(std::chrono::seconds(10), std::chrono::seconds(10), plain_short_deadlines);
  const std::string head = "POST /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n";
  RawClient c(s.server->port());
  c.send_bytes(head);
  CHECK(c.trickle_until_closed("{", std::chrono::milliseconds(50)));
  auto cut = s.cut_off();
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].method == "POST");
  CHECK(cut[0].path == "/ping");
  CHECK(cut[0].error == "connection closed: the request body was not complete within 600 ms (body_timeout)");
  CHECK(s.ping().status == 200);
}

TEST_CASE("a keep-alive connection whose next request trickles in is cut off, an idle one is closed",
          "[armemu][slow]") {
  PingServer s(std::chrono::seconds(10), std::chrono::seconds(10), plain_short_deadlines);
  const std::string first = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::thread slow([&] {
    CHECK(trickle(s.server->port(), 2, first, "GET /ping HTTP/1.1\r\nX-Slow: ") == std::vector<int>{1, 1});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the trickling clients are being served
  Reply r = s.ping();
  CHECK(r.status == 200);
  slow.join();
  auto cut = s.cut_off();
  REQUIRE(cut.size() == 2);
  CHECK(cut[0].error == "connection closed: the next request's headers on the keep-alive connection were not "
                        "complete within 900 ms (keep_alive_timeout + header_timeout)");
  // One that sends nothing after its answer is closed after keep_alive_timeout.
  RawClient idle(s.server->port());
  idle.send_bytes(first);
  CHECK(idle.read_response_head().rfind("HTTP/1.1 200", 0) == 0);
  CHECK(idle.closed_by_server());
}

TEST_CASE("a request body over max_body is answered 413 and never reaches a handler", "[armemu][limits]") {
  http::ServerOptions o;
  o.name = "limits";
  o.tls = false;
  o.max_threads = 2;
  o.max_body = 1024;
  std::atomic<int> handled{0};
  std::atomic<std::size_t> largest{0};
  http::Router router;
  router.add("POST", "/echo", [&](http::Request& req, http::Response& r) {
    ++handled;
    largest = std::max<std::size_t>(largest, req.body.size());
    r.text(200, "ok");
  });
  http::HttpServer server(o, std::move(router), nullptr);
  server.start();

  SECTION("a Content-Length over the limit is refused before the body is read") {
    CHECK(armemu::http(server.port(), "POST", "/echo", {}, std::string(1025, 'x')).status == 413);
    CHECK(handled == 0);
    Reply at_limit = armemu::http(server.port(), "POST", "/echo", {}, std::string(1024, 'x'));
    CHECK(at_limit.status == 200);
    CHECK(handled == 1);
  }
  SECTION("a chunked body that grows past the limit is refused where it does") {
    RawClient c(server.port());
    c.send_bytes("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "800\r\n" + std::string(2048, 'x') + "\r\n0\r\n\r\n");
    CHECK(c.read_response_head().rfind("HTTP/1.1 413", 0) == 0);
    CHECK(handled == 0);
  }
  CHECK(largest <= 1024);
  server.stop();
}
