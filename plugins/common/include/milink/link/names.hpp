//===- milink/link/names.hpp - Object names from patterns ---------*- C++ -*-===//
///
/// \file
/// The link's objects are named from patterns a workflow can change:
/// `AG_{db}`, `DAG_{db}`, `Cert_{server}_endpoint`. Placeholders are
/// `{db}`, `{server}` and `{instance}`; `{{` and `}}` are literal braces.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>

namespace milink::link {

/// Expands \p pattern. Throws milink::sdk::ConfigError(field) for an unknown
/// or unterminated placeholder, a placeholder whose value is not in \p vars,
/// or a result that is not a valid sysname (empty or over 128 characters).
std::string expand_name(const std::string& pattern, const std::map<std::string, std::string>& vars,
                        const std::string& field);

/// Throws ConfigError(field) when \p pattern has an unknown or unterminated
/// placeholder (checked in configure(), before any value is known).
void check_pattern(const std::string& pattern, const std::string& field);

/// Throws ConfigError(field) when \p name is empty or longer than 128
/// characters (T-SQL sysname).
void check_sysname(const std::string& name, const std::string& field);

/// The default SQL Server certificate name, `Cert_<server>_endpoint`, with a
/// named instance's `\` replaced by `_` (certificate names for the link must
/// not contain `\`).
std::string default_certificate_name(const std::string& server_name);

/// The default name of a link's availability group on the managed instance
/// (the DAG's second member, the link's instanceAvailabilityGroupName):
/// `AG_<database>_MI`, Microsoft's documented convention. It must be unique
/// on the instance, so it is per database, and every bundled workflow and
/// step uses this one default so they recognise each other's links.
std::string default_instance_ag_name(const std::string& database);

/// True when \p name can name a multi-database link in Azure: lower-case
/// letters a-z, digits and hyphens, neither first nor last a hyphen (the RP's
/// InvalidMultiDbDistributedAvailabilityGroupName).
bool multi_database_link_name(const std::string& name);

/// "TCP://host:port" — the endpoint URL form AGs, DAGs and ARM use.
std::string endpoint_url(const std::string& host, long long port);

/// The port of an endpoint URL ("TCP://x:5022" -> 5022), -1 when it has none
/// or anything follows it.
long long endpoint_url_port(const std::string& url);

/// The host of an endpoint or listener URL ("tcp://mi1.example:5022;Server=[mi1]"
/// -> "mi1.example"); "" when it has no "://".
std::string endpoint_url_host(const std::string& url);

}  // namespace milink::link
