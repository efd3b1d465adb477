//===- plugins/sqlserver-cert/sqlserver_cert.hpp - Step sqlserver-cert -*- C++ -*-===//
///
/// \file
/// `sqlserver-cert`: the database master key in master (created when
/// missing, from a secret password) and the certificate SQL Server's
/// mirroring endpoint authenticates with (default `Cert_<@@SERVERNAME>_endpoint`),
/// with its subject and expiry. Outputs the certificate's name, public key
/// (CERTENCODED, 0x hex), thumbprint and expiry for the steps that follow.
/// When the mirroring endpoint already authenticates with a certificate,
/// that one is kept and named instead (use_endpoint_certificate).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/dates.hpp>
#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class SqlServerCert {
public:
  struct Config {
    std::string target;
    std::optional<std::string> master_key_password;
    std::string certificate_name;  ///< "" = Cert_<@@SERVERNAME>_endpoint
    std::string server_name;       ///< for plans, when certificate_name is ""
    std::string subject;           ///< "" = "Certificate for <name>"
    Date expiry;
    long long warn_days = 30;
    bool use_endpoint_certificate = true;  ///< keep the certificate an existing endpoint authenticates with
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  /// The two batches apply() runs (each guarded, so a repeat is harmless).
  static std::string master_key_sql(const std::string& password);
  static std::string certificate_sql(const std::string& name, const std::string& subject, const Date& expiry);

private:
  struct Found {
    bool master_key = false;
    bool certificate = false;
  };
  /// Reads the state; sets the outputs when the certificate exists. Warns
  /// about a server_name that is not @@SERVERNAME when \p warn_server_name
  /// (observe() does; apply() runs after it and does not repeat it).
  Found inspect(const Config& c, milink::sdk::Context& ctx, std::string& name, bool warn_server_name = true);
  std::optional<Found> found_;  ///< from observe(), for plan() in --dry-run
  std::string name_;
};

}  // namespace milink::link
