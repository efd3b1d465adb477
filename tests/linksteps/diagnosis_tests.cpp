// plugins/common's diagnosis table (milink::link::diagnose / explain /
// leading_error_number), which verify and arm-link put in their messages:
// each error number a link reports gets its cause and the remedy a DBA
// should apply; an unknown number gets the network advice.
#include <milink/link/diagnosis.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>

#include <catch2/catch.hpp>

using milink::link::diagnose;
using milink::link::explain;
using milink::link::leading_error_number;

namespace {

const char* kNetwork =
    "check the network both ways: SQL Server must reach the managed instance on port 5022 and 11000-11999, the "
    "managed instance must reach SQL Server's endpoint port (5022 by default); allow them in every firewall and in "
    "the managed instance subnet's NSG, and make sure the endpoint URL's host name resolves from the instance's VNet";

void check_diagnosis(int number, const std::string& cause, const std::string& remedy) {
  INFO(number);
  auto d = diagnose(number);
  CHECK(d.cause == cause);
  CHECK(d.remedy == remedy);
  CHECK(explain(number) == cause + ". Remedy: " + remedy);
}

}  // namespace

TEST_CASE("linksteps: diagnosis: certificate trust errors 41973 and 41974 name the mi-cert-import step",
          "[linksteps][diagnosis]") {
  check_diagnosis(41973, "the managed instance does not trust SQL Server's endpoint certificate",
                  "run the mi-cert-import step (serverTrustCertificates): the trust certificate must hold the public "
                  "key of the certificate the mirroring endpoint uses");
  check_diagnosis(41974, "SQL Server does not trust the managed instance's endpoint certificate",
                  "run the mi-cert-import step: SQL Server needs the instance's endpoint certificate (named after the "
                  "instance FQDN) or Azure's root CAs added with sp_certificate_add_issuer");
}

TEST_CASE("linksteps: diagnosis: 41976 and 41977 explain names and the target database", "[linksteps][diagnosis]") {
  check_diagnosis(41976, "the availability groups do not answer as the link expects",
                  "check the names: the DAG on SQL Server must be named like the link, be built on the AG the link "
                  "names, and name the instance availability group with LISTENER_URL 'tcp://<instance "
                  "fqdn>:5022;Server=[<instance>]'; a difference in case only matters when the collations differ "
                  "(match the server collations)");
  check_diagnosis(41977, "the target database does not respond on the managed instance",
                  "make sure the managed instance has no database with that name and has room for it, then drop the "
                  "link and the DAG and run the workflow again");
}

TEST_CASE("linksteps: diagnosis: 41962 41986 and 47521 and unknown numbers point at the network", "[linksteps][diagnosis]") {
  check_diagnosis(41962, "the link was not initiated within 5 minutes", kNetwork);
  check_diagnosis(41986, "the connection between SQL Server and the managed instance failed", kNetwork);
  check_diagnosis(47521, "the connection between SQL Server and the managed instance failed", kNetwork);
  for (int unknown : {0, 1, 12345, 41975, -7}) check_diagnosis(unknown, "the link could not connect", kNetwork);
}

TEST_CASE("linksteps: diagnosis: log truncation 1408 and 1412 and the broken backup chain 1475", "[linksteps][diagnosis]") {
  const std::string truncated = "the log was truncated while the database was seeding (a log backup ran during seeding)";
  const std::string recreate =
      "drop the link and the DAG, take no log backups until seeding ends (or enable trace flag 12381 during seeding), "
      "and create the link again";
  check_diagnosis(1408, truncated, recreate);
  check_diagnosis(1412, truncated, recreate);
  check_diagnosis(1475, "the database has no usable full backup (the backup chain is broken)",
                  "take a full backup without COPY_ONLY, or let the ag step take one (allow_full_backup)");
}

TEST_CASE("linksteps: diagnosis: endpoint errors 28080 9666 28027 and 35201", "[linksteps][diagnosis]") {
  check_diagnosis(28080, "SQL Server has no database mirroring endpoint", "run the mirroring-endpoint step");
  check_diagnosis(9666, "the database mirroring endpoint is stopped",
                  "ALTER ENDPOINT ... STATE = STARTED (the mirroring-endpoint step does it)");
  check_diagnosis(28027, "the mirroring endpoint does not use certificate authentication with AES",
                  "run the mirroring-endpoint step with existing_endpoint: alter, or alter the endpoint to "
                  "AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [cert], ENCRYPTION = REQUIRED ALGORITHM AES");
  check_diagnosis(35201, "the endpoint URL's port is not the port the mirroring endpoint listens on",
                  "set sqlserver.endpoint_port in the config to the endpoint's port (sys.tcp_endpoints)");
}

TEST_CASE("linksteps: diagnosis: leading_error_number reads the number an error text starts with", "[linksteps][diagnosis]") {
  CHECK(leading_error_number("41973: The managed instance does not trust the certificate") == 41973);
  CHECK(leading_error_number("  12 x") == 12);
  CHECK(leading_error_number("\t\n 1475") == 1475);
  CHECK(leading_error_number("none") == 0);
  CHECK(leading_error_number("") == 0);
  CHECK(leading_error_number("   ") == 0);
  CHECK(leading_error_number("Error 41973: text") == 0);  // only a leading number counts
  CHECK(leading_error_number("-5: negative") == 0);
  // At most nine digits are read, so a long run of digits cannot overflow.
  CHECK(leading_error_number("1234567890123") == 123456789);
  // What explain() makes of ARM's mostRecentLinkError.
  CHECK(explain(leading_error_number("41974: SQL Server does not trust")) ==
        diagnose(41974).cause + ". Remedy: " + diagnose(41974).remedy);
}

TEST_CASE("linksteps: endpoint URL ports and api-versions are read strictly", "[linksteps][unit]") {
  CHECK(milink::link::endpoint_url_port("TCP://10.0.1.100:5022") == 5022);
  CHECK(milink::link::endpoint_url_port("TCP://sqlserver1.domain.com:7022") == 7022);
  CHECK(milink::link::endpoint_url_port("TCP://h:5022x") == -1);
  CHECK(milink::link::endpoint_url_port("TCP://h") == -1);
  CHECK(milink::link::endpoint_url_port("TCP://h:123456") == -1);
  CHECK(milink::link::is_api_version("2025-01-01"));
  CHECK(milink::link::is_api_version("2021-05-01-preview"));
  CHECK_FALSE(milink::link::is_api_version("2025-13-45"));
  CHECK_FALSE(milink::link::is_api_version("2025-01-01-beta"));
  CHECK_FALSE(milink::link::is_api_version("latest"));
  CHECK(milink::link::legacy_link_shape("2021-05-01-preview"));
  CHECK(milink::link::legacy_link_shape("2023-02-01-preview"));
  CHECK_FALSE(milink::link::legacy_link_shape("2023-05-01-preview"));
  CHECK_FALSE(milink::link::legacy_link_shape("2025-01-01"));
}
