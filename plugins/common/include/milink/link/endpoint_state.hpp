//===- milink/link/endpoint_state.hpp - An existing endpoint, judged -*- C++ -*-===//
///
/// \file
/// The seed's four conditions for an existing DATABASE_MIRRORING endpoint
/// (certificate authentication, encryption enabled and required, AES), plus
/// two the link needs as well: the endpoint is STARTED and authenticates
/// with the certificate the managed instance trusts.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

struct EndpointState {
  std::string name;
  std::string state_desc;            ///< STARTED / STOPPED / DISABLED
  std::string connection_auth_desc;  ///< "NTLM", "CERTIFICATE", "NEGOTIATE, CERTIFICATE", ...
  bool encryption_enabled = false;
  std::string encryption_algorithm_desc;  ///< "AES", "RC4, AES", "NONE, AES", ...
  std::string certificate_name;     ///< "" when it authenticates without a certificate
  long long port = 0;

  /// Reads the server's DATABASE_MIRRORING endpoint (there is at most one).
  static std::optional<EndpointState> read(milink::sdk::Sql& sql);

  /// What keeps it from serving the link with \p certificate, one line each;
  /// empty when it is ready.
  std::vector<std::string> problems(const std::string& certificate) const;

  bool uses_windows_auth() const;  ///< NTLM, KERBEROS or NEGOTIATE among its methods
  bool uses_rc4() const;
  /// Authenticates with a certificate (alone or beside Windows authentication).
  bool uses_certificate() const { return !certificate_name.empty() && connection_auth_desc.find("CERTIFICATE") != std::string::npos; }
  /// Encryption REQUIRED with AES among the algorithms.
  bool encryption_ready() const;
  /// The AUTHENTICATION value with \p certificate (quoted), keeping the
  /// endpoint's Windows method and its order: "CERTIFICATE [c]",
  /// "WINDOWS NEGOTIATE CERTIFICATE [c]", "CERTIFICATE [c] WINDOWS KERBEROS".
  /// An endpoint with Windows authentication only gets its method first.
  std::string authentication_with(const std::string& certificate) const;
  /// `ALTER ENDPOINT` changing only what keeps it from serving the link with
  /// \p certificate: STATE when not started, AUTHENTICATION when it does not
  /// authenticate with that certificate, ENCRYPTION when not REQUIRED with
  /// AES (RC4 kept beside AES). Never the port or LISTENER_IP. "" when
  /// nothing must change.
  std::string alter_sql(const std::string& certificate) const;
};

}  // namespace milink::link
