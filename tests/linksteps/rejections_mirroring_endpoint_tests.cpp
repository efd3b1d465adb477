// mirroring-endpoint's refusals, word for word with milink's exit code: a
// port or host it cannot use, an existing endpoint on another port, an
// existing endpoint the link cannot use with existing_endpoint: refuse
// (every problem listed, and the ALTER ENDPOINT to run), the same endpoint
// altered with existing_endpoint: alter, and an endpoint that already fits.
#include "rejections_rig.hpp"

#include <catch2/catch.hpp>

using milink::sdk::Object;
using milink::sdk::Value;
using rejections::check_refused;
using rejections::check_refused_before_run;
using rejections::kStep;
using rejections::one_step;

namespace {

Value endpoint_step(Object extra = {}) {
  Object with{{"certificate_name", Value("Cert_sqlbox1_endpoint")},
              {"port", Value("${{ config.sqlserver.endpoint_port }}")},
              {"host", Value("${{ config.sqlserver.fqdn }}")}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("mirroring-endpoint", with);
}

/// A scenario whose master has the link's certificate (and another one), and
/// \p endpoint_sql, a CREATE ENDPOINT.
std::string world_with_endpoint(const std::string& endpoint_sql) {
  return R"({"sql_server": {"master_key": true, "init_sql": [
    "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'Certificate for Cert_sqlbox1_endpoint', EXPIRY_DATE = '20300101'",
    "CREATE CERTIFICATE [Old_endpoint_cert] WITH SUBJECT = 'an older certificate', EXPIRY_DATE = '20300101'",
    ")" + endpoint_sql + R"("]}})";
}

/// NTLM only, RC4 only, stopped: everything the link cannot use at once.
const char* kWindowsRc4Stopped =
    "CREATE ENDPOINT [Hadr_endpoint] STATE = STOPPED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL) "
    "FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = WINDOWS NTLM, ENCRYPTION = REQUIRED ALGORITHM RC4)";

const char* kAlterWindowsRc4 =
    "USE master;\nALTER ENDPOINT [Hadr_endpoint]\n    STATE = STARTED\n    FOR DATABASE_MIRRORING (\n        "
    "AUTHENTICATION = WINDOWS NTLM CERTIFICATE [Cert_sqlbox1_endpoint],\n        ENCRYPTION = REQUIRED ALGORITHM AES "
    "RC4\n    );";

struct Shown {
  std::string auth, algorithm, state, certificate;
  int port = 0;
};

Shown endpoint(linksteps::EmulatorRig& rig) {
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  REQUIRE(world.sql_server.endpoints.size() == 1);
  const auto& e = world.sql_server.endpoints.front();
  return {e.connection_auth_desc(), e.encryption_algorithm_desc(),
          milink::emulator::endpoint_state_name(e.state), e.certificate_name, e.port};
}

}  // namespace

// --- configure() ------------------------------------------------------------

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses a port out of range", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (int port : {0, -1, 65536, 100000}) {
    INFO(port);
    check_refused_before_run(offline.run(endpoint_step(Object{{"port", Value(port)}})), "mirroring-endpoint",
                  "parameter \"port\": port " + std::to_string(port) + " is not a TCP port (1-65535)");
  }
}

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses a host that is not a host name", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (const char* host : {"", "sql box", "sqlbox1:5022", "TCP://sqlbox1", "[::1]", "sqlbox1;drop", "o'brien"}) {
    INFO(host);
    check_refused_before_run(offline.run(endpoint_step(Object{{"host", Value(host)}})), "mirroring-endpoint",
                  std::string("parameter \"host\": \"") + host +
                      "\" is not a host name or IPv4 address; set sqlserver.fqdn in the config");
  }
}

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses an empty endpoint or certificate name", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(endpoint_step(Object{{"endpoint_name", Value("")}})), "mirroring-endpoint",
                "parameter \"endpoint_name\": the name is empty");
  check_refused_before_run(offline.run(endpoint_step(Object{{"certificate_name", Value("")}})), "mirroring-endpoint",
                "parameter \"certificate_name\": the name is empty");
}

TEST_CASE("linksteps: rejections: mirroring-endpoint existing_endpoint outside its choices is refused by validation, also from an input",
          "[linksteps][rejections]") {
  rejections::Offline offline;
  // Written in the workflow: validation refuses it, nothing runs, exit code 2.
  auto r = offline.run(endpoint_step(Object{{"existing_endpoint", Value("keep")}}));
  CHECK(r.exit_code() == 2);
  CHECK(r.events.step_end(kStep) == nullptr);
  REQUIRE(!r.events.all.empty());
  const milink::sdk::Object& invalid = r.events.all.front();
  CHECK(invalid.find("event")->as_string() == "invalid_input");
  const auto& diagnostics = invalid.find("diagnostics")->as_array();
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].get("pointer")->as_string() == "/steps/0/with/existing_endpoint");
  CHECK(diagnostics[0].get("message")->as_string() ==
        "parameter \"existing_endpoint\" of step 'mirroring-endpoint' must be one of: alter, refuse");

  // Given by an input (its default here): validation evaluates it and
  // refuses it the same way, before anything runs.
  Value wf = endpoint_step(Object{{"existing_endpoint", Value("${{ inputs.existing_endpoint }}")}});
  wf.mutable_object().find("inputs")->mutable_object().set(
      "existing_endpoint", Value(Object{{"type", Value("string")}, {"default", Value("keep")}}));
  auto from_input = offline.run(wf);
  CHECK(from_input.exit_code() == 2);
  CHECK(from_input.events.step_end(kStep) == nullptr);
  REQUIRE(!from_input.events.all.empty());
  const auto& input_diagnostics = from_input.events.all.front().find("diagnostics")->as_array();
  REQUIRE(input_diagnostics.size() == 1);
  CHECK(input_diagnostics[0].get("message")->as_string() ==
        "parameter \"existing_endpoint\" of step 'mirroring-endpoint' must be one of: alter, refuse; "
        "inputs.existing_endpoint gives \"keep\"");
}

// --- observe() / apply() --------------------------------------------------------

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses an existing endpoint on another port",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(world_with_endpoint(
      "CREATE ENDPOINT [Hadr_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = 5023, LISTENER_IP = ALL) FOR "
      "DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint], ENCRYPTION = REQUIRED "
      "ALGORITHM AES)"));
  const auto before = rig.sql_server_statements().size();
  // The config says 5022 (the default); the endpoint fits the link in every other way.
  for (const char* strategy : {"refuse", "alter"}) {
    INFO(strategy);
    check_refused(rejections::run(rig, endpoint_step(Object{{"existing_endpoint", Value(strategy)}})),
                  "observe: the existing mirroring endpoint [Hadr_endpoint] listens on port 5023, not 5022; set "
                  "sqlserver.endpoint_port to 5023 in the config (SQL Server keeps one mirroring endpoint)");
  }
  CHECK(rejections::changes(rig, before).empty());

  // As the message says: with endpoint_port 5023 the endpoint is used as it is.
  rig.set("sqlserver", "endpoint_port", Value(5023));
  auto r = rejections::run(rig, endpoint_step());
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "ok");
  CHECK(r.events.output(kStep, "url") == "TCP://" + rig.config.get("sqlserver")->get("fqdn")->as_string() + ":5023");
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses an NTLM RC4 stopped endpoint listing every problem and a NEGOTIATE one",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(world_with_endpoint(kWindowsRc4Stopped));
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, endpoint_step());  // existing_endpoint: refuse, the default
  check_refused(r,
                std::string("observe: the existing mirroring endpoint [Hadr_endpoint] authenticates with NTLM, not "
                            "CERTIFICATE; encrypts with RC4, not AES; is STOPPED, not STARTED. The link needs "
                            "certificate authentication with AES. Set existing_endpoint: alter to let milink run ALTER "
                            "ENDPOINT (only what does not fit; Windows authentication stays available beside the "
                            "certificate), or alter it yourself:\n") +
                    kAlterWindowsRc4);
  CHECK(rejections::changes(rig, before).empty());
  Shown e = endpoint(rig);
  CHECK(e.auth == "NTLM");
  CHECK(e.algorithm == "RC4");
  CHECK(e.state == std::string("STOPPED"));

  // Windows NEGOTIATE only, otherwise fine: that one problem, and AES alone in the ALTER.
  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    auto& ep = world.sql_server.endpoints.front();
    ep.windows = milink::emulator::WindowsAuth::Negotiate;
    ep.algorithms = {"AES"};
    ep.state = milink::emulator::EndpointState::Started;
  }
  REQUIRE(endpoint(rig).auth == "NEGOTIATE");
  check_refused(rejections::run(rig, endpoint_step()),
                "observe: the existing mirroring endpoint [Hadr_endpoint] authenticates with NEGOTIATE, not "
                "CERTIFICATE. The link needs certificate authentication with AES. Set existing_endpoint: alter to let "
                "milink run ALTER ENDPOINT (only what does not fit; Windows authentication stays available beside the "
                "certificate), or alter it yourself:\nUSE master;\nALTER ENDPOINT [Hadr_endpoint]\n    FOR "
                "DATABASE_MIRRORING (\n        AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [Cert_sqlbox1_endpoint]\n    "
                ");");
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: mirroring-endpoint refuses an endpoint with another certificate and optional encryption",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(world_with_endpoint(
      "CREATE ENDPOINT [Hadr_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL) FOR "
      "DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [Old_endpoint_cert], "
      "ENCRYPTION = SUPPORTED ALGORITHM AES)"));
  const auto before = rig.sql_server_statements().size();
  const std::string alter =
      "USE master;\nALTER ENDPOINT [Hadr_endpoint]\n    FOR DATABASE_MIRRORING (\n        AUTHENTICATION = WINDOWS "
      "NEGOTIATE CERTIFICATE [Cert_sqlbox1_endpoint],\n        ENCRYPTION = REQUIRED ALGORITHM AES\n    );";
  const std::string advice =
      ". The link needs certificate authentication with AES. Set existing_endpoint: alter to let milink run ALTER "
      "ENDPOINT (only what does not fit; Windows authentication stays available beside the certificate), or alter it "
      "yourself:\n";
  check_refused(rejections::run(rig, endpoint_step()),
                "observe: the existing mirroring endpoint [Hadr_endpoint] authenticates with certificate "
                "[Old_endpoint_cert], not [Cert_sqlbox1_endpoint]; encryption is SUPPORTED, not REQUIRED" +
                    advice + alter);

  // Encryption disabled altogether.
  {
    auto& world = rig.emulator.world();
    auto lock = world.lock();
    world.sql_server.endpoints.front().encryption = milink::emulator::EndpointEncryption::Disabled;
  }
  check_refused(rejections::run(rig, endpoint_step()),
                "observe: the existing mirroring endpoint [Hadr_endpoint] authenticates with certificate "
                "[Old_endpoint_cert], not [Cert_sqlbox1_endpoint]; does not encrypt" +
                    advice + alter);
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: mirroring-endpoint with existing_endpoint alter fixes an NTLM RC4 stopped endpoint",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(world_with_endpoint(kWindowsRc4Stopped));
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, endpoint_step(Object{{"existing_endpoint", Value("alter")}}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "changed");
  CHECK(r.events.reason(kStep) ==
        "endpoint [Hadr_endpoint] authenticates with NTLM, not CERTIFICATE; encrypts with RC4, not AES; is STOPPED, not "
        "STARTED");
  CHECK(r.events.output(kStep, "endpoint_name") == "Hadr_endpoint");
  CHECK(r.events.output(kStep, "url") == "TCP://" + rig.config.get("sqlserver")->get("fqdn")->as_string() + ":5022");
  // Exactly the ALTER ENDPOINT the refusal shows (the log has the batch's
  // statements: USE master, then it): Windows kept as NTLM, RC4 kept after AES, the port and LISTENER_IP untouched.
  std::string alter = std::string(kAlterWindowsRc4).substr(std::string("USE master;\n").size());
  alter.pop_back();  // the batch's closing ';'
  CHECK(rejections::changes(rig, before) == std::vector<std::string>{alter});
  Shown e = endpoint(rig);
  CHECK(e.auth == "NTLM, CERTIFICATE");
  CHECK(e.certificate == "Cert_sqlbox1_endpoint");
  CHECK(e.algorithm == "AES, RC4");
  CHECK(e.state == std::string("STARTED"));
  CHECK(e.port == 5022);

  // The endpoint now passes, even with existing_endpoint: refuse, and nothing runs again.
  const auto after = rig.sql_server_statements().size();
  auto again = rejections::run(rig, endpoint_step());
  CHECK(again.exit_code() == 0);
  CHECK(again.events.status(kStep) == "ok");
  CHECK(again.events.reason(kStep) == "endpoint [Hadr_endpoint] is ready (NTLM, CERTIFICATE, AES, RC4, port 5022)");
  CHECK(rejections::changes(rig, after).empty());
}

TEST_CASE("linksteps: rejections: mirroring-endpoint keeps an existing endpoint that already fits", "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(world_with_endpoint(
      "CREATE ENDPOINT [my_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL) FOR "
      "DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint], ENCRYPTION = REQUIRED "
      "ALGORITHM AES)"));
  const auto before = rig.sql_server_statements().size();
  for (const char* strategy : {"refuse", "alter"}) {
    INFO(strategy);
    auto r = rejections::run(rig, endpoint_step(Object{{"existing_endpoint", Value(strategy)}}));
    CHECK(r.exit_code() == 0);
    CHECK(r.events.status(kStep) == "ok");
    CHECK(r.events.reason(kStep) == "endpoint [my_endpoint] is ready (CERTIFICATE, AES, port 5022)");
    // Its name, not endpoint_name's default.
    CHECK(r.events.output(kStep, "endpoint_name") == "my_endpoint");
  }
  CHECK(rejections::changes(rig, before).empty());
  Shown e = endpoint(rig);
  CHECK(e.auth == "CERTIFICATE");
  CHECK(e.algorithm == "AES");
}
