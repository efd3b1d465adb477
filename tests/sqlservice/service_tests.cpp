// SqlService and StepContextImpl::sql without a server: target lookup,
// config errors, connection failures, plan mode.
#include "run/redactor.hpp"
#include "run/step_context.hpp"
#include "sql/sql_service.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

using milink::sdk::Object;
using milink::sdk::Value;
using milink::sql::SqlService;

namespace {

/// A loopback port nobody listens on (bound, then closed).
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

const std::string kSecret = "N0t;For}Eyes";

Value config_with(std::uint16_t port) {
  return Value(Object{{"milink_config", Value(1)},
                      {"sqlserver", Value(Object{{"host", Value("127.0.0.1")},
                                                 {"port", Value(static_cast<int>(port))},
                                                 {"user", Value("milink")},
                                                 {"password", Value(kSecret)},
                                                 {"encryption", Value("off")},
                                                 {"timeout_seconds", Value(5)}})}});
}

}  // namespace

TEST_CASE("the service lists configured targets and their secrets") {
  SqlService svc(config_with(1433));
  REQUIRE(svc.targets() == std::vector<std::string>{"sqlserver"});
  auto secrets = svc.secrets();
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0] == kSecret);

  Object with_cs = config_with(1433).get("sqlserver")->as_object();
  with_cs.set("connection_string", Value("Database=db1;AccessToken=tok-123"));
  SqlService cs(Value(Object{{"sqlserver", Value(with_cs)}}));
  auto cs_secrets = cs.secrets();
  CHECK(std::find(cs_secrets.begin(), cs_secrets.end(), "tok-123") != cs_secrets.end());
  CHECK(std::find(cs_secrets.begin(), cs_secrets.end(), "db1") == cs_secrets.end());

  SqlService none(Value(Object{}));
  CHECK(none.targets().empty());
  SqlService not_object(Value("oops"));
  CHECK(not_object.targets().empty());
}

TEST_CASE("an unknown or unconfigured target is an error listing the configured ones") {
  SqlService svc(config_with(1433));
  std::string error;
  CHECK(svc.open("mystery", false, {}, error) == nullptr);
  CHECK(error.find("unknown SQL target \"mystery\"") != std::string::npos);
  CHECK(error.find("configured: sqlserver") != std::string::npos);

  CHECK(svc.open("managed_instance", false, {}, error) == nullptr);
  CHECK(error.find("\"managed_instance\" is not configured") != std::string::npos);
  CHECK(error.find("sqlserver") != std::string::npos);
}

TEST_CASE("config mistakes are reported when the target is opened") {
  SqlService svc(Value(Object{{"managed_instance", Value(Object{{"user", Value("u")}, {"password", Value("p")}})}}));
  std::string error;
  CHECK(svc.open("managed_instance", false, {}, error) == nullptr);
  CHECK(error.find("/managed_instance/host") != std::string::npos);
}

TEST_CASE("a refused connection names target, address and driver, with a remedy and without the password") {
  std::uint16_t port = closed_port();
  SqlService svc(config_with(port));
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  auto s = svc.open("sqlserver", false, {}, error);
  CHECK(s == nullptr);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  INFO(error);
  CHECK(error.find("cannot connect to SQL target \"sqlserver\"") != std::string::npos);
  CHECK(error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(error.find("driver FreeTDS") != std::string::npos);
  CHECK(error.find("/sqlserver/port") != std::string::npos);
  CHECK(error.find("N0t") == std::string::npos);
  CHECK(error.find("[FreeTDS]") == std::string::npos);
}

TEST_CASE("a driver that is not installed is named with a remedy") {
  Value cfg = config_with(closed_port());
  Object target = cfg.get("sqlserver")->as_object();
  target.set("driver", Value("No Such Driver 9"));
  SqlService svc(Value(Object{{"sqlserver", Value(target)}}));
  std::string error;
  CHECK(svc.open("sqlserver", false, {}, error) == nullptr);
  INFO(error);
  CHECK(error.find("driver No Such Driver 9") != std::string::npos);
  CHECK(error.find("/sqlserver/driver") != std::string::npos);
  CHECK(error.find("N0t") == std::string::npos);
}

TEST_CASE("StepContextImpl::sql reports plan mode, unknown targets and connection failures, redacted") {
  milink::sdk::StepSpec spec;
  spec.uses = "test-step";
  milink::run::Redactor redactor;
  redactor.add(kSecret);
  std::vector<Object> events;
  std::function<bool()> cancelled = [] { return false; };
  milink::run::StepContextImpl ctx(
      "s", spec, false, false, redactor, [&](Object e) { events.push_back(std::move(e)); },
      [](const std::string&, const std::string&, std::string& err) -> milink::sdk::Provider* {
        err = "none";
        return nullptr;
      },
      cancelled);
  std::string error;
  // No service: plan mode.
  CHECK(ctx.sql("sqlserver", error) == nullptr);
  CHECK(error.find("milink plan") != std::string::npos);

  SqlService svc(config_with(closed_port()));
  ctx.use_sql(&svc);
  CHECK(ctx.sql("elsewhere", error) == nullptr);
  CHECK(error.find("configured: sqlserver") != std::string::npos);
  CHECK(ctx.services().sql("sqlserver", error) == nullptr);
  CHECK(error.find("cannot connect to SQL target \"sqlserver\"") != std::string::npos);
  CHECK(error.find(kSecret) == std::string::npos);
}
