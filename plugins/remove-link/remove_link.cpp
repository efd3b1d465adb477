#include "remove_link.hpp"

#include <milink/link/names.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;

milink::sdk::StepSpec RemoveLinkStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "remove-link";
  s.summary = "Deletes the link in Azure (distributedAvailabilityGroups) and waits until it is gone";
  s.doc =
      "DELETE .../managedInstances/<mi>/distributedAvailabilityGroups/<name>, a long-running operation it waits for. "
      "A database that has seeded stays on the managed instance, read-write; one still seeding is dropped by Azure. "
      "When there is no such link it changes nothing and says so.";
  s.destructive = true;
  s.params = {
      Param::string("name").required().doc("The link's name (the DAG's name on SQL Server)"),
      Param::string("api_version").defaults_to(Value(kDefaultLinkApiVersion)).doc("ARM api-version"),
  };
  s.outputs = {Output::string("name").doc("The link's name")};
  s.arm = true;
  return s;
}

RemoveLinkStep::Config RemoveLinkStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.name = p.string("name");
  check_sysname(c.name, "name");
  c.api_version = p.string("api_version");
  if (!is_api_version(c.api_version))
    throw ConfigError("api_version", "\"" + c.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  return c;
}

namespace {
std::optional<LinkView> get_link(milink::sdk::Arm& arm, const RemoveLinkStep::Config& c) {
  auto r = arm.get(link_path(arm.coordinates(), c.name), c.api_version);
  if (r.status == 404) return std::nullopt;
  return read_link(r.body);
}
std::string state_of(const LinkView& v) {
  std::string s = v.provisioning_state.empty() ? v.link_state : v.provisioning_state;
  if (!v.replica_state.empty()) s += (s.empty() ? "" : ", ") + v.replica_state;
  return s.empty() ? "" : " (" + s + ")";
}
}  // namespace

milink::sdk::Observation RemoveLinkStep::observe(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  found_ = get_link(arm, c);
  if (!found_) {
    ctx.output("name", Value(c.name));
    return milink::sdk::Observation::satisfied("no link \"" + c.name + "\" on managed instance " +
                                               arm.coordinates().instance_name + ": nothing to delete in Azure");
  }
  return milink::sdk::Observation::needs_change("the link \"" + c.name + "\" exists on managed instance " +
                                                arm.coordinates().instance_name + state_of(*found_));
}

milink::sdk::Plan RemoveLinkStep::plan(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  std::string db = found_ && !found_->database.empty() ? " (database " + found_->database + ")" : "";
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::http("DELETE", arm.url(link_path(arm.coordinates(), c.name), c.api_version),
                                                Value(),
                                                "DELETE link " + c.name + db + " on instance " +
                                                    arm.coordinates().instance_name +
                                                    " (a database that has seeded stays on the instance)")
                          .marked_destructive());
  return p;
}

void RemoveLinkStep::apply(const Config& c, milink::sdk::Context& ctx) {
  auto arm = ctx.arm();
  ctx.output("name", Value(c.name));
  if (!get_link(arm, c)) {  // a resumed run may find it deleted already
    ctx.info("the link \"" + c.name + "\" is already gone");
    return;
  }
  std::string path = link_path(arm.coordinates(), c.name);
  ctx.progress("deleting the link \"" + c.name + "\" (waiting for Azure)", 0.5);
  arm.remove(path, c.api_version);
  if (get_link(arm, c)) throw StepError("ARM finished deleting the link \"" + c.name + "\" but GET " + path + " still finds it");
  ctx.info("deleted the link \"" + c.name + "\" on managed instance " + arm.coordinates().instance_name);
}

}  // namespace milink::link
