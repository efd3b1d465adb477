// Every link on a managed instance needs its own instance-side availability
// group name (the DAG's second member; the link's
// instanceAvailabilityGroupName, secondaryAvailabilityGroupName in the old
// body shape). Azure refuses a second link with a used name
// (CloudLifterChimeraMIAgNameIsAlreadyUsed) only when the link is created,
// after the AG and the DAG exist on SQL Server; this check lists the
// instance's links first, with one ARM GET, and fails before anything changes.
#include "checks.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>
#include <milink/sdk/quote.hpp>

namespace milink::preflight {

namespace {

std::string str(const milink::sdk::Value* v) { return v != nullptr && v->is_string() ? v->as_string() : std::string(); }

}  // namespace

void check_instance_ag_names(Report& report, const Config& cfg) {
  const std::vector<std::string> databases = cfg.instance_ag_name_checked();
  if (!cfg.check_instance_ag_names || databases.empty()) return;
  const std::string check = "instance_ag_name";
  std::optional<milink::sdk::Arm> arm;
  try {
    arm.emplace(report.ctx().arm());
  } catch (const milink::sdk::StepError& e) {
    report.fail(check, std::string("cannot list the managed instance's links: ") + e.what(),
                "set azure.subscription_id, azure.resource_group, azure.instance_name and azure.credential in the "
                "config, or set check_arm to false");
    return;
  }
  const std::string list_path = arm->coordinates().instance_path() + "/distributedAvailabilityGroups";
  std::vector<milink::sdk::Value> items;
  try {
    items = arm->list(list_path, cfg.api_version);
  } catch (const milink::sdk::ArmException& e) {
    if (e.error().status != 404) {
      report.fail(check, std::string("could not list the managed instance's links: ") + e.what(),
                  "check azure.credential and its role on the managed instance, or set check_arm to false");
      return;
    }
  } catch (const std::exception& e) {
    report.fail(check, std::string("could not list the managed instance's links: ") + e.what(),
                "check azure.credential and its role on the managed instance, or set check_arm to false");
    return;
  }
  struct Existing {
    std::string name;
    milink::link::LinkView view;
  };
  std::vector<Existing> links;
  for (const auto& item : items) links.push_back({str(item.get("name")), milink::link::read_link(item)});

  for (const auto& db : databases) {
    const std::string name = check + " " + milink::sdk::tsql::quote_identifier(db);
    const std::map<std::string, std::string> vars{{"db", db}, {"instance", arm->coordinates().instance_name}};
    const std::string wanted = milink::link::expand_name(cfg.instance_ag_name_pattern, vars, "instance_ag_name_pattern");
    const std::string own = milink::link::expand_name(cfg.link_name_pattern, vars, "link_name_pattern");
    const Existing* clash = nullptr;
    for (const auto& l : links)
      if (!milink::link::iequals(l.name, own) && milink::link::iequals(l.view.instance_availability_group, wanted)) {
        clash = &l;
        break;
      }
    if (clash == nullptr) {
      report.pass(name, "no other link on managed instance '" + arm->coordinates().instance_name +
                                        "' uses the availability group name '" + wanted + "'");
      continue;
    }
    report.fail(name,
                "the link for '" + db + "' would name its availability group on the managed instance '" + wanted +
                    "', but link '" + clash->name + "'" +
                    (clash->view.database.empty() ? std::string() : " (database '" + clash->view.database + "')") +
                    " on managed instance '" + arm->coordinates().instance_name +
                    "' already uses that name (Azure would refuse the link with CloudLifterChimeraMIAgNameIsAlreadyUsed "
                    "after the AG and DAG were created)",
                "give this database's link another instance-side name (the dag step's instance_ag_name, and "
                "preflight's instance_ag_name_pattern), or remove link '" + clash->name + "' if it is left over (DELETE " +
                    milink::link::link_path(arm->coordinates(), clash->name) + ")");
  }
}

}  // namespace milink::preflight
