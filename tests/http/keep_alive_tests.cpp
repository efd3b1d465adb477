// milink's HTTP client keeps connections alive: against an in-process HTTPS
// server (real TLS, certificate verified) that counts the connections it
// accepts. Reuse, concurrency, servers closing kept connections, POST never
// on a reused connection, "Connection: close" and expired deadlines.
#include "http/http_client.hpp"

#include "test_server.hpp"

#include <Poco/String.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using milink::http::Client;
using milink::http::ClientOptions;
using milink::http::Failure;
using milink::sdk::HttpRequest;
using milink::sdk::HttpResponse;
using namespace httptest;

namespace {

ServerConfig keep_alive(int timeout_ms = 10000) {
  ServerConfig c;
  c.keep_alive = true;
  c.keep_alive_timeout_ms = timeout_ms;
  return c;
}

Reply ok(const Exchange& ex) { return Reply::json(200, "{\"method\":\"" + ex.method + "\",\"n\":\"" + ex.body + "\"}"); }

HttpRequest request(const std::string& method, const std::string& url, const std::string& body = {}) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.timeout_seconds = 5;
  return r;
}

ClientOptions trusting(const testsupport::TempDir& dir) {
  ClientOptions o;
  o.ca_file = write_ca(dir, loopback_pki()).string();
  o.idle_timeout = std::chrono::minutes(1);  // the tests decide when a connection goes idle too long
  return o;
}

/// Sends \p req; REQUIREs a response and returns its status.
int status_of(Client& client, const HttpRequest& req) {
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  bool sent = client.exchange(req, resp, f, err);
  INFO(req.method << " " << req.url << ": " << err);
  REQUIRE(sent);
  return resp.status;
}

}  // namespace

TEST_CASE("keep-alive: sequential requests to one origin use one TLS connection", "[http][keepalive]") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), ok, keep_alive());
  Client client(trusting(dir));
  const std::vector<std::string> methods = {"GET", "PUT", "GET", "DELETE", "HEAD", "GET"};
  for (int i = 0; i < 30; ++i) {
    const std::string& m = methods[static_cast<std::size_t>(i) % methods.size()];
    HttpRequest req = request(m, server.base() + "/item/" + std::to_string(i), m == "PUT" ? "{}" : "");
    HttpResponse resp;
    Failure f = Failure::None;
    std::string err;
    REQUIRE(client.exchange(req, resp, f, err));
    CHECK(resp.status == 200);
    if (m != "HEAD") CHECK(resp.body.find("\"method\":\"" + m + "\"") != std::string::npos);
  }
  CHECK(server.count() == 30);
  CHECK(server.connections() == 1);
  CHECK(client.idle_connections() == 1);

  SECTION("plain http:// to loopback is kept alive too") {
    TestServer plain(nullptr, ok, keep_alive());
    for (int i = 0; i < 5; ++i) CHECK(status_of(client, request("GET", plain.base() + "/x")) == 200);
    CHECK(plain.connections() == 1);
    CHECK(client.idle_connections() == 2);  // one per origin
  }
  SECTION("with max_idle_per_origin 0 every request has its own connection") {
    ClientOptions o = trusting(dir);
    o.max_idle_per_origin = 0;
    Client fresh(o);
    for (int i = 0; i < 5; ++i) CHECK(status_of(fresh, request("GET", server.base() + "/x")) == 200);
    CHECK(server.connections() == 1 + 5);
    CHECK(fresh.idle_connections() == 0);
  }
  SECTION("a connection idle for longer than idle_timeout is closed, not reused") {
    ClientOptions o = trusting(dir);
    o.idle_timeout = std::chrono::milliseconds(50);
    Client brief(o);
    CHECK(status_of(brief, request("GET", server.base() + "/x")) == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(status_of(brief, request("GET", server.base() + "/x")) == 200);
    CHECK(server.connections() == 1 + 2);
  }
}

TEST_CASE("keep-alive: a connection kept for one host name is not used for another, whose certificate is checked anew",
          "[http][keepalive]") {
  testsupport::TempDir dir;
  const Pki localhost_only = Pki::make({"DNS:localhost"});
  TestServer server(&localhost_only, ok, keep_alive());
  ClientOptions o;
  o.ca_file = write_ca(dir, localhost_only).string();
  Client client(o);
  CHECK(status_of(client, request("GET", server.base("localhost") + "/x")) == 200);
  CHECK(client.idle_connections() == 1);
  // Same server, same port, another name the certificate does not list.
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(request("GET", server.base("127.0.0.1") + "/x"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Tls);
  CHECK(err.find("is not valid for host \"127.0.0.1\"") != std::string::npos);
  CHECK(server.connections() == 2);
  CHECK(server.count() == 1);  // the refused connection sent nothing
  CHECK(status_of(client, request("GET", server.base("localhost") + "/x")) == 200);
  CHECK(server.connections() == 2);
}

TEST_CASE("keep-alive: concurrent requests all succeed on at most as many connections as were in flight",
          "[http][keepalive]") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), [](const Exchange& ex) {
    Reply r = ok(ex);
    r.delay_ms = 3;
    return r;
  }, keep_alive());
  ClientOptions o = trusting(dir);
  o.max_idle_per_origin = 3;
  Client client(o);
  constexpr int kThreads = 6;
  constexpr int kEach = 15;
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        HttpRequest req = request(i % 3 == 2 ? "PUT" : "GET", server.base() + "/t" + std::to_string(t),
                                  std::to_string(t) + "-" + std::to_string(i));
        int now = ++in_flight;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        HttpResponse resp;
        Failure f = Failure::None;
        std::string err;
        bool sent = client.exchange(req, resp, f, err);
        --in_flight;
        // Each response is the one for this request (no crossed connections).
        if (sent && resp.status == 200 && resp.body.find("\"n\":\"" + req.body + "\"") != std::string::npos) ++succeeded;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(succeeded == kThreads * kEach);
  CHECK(server.count() == static_cast<std::size_t>(kThreads * kEach));
  INFO("connections " << server.connections() << ", at most " << most.load() << " requests in flight");
  CHECK(server.connections() <= static_cast<std::size_t>(most.load()));
  CHECK(server.connections() < static_cast<std::size_t>(kThreads * kEach));
  CHECK(client.idle_connections() <= 3);  // max_idle_per_origin
  CHECK(client.idle_connections() >= 1);
}

TEST_CASE("keep-alive: a server closing an idle kept connection is transparent for a GET", "[http][keepalive]") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), ok, keep_alive(100));  // closes connections idle for 100 ms
  Client client(trusting(dir));                            // would keep them for a minute
  CHECK(status_of(client, request("GET", server.base() + "/a")) == 200);
  CHECK(client.idle_connections() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(status_of(client, request("GET", server.base() + "/b")) == 200);
  CHECK(server.connections() == 2);
  CHECK(server.count() == 2);
}

TEST_CASE("keep-alive: a GET whose reused connection closes before the response is sent once more, on a new connection",
          "[http][keepalive]") {
  testsupport::TempDir dir;
  std::atomic<int> n{0};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) {
    int i = ++n;
    return i == 2 ? Reply::dropped() : ok(ex);  // the second request: read, then the connection closed unanswered
  }, keep_alive());
  Client client(trusting(dir));
  CHECK(status_of(client, request("GET", server.base() + "/a")) == 200);
  CHECK(status_of(client, request("GET", server.base() + "/b")) == 200);
  CHECK(server.count() == 3);  // /a, /b dropped, /b again
  CHECK(server.requests()[2].path() == "/b");
  CHECK(server.connections() == 2);
  CHECK(status_of(client, request("GET", server.base() + "/c")) == 200);
  CHECK(server.connections() == 2);
}

TEST_CASE("keep-alive: the once-more never hides a new connection's failure, and is tried once only", "[http][keepalive]") {
  testsupport::TempDir dir;
  std::atomic<int> n{0};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) { return ++n == 1 ? ok(ex) : Reply::dropped(); },
                    keep_alive());
  Client client(trusting(dir));
  CHECK(status_of(client, request("GET", server.base() + "/a")) == 200);
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(request("GET", server.base() + "/b"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Reset);  // what a new connection that drops reports
  CHECK(server.count() == 3);   // /a, /b on the reused connection, /b on a new one: no third try
  CHECK(server.connections() == 2);
  CHECK(client.idle_connections() == 0);
}

TEST_CASE("keep-alive: POST never goes on a reused connection, so a dropped POST is not sent again", "[http][keepalive]") {
  testsupport::TempDir dir;
  std::atomic<bool> drop_posts{false};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) {
    return ex.method == "POST" && drop_posts ? Reply::dropped() : ok(ex);
  }, keep_alive());
  Client client(trusting(dir));
  CHECK(status_of(client, request("GET", server.base() + "/a")) == 200);
  REQUIRE(client.idle_connections() == 1);

  // A POST opens its own connection even with one idle, and keeps it afterwards.
  CHECK(status_of(client, request("POST", server.base() + "/token", "x")) == 200);
  CHECK(server.connections() == 2);
  CHECK(client.idle_connections() == 2);
  CHECK(status_of(client, request("PATCH", server.base() + "/thing", "y")) == 200);
  CHECK(server.connections() == 3);

  drop_posts = true;
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(request("POST", server.base() + "/action", "z"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Reset);
  std::size_t posts = 0;
  for (const auto& ex : server.requests())
    if (ex.method == "POST" && ex.path() == "/action") ++posts;
  CHECK(posts == 1);
  CHECK(server.connections() == 4);
  // The idle connections are untouched and serve the next GET.
  CHECK(status_of(client, request("GET", server.base() + "/b")) == 200);
  CHECK(server.connections() == 4);
}

TEST_CASE("keep-alive: a response with Connection: close is not kept", "[http][keepalive]") {
  testsupport::TempDir dir;
  std::atomic<int> n{0};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) {
    Reply r = ok(ex);
    r.close = ++n == 1;
    return r;
  }, keep_alive());
  Client client(trusting(dir));
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE(client.exchange(request("GET", server.base() + "/a"), resp, f, err));
  REQUIRE(resp.header("Connection") != nullptr);
  CHECK(Poco::icompare(*resp.header("Connection"), "close") == 0);
  CHECK(client.idle_connections() == 0);
  CHECK(status_of(client, request("GET", server.base() + "/b")) == 200);
  CHECK(client.idle_connections() == 1);
  CHECK(status_of(client, request("GET", server.base() + "/c")) == 200);
  CHECK(server.connections() == 2);
  CHECK(server.count() == 3);
}

TEST_CASE("keep-alive: a request whose deadline passed does not poison the pool", "[http][keepalive]") {
  testsupport::TempDir dir;
  std::atomic<int> n{0};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) {
    Reply r = ok(ex);
    if (++n == 2) r.delay_ms = 2500;
    return r;
  }, keep_alive());
  Client client(trusting(dir));
  CHECK(status_of(client, request("GET", server.base() + "/a")) == 200);
  REQUIRE(client.idle_connections() == 1);
  HttpRequest slow = request("GET", server.base() + "/slow");
  slow.timeout_seconds = 1;
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(slow, resp, f, err));  // on the kept connection, which the deadline shuts down
  INFO(err);
  CHECK(f == Failure::Timeout);
  CHECK(client.idle_connections() == 0);
  CHECK(server.count() == 2);  // a timeout is not sent once more
  CHECK(status_of(client, request("GET", server.base() + "/b")) == 200);
  CHECK(server.connections() == 2);
  CHECK(client.idle_connections() == 1);
}
