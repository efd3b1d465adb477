//===- plugins/network-check/report.hpp - One line per connection test -*- C++ -*-===//
///
/// \file
/// The network check's findings, per direction and port: PASS, WARN (the
/// test could not run; says why) or FAIL (with the remedy: the NSG rule, the
/// firewall opening or the DNS record to fix). Each is logged the moment it
/// is known; failure_message() lists every FAIL for the StepError.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/context.hpp>
#include <milink/sdk/value.hpp>

#include <string>
#include <vector>

namespace milink::netcheck {

struct Finding {
  std::string direction;  ///< "SQL Server -> managed instance" or the reverse
  std::string target;     ///< "host:port"
  long long port = 0;
  std::string status;     ///< PASS, WARN, FAIL
  std::string detail;     ///< what was seen, and for FAIL/WARN what to do
};

class Report {
public:
  explicit Report(milink::sdk::Context& ctx) : ctx_(ctx) {}
  /// Logs \p f (info for PASS, warn otherwise) and keeps it.
  void add(Finding f);
  int count(const std::string& status) const;
  /// "network check failed: <direction> <target>: <detail> | ..."
  std::string failure_message() const;
  /// [{direction, target, port, status, detail}] for the `tests` output.
  milink::sdk::Value to_value() const;

private:
  milink::sdk::Context& ctx_;
  std::vector<Finding> findings_;
};

}  // namespace milink::netcheck
