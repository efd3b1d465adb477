//===- tests/arm/arm_fixture.hpp - An ARM client against a test server -*- C++ -*-===//
#pragma once

#include "arm/arm_client.hpp"
#include "arm/token_cache.hpp"
#include "http/http_client.hpp"
#include "test_server.hpp"

#include <milink/sdk/credential.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace armtest {

using namespace httptest;
using std::chrono::milliseconds;

inline const Pki& pki() {
  static const Pki p = Pki::make({"DNS:localhost", "IP:127.0.0.1"});
  return p;
}

inline bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

constexpr const char* kDag =
    "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Sql/managedInstances/mi-1/"
    "distributedAvailabilityGroups/dag1";
constexpr const char* kApi = "2025-01-01";

/// A credential provider that counts calls and hands out numbered tokens.
class FakeCredential final : public milink::sdk::CredentialProvider {
public:
  explicit FakeCredential(std::function<std::int64_t()> clock = {}) : clock_(std::move(clock)) {}

  bool get_token(const milink::sdk::TokenRequest& request, milink::sdk::HttpClient&, milink::sdk::AccessToken& out,
                 std::string& error) noexcept override {
    int n = ++calls;
    last_request = request;
    if (delay_ms > 0) std::this_thread::sleep_for(milliseconds(delay_ms));
    if (fail) {
      error = "sign-in failed: check the client secret";
      return false;
    }
    out.token = token_for(n);
    std::int64_t now = clock_ ? clock_() : std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count();
    out.expires_on = lifetime > 0 ? now + lifetime : 0;
    return true;
  }
  static std::string token_for(int n) { return "eyJ0eXAi.fake-" + std::to_string(n) + ".SECRET-sig"; }

  std::atomic<int> calls{0};
  std::int64_t lifetime = 3600;
  int delay_ms = 0;
  bool fail = false;
  milink::sdk::TokenRequest last_request;

private:
  std::function<std::int64_t()> clock_;
};

/// An ArmClient on a test HTTPS server, with a fake clock and recorded waits.
struct Rig {
  testsupport::TempDir dir;
  TestServer arm;
  std::filesystem::path ca = write_ca(dir, pki());
  milink::http::Client http{[this] {
    milink::http::ClientOptions o;
    o.ca_file = ca.string();
    return o;
  }()};
  FakeCredential cred;
  std::mutex mu;
  std::vector<std::string> secrets;  ///< what the token cache registered
  milink::arm::TokenCache tokens{cred, "fake", http, milink::sdk::TokenRequest{},
                                 [this](const std::string& s) {
                                   std::lock_guard<std::mutex> lock(mu);
                                   secrets.push_back(s);
                                 }};
  std::vector<milliseconds> sleeps;
  std::chrono::steady_clock::time_point fake_now{};
  std::vector<std::pair<std::string, double>> progress;
  std::vector<std::string> logs;

  explicit Rig(TestServer::Handler handler) : arm(&pki(), std::move(handler)) {}

  milink::arm::ArmClientOptions options() {
    milink::arm::ArmClientOptions o;
    o.seed = 42;
    o.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      fake_now += d;
    };
    o.now = [this] { return fake_now; };
    return o;
  }

  milink::arm::ArmTarget target() const {
    milink::arm::ArmTarget t;
    t.coordinates.arm_endpoint = arm.base() + "/";
    t.coordinates.subscription_id = "sub-1";
    t.coordinates.resource_group = "rg-1";
    t.coordinates.instance_name = "mi-1";
    t.default_api_version = kApi;
    return t;
  }

  std::unique_ptr<milink::arm::ArmClientImpl> client(milink::arm::ArmClientOptions o, bool read_only = false) {
    milink::arm::ArmReporter r;
    r.progress = [this](const std::string& m, double f) { progress.emplace_back(m, f); };
    r.log = [this](milink::sdk::LogLevel, const std::string& m) { logs.push_back(m); };
    r.cancelled = [] { return false; };
    return std::make_unique<milink::arm::ArmClientImpl>(target(), http, &tokens, r, std::move(o), read_only);
  }
  std::unique_ptr<milink::arm::ArmClientImpl> client() { return client(options()); }

  std::string all_logs() const {
    std::string s;
    for (const auto& l : logs) s += l + "\n";
    for (const auto& p : progress) s += p.first + "\n";
    return s;
  }
};

}  // namespace armtest
