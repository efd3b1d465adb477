#include "replica_check.hpp"

#include <milink/link/ag_membership.hpp>
#include <milink/link/endpoint_state.hpp>
#include <milink/link/instance_certificate.hpp>

namespace milink::link {

namespace {

const char* const kRerun =
    "run workflows/replicate-existing-ag.json again (its replicas steps set up every secondary replica)";

}  // namespace

std::vector<std::string> replica_problems(milink::sdk::Context& ctx, const std::vector<std::string>& replicas,
                                          const std::string& instance_fqdn) {
  std::vector<std::string> out;
  for (const auto& name : replicas) {
    auto sql = ctx.sql(replica_target(name));
    const std::string who = "secondary replica " + name;
    auto ep = EndpointState::read(sql);
    if (!ep) {
      out.push_back(who + " has no DATABASE_MIRRORING endpoint; " + kRerun);
    } else {
      std::vector<std::string> wrong;
      if (!ep->uses_certificate()) wrong.push_back("authenticates with " + ep->connection_auth_desc + ", not a certificate");
      if (!ep->encryption_ready()) wrong.push_back("does not require AES encryption");
      if (ep->state_desc != "STARTED") wrong.push_back("is " + ep->state_desc + ", not STARTED");
      for (const auto& w : wrong)
        out.push_back(who + ": its endpoint " + milink::sdk::tsql::quote_identifier(ep->name) + " " + w + "; " + kRerun +
                      " with existing_endpoint=alter");
    }
    if (instance_certificates_on_sqlserver(sql, instance_fqdn).empty())
      out.push_back(who + " does not hold the managed instance's certificate " +
                    milink::sdk::tsql::quote_identifier(instance_fqdn) +
                    " (error 41974: the link cannot connect through it); " + kRerun);
  }
  return out;
}

}  // namespace milink::link
