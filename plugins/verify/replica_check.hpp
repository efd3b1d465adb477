//===- plugins/verify/replica_check.hpp - Every replica ready for the link -*- C++ -*-===//
///
/// \file
/// For a link on an existing availability group: what keeps a secondary
/// replica from serving the link (the docs: the certificates on every
/// replica), read over T-SQL on each: a DATABASE_MIRRORING endpoint that is
/// STARTED and authenticates with a certificate, encrypting with AES, and the
/// managed instance's certificate in master (named after its FQDN, as
/// mi-cert-import installs it).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

/// One line per problem, each naming the replica and what to do; empty when
/// every replica of \p replicas (names; SQL targets sqlserver.replicas.<name>)
/// is ready. \p instance_fqdn names the instance's certificate.
std::vector<std::string> replica_problems(milink::sdk::Context& ctx, const std::vector<std::string>& replicas,
                                          const std::string& instance_fqdn);

}  // namespace milink::link
