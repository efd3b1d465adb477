// FaultPlan on the Azure side: per service (arm / entra / imds), HTTP
// statuses with Retry-After, dropped connections, latency; set through the
// API and through POST /_emulator/faults.
#include "armemu_support.hpp"

#include <catch2/catch.hpp>

#include <Poco/Exception.h>

#include <chrono>

using namespace armemu;
using milink::emulator::Service;

namespace {

Reply set_faults(Env& e, const std::string& spec) {
  return https(e.azure->arm_port(), "POST", "/_emulator/faults", spec, {{"Content-Type", "text/plain"}}, e.ca_file);
}

const std::string kImds =
    "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F";

}  // namespace

TEST_CASE("ARM faults: 429 and 503 with Retry-After, 500, drop and latency, on the Nth request", "[armemu][faults]") {
  Env& e = env();
  Reply set = set_faults(e, "arm:429@1,arm:503@2,arm:500@3,arm:drop@4,arm:latency=300@5");
  INFO(set.body);
  REQUIRE(set.status == 200);
  CHECK(set.json().get("spec")->as_string() == "arm:429@1,arm:503@2,arm:500@3,arm:drop@4,arm:latency=300@5");
  CHECK(e.faults.requests(Service::Arm) == 0);  // set() restarts the counters; the control route is not counted

  Reply r = e.arm("GET", e.mi_path(), "2025-01-01");
  INFO(r.body);
  CHECK(r.status == 429);
  CHECK(r.header("Retry-After") == "1");
  CHECK(r.error_code() == "SubscriptionTooManyRequests");
  CHECK(r.error_message() == "Requests beyond max requests that can be processed by available resources.");
  CHECK_FALSE(r.header("x-ms-request-id").empty());

  r = e.arm("GET", e.mi_path(), "2025-01-01");
  CHECK(r.status == 503);
  CHECK(r.header("Retry-After") == "1");
  CHECK(r.error_code() == "TooManyRequests");

  r = e.arm("GET", e.mi_path(), "2025-01-01");
  CHECK(r.status == 500);
  CHECK(r.error_code() == "InternalServerError");
  CHECK_FALSE(r.has_header("Retry-After"));

  CHECK_THROWS_AS(e.arm("GET", e.mi_path(), "2025-01-01"), Poco::Exception);

  auto started = std::chrono::steady_clock::now();
  r = e.arm("GET", e.mi_path(), "2025-01-01");
  auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(r.status == 200);
  CHECK(elapsed >= std::chrono::milliseconds(300));

  CHECK(e.arm("GET", e.mi_path(), "2025-01-01").status == 200);
  CHECK(e.faults.requests(Service::Arm) == 6);
  // Faults come before authentication: a faulted request without a token still gets the fault.
  REQUIRE(set_faults(e, "arm:503@1").status == 200);
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, "-").status == 503);
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01", {}, "-").status == 401);
  // The log records the drop (status 0).
  bool dropped = false;
  for (const auto& entry : e.azure->request_log())
    if (entry.server == "arm" && entry.status == 0) dropped = true;
  CHECK(dropped);
  REQUIRE(set_faults(e, "").status == 200);
}

TEST_CASE("faults are per service (entra, imds) -- POST /_emulator/faults sets them and is never faulted", "[armemu][faults]") {
  Env& e = env();
  auto sp = e.azure->register_service_principal();
  auto token_request = [&] {
    return e.entra_token({{"grant_type", "client_credentials"}, {"client_id", sp.client_id},
                          {"client_secret", sp.client_secret}, {"scope", "https://management.azure.com/.default"}});
  };
  e.faults.set("entra:429@1,entra:503@2,imds:503@1,imds:drop@2,imds:429@3");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01").status == 200);

  Reply r = token_request();
  INFO(r.body);
  CHECK(r.status == 429);
  CHECK(r.header("Retry-After") == "1");
  CHECK(r.json().get("error")->as_string() == "temporarily_unavailable");
  CHECK(r.json().get("error_description")->as_string().rfind("AADSTS90033: ", 0) == 0);
  CHECK(token_request().status == 503);
  CHECK(token_request().status == 200);

  std::uint16_t port = e.azure->managed_identity_port();
  r = http(port, "GET", kImds, {{"Metadata", "true"}});
  CHECK(r.status == 503);
  CHECK(r.header("Retry-After") == "1");
  CHECK(r.json().get("error")->as_string() == "temporarily_unavailable");
  CHECK_THROWS_AS(http(port, "GET", kImds, {{"Metadata", "true"}}), Poco::Exception);
  CHECK(http(port, "GET", kImds, {{"Metadata", "true"}}).status == 429);
  CHECK(http(port, "GET", kImds, {{"Metadata", "true"}}).status == 200);
  // App Service and Arc count as imds too.
  e.faults.set("imds:500");
  CHECK(http(port, "GET", "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com%2F",
             {{"X-IDENTITY-HEADER", e.azure->app_service_secret()}})
            .status == 500);
  CHECK(e.faults.requests(Service::Imds) == 1);
  CHECK(e.faults.requests(Service::Arm) == 0);
  e.faults.set("");
  CHECK(http(port, "GET", kImds, {{"Metadata", "true"}}).status == 200);

  // POST /_emulator/faults: a loopback control route, never faulted, refusing bad specs.
  {
  // JSON forms are accepted too.
  Reply r = https(e.azure->arm_port(), "POST", "/_emulator/faults", R"({"spec":"arm:503"})", {}, e.ca_file);
  REQUIRE(r.status == 200);
  CHECK(e.faults.spec() == "arm:503");
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01").status == 503);
  // The control route itself still answers while every ARM request fails.
  Reply get = https(e.azure->arm_port(), "GET", "/_emulator/faults", {}, {}, e.ca_file);
  REQUIRE(get.status == 200);
  CHECK(get.json().get("spec")->as_string() == "arm:503");
  r = set_faults(e, "arm:teapot");
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.error_code() == "InvalidFaultSpec");
  CHECK(r.error_message().find("teapot") != std::string::npos);
  CHECK(e.faults.spec() == "arm:503");  // unchanged
  REQUIRE(set_faults(e, "\"\"").status == 200);
  CHECK(e.faults.spec().empty());
  CHECK(e.arm("GET", e.mi_path(), "2025-01-01").status == 200);
  CHECK(https(e.azure->arm_port(), "GET", "/_emulator/nothing", {}, {}, e.ca_file).status == 404);
  }
}
