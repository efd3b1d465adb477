#include "arm/arm_service.hpp"

#include "faults/fault_plan.hpp"
#include "http/encoding.hpp"
#include "state/time_util.hpp"

#include <milink/sdk/http.hpp>
#include <milink/sdk/json.hpp>

#include <algorithm>
#include <regex>

namespace milink::emulator::arm {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::SourceMap;
using milink::sdk::Value;
using http::iequals;

namespace {

const char* kDagType = "Microsoft.Sql/managedInstances/distributedAvailabilityGroups";
const char* kTrustType = "Microsoft.Sql/managedInstances/serverTrustCertificates";
const char* kEndpointType = "Microsoft.Sql/managedInstances/endpointCertificates";
const char* kDags = "distributedAvailabilityGroups";
const char* kTrusts = "serverTrustCertificates";
const char* kTrustsRoute = "managedInstances/serverTrustCertificates";
const char* kEndpointsRoute = "managedInstances/endpointCertificates";
const char* kDagsRoute = "managedInstances/distributedAvailabilityGroups";
const char* kInvalidContent = "The request content was invalid and could not be deserialized: '";

/// A member by name, any case; nullptr when absent or JSON null.
const Value* iget(const Value* obj, const std::string& name) {
  if (!obj || !obj->is_object()) return nullptr;
  for (const auto& [k, v] : obj->as_object())
    if (iequals(k, name)) return v.is_null() ? nullptr : &v;
  return nullptr;
}

std::string istr(const Value* obj, const std::string& name) {
  const Value* v = iget(obj, name);
  return v && v->is_string() ? v->as_string() : std::string();
}

/// The allowed spelling of \p value among \p allowed (any case), else \p fallback.
std::string canonical(const std::string& value, std::initializer_list<const char*> allowed, const std::string& fallback) {
  for (const char* a : allowed)
    if (iequals(value, a)) return a;
  return fallback;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

/// The members of the "properties" object of \p schema (empty when it has none).
const std::vector<Field>& properties_of(const Schema* schema) {
  static const std::vector<Field> none;
  const Field* p = schema ? find_field(schema->fields, "properties") : nullptr;
  return p ? p->fields : none;
}

/// The link's resource at \p api_version: what GET answers.
const std::vector<Field>& link_properties(const Contract& c, const std::string& api_version) {
  const TypeContract* t = c.type(kDagsRoute, api_version);
  return properties_of(t ? &t->resource : nullptr);
}

/// The link's properties as \p operation_id's body takes them at \p api_version
/// (2023-02-01-preview's PUT: not the resource's shape).
const std::vector<Field>& link_body_properties(const Contract& c, const std::string& operation_id,
                                               const std::string& api_version) {
  const ContractOperation* op = c.find(operation_id, api_version);
  return properties_of(op ? c.body_schema(*op) : nullptr);
}

/// The old, single-database shape (targetDatabase, sourceEndpoint ...).
bool old_names(const std::vector<Field>& properties) { return find_field(properties, "targetDatabase") != nullptr; }

std::string iso(const SqlDateTime& t) {
  std::string s = t.to_iso();
  std::size_t dot = s.find('.');
  if (dot != std::string::npos) s = s.substr(0, dot);
  return s + "Z";
}

bool valid_endpoint(const std::string& e) {
  static const std::regex re(R"(^[Tt][Cc][Pp]://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(e, m, re)) return false;
  int port = std::stoi(m[2]);
  return port >= 1 && port <= 65535;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

/// What a PUT asks for, normalised from either body shape.
struct LinkRequest {
  std::string partner_endpoint, partner_ag, instance_ag;
  std::string instance_role = "Secondary", failover_mode = "None", seeding_mode = "Automatic",
              replication_mode = "Async", link_mode = "SingleDatabase";
  std::vector<std::string> databases;
};

/// What \p l was created with, as a request (the start of a PATCH's merge).
LinkRequest request_of(const LinkResource& l, const std::string& link_mode) {
  LinkRequest r;
  r.partner_endpoint = l.partner_endpoint;
  r.partner_ag = l.partner_availability_group_name;
  r.instance_ag = l.instance_availability_group_name;
  r.instance_role = l.instance_link_role;
  r.failover_mode = l.failover_mode;
  r.seeding_mode = l.seeding_mode;
  r.replication_mode = l.replication_mode;
  r.link_mode = link_mode;
  for (const auto& d : l.databases) r.databases.push_back(d.name);
  return r;
}

/// Overlays on \p rq the link properties \p props sends that \p takes (the
/// operation's body at its api-version) lets a client write; members \p takes
/// marks read-only are ignored, as the body validator does. Returns the RP's
/// error code for an invalid database list, "" otherwise. A PUT overlays a
/// default LinkRequest (what it omits is empty or the default), a PATCH the
/// link's own definition (what it omits stays as it is).
std::string overlay_request(const Value* props, const std::vector<Field>& takes, LinkRequest& rq) {
  auto sent = [&](const char* name) -> const Value* {
    const Field* f = find_field(takes, name);
    return f && !f->read_only ? iget(props, name) : nullptr;
  };
  auto text = [&](const char* name, std::string& into) {
    if (const Value* v = sent(name)) into = trim(v->is_string() ? v->as_string() : std::string());
  };
  const char* bad_databases = "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases";
  if (old_names(takes)) {
    if (const Value* v = sent("targetDatabase")) {
      std::string db = trim(v->is_string() ? v->as_string() : std::string());
      if (db.empty()) return bad_databases;
      rq.databases = {db};
    }
    text("sourceEndpoint", rq.partner_endpoint);
    text("primaryAvailabilityGroupName", rq.partner_ag);
    text("secondaryAvailabilityGroupName", rq.instance_ag);
    rq.link_mode = "SingleDatabase";
  } else {
    if (const Value* dbs = sent("databases")) {
      if (!dbs->is_array() || dbs->as_array().empty()) return bad_databases;
      rq.databases.clear();
      for (const auto& d : dbs->as_array()) {
        std::string n = trim(istr(&d, "databaseName"));
        if (n.empty()) return bad_databases;
        for (const auto& seen : rq.databases)
          if (iequals(seen, n)) return bad_databases;
        rq.databases.push_back(n);
      }
    }
    if (sent("linkMode")) rq.link_mode = canonical(istr(props, "linkMode"), {"SingleDatabase", "MultiDatabase"}, rq.link_mode);
    text("partnerEndpoint", rq.partner_endpoint);
    text("partnerAvailabilityGroupName", rq.partner_ag);
    text("instanceAvailabilityGroupName", rq.instance_ag);
    if (sent("instanceLinkRole")) rq.instance_role = canonical(istr(props, "instanceLinkRole"), {"Primary", "Secondary"}, rq.instance_role);
    if (sent("failoverMode")) rq.failover_mode = canonical(istr(props, "failoverMode"), {"None", "Manual"}, rq.failover_mode);
    if (sent("seedingMode")) rq.seeding_mode = canonical(istr(props, "seedingMode"), {"Automatic", "Manual"}, rq.seeding_mode);
  }
  if (sent("replicationMode")) rq.replication_mode = canonical(istr(props, "replicationMode"), {"Async", "Sync"}, rq.replication_mode);
  return "";
}

/// The RP's checks of a whole request, with its codes (2025-01-01 and later
/// list them; for the 2021 body the same codes are used, mapped field by
/// field -- inferred); "" when it passes.
std::string check_request(const LinkRequest& rq) {
  if (rq.databases.empty()) return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases";
  // Inferred: a single-database link carries exactly one database.
  if (rq.link_mode == "SingleDatabase" && rq.databases.size() > 1)
    return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases";
  if (rq.partner_ag.empty()) return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerAvailabilityGroupName";
  if (rq.instance_ag.empty()) return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestInstanceAvailabilityGroupName";
  if (!valid_endpoint(rq.partner_endpoint)) return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerEndpoint";
  // Inferred: seeding into the managed instance (instance secondary) is automatic only.
  if (rq.seeding_mode == "Manual" && rq.instance_role == "Secondary")
    return "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestSeedingMode";
  if (iequals(rq.partner_ag, rq.instance_ag)) return "InstanceAvailabilityGroupNamePartnerAvailabilityGroupNameMatch";
  return "";
}

bool same_request(const LinkRequest& r, const LinkResource& l, const std::string& link_mode, bool ignore_replication) {
  if (!iequals(r.partner_endpoint, l.partner_endpoint) || !iequals(r.partner_ag, l.partner_availability_group_name) ||
      !iequals(r.instance_ag, l.instance_availability_group_name) || r.instance_role != l.instance_link_role ||
      r.failover_mode != l.failover_mode || r.seeding_mode != l.seeding_mode || r.link_mode != link_mode)
    return false;
  if (!ignore_replication && r.replication_mode != l.replication_mode) return false;
  if (r.databases.size() != l.databases.size()) return false;
  for (std::size_t i = 0; i < r.databases.size(); ++i)
    if (!iequals(r.databases[i], l.databases[i].name)) return false;
  return true;
}

}  // namespace

// --- construction, routes ------------------------------------------------------

ArmService::ArmService(EmulatorWorld& world, LinkSimulator* simulator, FaultPlan* faults, const Contract& contract,
                       const identity::TokenService& tokens, ArmOptions options)
    : world_(world), simulator_(simulator), faults_(faults), contract_(contract), tokens_(tokens), options_(std::move(options)) {}

Value ArmService::error_body(const std::string& code, const std::string& message) {
  return Value(Object{{"error", Value(Object{{"code", Value(code)}, {"message", Value(message)}})}});
}

void ArmService::add_routes(http::Router& r) {
  const std::string mi = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/"
                         "managedInstances/{managedInstanceName}";
  auto bind = [this](void (ArmService::*f)(http::Request&, http::Response&)) {
    return [this, f](http::Request& q, http::Response& s) { (this->*f)(q, s); };
  };
  r.add("GET", mi, bind(&ArmService::get_instance));
  r.add("GET", mi + "/serverTrustCertificates", bind(&ArmService::trust_list));
  r.add("GET", mi + "/serverTrustCertificates/{certificateName}", bind(&ArmService::trust_get));
  r.add("PUT", mi + "/serverTrustCertificates/{certificateName}", bind(&ArmService::trust_put));
  r.add("DELETE", mi + "/serverTrustCertificates/{certificateName}", bind(&ArmService::trust_delete));
  r.add("GET", mi + "/endpointCertificates", bind(&ArmService::endpoint_list));
  r.add("GET", mi + "/endpointCertificates/{endpointType}", bind(&ArmService::endpoint_get));
  r.add("GET", mi + "/distributedAvailabilityGroups", bind(&ArmService::dag_list));
  r.add("GET", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}", bind(&ArmService::dag_get));
  r.add("PUT", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}", bind(&ArmService::dag_put));
  r.add("PATCH", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}", bind(&ArmService::dag_patch));
  r.add("DELETE", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}", bind(&ArmService::dag_delete));
  r.add("POST", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}/failover",
        [this](http::Request& q, http::Response& s) { dag_action(q, s, "failover"); });
  r.add("POST", mi + "/distributedAvailabilityGroups/{distributedAvailabilityGroupName}/setRole",
        [this](http::Request& q, http::Response& s) { dag_action(q, s, "setRole"); });
  r.add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Sql/locations/{location}/{kind}/{operationId}",
        bind(&ArmService::operation_status));
  r.add("POST", "/_emulator/faults", bind(&ArmService::faults_post));
  r.add("GET", "/_emulator/faults", bind(&ArmService::faults_get));
  r.add("POST", "/_emulator/workload", bind(&ArmService::workload_post));
  r.add("POST", "/_emulator/endpoint-certificate", bind(&ArmService::endpoint_certificate_post));
  r.add("POST", "/_emulator/clock", bind(&ArmService::clock_post));
}

std::vector<Operation> ArmService::operations() const {
  auto lock = world_.lock();
  std::vector<Operation> out;
  for (const auto& [id, op] : operations_) out.push_back(op);
  return out;
}

// --- prologue -------------------------------------------------------------------

bool ArmService::authenticate(http::Request& req, http::Response& resp) {
  auto fail = [&](const std::string& code, const std::string& message, const std::string& description) {
    resp.json(401, error_body(code, message));
    // The challenge ARM sends (confirmed form: Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="...").
    resp.set_header("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\", "
                                        "error_description=\"" + description + "\"");
    return false;
  };
  const std::string* auth = req.header("Authorization");
  if (!auth || trim(*auth).empty())
    // Confirmed wording.
    return fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");
  std::string value = trim(*auth);
  if (value.size() < 8 || !iequals(value.substr(0, 7), "Bearer ") || trim(value.substr(7)).empty())
    // Confirmed wording; the challenge's description is inferred.
    return fail("AuthenticationFailedInvalidHeader",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of invalid 'Authorization' header.");
  identity::TokenCheck c = tokens_.check_arm_token(trim(value.substr(7)), http::unix_now(), 300);
  switch (c.problem) {
    case identity::TokenProblem::None: break;
    case identity::TokenProblem::Expired: {
      // Confirmed wording (.NET general date format).
      std::string m = "The access token expiry UTC time '" + http::dotnet_general_time(c.expires_at) +
                      "' is earlier than current UTC time '" + http::dotnet_general_time(http::unix_now()) + "'.";
      return fail("ExpiredAuthenticationToken", m, m);
    }
    case identity::TokenProblem::WrongAudience: {
      // Confirmed wording.
      std::string allowed;
      for (const auto& a : identity::TokenService::arm_audiences()) allowed += (allowed.empty() ? "'" : ",'") + a + "'";
      std::string m = "The access token has been obtained for wrong audience or resource '" + c.audience +
                      "'. It should exactly match with one of the allowed audiences " + allowed + ".";
      return fail("InvalidAuthenticationTokenAudience", m, m);
    }
    default:
      // Malformed, bad signature, not yet valid, unexpected issuer: "The access token is invalid." (confirmed wording
      // for InvalidAuthenticationToken; its use for each of these causes is inferred).
      return fail("InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid.");
  }
  req.params["@tenant"] = c.tenant_id;
  req.params["@issuer"] = c.issuer;
  return true;
}

bool ArmService::check_api_version(http::Request& req, http::Response& resp, const std::vector<std::string>& supported,
                                   const std::string& type, std::string& version) {
  const std::string* v = req.query_param("api-version");
  if (!v || v->empty()) {
    // Confirmed wording.
    resp.json(400, error_body("MissingApiVersionParameter",
                              "The api-version query parameter (?api-version=) is required for all requests."));
    return false;
  }
  static const std::regex form(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[A-Za-z]+)?$)");
  if (!std::regex_match(*v, form)) {
    // Confirmed wording; the list is newest first, comma-separated, as ARM prints it.
    std::vector<std::string> desc(supported.rbegin(), supported.rend());
    resp.json(400, error_body("InvalidApiVersionParameter",
                              "The api-version '" + *v + "' is invalid. The supported versions are '" +
                                  join(desc, ",") + "'."));
    return false;
  }
  for (const auto& s : supported)
    if (iequals(s, *v)) {
      version = s;
      return true;
    }
  // A well-formed version the resource type does not have: ARM's answer for
  // a resource provider's types is NoRegisteredProviderFound (confirmed
  // wording, e.g. for Microsoft.Sql 'servers'); for a child type ARM names
  // the type path (inferred).
  std::string location;
  {
    auto lock = world_.lock();
    location = world_.azure.location;
  }
  resp.json(400, error_body("NoRegisteredProviderFound",
                            "No registered resource provider found for location '" + location + "' and API version '" +
                                *v + "' for type '" + type + "'. The supported api-versions are '" +
                                join(supported, ", ") + "'. The supported locations are '" + location + "'."));
  return false;
}

bool ArmService::check_scope(http::Request& req, http::Response& resp, bool instance) {
  const AzureState& az = world_.azure;
  const std::string& sub = req.params["subscriptionId"];
  if (!iequals(sub, az.subscription_id)) {
    resp.json(404, error_body("SubscriptionNotFound", "The subscription '" + sub + "' could not be found."));
    return false;
  }
  const std::string& tid = req.params["@tenant"];
  if (!iequals(tid, az.tenant_id)) {
    // Wording as ARM prints it for a token from another tenant (recalled; not re-confirmed).
    std::string m = "The access token is from the wrong issuer '" + req.params["@issuer"] +
                    "'. It must match the tenant 'https://sts.windows.net/" + az.tenant_id +
                    "/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/" +
                    az.tenant_id +
                    "' to get the token. Note, if the subscription is transferred to another tenant there is no impact "
                    "to the services, but information about new tenant could take time to propagate (up to an hour). "
                    "If you just transferred your subscription and see this error message, please try back later.";
    resp.json(401, error_body("InvalidAuthenticationTokenTenant", m));
    resp.set_header("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/" + az.tenant_id +
                                            "\", error=\"invalid_token\", error_description=\"The access token is from "
                                            "the wrong issuer.\"");
    return false;
  }
  auto rg = req.params.find("resourceGroupName");
  if (rg != req.params.end() && !iequals(rg->second, az.resource_group)) {
    resp.json(404, error_body("ResourceGroupNotFound", "Resource group '" + rg->second + "' could not be found."));
    return false;
  }
  if (instance && !iequals(req.params["managedInstanceName"], world_.managed_instance.name)) {
    // Confirmed wording.
    resp.json(404, error_body("ResourceNotFound", "The Resource 'Microsoft.Sql/managedInstances/" +
                                                      req.params["managedInstanceName"] + "' under resource group '" +
                                                      rg->second +
                                                      "' was not found. For more details please go to "
                                                      "https://aka.ms/ARMResourceNotFoundFix"));
    return false;
  }
  return true;
}

void ArmService::not_found_child(http::Response& resp, const std::string& child_type, const std::string& name) const {
  // ARM's wording for a nested resource that does not exist (confirmed for Microsoft.Sql/servers/databases).
  resp.json(404, error_body("ResourceNotFound", "The Resource 'Microsoft.Sql/managedInstances/" +
                                                    world_.managed_instance.name + "/" + child_type + "/" + name +
                                                    "' under resource group '" + world_.azure.resource_group +
                                                    "' was not found. For more details please go to "
                                                    "https://aka.ms/ARMResourceNotFoundFix"));
}

void ArmService::rp_error(http::Response& resp, const std::string& code, const std::vector<std::string>& args,
                          const std::string& api_version, int fallback_status, const std::string& fallback_message) {
  auto t = contract_.error(code);
  int status = t ? t->status : fallback_status;
  std::string message = format_message(t ? t->message : fallback_message, args);
  resp.json(status, error_body(code, message));
}

void ArmService::advance_locked() {
  if (world_.advance) world_.advance();
  // Only the operations still running: the cost does not grow with history.
  auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < running_.size();) {
    auto it = operations_.find(running_[i]);
    if (it != operations_.end() && !it->second.completed && now >= it->second.due) {
      world_.bump_generation();  // completing may change what the servers show
      try_complete(it->second);
    }
    if (it == operations_.end() || it->second.completed) {
      running_[i] = running_.back();
      running_.pop_back();
    } else {
      ++i;
    }
  }
}

void ArmService::unmatched(http::Request& req, http::Response& resp, http::Router::Match match) {
  if (req.path.rfind("/_emulator/", 0) == 0) {
    resp.json(404, error_body("NotFound", "No such emulator control route."));
    return;
  }
  if (!authenticate(req, resp)) return;
  if (match == http::Router::Match::NoMethod) {
    // Inferred wording.
    resp.json(405, error_body("MethodNotAllowed", "The requested resource does not support http method '" + req.method + "'."));
    return;
  }
  std::string lower = http::to_lower(req.path);
  std::size_t p = lower.find("/providers/microsoft.sql/");
  if (p != std::string::npos) {
    const std::string* v = req.query_param("api-version");
    // The type: the collection segments after the namespace ("managedInstances/widgets").
    std::string rest;
    std::size_t pos = p + 25, index = 0;
    while (pos <= req.path.size()) {
      std::size_t next = req.path.find('/', pos);
      std::string seg = req.path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
      if (index++ % 2 == 0 && !seg.empty()) rest += (rest.empty() ? "" : "/") + seg;
      if (next == std::string::npos) break;
      pos = next + 1;
    }
    // Inferred: ARM's answer for a type the namespace does not have.
    resp.json(400, error_body("InvalidResourceType", "The resource type '" + rest +
                                                          "' could not be found in the namespace 'Microsoft.Sql' for api "
                                                          "version '" + (v ? *v : std::string()) + "'."));
    return;
  }
  resp.json(404, error_body("NotFound", "The requested URI does not represent any resource on the server."));
}

void ArmService::finish(http::Request& req, http::Response& resp) {
  if (!resp.header("x-ms-request-id")) resp.set_header("x-ms-request-id", http::new_guid_lower());
  std::string rid = *resp.header("x-ms-request-id");
  const std::string* corr = req.header("x-ms-correlation-request-id");
  resp.set_header("x-ms-correlation-request-id", corr && !corr->empty() ? *corr : rid);
  if (const std::string* cid = req.header("x-ms-client-request-id")) resp.set_header("x-ms-client-request-id", *cid);
  resp.set_header("x-ms-routing-request-id", "EMULATOR:" + http::iso8601_utc(http::unix_now()) + ":" + rid);
  if (req.method == "GET") resp.set_header("x-ms-ratelimit-remaining-subscription-reads", "11999");
  else if (req.method == "DELETE") resp.set_header("x-ms-ratelimit-remaining-subscription-deletes", "14999");
  else resp.set_header("x-ms-ratelimit-remaining-subscription-writes", "1199");
  resp.set_header("Cache-Control", "no-cache");
  resp.set_header("Pragma", "no-cache");
  resp.set_header("Expires", "-1");
}

// --- rendering ------------------------------------------------------------------

std::string ArmService::instance_id() const {
  return "/subscriptions/" + world_.azure.subscription_id + "/resourceGroups/" + world_.azure.resource_group +
         "/providers/Microsoft.Sql/managedInstances/" + world_.managed_instance.name;
}

Value ArmService::render_trust(const ServerTrustCertificate& c) const {
  return Value(Object{{"properties", Value(Object{{"publicBlob", Value("0x" + http::hex_upper(c.der))},
                                                  {"thumbprint", Value(c.thumbprint)},
                                                  {"certificateName", Value(c.name)}})},
                      {"id", Value(instance_id() + "/serverTrustCertificates/" + c.name)},
                      {"name", Value(c.name)},
                      {"type", Value(kTrustType)}});
}

Value ArmService::render_endpoint(const std::string& type, const Certificate& c) const {
  return Value(Object{{"properties", Value(Object{{"publicBlob", Value("0x" + http::hex_upper(c.x509.der))}})},
                      {"id", Value(instance_id() + "/endpointCertificates/" + type)},
                      {"name", Value(type)},
                      {"type", Value(kEndpointType)}});
}

Value ArmService::render_link(const LinkResource& l, const std::string& v) const {
  // Everything the emulator knows of the link, in the version's names; then
  // only the members the version has (contract) are kept.
  Object props;
  const LinkDatabase* first = l.databases.empty() ? nullptr : &l.databases.front();
  const std::vector<Field>& shape = link_properties(contract_, v);
  if (old_names(shape)) {
    if (first) props.set("targetDatabase", Value(first->name));
    props.set("sourceEndpoint", Value(l.partner_endpoint));
    props.set("primaryAvailabilityGroupName", Value(l.partner_availability_group_name));
    props.set("secondaryAvailabilityGroupName", Value(l.instance_availability_group_name));
    props.set("replicationMode", Value(l.replication_mode));
    props.set("distributedAvailabilityGroupId", Value(l.distributed_availability_group_id));
    if (first && !first->partner_replica_id.empty()) props.set("sourceReplicaId", Value(first->partner_replica_id));
    if (first && !first->instance_replica_id.empty()) props.set("targetReplicaId", Value(first->instance_replica_id));
    if (!l.link_state.empty()) props.set("linkState", Value(l.link_state));
    if (first && !first->last_hardened_lsn.empty()) props.set("lastHardenedLsn", Value(first->last_hardened_lsn));
    props.set("instanceRole", Value(l.instance_link_role));
  } else {
    props.set("distributedAvailabilityGroupName", Value(l.name));
    props.set("distributedAvailabilityGroupId", Value(l.distributed_availability_group_id));
    props.set("replicationMode", Value(l.replication_mode));
    props.set("partnerLinkRole", Value(l.partner_link_role));
    props.set("partnerAvailabilityGroupName", Value(l.partner_availability_group_name));
    props.set("partnerEndpoint", Value(l.partner_endpoint));
    props.set("instanceLinkRole", Value(l.instance_link_role));
    props.set("instanceAvailabilityGroupName", Value(l.instance_availability_group_name));
    props.set("failoverMode", Value(l.failover_mode));
    props.set("seedingMode", Value(l.seeding_mode));
    auto it = link_modes_.find(http::to_lower(l.name));
    props.set("linkMode", Value(it != link_modes_.end() ? it->second
                                                        : (l.databases.size() > 1 ? "MultiDatabase" : "SingleDatabase")));
    Array dbs;
    for (const auto& d : l.databases) {
      Object o{{"databaseName", Value(d.name)}};
      if (!d.instance_replica_id.empty()) o.set("instanceReplicaId", Value(d.instance_replica_id));
      if (!d.partner_replica_id.empty()) o.set("partnerReplicaId", Value(d.partner_replica_id));
      if (!d.replica_state.empty()) o.set("replicaState", Value(d.replica_state));
      if (d.seeding_progress) o.set("seedingProgress", Value(std::to_string(*d.seeding_progress) + "%"));
      if (!d.synchronization_health.empty()) o.set("synchronizationHealth", Value(d.synchronization_health));
      if (!d.connected_state.empty()) o.set("connectedState", Value(d.connected_state));
      if (!d.last_received_lsn.empty()) o.set("lastReceivedLsn", Value(d.last_received_lsn));
      if (!d.last_sent_lsn.empty()) o.set("lastSentLsn", Value(d.last_sent_lsn));
      if (!d.last_commit_lsn.empty()) o.set("lastCommitLsn", Value(d.last_commit_lsn));
      if (!d.last_hardened_lsn.empty()) o.set("lastHardenedLsn", Value(d.last_hardened_lsn));
      if (d.last_hardened_time) o.set("lastHardenedTime", Value(iso(*d.last_hardened_time)));
      if (!d.most_recent_link_error.empty()) o.set("mostRecentLinkError", Value(d.most_recent_link_error));
      if (d.connected_state == "CONNECTED") {
        o.set("instanceSendReplicationLagSeconds", Value(d.instance_send_lag_seconds.value_or(0)));
        o.set("instanceRedoReplicationLagSeconds", Value(d.instance_redo_lag_seconds.value_or(0)));
      }
      dbs.push_back(Value(std::move(o)));
    }
    props.set("databases", Value(std::move(dbs)));
  }
  return Value(Object{{"properties", prune_to(Value(std::move(props)), shape)},
                      {"id", Value(instance_id() + "/distributedAvailabilityGroups/" + l.name)},
                      {"name", Value(l.name)},
                      {"type", Value(kDagType)}});
}

// --- long-running operations -------------------------------------------------------

Operation& ArmService::start_operation(const std::string& family, const std::string& method, const std::string& name,
                                       const std::string& action, const std::string& api_version) {
  Operation op;
  op.id = http::new_guid_lower();
  op.family = family;
  op.method = method;
  op.resource_name = name;
  op.action = action;
  op.api_version = api_version;
  op.started = std::chrono::steady_clock::now();
  op.due = op.started + options_.operation_time;
  op.started_unix = http::unix_now();
  running_.push_back(op.id);
  auto [it, inserted] = operations_.emplace(op.id, std::move(op));
  return it->second;
}

int ArmService::retry_after(const Operation& op) const {
  if (options_.retry_after_seconds >= 0) return options_.retry_after_seconds;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(op.due - std::chrono::steady_clock::now()).count();
  int s = static_cast<int>((left + 999) / 1000);
  return s < 1 ? 1 : s;
}

void ArmService::operation_headers(http::Request& req, http::Response& resp, const Operation& op,
                                   bool async_header) const {
  std::string base = req.base_url() + "/subscriptions/" + world_.azure.subscription_id +
                     "/providers/Microsoft.Sql/locations/" + world_.azure.location + "/" + op.family;
  std::string q = "?api-version=" + op.api_version;
  if (async_header) resp.set_header("Azure-AsyncOperation", base + "AzureAsyncOperation/" + op.id + q);
  resp.set_header("Location", base + "OperationResults/" + op.id + q);
  resp.set_header("Retry-After", std::to_string(retry_after(op)));
}

void ArmService::finish_operation(Operation& op, const std::optional<LinkResult>& failure) {
  op.completed = true;
  op.ended_unix = http::unix_now();
  if (failure) {
    op.failed = true;
    op.error_status = failure->http_status >= 400 ? failure->http_status : 400;
    op.error_code = failure->code;
    op.error_message = failure->message;
  }
}

void ArmService::try_complete(Operation& op) {
  if (!(op.family == kDags && op.method == "PUT" && op.action.empty())) return finish_operation(op, std::nullopt);
  // A link's PUT: done when the link simulator says how it went.
  LinkResource* l = world_.azure.find_link(op.resource_name);
  if (!l) {
    // Deleted while being created.
    auto t = contract_.error("OperationInterrupted");
    LinkResult r{false, t ? t->status : 409, "OperationInterrupted",
                 t ? t->message
                   : "The operation on the resource could not be completed because it was interrupted by another "
                     "operation on the same resource."};
    return finish_operation(op, r);
  }
  std::optional<LinkResult> outcome;
  bool simulated = !options_.link_outcome && !options_.link_created && simulator_;
  if (options_.link_outcome) outcome = options_.link_outcome(l->name);
  else if (simulated) outcome = simulator_->operation_outcome(l->name);
  else outcome = LinkResult{};
  if (!outcome) return;  // still running
  if (!simulated) l->provisioning_state = outcome->ok ? "Succeeded" : "Failed";
  finish_operation(op, outcome->ok ? std::nullopt : outcome);
}

void ArmService::operation_status(http::Request& req, http::Response& resp) {
  if (!authenticate(req, resp)) return;
  std::string kind = req.params["kind"];
  std::string family, suffix;
  for (const char* f : {kDags, kTrusts})
    for (const char* s : {"AzureAsyncOperation", "OperationResults"})
      if (iequals(kind, std::string(f) + s)) {
        family = f;
        suffix = s;
      }
  if (family.empty()) return unmatched(req, resp, http::Router::Match::NoPath);
  std::string v;
  if (!check_api_version(req, resp, contract_.versions(), "locations/" + kind, v)) return;
  auto lock = world_.lock();
  advance_locked();
  if (!check_scope(req, resp, false)) return;
  auto it = operations_.find(http::to_lower(req.params["operationId"]));
  if (it == operations_.end() || it->second.family != family) {
    rp_error(resp, "OperationIdNotFound", {}, v, 404, "The operation with Id does not exist.");
    return;
  }
  Operation& op = it->second;
  if (suffix == "AzureAsyncOperation") {
    Object body{{"id", Value(req.path)},
                {"name", Value(op.id)},
                {"status", Value(!op.completed ? "InProgress" : op.failed ? "Failed" : "Succeeded")},
                {"startTime", Value(http::iso8601_utc(op.started_unix))}};
    if (op.completed) body.set("endTime", Value(http::iso8601_utc(op.ended_unix)));
    if (op.completed && op.failed)
      body.set("error", Value(Object{{"code", Value(op.error_code)}, {"message", Value(op.error_message)}}));
    resp.json(200, Value(std::move(body)));
    if (!op.completed) resp.set_header("Retry-After", std::to_string(retry_after(op)));
    return;
  }
  // OperationResults (the Location header): 202 while running, then the outcome.
  if (!op.completed) {
    resp.empty(202);
    operation_headers(req, resp, op, false);
    return;
  }
  if (op.failed) {
    resp.json(op.error_status, error_body(op.error_code, op.error_message));
    return;
  }
  if (op.method == "DELETE") {
    resp.empty(204);
    return;
  }
  if (op.family == kDags) {
    if (LinkResource* l = world_.azure.find_link(op.resource_name)) resp.json(200, render_link(*l, op.api_version));
    else resp.empty(204);
  } else {
    if (ServerTrustCertificate* c = world_.azure.find_trust_certificate(op.resource_name)) resp.json(200, render_trust(*c));
    else resp.empty(204);
  }
}

// --- request bodies ----------------------------------------------------------------

std::optional<std::unique_lock<std::mutex>> ArmService::enter(http::Request& req, http::Response& resp,
                                                              const std::vector<std::string>& supported,
                                                              const std::string& type, std::string& version) {
  if (!authenticate(req, resp)) return std::nullopt;
  if (!check_api_version(req, resp, supported, type, version)) return std::nullopt;
  // A GET changes nothing the SQL engines cache (advance_locked() reports
  // what the link simulation changes); any other method may.
  auto lock = req.method == "GET" ? world_.lock_tracked() : world_.lock();
  advance_locked();
  if (!check_scope(req, resp, true)) return std::nullopt;
  return lock;
}

ArmService::ParsedBody ArmService::parse_body(const http::Request& req) {
  ParsedBody p;
  if (trim(req.body).empty()) return p;  // empty text is JSON null (what the RP's deserializer makes of it)
  try {
    p.body = milink::sdk::parse_json(req.body, "<request>", &p.map);
  } catch (const milink::sdk::JsonError& e) {
    p.ok = false;
    p.error.json(400, ArmService::error_body("InvalidRequestContent",
                                             std::string(kInvalidContent) + e.message() + ". Path '', line " +
                                                 std::to_string(e.location().line) + ", position " +
                                                 std::to_string(e.location().column) + ".'."));
  }
  return p;
}

bool ArmService::read_body(ParsedBody& parsed, http::Response& resp, const std::string& operation_id,
                           const std::string& version, Value& body) {
  if (!parsed.ok) {
    resp = std::move(parsed.error);
    return false;
  }
  body = std::move(parsed.body);
  const ContractOperation* op = contract_.find(operation_id, version);
  if (op && !body.is_null()) {
    if (auto issue = contract_.validate_body(*op, body, parsed.map, true)) {
      resp.json(400, error_body("InvalidRequestContent", issue->message));
      return false;
    }
  }
  return true;
}

void ArmService::accept(http::Request& req, http::Response& resp, const std::string& family, const std::string& method,
                        const std::string& name, const std::string& action, const std::string& version) {
  world_.mark_changed();  // the link simulation re-checks every link
  Operation& o = start_operation(family, method, name, action, version);
  resp.empty(202);
  operation_headers(req, resp, o, true);
}

// --- managed instance ----------------------------------------------------------------

void ArmService::get_instance(http::Request& req, http::Response& resp) {
  std::string v;
  // No ManagedInstances spec was copied: every copied api-version is accepted for the instance itself.
  auto lock = enter(req, resp, contract_.versions(), "managedInstances", v);
  if (!lock) return;
  const ServerState& mi = world_.managed_instance;
  std::string admin = "sqladmin";
  for (const auto& l : mi.logins)
    if (l.sysadmin && !l.disabled) {
      admin = l.name;
      break;
    }
  const AzureState& az = world_.azure;
  Object props{{"provisioningState", Value("Succeeded")},
               {"managedInstanceCreateMode", Value("Default")},
               {"fullyQualifiedDomainName", Value(mi.fqdn)},
               {"administratorLogin", Value(admin)},
               {"subnetId", Value("/subscriptions/" + az.subscription_id + "/resourceGroups/" + az.resource_group +
                                  "/providers/Microsoft.Network/virtualNetworks/vnet-" + mi.name +
                                  "/subnets/ManagedInstance")},
               {"state", Value("Ready")},
               {"licenseType", Value("LicenseIncluded")},
               {"vCores", Value(8)},
               {"storageSizeInGB", Value(256)},
               {"collation", Value(mi.collation)},
               {"dnsZone", Value(mi.dns_zone)},
               {"publicDataEndpointEnabled", Value(false)},
               {"proxyOverride", Value("Redirect")},
               {"timezoneId", Value("UTC")},
               {"minimalTlsVersion", Value("1.2")},
               {"currentBackupStorageRedundancy", Value("Geo")},
               {"requestedBackupStorageRedundancy", Value("Geo")},
               {"zoneRedundant", Value(false)},
               {"hybridSecondaryUsage", Value("Active")}};
  // The update policy, in the versions that have it (contract/certificates.cpp).
  const TypeContract* t = contract_.type("managedInstances", v);
  if (find_field(properties_of(t ? &t->resource : nullptr), "databaseFormat"))
    props.set("databaseFormat", Value(mi.database_format));
  resp.json(200, Value(Object{{"sku", Value(Object{{"name", Value("GP_Gen5")},
                                                   {"tier", Value("GeneralPurpose")},
                                                   {"family", Value("Gen5")},
                                                   {"capacity", Value(8)}})},
                              {"properties", Value(std::move(props))},
                              {"location", Value(az.location)},
                              {"tags", Value(Object{})},
                              {"id", Value(instance_id())},
                              {"name", Value(mi.name)},
                              {"type", Value("Microsoft.Sql/managedInstances")}}));
}

// --- serverTrustCertificates ------------------------------------------------------------

void ArmService::trust_list(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("ServerTrustCertificates_ListByInstance"),
                    kTrustsRoute, v);
  if (!lock) return;
  Array value;
  for (const auto& c : world_.azure.server_trust_certificates) value.push_back(render_trust(c));
  answer_list(req, resp, std::move(value));
}

void ArmService::trust_get(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("ServerTrustCertificates_Get"), kTrustsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["certificateName"];
  if (ServerTrustCertificate* c = world_.azure.find_trust_certificate(name)) resp.json(200, render_trust(*c));
  else not_found_child(resp, kTrusts, name);
}

void ArmService::trust_put(http::Request& req, http::Response& resp) {
  std::string v;
  ParsedBody parsed = parse_body(req);  // before the world lock: see ParsedBody
  auto lock = enter(req, resp, contract_.versions_for_operation("ServerTrustCertificates_CreateOrUpdate"),
                    kTrustsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["certificateName"];
  Value body;
  if (!read_body(parsed, resp, "ServerTrustCertificates_CreateOrUpdate", v, body)) return;
  if (trim(name).empty()) {
    rp_error(resp, "MissingCertificateName", {}, v);
    return;
  }
  std::string blob = trim(istr(iget(&body, "properties"), "publicBlob"));
  if (blob.empty()) {
    rp_error(resp, "MissingPublicBlob", {}, v, 400, "The public blob is missing.");
    return;
  }
  std::string hex = blob;
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex = hex.substr(2);
  auto der = http::hex_decode(hex);
  std::optional<CertificateInfo> info;
  if (der) info = parse_certificate_der(*der);
  if (!info) {
    // The reason is what Windows' certificate parser says for a blob that is
    // not a whole DER certificate (confirmed for a bare public key,
    // Azure/azure-powershell#18182); used for every unparseable blob.
    rp_error(resp, "InvalidPublicBlob", {"Cannot find the requested object."}, v, 400,
             "Invalid public blob specified, reason: '{0}'.");
    return;
  }
  if (ServerTrustCertificate* existing = world_.azure.find_trust_certificate(name)) {
    if (existing->der == *der) {
      resp.json(200, render_trust(*existing));
      return;
    }
    // Inferred: the RP refuses to replace a trust certificate's blob under the same name.
    rp_error(resp, "CertificateAlreadyExists", {}, v);
    return;
  }
  for (const auto& c : world_.azure.server_trust_certificates)
    if (c.der == *der) {
      // The service refuses a second name for the same public blob (MS engineer,
      // ClaudioESSilva/SQLServer-PowerShell#3). The code is inferred: the spec's
      // CertificateAlreadyExists, "...or this certificate already has been added...".
      rp_error(resp, "CertificateAlreadyExists", {}, v);
      return;
    }
  ServerTrustCertificate c;
  c.name = name;
  c.der = *der;
  c.thumbprint = http::hex_upper(info->sha1);
  world_.azure.server_trust_certificates.push_back(c);
  accept(req, resp, kTrusts, "PUT", name, "", v);
}

void ArmService::trust_delete(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("ServerTrustCertificates_Delete"), kTrustsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["certificateName"];
  auto& certs = world_.azure.server_trust_certificates;
  auto it = std::find_if(certs.begin(), certs.end(), [&](const ServerTrustCertificate& c) { return iequals(c.name, name); });
  if (it == certs.end()) {
    resp.empty(204);
    return;
  }
  std::string stored = it->name;
  certs.erase(it);
  accept(req, resp, kTrusts, "DELETE", stored, "", v);
}

// --- endpointCertificates -------------------------------------------------------------

const Certificate* ArmService::endpoint_certificate(const std::string& type) {
  ServerState& mi = world_.managed_instance;
  if (type == "DATABASE_MIRRORING") {
    if (!mi.endpoint_certificate) mi.endpoint_certificate = world_.issue_instance_certificate("DATABASE_MIRRORING");
    return &*mi.endpoint_certificate;
  }
  if (type == "SERVICE_BROKER") {
    // Every managed instance has one; issue it on first use.
    if (!mi.service_broker_certificate) mi.service_broker_certificate = world_.issue_instance_certificate("SERVICE_BROKER");
    return &*mi.service_broker_certificate;
  }
  return nullptr;
}

void ArmService::endpoint_list(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("EndpointCertificates_ListByInstance"),
                    kEndpointsRoute, v);
  if (!lock) return;
  Array value;
  for (const char* t : {"DATABASE_MIRRORING", "SERVICE_BROKER"})
    if (const Certificate* c = endpoint_certificate(t)) value.push_back(render_endpoint(t, *c));
  answer_list(req, resp, std::move(value));
}

void ArmService::endpoint_get(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("EndpointCertificates_Get"), kEndpointsRoute, v);
  if (!lock) return;
  std::string type = req.params["endpointType"];
  std::string canonical_type = canonical(type, {"DATABASE_MIRRORING", "SERVICE_BROKER"}, "");
  const Certificate* c = canonical_type.empty() ? nullptr : endpoint_certificate(canonical_type);
  if (!c) return not_found_child(resp, "endpointCertificates", type);
  resp.json(200, render_endpoint(canonical_type, *c));
}

// --- distributedAvailabilityGroups ------------------------------------------------------

void ArmService::dag_list(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("DistributedAvailabilityGroups_ListByInstance"),
                    kDagsRoute, v);
  if (!lock) return;
  Array value;
  for (const auto& l : world_.azure.links) value.push_back(render_link(l, v));
  answer_list(req, resp, std::move(value));
}

void ArmService::dag_get(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("DistributedAvailabilityGroups_Get"), kDagsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["distributedAvailabilityGroupName"];
  if (LinkResource* l = world_.azure.find_link(name)) resp.json(200, render_link(*l, v));
  else not_found_child(resp, kDags, name);
}

void ArmService::dag_put(http::Request& req, http::Response& resp) {
  std::string v;
  ParsedBody parsed = parse_body(req);  // before the world lock: see ParsedBody
  auto lock = enter(req, resp, contract_.versions_for_operation("DistributedAvailabilityGroups_CreateOrUpdate"),
                    kDagsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["distributedAvailabilityGroupName"];
  Value body;
  if (!read_body(parsed, resp, "DistributedAvailabilityGroups_CreateOrUpdate", v, body)) return;

  auto fail = [&](const std::string& code, const std::vector<std::string>& args = {}) { rp_error(resp, code, args, v); };
  const Value* props = iget(&body, "properties");
  if (!props || !props->is_object() || props->as_object().empty())
    return fail("InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest");
  LinkRequest rq;
  std::string problem =
      overlay_request(props, link_body_properties(contract_, "DistributedAvailabilityGroups_CreateOrUpdate", v), rq);
  if (problem.empty()) problem = check_request(rq);
  if (!problem.empty()) return fail(problem);

  if (LinkResource* existing = world_.azure.find_link(name)) {
    auto it = link_modes_.find(http::to_lower(existing->name));
    std::string mode = it != link_modes_.end() ? it->second : "SingleDatabase";
    if (same_request(rq, *existing, mode, false)) {
      resp.json(200, render_link(*existing, v));
      return;
    }
    if (same_request(rq, *existing, mode, true)) {
      existing->replication_mode = rq.replication_mode;
      if (simulator_) simulator_->replication_mode_changed(existing->name);
      accept(req, resp, kDags, "PUT", existing->name, "update", v);
      return;
    }
    // Inferred: only the replication mode of an existing link can change.
    return fail("InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest");
  }
  for (const auto& l : world_.azure.links)
    if (iequals(l.instance_availability_group_name, rq.instance_ag))
      return fail("CloudLifterChimeraMIAgNameIsAlreadyUsed", {rq.instance_ag, world_.managed_instance.name});
  if (rq.link_mode == "MultiDatabase" && !std::regex_match(name, std::regex("[a-z0-9]([a-z0-9-]*[a-z0-9])?")))
    return fail("InvalidMultiDbDistributedAvailabilityGroupName");
  // A database another link carries (versions with linkMode; inferred: ManagedDatabaseNameInUse before).
  if (contract_.documents("InvalidOperationForDatabaseInReplicationRelationship", v))
    for (const auto& db : rq.databases)
      for (const auto& l : world_.azure.links)
        for (const auto& d : l.databases)
          if (iequals(d.name, db)) return fail("InvalidOperationForDatabaseInReplicationRelationship");
  if (rq.instance_role == "Secondary")
    for (const auto& db : rq.databases) {
      bool taken = world_.managed_instance.find_database(db) != nullptr;
      for (const auto& l : world_.azure.links)
        for (const auto& d : l.databases)
          if (iequals(d.name, db)) taken = true;
      if (taken) return fail("ManagedDatabaseNameInUse", {db});
    }

  LinkResource link;
  link.name = name;
  link.created_with_api_version = v;
  link.distributed_availability_group_id = http::new_guid_lower();
  link.partner_endpoint = rq.partner_endpoint;
  link.partner_availability_group_name = rq.partner_ag;
  link.instance_availability_group_name = rq.instance_ag;
  link.instance_link_role = rq.instance_role;
  link.failover_mode = rq.failover_mode;
  link.seeding_mode = rq.seeding_mode;
  link.replication_mode = rq.replication_mode;
  for (const auto& db : rq.databases) {
    LinkDatabase d;
    d.name = db;
    d.instance_replica_id = http::new_guid_lower();
    d.partner_replica_id = http::new_guid_lower();
    link.databases.push_back(d);
  }
  link.link_state = "Creating";
  link.provisioning_state = "Creating";
  link.created_at = std::chrono::steady_clock::now();
  world_.azure.links.push_back(std::move(link));
  link_modes_[http::to_lower(name)] = rq.link_mode;
  LinkResult result;
  if (options_.link_created) result = options_.link_created(world_.azure.links.back());
  else if (simulator_) result = simulator_->created(world_.azure.links.back());
  if (!result.ok) {
    // The simulator refused the link outright: nothing is created.
    world_.azure.links.pop_back();
    link_modes_.erase(http::to_lower(name));
    resp.json(result.http_status >= 400 ? result.http_status : 400, error_body(result.code, result.message));
    return;
  }
  // 202 Accepted with the operation's URLs: how the SQL resource provider answers a
  // long-running PUT (the spec also lists 200/201; 202 is what clients must handle).
  accept(req, resp, kDags, "PUT", name, "", v);
}

void ArmService::dag_patch(http::Request& req, http::Response& resp) {
  std::string v;
  ParsedBody parsed = parse_body(req);  // before the world lock: see ParsedBody
  auto lock = enter(req, resp, contract_.versions_for_operation("DistributedAvailabilityGroups_Update"), kDagsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["distributedAvailabilityGroupName"];
  Value body;
  if (!read_body(parsed, resp, "DistributedAvailabilityGroups_Update", v, body)) return;
  LinkResource* l = world_.azure.find_link(name);
  if (!l) return not_found_child(resp, kDags, name);
  // Merge semantics: the members sent change, the rest stays. The RP's
  // answers are the PUT's (inferred): a body without properties is empty or
  // invalid, the merged definition must pass the PUT's checks, and only
  // replicationMode of an existing link can change; read-only members are
  // ignored, as in a PUT.
  auto fail = [&](const std::string& code) { rp_error(resp, code, {}, v); };
  const Value* props = iget(&body, "properties");
  if (!props || !props->is_object() || props->as_object().empty())
    return fail("InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest");
  auto it = link_modes_.find(http::to_lower(l->name));
  const std::string mode = it != link_modes_.end() ? it->second : "SingleDatabase";
  // databases[] is checked and applied by patch_link_databases (a
  // multi-database link's databases change); everything else must keep the
  // link's definition but replicationMode.
  Value others = *props;
  for (const auto& [k, unused] : props->as_object())
    if (http::to_lower(k) == "databases") others.mutable_object().erase(k);
  LinkRequest rq = request_of(*l, mode);
  std::string problem = overlay_request(&others, link_body_properties(contract_, "DistributedAvailabilityGroups_Update", v), rq);
  if (problem.empty()) problem = check_request(rq);
  if (problem.empty() && !same_request(rq, *l, mode, true)) problem = "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest";
  if (!problem.empty()) return fail(problem);
  std::vector<std::string> before;
  for (const auto& d : l->databases) before.push_back(d.name);
  if (!patch_link_databases(resp, *l, props, v)) return;
  std::vector<std::string> after;
  for (const auto& d : l->databases) after.push_back(d.name);
  if (rq.replication_mode == l->replication_mode && before == after) {
    resp.json(200, render_link(*l, v));  // nothing to change, as an identical re-PUT
    return;
  }
  const bool mode_changed = rq.replication_mode != l->replication_mode;
  l->replication_mode = rq.replication_mode;
  if (simulator_ && mode_changed) simulator_->replication_mode_changed(l->name);
  accept(req, resp, kDags, "PATCH", l->name, "update", v);
}

void ArmService::dag_delete(http::Request& req, http::Response& resp) {
  std::string v;
  auto lock = enter(req, resp, contract_.versions_for_operation("DistributedAvailabilityGroups_Delete"), kDagsRoute, v);
  if (!lock) return;
  const std::string& name = req.params["distributedAvailabilityGroupName"];
  auto& links = world_.azure.links;
  auto it = std::find_if(links.begin(), links.end(), [&](const LinkResource& l) { return iequals(l.name, name); });
  if (it == links.end()) {
    resp.empty(204);
    return;
  }
  std::string stored = it->name;
  if (simulator_) simulator_->removed(*it);
  links.erase(it);
  link_modes_.erase(http::to_lower(stored));
  accept(req, resp, kDags, "DELETE", stored, "", v);
}

bool ArmService::patch_link_databases(http::Response& resp, LinkResource& l, const Value* props, const std::string& v) {
  const Value* dbs = iget(props, "databases");
  if (!dbs) return true;
  const bool has_mode = find_field(link_body_properties(contract_, "DistributedAvailabilityGroups_CreateOrUpdate", v), "linkMode") != nullptr;
  auto fail = [&](const std::string& code, const std::vector<std::string>& args = {}) {
    rp_error(resp, code, args, v);
    return false;
  };
  const std::string invalid = has_mode ? "InvalidMultiDbDistributedAvailabilityGroupDatabasesRequest"
                                       : "InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases";
  if (!dbs->is_array() || dbs->as_array().empty()) return fail(invalid);
  std::vector<std::string> wanted;
  for (const auto& d : dbs->as_array()) {
    std::string n = trim(istr(&d, "databaseName"));
    if (n.empty()) return fail(invalid);
    for (const auto& seen : wanted)
      if (iequals(seen, n)) return fail(invalid);
    wanted.push_back(n);
  }
  auto listed = [](const std::vector<std::string>& names, const std::string& n) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return iequals(x, n); });
  };
  std::vector<std::string> current, added, removed;
  for (const auto& d : l.databases) current.push_back(d.name);
  for (const auto& n : wanted)
    if (!listed(current, n)) added.push_back(n);
  for (const auto& n : current)
    if (!listed(wanted, n)) removed.push_back(n);
  if (added.empty() && removed.empty()) return true;
  // Inferred: only a MultiDatabase link, through a version that has linkMode, changes its databases.
  auto it = link_modes_.find(http::to_lower(l.name));
  if (!has_mode || it == link_modes_.end() || it->second != "MultiDatabase")
    return fail("ManagedInstanceLinkForProvidedAvailabilityGroupsAlreadyExists");
  for (const auto& n : added) {
    for (const auto& other : world_.azure.links)
      if (&other != &l)
        for (const auto& d : other.databases)
          if (iequals(d.name, n)) return fail("InvalidOperationForDatabaseInReplicationRelationship");
    if (l.instance_link_role == "Secondary" && world_.managed_instance.find_database(n))
      return fail("ManagedDatabaseNameInUse", {n});
  }
  l.databases.erase(std::remove_if(l.databases.begin(), l.databases.end(),
                                   [&](const LinkDatabase& d) { return listed(removed, d.name); }),
                    l.databases.end());
  for (const auto& n : added) {
    LinkDatabase d;
    d.name = n;
    d.replica_state = "CreatingLink";
    if (!l.databases.empty()) {  // the link's replicas: the same ids for every database
      d.instance_replica_id = l.databases.front().instance_replica_id;
      d.partner_replica_id = l.databases.front().partner_replica_id;
    }
    if (d.instance_replica_id.empty()) d.instance_replica_id = http::new_guid_lower();
    if (d.partner_replica_id.empty()) d.partner_replica_id = http::new_guid_lower();
    l.databases.push_back(d);
  }
  if (simulator_) simulator_->databases_changed(l.name, added, removed);
  return true;
}

void ArmService::dag_action(http::Request& req, http::Response& resp, const std::string& action) {
  std::string v;
  ParsedBody parsed = parse_body(req);  // before the world lock: see ParsedBody
  std::string op_id = action == "failover" ? "DistributedAvailabilityGroups_Failover" : "DistributedAvailabilityGroups_SetRole";
  auto lock = enter(req, resp, contract_.versions_for_operation(op_id), std::string(kDagsRoute) + "/" + action, v);
  if (!lock) return;
  const std::string& name = req.params["distributedAvailabilityGroupName"];
  if (!parsed.ok) {
    resp = std::move(parsed.error);
    return;
  }
  Value body = std::move(parsed.body);
  const SourceMap& map = parsed.map;
  const ContractOperation* op = contract_.find(op_id, v);
  // Both actions document this code for an empty or invalid body.
  const std::string bad_request = "InvalidDistributedAvailabilityGroupFailoverRequest";
  if (body.is_null() || !body.is_object()) return rp_error(resp, bad_request, {}, v);
  if (op) {
    if (auto issue = contract_.validate_body(*op, body, map, false)) {
      if (issue->kind == BodyIssue::Kind::MissingRequired) return rp_error(resp, bad_request, {}, v);
      resp.json(400, error_body("InvalidRequestContent", issue->message));
      return;
    }
  }
  LinkResource* l = world_.azure.find_link(name);
  if (!l) return not_found_child(resp, kDags, name);
  const bool simulated = simulator_ && !options_.link_created && simulator_->tracks(l->name);
  // The refusals, with the spec's codes; their mapping onto the link's state is inferred.
  auto refuse = [&](RoleChangeError e) {
    switch (e) {
      case RoleChangeError::NotPrimary: {
        // The code's name differs between versions (2025-01-01 vs 2025-08-01-preview).
        std::string code = contract_.documents("DistributedAvailabilityGroupFailoverInvalidInstanceRole", v)
                               ? "DistributedAvailabilityGroupFailoverInvalidInstanceRole"
                               : "InvalidDistributedAvailabilityGroupFailoverInstanceRole";
        rp_error(resp, code, {}, v);
        return true;
      }
      case RoleChangeError::NotSynchronizing:
        rp_error(resp, "DistributedAvailabilityGroupFailoverSecondariesNotSynchronizing", {}, v);
        return true;
      case RoleChangeError::Behind:
        rp_error(resp, "DistributedAvailabilityGroupFailoverLogSendQueueSizeTooBig", {}, v);
        return true;
      case RoleChangeError::AlreadyInRole:
        rp_error(resp, "DistributedAvailabilityGroupSetRoleInstanceAlreadyInRequestedRole", {}, v);
        return true;
      case RoleChangeError::Unsupported:
        rp_error(resp, "DistributedAvailabilityGroupSetRolePrimaryPlannedNotSupported", {}, v, 409,
                 "User attempted to perform setRole operation to primary in planned fashion and that is not "
                 "supported.");
        return true;
      default: return false;
    }
  };
  if (action == "failover") {
    std::string type = canonical(istr(&body, "failoverType"), {"ForcedAllowDataLoss", "Planned"}, "");
    if (simulated) {
      if (refuse(simulator_->arm_failover(l->name, type != "Planned"))) return;
    } else if (type == "Planned") {
      if (l->instance_link_role != "Primary") return (void)refuse(RoleChangeError::NotPrimary);
      bool synchronized = !l->databases.empty();
      for (const auto& d : l->databases)
        if (d.connected_state != "CONNECTED" || d.synchronization_health != "HEALTHY") synchronized = false;
      if (!synchronized) return (void)refuse(RoleChangeError::NotSynchronizing);
      l->instance_link_role = "Secondary";
      l->partner_link_role = "Primary";
    } else {
      l->instance_link_role = "Primary";
      l->partner_link_role = "Secondary";
    }
  } else {
    std::string role = canonical(istr(&body, "instanceRole"), {"Primary", "Secondary"}, "");
    std::string change = canonical(istr(&body, "roleChangeType"), {"Forced", "Planned"}, "");
    if (simulated) {
      if (refuse(simulator_->arm_set_role(l->name, role == "Primary", change == "Forced"))) return;
    } else {
      if (role == l->instance_link_role) return (void)refuse(RoleChangeError::AlreadyInRole);
      l->instance_link_role = role;
      l->partner_link_role = role == "Primary" ? "Secondary" : "Primary";
    }
  }
  accept(req, resp, kDags, "POST", l->name, action, v);
}

// --- list pages -------------------------------------------------------------------------

void ArmService::answer_list(http::Request& req, http::Response& resp, Array items) {
  const std::size_t size = static_cast<std::size_t>(world_.azure.list_page_size);
  std::size_t skip = 0;
  if (const std::string* token = req.query_param("$skiptoken")) {
    // The emulator's own token: the offset of the page. Inferred: ARM's are
    // opaque, and a client only ever sends back the nextLink it was given.
    bool digits = !token->empty() && token->size() < 10;
    for (char ch : *token) digits = digits && ch >= '0' && ch <= '9';
    if (!digits || std::stoul(*token) > items.size()) {
      resp.json(400, error_body("InvalidSkipToken", "The skip token '" + *token + "' is not valid."));
      return;
    }
    skip = std::stoul(*token);
  }
  if (size == 0 && skip == 0) {
    resp.json(200, Value(Object{{"value", Value(std::move(items))}}));
    return;
  }
  const std::size_t end = size == 0 ? items.size() : std::min(items.size(), skip + size);
  Array page(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(skip)),
             std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(end)));
  Object body{{"value", Value(std::move(page))}};
  if (end < items.size()) {
    std::string query;
    for (const auto& [k, v] : req.query)
      if (!iequals(k, "$skiptoken")) query += (query.empty() ? "" : "&") + milink::sdk::url_encode(k) + "=" + milink::sdk::url_encode(v);
    body.set("nextLink", Value(req.base_url() + req.raw_path + "?" + query + (query.empty() ? "" : "&") +
                               "%24skiptoken=" + std::to_string(end)));
  }
  resp.json(200, Value(std::move(body)));
}

// --- emulator control -------------------------------------------------------------------

void ArmService::faults_post(http::Request& req, http::Response& resp) {
  if (!req.from_loopback()) {
    resp.json(403, error_body("Forbidden", "The emulator's control routes answer loopback clients only."));
    return;
  }
  if (!faults_) {
    resp.json(501, error_body("NotImplemented", "This emulator runs without a fault plan."));
    return;
  }
  std::string spec = trim(req.body);
  if (!spec.empty() && (spec.front() == '{' || spec.front() == '"')) {
    try {
      Value v = milink::sdk::parse_json(spec, "<faults>");
      if (v.is_string()) spec = v.as_string();
      else if (const Value* s = v.get("spec"); s && s->is_string()) spec = s->as_string();
    } catch (const std::exception&) {
    }
  }
  try {
    faults_->set(spec);
  } catch (const std::exception& e) {
    resp.json(400, error_body("InvalidFaultSpec", e.what()));
    return;
  }
  resp.json(200, Value(Object{{"spec", Value(faults_->spec())}}));
}

void ArmService::workload_post(http::Request& req, http::Response& resp) {
  if (!req.from_loopback()) {
    resp.json(403, error_body("Forbidden", "The emulator's control routes answer loopback clients only."));
    return;
  }
  Value body;
  try {
    body = milink::sdk::parse_json(req.body, "<workload>");
  } catch (const std::exception& e) {
    resp.json(400, error_body("InvalidWorkload", std::string("The body is not JSON: ") + e.what()));
    return;
  }
  const Value* db = body.get("database");
  const Value* rate = body.get("log_bytes_per_second");
  const Value* server = body.get("server");
  std::string server_name = server && server->is_string() ? server->as_string() : "sql_server";
  if (!db || !db->is_string() || !rate || !rate->is_number() || rate->as_double() < 0 ||
      (server_name != "sql_server" && server_name != "managed_instance")) {
    resp.json(400, error_body("InvalidWorkload",
                              "Expected {\"server\": \"sql_server\"|\"managed_instance\" (default sql_server), "
                              "\"database\": NAME, \"log_bytes_per_second\": N >= 0}."));
    return;
  }
  if (!simulator_) {
    resp.json(501, error_body("NotImplemented", "This emulator runs without the link simulator."));
    return;
  }
  Personality p = server_name == "sql_server" ? Personality::SqlServer : Personality::ManagedInstance;
  auto lock = world_.lock();
  advance_locked();
  if (!simulator_->set_workload(p, db->as_string(), rate->as_double())) {
    resp.json(404, error_body("DatabaseNotFound", "The " + server_name + " has no user database '" + db->as_string() + "'."));
    return;
  }
  resp.json(200, Value(Object{{"server", Value(server_name)},
                              {"database", Value(db->as_string())},
                              {"log_bytes_per_second", Value(rate->as_double())}}));
}

void ArmService::endpoint_certificate_post(http::Request& req, http::Response& resp) {
  if (!req.from_loopback()) {
    resp.json(403, error_body("Forbidden", "The emulator's control routes answer loopback clients only."));
    return;
  }
  Value body = Value(Object{});
  try {
    if (!trim(req.body).empty()) body = milink::sdk::parse_json(req.body, "<endpoint-certificate>");
  } catch (const std::exception& e) {
    resp.json(400, error_body("InvalidEndpointCertificateRequest", std::string("The body is not JSON: ") + e.what()));
    return;
  }
  const Value* days = body.is_object() ? body.get("valid_days") : nullptr;
  if (!body.is_object() || (days && (!days->is_number() || days->as_double() < -3650 || days->as_double() > 36500))) {
    resp.json(400, error_body("InvalidEndpointCertificateRequest",
                              "Expected {\"valid_days\": N} (-3650 to 36500; default the scenario's "
                              "endpoint_certificate_valid_days), or no body."));
    return;
  }
  auto lock = world_.lock();
  advance_locked();
  int valid = days ? static_cast<int>(days->as_double()) : world_.managed_instance.endpoint_certificate_valid_days;
  const Certificate& c = world_.rotate_instance_certificate(valid);
  resp.json(200, Value(Object{{"endpoint_type", Value("DATABASE_MIRRORING")},
                              {"thumbprint", Value("0x" + http::hex_upper(c.x509.sha1))},
                              {"not_after", Value(c.x509.not_after.to_iso())}}));
}

void ArmService::clock_post(http::Request& req, http::Response& resp) {
  if (!req.from_loopback()) {
    resp.json(403, error_body("Forbidden", "The emulator's control routes answer loopback clients only."));
    return;
  }
  const char* usage = "Expected {\"advance_days\": N} or {\"advance_seconds\": N} (0 to 36500 days ahead in all).";
  Value body;
  try {
    body = milink::sdk::parse_json(req.body, "<clock>");
  } catch (const std::exception& e) {
    resp.json(400, error_body("InvalidClockRequest", std::string("The body is not JSON: ") + e.what() + ". " + usage));
    return;
  }
  const Value* days = body.is_object() ? body.get("advance_days") : nullptr;
  const Value* secs = body.is_object() ? body.get("advance_seconds") : nullptr;
  if ((days == nullptr) == (secs == nullptr) || (days && !days->is_int()) || (secs && !secs->is_int())) {
    resp.json(400, error_body("InvalidClockRequest", usage));
    return;
  }
  const std::int64_t by = days ? days->as_int() * 86400 : secs->as_int();
  auto lock = world_.lock();
  advance_locked();  // the link's state up to now, before the clock moves
  const std::int64_t lead = clock_offset_seconds() + by;
  if (by < 0 || lead > 36500LL * 86400) {
    resp.json(400, error_body("InvalidClockRequest", "The clock moves forward only, and at most 36500 days ahead. " +
                                                         std::string(usage)));
    return;
  }
  world_.advance_clock(by);
  resp.json(200, Value(Object{{"offset_seconds", Value(lead)}, {"now", Value(now_utc().to_iso())}}));
}

void ArmService::faults_get(http::Request& req, http::Response& resp) {
  if (!req.from_loopback()) {
    resp.json(403, error_body("Forbidden", "The emulator's control routes answer loopback clients only."));
    return;
  }
  resp.json(200, Value(Object{{"spec", Value(faults_ ? faults_->spec() : std::string())}}));
}

}  // namespace milink::emulator::arm
