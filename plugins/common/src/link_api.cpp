#include <milink/link/link_api.hpp>

#include <milink/link/results.hpp>
#include <milink/sdk/http.hpp>

namespace milink::link {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

bool is_api_version(const std::string& v) {
  std::string date = v.substr(0, 10);
  if (v.size() != 10 && v != date + "-preview") return false;
  for (std::size_t i = 0; i < date.size(); ++i) {
    bool dash = i == 4 || i == 7;
    if (dash != (date[i] == '-')) return false;
    if (!dash && (date[i] < '0' || date[i] > '9')) return false;
  }
  int month = std::stoi(date.substr(5, 2)), day = std::stoi(date.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;  // 2025-13-45 is no api-version
}

bool legacy_link_shape(const std::string& api_version) {
  std::string date = api_version.substr(0, 10);
  if (date != "2023-05-01") return date < "2023-05-01";
  return false;  // 2023-05-01-preview introduced the current shape
}

bool has_link_mode(const std::string& api_version) { return api_version.substr(0, 10) >= "2025-02-01"; }

namespace {

Value database_items(const std::vector<std::string>& databases) {
  Array dbs;
  for (const auto& d : databases) dbs.push_back(Value(Object{{"databaseName", Value(d)}}));
  return Value(std::move(dbs));
}

}  // namespace

Value link_databases_body(const std::vector<std::string>& databases) {
  return Value(Object{{"properties", Value(Object{{"databases", database_items(databases)}})}});
}

Value link_body(const LinkRequest& r, const std::string& api_version) {
  Object props;
  if (legacy_link_shape(api_version)) {
    props.set("targetDatabase", Value(r.database));
    props.set("sourceEndpoint", Value(r.partner_endpoint));
    props.set("primaryAvailabilityGroupName", Value(r.partner_availability_group));
    props.set("secondaryAvailabilityGroupName", Value(r.instance_availability_group));
    props.set("replicationMode", Value(r.replication_mode));
  } else {
    props.set("databases", database_items(r.databases.empty() ? std::vector<std::string>{r.database} : r.databases));
    if (!r.link_mode.empty()) props.set("linkMode", Value(r.link_mode));
    props.set("partnerAvailabilityGroupName", Value(r.partner_availability_group));
    props.set("instanceAvailabilityGroupName", Value(r.instance_availability_group));
    props.set("partnerEndpoint", Value(r.partner_endpoint));
    props.set("instanceLinkRole", Value("Secondary"));
    props.set("seedingMode", Value("Automatic"));
    props.set("failoverMode", Value(r.failover_mode));
    props.set("replicationMode", Value(r.replication_mode));
  }
  return Value(Object{{"properties", Value(std::move(props))}});
}

namespace {

std::string field(const Value* o, const char* name) {
  if (o == nullptr || !o->is_object()) return {};
  // ARM's JSON is case-insensitive in practice; accept any casing.
  for (const auto& [k, v] : o->as_object()) {
    if (iequals(k, name)) {
      if (v.is_string()) return v.as_string();
      if (v.is_null()) return {};
      return v.to_json();
    }
  }
  return {};
}

const Value* member(const Value* o, const char* name) {
  if (o == nullptr || !o->is_object()) return nullptr;
  for (const auto& [k, v] : o->as_object())
    if (iequals(k, name)) return &v;
  return nullptr;
}

}  // namespace

LinkView read_link(const Value& body) {
  LinkView l;
  const Value* p = member(&body, "properties");
  l.provisioning_state = field(p, "provisioningState");
  l.link_state = field(p, "linkState");
  l.partner_endpoint = field(p, "partnerEndpoint");
  if (l.partner_endpoint.empty()) l.partner_endpoint = field(p, "sourceEndpoint");
  l.partner_availability_group = field(p, "partnerAvailabilityGroupName");
  if (l.partner_availability_group.empty()) l.partner_availability_group = field(p, "primaryAvailabilityGroupName");
  l.instance_availability_group = field(p, "instanceAvailabilityGroupName");
  if (l.instance_availability_group.empty()) l.instance_availability_group = field(p, "secondaryAvailabilityGroupName");
  l.database = field(p, "targetDatabase");
  l.failover_mode = field(p, "failoverMode");
  l.replication_mode = field(p, "replicationMode");
  l.instance_link_role = field(p, "instanceLinkRole");
  l.partner_link_role = field(p, "partnerLinkRole");
  l.last_hardened_lsn = field(p, "lastHardenedLsn");
  l.link_mode = field(p, "linkMode");
  const Value* dbs = member(p, "databases");
  if (dbs != nullptr && dbs->is_array())
    for (const auto& d : dbs->as_array())
      l.databases.push_back(LinkDatabaseView{field(&d, "databaseName"), field(&d, "replicaState"),
                                             field(&d, "connectedState"), field(&d, "synchronizationHealth"),
                                             field(&d, "seedingProgress"), field(&d, "lastHardenedLsn"),
                                             field(&d, "mostRecentLinkError")});
  if (dbs != nullptr && dbs->is_array() && !dbs->as_array().empty()) {
    const Value& d = dbs->as_array().front();
    if (l.database.empty()) l.database = field(&d, "databaseName");
    l.replica_state = field(&d, "replicaState");
    l.connected_state = field(&d, "connectedState");
    l.synchronization_health = field(&d, "synchronizationHealth");
    l.seeding_progress = field(&d, "seedingProgress");
    l.most_recent_link_error = field(&d, "mostRecentLinkError");
    if (l.last_hardened_lsn.empty()) l.last_hardened_lsn = field(&d, "lastHardenedLsn");
    for (auto [key, slot] : {std::pair<const char*, std::optional<long long>*>{"instanceSendReplicationLagSeconds",
                                                                               &l.instance_send_lag_seconds},
                             {"instanceRedoReplicationLagSeconds", &l.instance_redo_lag_seconds}}) {
      const Value* lag = member(&d, key);
      if (lag != nullptr && lag->is_number()) *slot = static_cast<long long>(lag->as_double());
    }
  }
  return l;
}

std::string link_difference(const LinkView& have, const LinkRequest& want) {
  auto differ = [](const char* what, const std::string& h, const std::string& w) -> std::string {
    if (iequals(h, w)) return {};
    return std::string(what) + " is \"" + h + "\", the workflow wants \"" + w + "\"";
  };
  for (auto d : {differ("the database", have.database, want.database),
                 differ("the partner availability group", have.partner_availability_group,
                        want.partner_availability_group),
                 differ("the instance availability group", have.instance_availability_group,
                        want.instance_availability_group),
                 differ("the partner endpoint", have.partner_endpoint, want.partner_endpoint),
                 have.failover_mode.empty() ? std::string() : differ("failoverMode", have.failover_mode, want.failover_mode),
                 have.link_mode.empty() || want.link_mode.empty() ? std::string()
                                                                   : differ("linkMode", have.link_mode, want.link_mode)})
    if (!d.empty()) return d;
  return {};
}

std::string link_failure(const LinkView& v) {
  if (iequals(v.provisioning_state, "Failed")) {
    std::string s = "provisioningState Failed";
    if (!v.replica_state.empty()) s += ", replicaState " + v.replica_state;
    return s;
  }
  const std::string& r = v.replica_state;
  if (r.size() > 5 && iequals(r.substr(r.size() - 5), "Error")) return "replicaState " + r;
  return {};
}

std::string link_path(const milink::sdk::ArmCoordinates& c, const std::string& name) {
  return c.instance_path() + "/distributedAvailabilityGroups/" + milink::sdk::url_encode(name);
}

}  // namespace milink::link
