//===- sql/tls_probe.hpp - Why a server's TDS certificate is refused -*- C++ -*-===//
///
/// \file
/// FreeTDS reports a refused certificate as "Adaptive Server connection
/// failed", like any other broken login. When a connection that verifies the
/// certificate fails without an error from the server, milink looks at the
/// certificate itself: it sends PRELOGIN asking for encryption, runs the TLS
/// handshake (wrapped in PRELOGIN packets, as TDS 7.x does) with OpenSSL and
/// the same trust as the driver (the target's ca_file, or the system CAs),
/// checks the host name, and closes the connection before any login is sent.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/target_settings.hpp"

#include <string>

namespace milink::sql {

struct TlsProbe {
  enum class Outcome {
    Unreachable,  ///< no TCP connection, or no PRELOGIN answer
    NoTls,        ///< the server does not encrypt (PRELOGIN ENCRYPT_NOT_SUP)
    Failed,       ///< the handshake failed for another reason (detail)
    Untrusted,    ///< the chain does not lead to a trusted CA, or is expired (reason)
    WrongHost,    ///< trusted, but not issued for the host
    Verified,
  };
  Outcome outcome = Outcome::Unreachable;
  int error = 0;        ///< OpenSSL X509_V_ERR_* for Untrusted
  std::string detail;   ///< the reason in words
  std::string subject;  ///< of the server's certificate
  std::string issuer;
  std::string names;    ///< its subject alternative names
};

/// Looks at the certificate of \p t's server (host:port), waiting at most
/// \p timeout_seconds for each step.
TlsProbe probe_tds_certificate(const TargetSettings& t, int timeout_seconds);

/// True when \p t's host:port accepts a TCP connection within
/// \p timeout_seconds (closed at once, nothing sent). FreeTDS reports a
/// refused connection and one the server broke during login alike; this
/// tells them apart.
bool accepts_tcp_connections(const TargetSettings& t, int timeout_seconds);

/// The message for a certificate \p p refused: the target, host, what was
/// expected and which config key holds the CA, e.g.
///   TLS: the certificate of SQL target "managed_instance" at 127.0.0.1:1433 is
///   not trusted (unable to get local issuer certificate; ...). To trust it,
///   set /managed_instance/ca_file ...
/// Empty when the probe found no certificate problem (Verified, NoTls,
/// Unreachable).
std::string certificate_failure_message(const TargetSettings& t, const TlsProbe& p);

}  // namespace milink::sql
