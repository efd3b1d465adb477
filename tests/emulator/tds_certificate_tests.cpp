// Both servers' TDS certificates come from the emulator's CA and name the
// config's host; milink verifies the managed instance's certificate through
// FreeTDS (the real ODBC driver), with a clear error when it cannot.
#include "emulator_fixture.hpp"


namespace {

using milink::sdk::Object;
using milink::sdk::Value;

/// Opens \p target on \p root (a changed copy of the written config); the error when it fails.
std::string open_error(emutest::Running& env, const Value& root, const std::string& target) {
  milink::sql::SqlService svc(root, env.config.file);
  std::string error;
  auto s = svc.open(target, false, {}, error);
  CHECK_FALSE(s);
  return error;
}

Object& section(Value& root, const std::string& target) { return root.mutable_object().find(target)->mutable_object(); }

}  // namespace

TEST_CASE("the managed instance's certificate verifies with the emulator CA the config names", "[emulator][tls]") {
  emutest::Running env;
  const Value* ca = env.config.root.get("managed_instance")->get("ca_file");
  REQUIRE(ca != nullptr);
  CHECK(ca->as_string() == "milink.json.ca.pem");
  for (const char* target : {"managed_instance", "sqlserver"}) {
    auto s = env.open(target);
    CHECK(emutest::run(*s, "SELECT 1 AS one").sets.at(0).at(0, "one").as_int64() == 1);
  }
}

TEST_CASE("without the emulator's CA the managed instance is refused, naming the setting", "[emulator][tls]") {
  emutest::Running env;
  const std::string where = "SQL target \"managed_instance\" at 127.0.0.1:" + std::to_string(env.emulator.mi_port());

  Value root = env.config.root;
  section(root, "managed_instance").erase("ca_file");
  std::string error = open_error(env, root, "managed_instance");
  CHECK_THAT(error, Catch::Matchers::StartsWith("cannot connect to " + where + " (driver FreeTDS): TLS: the "
                                                "certificate of " + where + " is not trusted ("));
  CHECK_THAT(error, Catch::Matchers::Contains("issued by O=milink emulator,CN=milink emulator root CA"));
  CHECK_THAT(error, Catch::Matchers::Contains("To trust it, set /managed_instance/ca_file in the config to the CA "
                                              "bundle that issued it (for the emulator: the file written by "
                                              "`milink-emulator --ca-out`); milink checked it against this "
                                              "machine's trusted CAs"));

  // Another CA: the service principal's self-signed certificate.
  testsupport::write_file(env.dir / "other-ca.pem", env.emulator.service_principal().certificate_pem);
  root = env.config.root;
  section(root, "managed_instance").set("ca_file", Value("other-ca.pem"));
  error = open_error(env, root, "managed_instance");
  CHECK_THAT(error, Catch::Matchers::Contains("TLS: the certificate of " + where + " is not trusted ("));
  CHECK_THAT(error, Catch::Matchers::Contains("; the current /managed_instance/ca_file (" +
                                              (env.dir / "other-ca.pem").lexically_normal().string() +
                                              ") does not contain that CA"));
  CHECK(error.find(env.emulator.sa_password(milink::emulator::Personality::ManagedInstance)) == std::string::npos);
}

TEST_CASE("a certificate for another host name is refused, sqlserver may opt out explicitly", "[emulator][tls]") {
  milink::emulator::EmulatorOptions options;
  options.tds_certificate_names = std::vector<std::string>{"other.example.test"};
  emutest::Running env(options);
  const std::string where = "SQL target \"managed_instance\" at 127.0.0.1:" + std::to_string(env.emulator.mi_port());
  std::string error = open_error(env, env.config.root, "managed_instance");
  CHECK(error == "cannot connect to " + where + " (driver FreeTDS): TLS: the certificate of " + where +
                     " is not valid for host \"127.0.0.1\" (it names DNS:other.example.test); set "
                     "/managed_instance/host to a name the certificate lists, or give the server a certificate for "
                     "\"127.0.0.1\"");

  // SQL Server verifies too when the config names a CA ...
  error = open_error(env, env.config.root, "sqlserver");
  CHECK_THAT(error, Catch::Matchers::Contains("is not valid for host \"127.0.0.1\""));
  // ... and connects unverified only when told to.
  Value root = env.config.root;
  section(root, "sqlserver").erase("ca_file");
  section(root, "sqlserver").set("trust_server_certificate", Value(true));
  milink::sql::SqlService svc(root, env.config.file);
  auto s = svc.open("sqlserver", false, {}, error);
  INFO(error);
  REQUIRE(s);
  CHECK(emutest::run(*s, "SELECT 1 AS one").sets.at(0).at(0, "one").as_int64() == 1);
}
