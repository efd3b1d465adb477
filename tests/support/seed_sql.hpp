// What the engine tests and the link tests share: the seed procedure's T-SQL
// (managed-instance-link-use-scripts-to-replicate-database.md) and how it is
// filled in, split at GO and run on SqlEngine sessions, and accessors for
// what a Response holds.
#pragma once

#include "engine/engine.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace seedtest {

using milink::emulator::Message;
using milink::emulator::Response;
using milink::emulator::ResultSet;
using milink::emulator::Session;
using milink::sdk::SqlValue;

// The seed's T-SQL verbatim (placeholders and all; the certificate's expiry
// date, 2025, is now in the past).
extern const char* const kMasterKeyAndCertificate;
extern const char* const kImportMiCertificate;  ///< fill() leaves <InstanceCertificate>
extern const char* const kCreateEndpoint;
extern const char* const kCreateAg;
extern const char* const kCreateDag;

std::string replace_all(std::string s, const std::string& from, const std::string& to);

/// The values fill() puts in for the seed's placeholders.
struct SeedNames {
  std::string mi_fqdn;  ///< <SQLManagedInstanceFQDN>
  std::string ag = "AG_sales";
  std::string dag = "DAG_sales";
  std::string mi_name = "mi1";   ///< <ManagedInstanceName>
  std::string mi_host;           ///< <ManagedInstanceFQDN>; empty: mi_fqdn
};

/// Fills in the placeholders (a strong password, SQL Server "sqlbox1" at
/// 10.0.0.4, database "sales", the endpoint certificate
/// Cert_sqlbox1_endpoint, \p names) and makes the expiry date 2030.
std::string fill(std::string s, const SeedNames& names);

/// Splits a script at GO lines, as SSMS and sqlcmd do; blank batches are dropped.
std::vector<std::string> split_batches(const std::string& text);

/// SQL Server's session (spid 51) and the managed instance's (spid 61), as sa in master.
void init_sessions(Session& sql, Session& mi);
/// \p r, after failing the test (with the batch and the messages) on any error.
Response require_ok(Response r, const std::string& batch);

std::vector<const ResultSet*> result_sets(const Response& r);
ResultSet only_set(const Response& r);
std::vector<Message> errors(const Response& r);
std::string describe(const Response& r);
int column(const ResultSet& rs, const std::string& name);
const SqlValue& cell(const ResultSet& rs, std::size_t row, const std::string& name);
/// The first cell of the single result set as bytes (a certificate query).
std::vector<std::uint8_t> first_bytes(const Response& r);

}  // namespace seedtest
