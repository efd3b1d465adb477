// The ARM client against an in-process HTTPS "ARM": URLs, the bearer rule,
// retries, long-running operations, errors and secrecy. Waits are recorded
// by a fake sleep (and a fake clock), so nothing here really waits.
#include "arm_fixture.hpp"

#include <milink/sdk/context.hpp>
#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

using namespace armtest;
using milink::sdk::ArmError;
using milink::sdk::ArmResponse;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::string dag_url_path() { return std::string(kDag) + "?api-version=" + kApi; }

Reply resource(const std::string& state = "Succeeded") {
  return Reply::json(200, R"({"name":"dag1","properties":{"provisioningState":")" + state + R"("}})",
                     {{"x-ms-request-id", "req-get"}});
}

Value dag_body() {
  return Value(Object{{"properties", Value(Object{{"partnerEndpoint", Value("TCP://sql1:5022")}})}});
}

std::vector<std::string> methods_and_paths(const TestServer& s) {
  std::vector<std::string> out;
  for (const auto& r : s.requests()) out.push_back(r.method + " " + r.path());
  return out;
}

}  // namespace

TEST_CASE("GET: URL from the endpoint, path and api-version - JSON body - bearer token - request id") {
  Rig rig([](const Exchange& ex) {
    if (ex.method == "GET" && ex.path() == kDag) return resource();
    return Reply::json(404, "{}");
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(out.status == 200);
  CHECK(out.body.get("name")->as_string() == "dag1");
  CHECK(out.request_id == "req-get");
  auto seen = rig.arm.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == dag_url_path());
  CHECK(seen[0].header("authorization") == "Bearer " + FakeCredential::token_for(1));
  CHECK(seen[0].header("accept") == "application/json");
  CHECK(seen[0].header("x-ms-client-request-id").size() == 36);
  CHECK(rig.cred.calls == 1);

  // The token is cached across calls and clients of the run.
  auto c2 = rig.client();
  REQUIRE(c2->call("GET", kDag, "", Value(), false, out, err));  // "" -> azure.api_version
  CHECK(rig.arm.requests().back().target == dag_url_path());
  CHECK(rig.cred.calls == 1);
}

TEST_CASE("url() and coordinates() for plans") {
  Rig rig([](const Exchange&) { return resource(); });
  auto c = rig.client();
  CHECK(c->url(kDag, "2023-08-01") == rig.arm.base() + kDag + "?api-version=2023-08-01");
  CHECK(c->url("/subscriptions/s/resources?$top=5", "1") == rig.arm.base() + "/subscriptions/s/resources?$top=5&api-version=1");
  CHECK(c->url(kDag, "") == rig.arm.base() + dag_url_path());
  CHECK(c->coordinates().arm_endpoint == rig.arm.base());  // trailing '/' dropped
  CHECK(c->coordinates().instance_path() ==
        "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Sql/managedInstances/mi-1");
}

TEST_CASE("PUT sends the JSON body - a body-less 200 is returned as null") {
  Rig rig([](const Exchange& ex) {
    if (ex.method == "PUT") return Reply::json(200, "");
    return Reply::json(404, "{}");
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("put", kDag, kApi, dag_body(), true, out, err));
  CHECK(out.status == 200);
  CHECK(out.body.is_null());
  auto seen = rig.arm.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "PUT");
  CHECK(seen[0].header("content-type") == "application/json");
  CHECK(milink::sdk::parse_json(seen[0].body) == dag_body());
}

TEST_CASE("the bearer token goes only to the configured ARM host, scheme and port") {
  TestServer other(&pki(), [](const Exchange&) { return Reply::json(200, R"({"status":"Succeeded"})"); });
  std::string other_op = other.base() + "/operations/op1";
  std::string loc;  // set below: the same server, named "localhost" (another origin)
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT" && ex.path() == std::string(kDag) + "-async")
      return Reply::json(201, "{}", {{"Azure-AsyncOperation", other_op}});
    if (ex.method == "PUT" && ex.path() == std::string(kDag) + "-loc") return Reply::json(202, "", {{"Location", loc}});
    if (ex.path() == "/locations/op2") return Reply::json(200, "{}");
    if (ex.method == "GET") return resource();
    return Reply::json(404, "{}");
  });
  loc = rig.arm.base("localhost") + "/locations/op2";
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", std::string(kDag) + "-async", kApi, dag_body(), true, out, err));
  REQUIRE(c->call("PUT", std::string(kDag) + "-loc", kApi, dag_body(), true, out, err));

  auto polled = other.requests();
  REQUIRE(polled.size() == 1);
  CHECK(polled[0].path() == "/operations/op1");
  CHECK(polled[0].header("authorization").empty());
  for (const auto& r : rig.arm.requests()) {
    INFO(r.method << " " << r.target);
    if (r.path() == "/locations/op2") {
      CHECK(r.header("host").rfind("localhost", 0) == 0);
      CHECK(r.header("authorization").empty());
    } else {
      CHECK(r.header("authorization") == "Bearer " + FakeCredential::token_for(1));
    }
  }
  CHECK(methods_and_paths(rig.arm) ==
        std::vector<std::string>{"PUT " + std::string(kDag) + "-async", "GET " + std::string(kDag) + "-async",
                                 "PUT " + std::string(kDag) + "-loc", "GET /locations/op2",
                                 "GET " + std::string(kDag) + "-loc"});
}

TEST_CASE("a 401 drops the cached token and retries once with a fresh one") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange&) {
    if (n++ == 0) return Reply::json(401, R"({"error":{"code":"ExpiredAuthenticationToken","message":"expired"}})");
    return resource();
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(rig.cred.calls == 2);
  auto seen = rig.arm.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].header("authorization") == "Bearer " + FakeCredential::token_for(2));
}

TEST_CASE("429 with Retry-After waits exactly that long, then succeeds") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange&) {
    if (n++ == 0)
      return Reply::json(429, R"({"error":{"code":"TooManyRequests","message":"slow down"}})", {{"Retry-After", "7"}});
    return resource();
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  CHECK(out.status == 200);
  CHECK(rig.arm.count() == 2);
  CHECK(rig.sleeps == std::vector<milliseconds>{milliseconds(7000)});
  INFO(rig.all_logs());
  CHECK(contains(rig.all_logs(), "429 TooManyRequests; retrying in 7 s (Retry-After) (attempt 2 of 6)"));
}

TEST_CASE("an HTTP-date Retry-After is honoured too, and Retry-After is capped") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange&) {
    int i = n++;
    if (i == 0) return Reply::json(503, "{}", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}});  // past: no wait
    if (i == 1) return Reply::json(503, "{}", {{"Retry-After", "86400"}});
    return resource();
  });
  auto o = rig.options();
  o.max_retry_after = milliseconds(60000);
  auto c = rig.client(o);
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(rig.sleeps == std::vector<milliseconds>{milliseconds(60000)});  // the 0 wait is not slept
  CHECK(rig.arm.count() == 3);
}

TEST_CASE("503s are retried with exponential backoff and full jitter, then succeed") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange&) {
    if (n++ < 3) return Reply::json(503, R"({"error":{"code":"ServiceUnavailable","message":"busy"}})");
    return resource();
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(rig.arm.count() == 4);
  REQUIRE(rig.sleeps.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(rig.sleeps[i] <= milliseconds(1000LL << i));
  auto seen = rig.arm.requests();
  for (const auto& r : seen) CHECK(r.header("x-ms-client-request-id") == seen[0].header("x-ms-client-request-id"));
}

TEST_CASE("a dropped connection is retried, then succeeds") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange&) {
    if (n++ == 0) return Reply::dropped();
    return resource();
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("DELETE", kDag, kApi, Value(), false, out, err));
  CHECK(rig.arm.count() == 2);
  CHECK(rig.sleeps.size() == 1);
  CHECK(contains(rig.all_logs(), "attempt 2 of 6"));
}

TEST_CASE("after the last attempt the last error is returned") {
  Rig rig([](const Exchange&) {
    return Reply::json(503, R"({"error":{"code":"ServerBusy","message":"The server is busy."}})",
                       {{"x-ms-request-id", "rid-503"}});
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(err.status == 503);
  CHECK(err.code == "ServerBusy");
  CHECK(err.message.rfind("The server is busy. (Azure Resource Manager unavailable: retried 5 times over ", 0) == 0);
  CHECK(err.request_id == "rid-503");
  CHECK(rig.arm.count() == 6);
  CHECK(rig.sleeps.size() == 5);

  // Transport failures: status 0 and the HTTP client's message.
  auto target = rig.target();
  target.coordinates.arm_endpoint = "https://127.0.0.1:" + std::to_string(closed_port());
  milink::arm::ArmClientOptions o = rig.options();
  o.max_attempts = 3;
  milink::arm::ArmClientImpl dead(target, rig.http, &rig.tokens, {}, o, false);
  REQUIRE_FALSE(dead.call("GET", kDag, kApi, Value(), false, out, err));
  INFO(err.message);
  CHECK(err.status == 0);
  CHECK(contains(err.message, "connection refused"));
  CHECK(contains(err.message, "(Azure Resource Manager unavailable: retried 2 times over "));
}

TEST_CASE("POST is retried only on 429/503 with Retry-After") {
  std::atomic<int> n{0};
  std::atomic<int> mode{0};
  Rig rig([&](const Exchange&) {
    int i = n++;
    switch (mode.load()) {
      case 0: return Reply::json(500, R"({"error":{"code":"InternalServerError","message":"oops"}})");
      case 1: return Reply::json(503, "{}");
      default:
        if (i % 2 == 0) return Reply::json(429, "{}", {{"Retry-After", "1"}});
        return Reply::json(200, R"({"done":true})");
    }
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  std::string failover = std::string(kDag) + "/failover";
  REQUIRE_FALSE(c->call("POST", failover, kApi, Value(Object{{"failoverType", Value("Planned")}}), true, out, err));
  CHECK(err.status == 500);
  CHECK(rig.arm.count() == 1);

  mode = 1;
  REQUIRE_FALSE(c->call("POST", failover, kApi, Value(), true, out, err));
  CHECK(err.status == 503);
  CHECK(rig.arm.count() == 2);

  mode = 2;
  n = 0;
  REQUIRE(c->call("POST", failover, kApi, Value(), true, out, err));
  CHECK(out.body.get("done")->as_bool());
  CHECK(rig.arm.count() == 4);
}

TEST_CASE("long-running PUT via Azure-AsyncOperation: InProgress x3, Succeeded, then the resource") {
  std::atomic<int> polls{0};
  std::string op_path = "/subscriptions/sub-1/providers/Microsoft.Sql/locations/westeurope/"
                        "distributedAvailabilityGroupAzureAsyncOperation/op-1";
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT")
      return Reply::json(201, R"({"properties":{"provisioningState":"Creating"}})",
                         {{"Azure-AsyncOperation", self->arm.base() + op_path + "?api-version=2025-01-01"},
                          {"Location", self->arm.base() + "/should-not-be-used"},
                          {"Retry-After", "2"},
                          {"x-ms-request-id", "req-put"}});
    if (ex.path() == op_path) {
      if (polls++ < 3) return Reply::json(200, R"({"status":"InProgress","percentComplete":40})");
      return Reply::json(200, R"({"status":"Succeeded"})");
    }
    if (ex.method == "GET" && ex.path() == kDag) return resource();
    return Reply::json(404, "{}");
  });
  self = &rig;
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  CHECK(out.status == 200);
  CHECK(out.body.get("properties")->get("provisioningState")->as_string() == "Succeeded");
  CHECK(out.request_id == "req-put");
  CHECK(methods_and_paths(rig.arm) == std::vector<std::string>{"PUT " + std::string(kDag), "GET " + op_path,
                                                               "GET " + op_path, "GET " + op_path, "GET " + op_path,
                                                               "GET " + std::string(kDag)});
  CHECK(rig.sleeps ==
        std::vector<milliseconds>{milliseconds(2000), milliseconds(1000), milliseconds(1000), milliseconds(1000)});
  // Progress: the status and elapsed time of each poll.
  int in_progress = 0;
  for (const auto& [m, f] : rig.progress) {
    if (contains(m, "InProgress")) {
      ++in_progress;
      CHECK(contains(m, "elapsed"));
      CHECK(f == Approx(0.4));
    }
  }
  CHECK(in_progress == 3);
  CHECK(contains(rig.progress.back().first, "Succeeded"));
}

TEST_CASE("long-running PUT via Location: 202, 202, 200, then the resource") {
  std::atomic<int> polls{0};
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT") return Reply::json(202, "", {{"Location", self->arm.base() + "/operationResults/op-2"}});
    if (ex.path() == "/operationResults/op-2") {
      if (polls++ < 2) return Reply::json(202, "");
      return Reply::json(200, "{}");
    }
    if (ex.method == "GET" && ex.path() == kDag) return resource();
    return Reply::json(404, "{}");
  });
  self = &rig;
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  CHECK(out.body.get("name")->as_string() == "dag1");
  CHECK(methods_and_paths(rig.arm) ==
        std::vector<std::string>{"PUT " + std::string(kDag), "GET /operationResults/op-2", "GET /operationResults/op-2",
                                 "GET /operationResults/op-2", "GET " + std::string(kDag)});
  CHECK(rig.sleeps.size() == 3);
}

TEST_CASE("long-running DELETE via Location ends with the final status - POST gets the Location result") {
  std::atomic<int> polls{0};
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "DELETE") return Reply::json(202, "", {{"Location", self->arm.base() + "/del/op"}});
    if (ex.path() == "/del/op") return polls++ == 0 ? Reply::json(202, "") : Reply::json(204, "");
    if (ex.method == "POST")
      return Reply::json(202, "", {{"Azure-AsyncOperation", self->arm.base() + "/post/op"},
                                   {"Location", self->arm.base() + "/post/result"}});
    if (ex.path() == "/post/op") return Reply::json(200, R"({"status":"Succeeded"})");
    if (ex.path() == "/post/result") return Reply::json(200, R"({"role":"Primary"})");
    return Reply::json(404, "{}");
  });
  self = &rig;
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("DELETE", kDag, kApi, Value(), true, out, err));
  CHECK(out.status == 204);
  CHECK(out.body.is_null());
  REQUIRE(c->call("POST", std::string(kDag) + "/setRole", kApi, Value(Object{{"instanceRole", Value("Primary")}}),
                  true, out, err));
  CHECK(out.body.get("role")->as_string() == "Primary");
}

TEST_CASE("without wait, a 202 is returned as it came") {
  Rig rig([](const Exchange&) { return Reply::json(202, "", {{"Location", "https://127.0.0.1:1/x"}}); });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", kDag, kApi, dag_body(), false, out, err));
  CHECK(out.status == 202);
  CHECK(rig.arm.count() == 1);
}

TEST_CASE("a PUT answered 200 with a non-terminal provisioningState is polled on the resource") {
  std::atomic<int> gets{0};
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT") return resource("Updating");
    return gets++ < 2 ? resource("Updating") : resource("Succeeded");
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  CHECK(out.body.get("properties")->get("provisioningState")->as_string() == "Succeeded");
  CHECK(rig.arm.count() == 4);
}

TEST_CASE("a failed operation surfaces the operation's error code and message") {
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT") return Reply::json(201, "{}", {{"Azure-AsyncOperation", self->arm.base() + "/ops/f"}});
    return Reply::json(200,
                       R"({"status":"Failed","error":{"code":"LinkCreationFailed","message":"The partner endpoint TCP://sql1:5022 is unreachable."}})",
                       {{"x-ms-request-id", "rid-op"}});
  });
  self = &rig;
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  CHECK(err.code == "LinkCreationFailed");
  CHECK(err.message == "The partner endpoint TCP://sql1:5022 is unreachable.");
  CHECK(err.request_id == "rid-op");
  CHECK(contains(err.describe("PUT", kDag), "LinkCreationFailed: The partner endpoint TCP://sql1:5022 is unreachable."));
}

TEST_CASE("a long-running operation that never ends times out") {
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT")
      return Reply::json(202, "", {{"Azure-AsyncOperation", self->arm.base() + "/ops/slow"}, {"x-ms-request-id", "rid-put"}});
    return Reply::json(200, R"({"status":"InProgress"})");
  });
  self = &rig;
  auto o = rig.options();
  o.lro_timeout = std::chrono::seconds(10);
  auto c = rig.client(o);
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  INFO(err.message);
  CHECK(err.code == "OperationTimedOut");
  CHECK(contains(err.message, "did not finish within 10 s"));
  CHECK(contains(err.message, "last status: InProgress"));
  CHECK(err.request_id == "rid-put");
  milliseconds total{0};
  for (auto d : rig.sleeps) total += d;
  CHECK(total == milliseconds(10000));
  CHECK(rig.arm.count() == 11);  // the PUT and ten polls
}

TEST_CASE("the overall timeout holds with real waits too") {
  Rig* self = nullptr;
  Rig rig([&](const Exchange& ex) {
    if (ex.method == "PUT") return Reply::json(202, "", {{"Azure-AsyncOperation", self->arm.base() + "/ops/slow"}});
    return Reply::json(200, R"({"status":"InProgress"})", {{"Retry-After", "10"}});
  });
  self = &rig;
  milink::arm::ArmClientOptions o;  // real clock and sleep
  o.time_scale = 0.01;              // Retry-After 10 s -> 100 ms
  o.lro_timeout = milliseconds(450);
  auto c = rig.client(o);
  ArmResponse out;
  ArmError err;
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE_FALSE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(err.code == "OperationTimedOut");
  CHECK(took >= milliseconds(450));
  CHECK(took < milliseconds(3000));
  CHECK(rig.arm.count() >= 4);
}

TEST_CASE("an ARM error body reaches ArmError verbatim, with x-ms-request-id") {
  const std::string msg = "Invalid public blob specified, reason: 'Cannot find the requested object.'";
  Rig rig([&](const Exchange&) {
    return Reply::json(400, R"({"error":{"code":"InvalidPublicBlob","message":")" + msg + R"(","details":[]}})",
                       {{"x-ms-request-id", "6f1c2d3e-0000-4000-8000-123456789abc"}});
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  std::string path = "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Sql/managedInstances/mi-1/"
                     "serverTrustCertificates/x";
  REQUIRE_FALSE(c->call("PUT", path, kApi, Value(Object{{"properties", Value(Object{})}}), true, out, err));
  CHECK(err.status == 400);
  CHECK(err.code == "InvalidPublicBlob");
  CHECK(err.message == msg);
  CHECK(err.request_id == "6f1c2d3e-0000-4000-8000-123456789abc");
  CHECK(err.describe("PUT", path) == "ARM PUT " + path + ": 400 InvalidPublicBlob: " + msg +
                                         " (x-ms-request-id: 6f1c2d3e-0000-4000-8000-123456789abc)");
  CHECK(rig.arm.count() == 1);  // 400 is not retried
}

TEST_CASE("a non-JSON error body is summarised to its first 200 characters") {
  std::string page = "<html><head><title>502 Bad Gateway</title></head>\n<body>" + std::string(900, 'x') + "</body></html>";
  Rig rig([&](const Exchange&) {
    Reply r;
    r.status = 400;
    r.body = page;
    r.headers = {{"Content-Type", "text/html"}};
    return r;
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(err.status == 400);
  CHECK(err.code.empty());
  CHECK(err.message.rfind("<html><head><title>502 Bad Gateway</title></head> <body>xxx", 0) == 0);
  CHECK(err.message.size() <= 203);
  CHECK(err.message.find('\n') == std::string::npos);
}

TEST_CASE("a TLS failure is a transport error: status 0, the HTTP client's message, no retry") {
  Rig rig([](const Exchange&) { return resource(); });
  milink::http::Client untrusting;  // no azure.ca_file
  milink::arm::ArmClientImpl c(rig.target(), untrusting, &rig.tokens, {}, rig.options(), false);
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c.call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(err.status == 0);
  CHECK(contains(err.message, "is not trusted"));
  CHECK(contains(err.message, "azure.ca_file"));
  CHECK(rig.sleeps.empty());
  CHECK(rig.arm.count() == 0);
}

TEST_CASE("the token never appears in ArmError, describe() or log lines, even when the server echoes it") {
  std::atomic<int> n{0};
  Rig rig([&](const Exchange& ex) {
    std::string echo = ex.header("authorization");
    if (n++ == 0)
      return Reply::json(429, R"({"error":{"code":"Throttled","message":"you sent )" + echo + R"("}})",
                         {{"Retry-After", "1"}});
    return Reply::json(403, R"({"error":{"code":"AuthorizationFailed","message":"token )" + echo + R"( lacks rights"}})");
  });
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("PUT", kDag, kApi, dag_body(), true, out, err));
  const std::string token = FakeCredential::token_for(1);
  CHECK(err.code == "AuthorizationFailed");
  CHECK(err.message == "token Bearer *** lacks rights");
  CHECK_FALSE(contains(err.describe("PUT", kDag), token));
  CHECK_FALSE(contains(rig.all_logs(), token));
  // ...and it was registered as a secret before it was used.
  REQUIRE(rig.secrets.size() == 1);
  CHECK(rig.secrets[0] == token);
}

TEST_CASE("dry run: only GET is sent") {
  Rig rig([](const Exchange&) { return resource(); });
  auto c = rig.client(rig.options(), /*read_only=*/true);
  ArmResponse out;
  ArmError err;
  for (const char* m : {"PUT", "DELETE", "POST", "PATCH"}) {
    REQUIRE_FALSE(c->call(m, kDag, kApi, dag_body(), true, out, err));
    CHECK(err.code == "ReadOnly");
    CHECK(contains(err.message, "--dry-run"));
    CHECK(contains(err.message, std::string(m) + " was not sent"));
  }
  CHECK(rig.arm.count() == 0);
  REQUIRE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(rig.arm.count() == 1);
}

TEST_CASE("bad paths and a missing api-version are refused before sending") {
  Rig rig([](const Exchange&) { return resource(); });
  auto t = rig.target();
  t.default_api_version.clear();
  milink::arm::ArmClientImpl c(t, rig.http, &rig.tokens, {}, rig.options(), false);
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c.call("GET", "subscriptions/x", kApi, Value(), false, out, err));
  CHECK(contains(err.message, "must start with \"/subscriptions/"));
  REQUIRE_FALSE(c.call("GET", kDag, "", Value(), false, out, err));
  CHECK(contains(err.message, "azure.api_version"));
  CHECK(rig.arm.count() == 0);
  CHECK(rig.cred.calls == 0);

  auto remote_http = rig.target();
  remote_http.coordinates.arm_endpoint = "http://management.azure.com";
  milink::arm::ArmClientImpl c2(remote_http, rig.http, &rig.tokens, {}, rig.options(), false);
  REQUIRE_FALSE(c2.call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(contains(err.message, "azure.arm_endpoint"));
  CHECK(contains(err.message, "must be https://"));
}

TEST_CASE("a 404 GET is an error with status 404 (Arm::get turns it into a status)") {
  Rig rig([](const Exchange&) {
    return Reply::json(404, R"({"error":{"code":"ResourceNotFound","message":"not found"}})");
  });
  auto c = rig.client();
  milink::sdk::Arm arm(*c);
  ArmResponse r = arm.get(kDag, kApi);
  CHECK(r.status == 404);
  CHECK(rig.arm.count() == 1);
  CHECK_THROWS_WITH(arm.put(kDag, kApi, dag_body()), Catch::Contains("404 ResourceNotFound: not found"));
}

TEST_CASE("credential failures reach the caller with the credential named") {
  Rig rig([](const Exchange&) { return resource(); });
  rig.cred.fail = true;
  auto c = rig.client();
  ArmResponse out;
  ArmError err;
  REQUIRE_FALSE(c->call("GET", kDag, kApi, Value(), false, out, err));
  CHECK(err.status == 0);
  CHECK(contains(err.message, "azure.credential \"fake\""));
  CHECK(contains(err.message, "sign-in failed"));
  CHECK(rig.arm.count() == 0);
}
