// sqlserver-cert's refusals, each asserted word for word with milink's exit
// code: the parameters configure() rejects, refused before the run (exit
// code 2; run offline: nothing connects),
// and the states observe() finds on SQL Server (a master without a database
// master key, existing certificates that expired or have no private key),
// plus the warning for a certificate that expires soon, which is not a
// failure.
#include "rejections_rig.hpp"

#include <catch2/catch.hpp>

using milink::sdk::Object;
using milink::sdk::Value;
using rejections::check_refused;
using rejections::check_refused_before_run;
using rejections::kStep;
using rejections::one_step;

namespace {

const char* kPassword = "${{ inputs.master_key_password }}";

Value cert_step(Object with) {
  if (with.find("master_key_password") == nullptr) with.set("master_key_password", Value(kPassword));
  return one_step("sqlserver-cert", with);
}

}  // namespace

// --- configure() ------------------------------------------------------------

TEST_CASE("linksteps: rejections: sqlserver-cert refuses an expiry date in the past", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(cert_step(Object{{"expiry_date", Value("2020-01-01")}})), "sqlserver-cert",
                "parameter \"expiry_date\": the expiry date 2020-01-01 is not in the future (today is " +
                    rejections::iso_date(0) + "); choose a later date");
  // Today is not in the future either.
  const std::string today = rejections::iso_date(0);
  check_refused_before_run(offline.run(cert_step(Object{{"expiry_date", Value(today)}})), "sqlserver-cert",
                "parameter \"expiry_date\": the expiry date " + today + " is not in the future (today is " + today +
                    "); choose a later date");
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses an expiry date that is not a YYYY-MM-DD date",
          "[linksteps][rejections]") {
  rejections::Offline offline;
  for (const char* bad : {"2027-02-30", "03/30/2027", "2027-13-01", "2027-3-30", "20270330"}) {
    INFO(bad);
    check_refused_before_run(offline.run(cert_step(Object{{"expiry_date", Value(bad)}})), "sqlserver-cert",
                  std::string("parameter \"expiry_date\": \"") + bad +
                      "\" is not a date; write YYYY-MM-DD, e.g. 2027-03-30");
  }
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses validity_days 0", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(cert_step(Object{{"validity_days", Value(0)}})), "sqlserver-cert",
                "parameter \"validity_days\": validity_days must be at least 1 (got 0)");
  check_refused_before_run(offline.run(cert_step(Object{{"validity_days", Value(-5)}})), "sqlserver-cert",
                "parameter \"validity_days\": validity_days must be at least 1 (got -5)");
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses a certificate name with a backslash", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(cert_step(Object{{"certificate_name", Value("Cert_sqlbox1\\INST1_endpoint")}})), "sqlserver-cert",
                "parameter \"certificate_name\": the certificate name \"Cert_sqlbox1\\INST1_endpoint\" contains "
                "'\\', which the link does not accept; use '_' instead");
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses a certificate name longer than a sysname",
          "[linksteps][rejections]") {
  rejections::Offline offline;
  const std::string name(129, 'c');
  check_refused_before_run(offline.run(cert_step(Object{{"certificate_name", Value(name)}})), "sqlserver-cert",
                "parameter \"certificate_name\": the name \"" + name + "\" is longer than 128 characters (sysname)");
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses an empty master key password", "[linksteps][rejections]") {
  rejections::Offline offline;
  testsupport::write_file(offline.dir / "master-key-password", "\n");  // from_file drops the newline: ""
  check_refused_before_run(offline.run(cert_step(Object{})), "sqlserver-cert",
                "parameter \"master_key_password\": the master key password is empty; give a strong password or "
                "leave it out");
}

// --- observe() ----------------------------------------------------------------

TEST_CASE("linksteps: rejections: sqlserver-cert refuses a master without a database master key when no password is given",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig("{}");  // master has no database master key
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, one_step("sqlserver-cert", Object{{"expiry_date", Value(rejections::iso_date(400))}}));
  check_refused(r,
                "observe: master has no database master key and no master_key_password was given; pass one from a "
                "secret (e.g. the workflow's master_key_password input, set in the config with {\"from_env\": "
                "\"VAR\"})");
  CHECK(rejections::changes(rig, before).empty());
  auto lock = rig.emulator.world().lock();
  CHECK_FALSE(rig.emulator.world().sql_server.master().master_key.has_value());
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses an existing certificate that expired", "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(R"({"sql_server": {"master_key": true, "init_sql": [
    "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'link', EXPIRY_DATE = '20300101'"]}})");
  {
    // CREATE CERTIFICATE refuses a past EXPIRY_DATE (15214), so age the certificate in place.
    auto lock = rig.emulator.world().lock();
    for (auto& c : rig.emulator.world().sql_server.master().certificates)
      if (c.name == "Cert_sqlbox1_endpoint") c.x509.not_after = milink::sdk::SqlDateTime{2024, 3, 30, 0, 0, 0, 0};
  }
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, cert_step(Object{}));
  check_refused(r,
                "observe: certificate [Cert_sqlbox1_endpoint] expired on 2024-03-30; the link cannot authenticate "
                "with it. Rotate it with the rotate-certificates workflow (milink run rotate-certificates), which "
                "creates a new one, has the managed instance trust it and switches the endpoint to it");
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: sqlserver-cert refuses an existing certificate without a private key",
          "[linksteps][rejections]") {
  // A certificate imported FROM BINARY has only the public key.
  const std::string der = rejections::hex(rejections::certificate_der("someone else's certificate"));
  linksteps::EmulatorRig rig(R"({"sql_server": {"master_key": true, "init_sql": [
    "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] FROM BINARY = )" + der + R"("]}})");
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, cert_step(Object{}));
  check_refused(r,
                "observe: certificate [Cert_sqlbox1_endpoint] exists in master without a private key (it was imported "
                "FROM BINARY), so an endpoint cannot authenticate with it; set certificate_name to another name, or "
                "drop it");
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: sqlserver-cert warns about a certificate expiring within warn_days and stays ok",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig(R"({"sql_server": {"master_key": true, "init_sql": [
    "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'link', EXPIRY_DATE = ')" +
                             rejections::compact_date(10) + R"('"]}})");
  const auto before = rig.sql_server_statements().size();
  auto r = rejections::run(rig, cert_step(Object{}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "ok");
  CHECK(r.events.reason(kStep) == "certificate [Cert_sqlbox1_endpoint] exists");
  CHECK(r.events.output(kStep, "name") == "Cert_sqlbox1_endpoint");
  CHECK(r.events.output(kStep, "expiry") == rejections::iso_date(10));
  CHECK(rejections::logged(r, "warning") ==
        std::vector<std::string>{"certificate [Cert_sqlbox1_endpoint] expires on " + rejections::iso_date(10) +
                                 " (in 10 days); rotate it before the link breaks (milink run rotate-certificates)"});
  // The text output shows it too.
  auto text = linksteps::milink({"run", "wf.json", "-c", "milink.json"}, rig.dir.path());
  CHECK(text.exit_code == 0);
  CHECK((text.out + text.err).find("certificate [Cert_sqlbox1_endpoint] expires on " + rejections::iso_date(10) +
                                   " (in 10 days); rotate it before the link breaks (milink run rotate-certificates)") != std::string::npos);

  // warn_days below the days left: no warning.
  auto quiet = rejections::run(rig, cert_step(Object{{"warn_days", Value(9)}}));
  CHECK(quiet.exit_code() == 0);
  CHECK(quiet.events.status(kStep) == "ok");
  CHECK(rejections::logged(quiet, "warning").empty());
  CHECK(rejections::changes(rig, before).empty());
}

TEST_CASE("linksteps: rejections: sqlserver-cert warns once when server_name is not @@SERVERNAME and names the certificate after @@SERVERNAME",
          "[linksteps][rejections]") {
  linksteps::EmulatorRig rig("{}");
  auto r = rejections::run(rig, cert_step(Object{{"server_name", Value("sqlbox9")}}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "changed");
  CHECK(r.events.output(kStep, "name") == "Cert_sqlbox1_endpoint");
  CHECK(r.events.output(kStep, "server_name") == "sqlbox1");
  CHECK(rejections::logged(r, "warning") ==
        std::vector<std::string>{"the config names SQL Server \"sqlbox9\" but @@SERVERNAME is \"sqlbox1\"; using \"sqlbox1\""});
}
