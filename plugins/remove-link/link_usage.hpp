//===- plugins/remove-link/link_usage.hpp - Who still uses an object -*- C++ -*-===//
///
/// \file
/// Before the removal steps drop a shared object (an availability group, a
/// certificate), they ask what else still uses it. Read-only queries.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

/// An availability group on SQL Server, as sys.availability_groups shows it.
struct GroupInfo {
  std::string name;
  bool distributed = false;
};

/// The availability group named \p name, or nullopt.
std::optional<GroupInfo> find_group(milink::sdk::Sql& sql, const std::string& name);

/// Names compared case-insensitively; what is being removed does not count as a user.
using Names = std::vector<std::string>;

/// The distributed availability groups not in \p except that have a member
/// named \p ag (they use that AG).
Names dags_using_ag(milink::sdk::Sql& sql, const std::string& ag, const Names& except);

/// The distributed availability groups not in \p except with a member whose
/// listener URL names host \p fqdn (links to that managed instance).
Names dags_to_instance(milink::sdk::Sql& sql, const std::string& fqdn, const Names& except);

/// The links on the managed instance not in \p except whose partner
/// availability group exists on this SQL Server (links from this server).
Names links_from_this_server(milink::sdk::Arm& arm, milink::sdk::Sql& sql, const Names& except,
                             const std::string& api_version);

/// "a, b and c".
std::string join_names(const std::vector<std::string>& names);

}  // namespace milink::link
