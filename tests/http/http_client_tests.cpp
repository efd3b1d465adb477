// milink's HTTP client against an in-process HTTPS server whose CA is made
// in the test: certificate trust, host names, the plain-http rule, failure
// kinds and thread safety.
#include "http/http_client.hpp"

#include "test_server.hpp"

#include <Poco/Net/ServerSocket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using milink::http::Client;
using milink::http::ClientOptions;
using milink::http::Failure;
using milink::sdk::HttpRequest;
using milink::sdk::HttpResponse;
using namespace httptest;

namespace {

Reply hello(const Exchange& ex) {
  return Reply::json(200, "{\"method\":\"" + ex.method + "\",\"body\":\"" + ex.body + "\"}", {{"x-test", "yes"}});
}

HttpRequest get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  r.timeout_seconds = 5;
  return r;
}

ClientOptions trusting(const std::filesystem::path& ca) {
  ClientOptions o;
  o.ca_file = ca.string();
  return o;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("a server whose CA is not trusted is refused, and the error says how to trust it") {
  TestServer server(&loopback_pki(), hello);
  Client client;  // system CAs only
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(get(server.base() + "/x"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Tls);
  CHECK(resp.status == 0);
  CHECK(contains(err, "127.0.0.1:" + std::to_string(server.port())));
  CHECK(contains(err, "is not trusted"));
  CHECK(contains(err, "set azure.ca_file in the config to the CA bundle that issued it"));
  CHECK(contains(err, "milink-emulator --ca-out"));
  CHECK(server.count() == 0);  // nothing was sent
  CHECK_FALSE(milink::http::transient(f));
}

TEST_CASE("with azure.ca_file the same server is trusted - requests and responses go through whole") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), hello);
  Client client(trusting(write_ca(dir, loopback_pki())));
  HttpRequest req = get(server.base() + "/a/b?c=d");
  req.method = "POST";
  req.body = "payload";
  req.headers.push_back({"X-Custom", "v1"});
  HttpResponse resp;
  std::string err;
  REQUIRE(client.send(req, resp, err));
  CHECK(resp.status == 200);
  CHECK(resp.body == R"({"method":"POST","body":"payload"})");
  REQUIRE(resp.header("X-TEST") != nullptr);
  CHECK(*resp.header("x-test") == "yes");
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/a/b?c=d");
  CHECK(seen[0].header("x-custom") == "v1");
  CHECK(seen[0].header("content-length") == "7");
  CHECK(contains(seen[0].header("user-agent"), "milink"));

  // "localhost" is in the certificate too.
  REQUIRE(client.send(get(server.base("localhost") + "/"), resp, err));
  CHECK(resp.status == 200);
}

TEST_CASE("4xx and 5xx are responses, not failures") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), [](const Exchange&) { return Reply::json(503, R"({"error":"busy"})"); });
  Client client(trusting(write_ca(dir, loopback_pki())));
  HttpResponse resp;
  std::string err;
  REQUIRE(client.send(get(server.base() + "/"), resp, err));
  CHECK(resp.status == 503);
  CHECK(resp.reason == "Service Unavailable");
  CHECK(resp.body == R"({"error":"busy"})");
}

TEST_CASE("a certificate for another host name is refused, loopback included") {
  testsupport::TempDir dir;
  Pki other = Pki::make({"DNS:wrong.example"});
  TestServer server(&other, hello);
  Client client(trusting(write_ca(dir, other)));
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(get(server.base() + "/"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Tls);
  CHECK(contains(err, "is not valid for host \"127.0.0.1\""));
  CHECK(contains(err, "DNS:wrong.example"));
  REQUIRE_FALSE(client.exchange(get(server.base("localhost") + "/"), resp, f, err));
  CHECK(f == Failure::Tls);
  CHECK(contains(err, "is not valid for host \"localhost\""));
  CHECK(server.count() == 0);

  // A certificate naming only localhost does not cover 127.0.0.1.
  Pki named = Pki::make({"DNS:localhost"});
  TestServer server2(&named, hello);
  Client client2(trusting(write_ca(dir, named, "named.pem")));
  REQUIRE(client2.exchange(get(server2.base("localhost") + "/"), resp, f, err));
  CHECK(resp.status == 200);
  REQUIRE_FALSE(client2.exchange(get(server2.base("127.0.0.1") + "/"), resp, f, err));
  CHECK(f == Failure::Tls);
}

TEST_CASE("a CA bundle holding a different CA does not help, and the error names the bundle") {
  testsupport::TempDir dir;
  Pki unrelated = Pki::make({"IP:127.0.0.1"}, "some other CA");
  TestServer server(&loopback_pki(), hello);
  auto ca = write_ca(dir, unrelated);
  Client client(trusting(ca));
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE_FALSE(client.exchange(get(server.base() + "/"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Tls);
  CHECK(contains(err, "is not trusted"));
  CHECK(contains(err, ca.string()));
}

TEST_CASE("an unreadable or empty CA bundle is a configuration error naming azure.ca_file") {
  testsupport::TempDir dir;
  TestServer server(&loopback_pki(), hello);
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  {
    Client client(trusting(dir / "missing.pem"));
    REQUIRE_FALSE(client.exchange(get(server.base() + "/"), resp, f, err));
    CHECK(f == Failure::Config);
    CHECK(contains(err, "azure.ca_file"));
    CHECK(contains(err, "missing.pem"));
  }
  {
    testsupport::write_file(dir / "empty.pem", "not a certificate\n");
    Client client(trusting(dir / "empty.pem"));
    REQUIRE_FALSE(client.exchange(get(server.base() + "/"), resp, f, err));
    CHECK(f == Failure::Config);
    CHECK(contains(err, "contains no PEM certificate"));
  }
  CHECK(server.count() == 0);
}

TEST_CASE("plain http:// reaches loopback only - remote hosts are refused before connecting") {
  TestServer plain(nullptr, hello);
  Client client;
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  REQUIRE(client.exchange(get(plain.base() + "/metadata"), resp, f, err));
  CHECK(resp.status == 200);

  REQUIRE_FALSE(client.exchange(get("http://management.azure.com/subscriptions"), resp, f, err));
  CHECK(f == Failure::Policy);
  CHECK(contains(err, "refusing plain http:// to management.azure.com"));
  REQUIRE_FALSE(client.exchange(get("http://10.1.2.3:8080/"), resp, f, err));
  CHECK(f == Failure::Policy);
  REQUIRE_FALSE(client.exchange(get("ftp://127.0.0.1/"), resp, f, err));
  CHECK(f == Failure::Policy);
}

TEST_CASE("header injection and bad methods are refused") {
  Client client;
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  HttpRequest req = get("https://127.0.0.1:1/");
  req.headers.push_back({"X-A", "v\r\nInjected: 1"});
  REQUIRE_FALSE(client.exchange(req, resp, f, err));
  CHECK(f == Failure::Policy);
  HttpRequest bad = get("https://127.0.0.1:1/");
  bad.method = "GET /x";
  REQUIRE_FALSE(client.exchange(bad, resp, f, err));
  CHECK(f == Failure::Policy);
}

TEST_CASE("refused connections, dropped connections and timeouts are told apart") {
  testsupport::TempDir dir;
  Client client(trusting(write_ca(dir, loopback_pki())));
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;

  REQUIRE_FALSE(client.exchange(get("https://127.0.0.1:" + std::to_string(closed_port()) + "/"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Refused);
  CHECK(milink::http::transient(f));

  TestServer dropper(&loopback_pki(), [](const Exchange&) { return Reply::dropped(); });
  REQUIRE_FALSE(client.exchange(get(dropper.base() + "/"), resp, f, err));
  INFO(err);
  CHECK(f == Failure::Reset);
  CHECK(dropper.count() == 1);

  TestServer slow(&loopback_pki(), [](const Exchange&) {
    Reply r = Reply::json(200, "{}");
    r.delay_ms = 1800;
    return r;
  });
  HttpRequest req = get(slow.base() + "/");
  req.timeout_seconds = 1;
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE_FALSE(client.exchange(req, resp, f, err));
  auto took = std::chrono::steady_clock::now() - t0;
  INFO(err);
  CHECK(f == Failure::Timeout);
  CHECK(contains(err, "timed out after 1 s"));
  CHECK(took < std::chrono::milliseconds(1700));
}

TEST_CASE("a server that never answers the TLS handshake times out too") {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));  // listens, never accepts
  Client client;
  HttpRequest req = get("https://127.0.0.1:" + std::to_string(silent.address().port()) + "/");
  req.timeout_seconds = 1;
  HttpResponse resp;
  Failure f = Failure::None;
  std::string err;
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE_FALSE(client.exchange(req, resp, f, err));
  auto took = std::chrono::steady_clock::now() - t0;
  INFO(err);
  CHECK(f == Failure::Timeout);
  CHECK(took < std::chrono::milliseconds(2500));
}

TEST_CASE("the client is safe to use from many threads at once") {
  testsupport::TempDir dir;
  std::atomic<int> served{0};
  TestServer server(&loopback_pki(), [&](const Exchange& ex) {
    ++served;
    return Reply::json(200, "{\"path\":\"" + ex.path() + "\"}");
  });
  Client client(trusting(write_ca(dir, loopback_pki())));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        HttpResponse resp;
        std::string err;
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        if (client.send(get(server.base() + path), resp, err) && resp.body == "{\"path\":\"" + path + "\"}") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 24);
  CHECK(served == 24);
}

TEST_CASE("the plan-mode client refuses everything with its reason") {
  milink::http::RefusingClient client("milink plan connects nowhere");
  HttpResponse resp;
  std::string err;
  CHECK_FALSE(client.send(get("https://127.0.0.1/"), resp, err));
  CHECK(err == "milink plan connects nowhere");
}
