//===- plugins/cert-rotation/sqlserver_cert_rotate.hpp - Step sqlserver-cert-rotate -*- C++ -*-===//
///
/// \file
/// `sqlserver-cert-rotate`: the first step of rotating SQL Server's endpoint
/// certificate. When the endpoint's certificate expires within
/// `threshold_days` (or `force`), it creates the next generation,
/// `<base>_<yyyymmdd>`, with the same subject form and `validity_days`.
/// Otherwise it changes nothing and says when the rotation will be due.
/// A generation created earlier and not yet used by the endpoint (a run
/// stopped part-way) is taken up again, not created twice. Outputs the
/// certificate the endpoint is to use (the new one, or the current one
/// when no rotation is due) for mi-cert-import and endpoint-certificate-switch.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "rotation_state.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class SqlServerCertRotate {
public:
  struct Config {
    std::string target;
    long long threshold_days = 30;
    bool force = false;
    long long validity_days = 365;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  /// CREATE CERTIFICATE (guarded by IF NOT EXISTS).
  static std::string create_sql(const std::string& name, const Date& expiry);

private:
  /// Whether \p g's current certificate is due for rotation on \p today
  /// (SQL Server's date); \p why says so or not.
  static bool due(const Config& c, const CertificateGenerations& g, const Date& today, std::string& why);
  void set_outputs(milink::sdk::Context& ctx, const OwnedCertificate& use, const CertificateGenerations& g, bool rotating);
  std::optional<CertificateGenerations> seen_;
  std::string new_name_;
  std::optional<Date> today_;  ///< SQL Server's date, as observe() read it
};

}  // namespace milink::link
