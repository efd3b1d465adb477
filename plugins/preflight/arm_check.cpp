// The managed instance must exist where the config says, and the
// configured credential must be allowed to read it: one GET of the
// instance through milink's ARM client.
#include "checks.hpp"

namespace milink::preflight {

namespace {

const char* kSignInRemedy =
    "sign in / fix the credential named by azure.credential, and give its identity the \"SQL Managed Instance "
    "Contributor\" role on the managed instance (or its resource group)";

std::string str(const milink::sdk::Value* v) { return v != nullptr && v->is_string() ? v->as_string() : std::string(); }

bool credential_error(const milink::sdk::ArmError& e) {
  return e.status == 0 && e.message.find("azure.credential") != std::string::npos;
}

/// milink's clients retried and the service (Entra ID or ARM) stayed
/// unavailable: not the credentials' fault.
bool service_unavailable(const milink::sdk::ArmError& e) {
  return e.message.find("this is the service, not your credentials") != std::string::npos ||
         e.message.find("(Azure Resource Manager unavailable: ") != std::string::npos;
}

}  // namespace

InstanceFacts check_arm(Report& report, const Config& cfg) {
  std::optional<milink::sdk::Arm> arm;
  try {
    arm.emplace(report.ctx().arm());
  } catch (const milink::sdk::StepError& e) {
    report.fail("arm", std::string("Azure Resource Manager is not available: ") + e.what(),
                "set azure.subscription_id, azure.resource_group, azure.instance_name and azure.credential in the "
                "config");
    return {};
  }
  const milink::sdk::ArmCoordinates& at = arm->coordinates();
  const std::string where = "managed instance '" + at.instance_name + "' in resource group '" + at.resource_group +
                            "' of subscription '" + at.subscription_id + "'";
  milink::sdk::ArmResponse r;
  try {
    r = arm->get(at.instance_path(), cfg.api_version);
  } catch (const milink::sdk::ArmException& e) {
    const milink::sdk::ArmError& err = e.error();
    if (service_unavailable(err)) {
      report.fail("arm", "Azure was unavailable while reading the " + where + ": " + e.what(),
                  "nothing to fix in the config or the credentials: run again later (milink already retried)");
      return {};
    }
    if (err.status == 401 || err.status == 403 || credential_error(err)) {
      report.fail("arm",
                  std::string(err.status == 403 ? "not authorized to read the " : "could not authenticate to read the ") +
                      where + ": " + e.what(),
                  kSignInRemedy);
      return {};
    }
    report.fail("arm", "could not read the " + where + ": " + e.what(),
                "check azure.arm_endpoint, the network path to it, and api_version");
    return {};
  } catch (const milink::sdk::StepError& e) {
    report.fail("arm", "could not read the " + where + ": " + e.what(), kSignInRemedy);
    return {};
  }
  if (r.status == 404) {
    report.fail("arm", where + " not found (404" + (r.request_id.empty() ? "" : ", x-ms-request-id " + r.request_id) + ")",
                "check azure.subscription_id, azure.resource_group and azure.instance_name in the config");
    return {};
  }
  const milink::sdk::Value* props = r.body.get("properties");
  const milink::sdk::Value* sku = r.body.get("sku");
  std::string state = str(props ? props->get("state") : nullptr);
  std::string provisioning = str(props ? props->get("provisioningState") : nullptr);
  std::string sku_name = str(sku ? sku->get("name") : nullptr);
  std::string tier = str(sku ? sku->get("tier") : nullptr);
  std::string detail = where + " exists";
  std::string extra;
  if (!state.empty()) extra += "state " + state;
  if (!provisioning.empty()) extra += (extra.empty() ? "" : ", ") + std::string("provisioning ") + provisioning;
  if (!sku_name.empty())
    extra += (extra.empty() ? "" : ", ") + std::string("sku ") + sku_name + (tier.empty() ? "" : " (" + tier + ")");
  if (!extra.empty()) detail += " (" + extra + ")";
  InstanceFacts facts{str(props ? props->get("databaseFormat") : nullptr), tier};
  if (!state.empty() && state != "Ready") {
    report.warn("arm", detail, "the managed instance is not Ready; wait for its current operation to finish");
    return facts;
  }
  report.pass("arm", detail);
  return facts;
}

}  // namespace milink::preflight
