//===- plugins/mi-cert-import/mi_cert_import.hpp - Step mi-cert-import -*- C++ -*-===//
///
/// \file
/// `mi-cert-import`: certificate trust in both directions.
///  1. SQL Server's endpoint certificate (its public key) becomes a
///     serverTrustCertificate of the managed instance, unless one with the
///     same name or the same public key is already there.
///  2. The instance's endpoint certificate, read with T-SQL on the instance
///     or through ARM (`instance_certificate_source`), is created on SQL
///     Server under the instance's FQDN.
///  3. Optionally (`trust_azure_roots`) SQL Server trusts Azure's root CAs
///     for *.database.windows.net (sp_certificate_add_issuer), as the
///     current docs require; `auto` does it when the server has the
///     procedure (2019 CU20+, 2022+) and warns otherwise.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/instance_certificate.hpp>

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class MiCertImport {
public:
  enum class Roots { Auto, Yes, No };
  struct Config {
    std::string sqlserver_target;
    std::string mi_target;
    std::string certificate_name;
    std::string public_key;  ///< 0x hex (normalized), or a plan placeholder
    std::string trust_certificate_name;
    std::string instance_fqdn;
    InstanceCertificateSource source = InstanceCertificateSource::Arm;
    std::string api_version;
    Roots roots = Roots::Auto;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  static std::string instance_certificate_sql(const std::string& fqdn, const std::string& blob);
  static std::string azure_root_sql(const std::string& name, const std::string& blob);

private:
  struct State {
    bool trusted_on_instance = false;   ///< a serverTrustCertificate holds SQL Server's key
    std::string trusted_as;             ///< its name
    bool instance_cert_on_sqlserver = false;
    std::vector<std::string> missing_roots;
    bool add_issuer_available = false;
    std::string instance_blob;          ///< when read
  };
  /// Warns that Azure's roots cannot be trusted when \p warn (observe() does;
  /// apply() runs after it and does not repeat it).
  State inspect(const Config& c, milink::sdk::Context& ctx, bool warn = true);
  /// Which of Azure's roots SQL Server lacks (and whether it can trust them), into \p s.
  static void read_roots(const Config& c, milink::sdk::Context& ctx, State& s, bool warn);
  void set_outputs(const Config& c, milink::sdk::Context& ctx, const State& s);
  std::optional<State> state_;
};

}  // namespace milink::link
