// A minimal StepContext and Services for driving step instances in tests:
// outputs land in an Object, logs in a vector, nothing else is available.
#pragma once

#include <milink/sdk/http.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace loader_test {

class FakeServices final : public milink::sdk::Services {
public:
  void log(milink::sdk::LogLevel, const std::string& message) noexcept override { lines.push_back(message); }
  bool cancelled() const noexcept override { return false; }
  milink::sdk::Provider* provider(const std::string& kind, const std::string& name,
                                  std::string& error) noexcept override {
    error = "no " + kind + " provider '" + name + "' in the fake context";
    return nullptr;
  }
  milink::sdk::SqlSession* sql(const std::string& target, std::string& error) noexcept override {
    error = "no SQL target '" + target + "' in the fake context";
    return nullptr;
  }
  milink::sdk::ArmClient* arm(std::string& error) noexcept override {
    error = "no ARM in the fake context";
    return nullptr;
  }
  milink::sdk::HttpClient& http() noexcept override { return http_; }

  class NoHttp final : public milink::sdk::HttpClient {
  public:
    bool send(const milink::sdk::HttpRequest&, milink::sdk::HttpResponse&, std::string& error) noexcept override {
      error = "no HTTP in the fake context";
      return false;
    }
  } http_;

  std::vector<std::string> lines;
};

class FakeStepContext final : public milink::sdk::StepContext {
public:
  const std::string& step_key() const noexcept override { return key_; }
  bool set_output(const std::string& name, const milink::sdk::Value& value, std::string&) noexcept override {
    outputs.set(name, value);
    return true;
  }
  void progress(const std::string&, double) noexcept override {}
  void add_secret(const std::string&) noexcept override {}
  bool read_only() const noexcept override { return false; }
  milink::sdk::Services& services() noexcept override { return services_; }

  milink::sdk::Object outputs;

private:
  std::string key_ = "test";
  FakeServices services_;
};

}  // namespace loader_test
