#include <milink/link/diagnosis.hpp>

#include <cctype>

namespace milink::link {

namespace {

const char* kNetwork =
    "check the network both ways: SQL Server must reach the managed instance on port 5022 and 11000-11999, the "
    "managed instance must reach SQL Server's endpoint port (5022 by default); allow them in every firewall and in "
    "the managed instance subnet's NSG, and make sure the endpoint URL's host name resolves from the instance's VNet";

}  // namespace

Diagnosis diagnose(int n) {
  switch (n) {
    case 41973:
      return {"the managed instance does not trust SQL Server's endpoint certificate",
              "run the mi-cert-import step (serverTrustCertificates): the trust certificate must hold the public key of "
              "the certificate the mirroring endpoint uses"};
    case 41974:
      return {"SQL Server does not trust the managed instance's endpoint certificate",
              "run the mi-cert-import step: SQL Server needs the instance's endpoint certificate (named after the "
              "instance FQDN) or Azure's root CAs added with sp_certificate_add_issuer"};
    case 41976:
      return {"the availability groups do not answer as the link expects",
              "check the names: the DAG on SQL Server must be named like the link, be built on the AG the link names, "
              "and name the instance availability group with LISTENER_URL 'tcp://<instance fqdn>:5022;Server=[<instance>]'; "
              "a difference in case only matters when the collations differ (match the server collations)"};
    case 41977:
      return {"the target database does not respond on the managed instance",
              "make sure the managed instance has no database with that name and has room for it, then drop the link and "
              "the DAG and run the workflow again"};
    case 41962:
      return {"the link was not initiated within 5 minutes", kNetwork};
    case 41986:
    case 47521:
      return {"the connection between SQL Server and the managed instance failed", kNetwork};
    case 1408:
    case 1412:
      return {"the log was truncated while the database was seeding (a log backup ran during seeding)",
              "drop the link and the DAG, take no log backups until seeding ends (or enable trace flag 12381 during "
              "seeding), and create the link again"};
    case 1475:
      return {"the database has no usable full backup (the backup chain is broken)",
              "take a full backup without COPY_ONLY, or let the ag step take one (allow_full_backup)"};
    case 28080:
      return {"SQL Server has no database mirroring endpoint", "run the mirroring-endpoint step"};
    case 9666:
      return {"the database mirroring endpoint is stopped", "ALTER ENDPOINT ... STATE = STARTED (the mirroring-endpoint step does it)"};
    case 28027:
      return {"the mirroring endpoint does not use certificate authentication with AES",
              "run the mirroring-endpoint step with existing_endpoint: alter, or alter the endpoint to "
              "AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [cert], ENCRYPTION = REQUIRED ALGORITHM AES"};
    case 35201:
      return {"the endpoint URL's port is not the port the mirroring endpoint listens on",
              "set sqlserver.endpoint_port in the config to the endpoint's port (sys.tcp_endpoints)"};
    default:
      return {"the link could not connect", kNetwork};
  }
}

int leading_error_number(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  int n = 0, digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 9) {
    n = n * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  return digits > 0 ? n : 0;
}

std::string explain(int error_number) {
  Diagnosis d = diagnose(error_number);
  return d.cause + ". Remedy: " + d.remedy;
}

}  // namespace milink::link
