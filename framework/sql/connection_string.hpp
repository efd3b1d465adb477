//===- sql/connection_string.hpp - DSN-less ODBC connection strings -*- C++ -*-===//
///
/// \file
/// Builds the connection string for a target, for the FreeTDS driver (the
/// default) or Microsoft's "ODBC Driver 17/18 for SQL Server":
///
///   FreeTDS:   Driver={FreeTDS};Server=h;Port=p;UID=u;PWD=*;TDS_Version=7.4;
///              ClientCharset=UTF-8;Encryption=off|request|require;APP=milink;
///   Microsoft: Driver={ODBC Driver 18 for SQL Server};Server=tcp:h,p;UID=u;
///              PWD=*;Encrypt=no|yes|strict;APP=milink;
///
/// Encryption defaults to request (FreeTDS's own default: TLS when the server
/// offers it) and Encrypt to yes (Driver 18's default); /<target>/encryption
/// maps off/request/require to FreeTDS's Encryption and to Encrypt=no/yes/yes
/// (strict: Encrypt=strict, Driver 18 only).
///
/// When the target verifies the server's certificate (TargetSettings::
/// verify_certificate), FreeTDS gets Servername=SECTION instead of Server and
/// Port: a section of milink's freetds.conf with the host, port, `ca file`
/// and the host name check (sql/freetds_conf.hpp). Microsoft's driver
/// verifies on its own with Encrypt=yes (against the system trust store; a
/// ca_file is refused, it has no keyword for one); an explicit
/// /sqlserver/trust_server_certificate adds TrustServerCertificate=yes, and
/// a TrustServerCertificate in connection_string is refused when the
/// certificate is to be verified.
///
/// Then come the keywords of /<target>/connection_string: a keyword milink already
/// wrote is replaced in place (so connection_string overrides milink's
/// defaults), any other is appended. Driver, Server, Port, UID and PWD come
/// only from their own config keys.
///
/// Values are brace-quoted when they contain ';', '{', '}' or surrounding
/// spaces. FreeTDS 1.3 ends a braced value at the first "};" and does not
/// unescape "}}", so for FreeTDS a '}' is left single and a value containing
/// "};" cannot be passed; the ODBC standard quoting (Microsoft's driver, the
/// unixODBC driver manager) doubles '}'.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/target_settings.hpp"

#include <string>
#include <vector>

namespace milink::sql {

struct Keyword {
  std::string key;
  std::string value;
};

/// Case-insensitive keyword comparison.
bool keyword_is(const std::string& key, const char* name);

/// False for keywords whose values are harmless to show (Database,
/// TDS_Version, Encrypt, TrustServerCertificate, APP, ...); true for every
/// other keyword (PWD, AccessToken, and any milink does not know).
bool sensitive_keyword(const std::string& key);

/// The values in \p connection_string that must be redacted: each value of
/// a sensitive keyword, and then the whole string too. Empty when it has
/// none (e.g. "Database=db1"), or when it does not parse.
std::vector<std::string> connection_string_secrets(const std::string& connection_string);

/// Parses "A=1; B={x;y}" (ODBC syntax, '}}' inside braces is one '}').
/// Empty segments are skipped. On a malformed string returns false; the
/// error says where without echoing values (the string may hold secrets).
bool parse_keywords(const std::string& text, std::vector<Keyword>& out, std::string& error);

enum class DriverKind {
  FreeTDS,    ///< FreeTDS's keywords (also any driver milink does not recognise)
  Microsoft,  ///< "ODBC Driver 17/18 for SQL Server" (msodbcsql)
};
DriverKind driver_kind(const std::string& driver);

/// \p value as it must appear after "KEY=" for \p kind. Returns false when
/// the driver cannot take it (FreeTDS and "};").
bool quote_value(const std::string& value, DriverKind kind, std::string& out);

struct ConnectionString {
  std::string text;      ///< for SQLDriverConnect; holds the password
  std::string redacted;  ///< for messages and logs: PWD and unknown extra values are "***"
};

/// Builds the connection string of \p t (for a verified FreeTDS target this
/// adds its section to milink's freetds.conf). Returns false with \p error
/// (naming the config key, never a secret) when it cannot be built.
bool build_connection_string(const TargetSettings& t, ConnectionString& out, std::string& error);

/// \p text with every occurrence of each non-empty \p secrets entry, and of
/// its brace-quoted forms, replaced by "***". For driver and POCO messages,
/// which may echo the connection string.
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace milink::sql
