//===- plugins/remove-link/remove_trust.hpp - Step remove-trust ----*- C++ -*-===//
///
/// \file
/// `remove-trust`: with `drop_trust_certificate`, deletes SQL Server's
/// certificate from the managed instance's trust
/// (`serverTrustCertificates/<name>`): the entries holding the public key
/// of the certificate SQL Server's endpoint authenticates with, whatever
/// name they were uploaded under (after rotate-certificates,
/// `<base>_<yyyymmdd>`), and one named `Cert_<server>_endpoint`; or only
/// `certificate_name` when given. With `drop_instance_certificate`, drops
/// the instance's certificates on SQL Server (named like the instance's
/// FQDN, or `<FQDN>_<yyyymmdd>` after a rotation). Each only when nothing else uses it: no distributed
/// availability group on SQL Server still points at the instance, no other
/// link on the instance comes from this SQL Server, and (for the instance's
/// certificate) no endpoint authenticates with it. Both default false.
/// The links of `databases` (named by `link_name_pattern`) are the ones the
/// workflow removes before this step: they do not count, so a dry run (which
/// removes nothing) already shows what this step will remove.
/// Destructive: `milink run` asks first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

class RemoveTrustStep {
public:
  struct Config {
    std::string target;
    std::string certificate_name;  ///< "" = Cert_<@@SERVERNAME>_endpoint
    std::string instance_fqdn;
    bool drop_trust_certificate = false;
    bool drop_instance_certificate = false;
    std::string api_version;
    std::vector<std::string> removed_links;  ///< links this workflow removes: not users
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  static std::string drop_certificate_sql(const std::string& name);

private:
  struct Found {
    std::string server;
    std::string certificate_name;            ///< what the messages call SQL Server's certificate
    std::vector<std::string> trust_names;    ///< the serverTrustCertificates entries holding it
    std::vector<std::string> instance_certificates;  ///< the instance's certificates on SQL Server
    std::vector<std::string> trust_users;     ///< what still uses the trust
    std::vector<std::string> certificate_users;  ///< what still uses the instance's certificate
    bool trust() const { return !trust_names.empty(); }
    bool instance_certificate() const { return !instance_certificates.empty(); }
    bool drop_trust() const { return trust() && trust_users.empty(); }
    bool drop_certificate() const { return instance_certificate() && certificate_users.empty(); }
  };
  Found inspect(const Config& c, milink::sdk::Context& ctx) const;
  std::optional<Found> found_;
};

}  // namespace milink::link
