// ARM's rules in front of every route: bearer tokens (401 + WWW-Authenticate),
// api-versions per resource type, subscription / resource group / instance
// scope (404), request ids, and the managed instance itself.
#include "armemu_support.hpp"

#include "arm/contract/contract.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

using namespace armemu;

namespace {

void check_arm_error(const Reply& r, int status, const std::string& code, const std::string& message) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.error_code() == code);
  CHECK(r.error_message() == message);
  CHECK_FALSE(r.header("x-ms-request-id").empty());
  CHECK_FALSE(r.header("x-ms-correlation-request-id").empty());
}

}  // namespace

TEST_CASE("ARM refuses missing, malformed, forged, expired and wrong-audience tokens with 401", "[armemu][arm][auth]") {
  Env& e = env();
  const std::string path = e.mi_path();

  Reply r = e.arm("GET", path, "2025-01-01", {}, "-");
  check_arm_error(r, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  CHECK(r.header("WWW-Authenticate") ==
        "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\", "
        "error_description=\"The authentication failed because of missing 'Authorization' header.\"");

  r = https(e.azure->arm_port(), "GET", path + "?api-version=2025-01-01", {}, {{"Authorization", "Basic dXNlcjpwdw=="}},
            e.ca_file);
  check_arm_error(r, 401, "AuthenticationFailedInvalidHeader",
                  "Authentication failed. The 'Authorization' header is provided in an invalid format.");
  CHECK(r.header("WWW-Authenticate").rfind("Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\"", 0) == 0);

  r = e.arm("GET", path, "2025-01-01", {}, "not-a-jwt");
  check_arm_error(r, 401, "InvalidAuthenticationToken", "The access token is invalid.");
  CHECK(r.header("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);

  // Entra's claims, signed by a key Entra never had.
  TestCert forger = make_cert("forger");
  Value header = jwt_part(e.azure->mint_token(), 0);  // the emulator's kid and x5t
  REQUIRE(header.get("kid"));
  Object claims{{"aud", Value("https://management.azure.com/")},
                {"iss", Value("https://sts.windows.net/" + e.azure->tenant_id() + "/")},
                {"tid", Value(e.azure->tenant_id())},
                {"iat", Value(now_s())},
                {"nbf", Value(now_s())},
                {"exp", Value(now_s() + 3600)},
                {"ver", Value("1.0")}};
  std::string forged = sign_jwt(header.as_object(), claims, forger.private_key_pem, "RS256");
  r = e.arm("GET", path, "2025-01-01", {}, forged);
  check_arm_error(r, 401, "InvalidAuthenticationToken", "The access token is invalid.");

  r = e.arm("GET", path, "2025-01-01", {}, e.azure->mint_expired_token());
  INFO(r.body);
  CHECK(r.status == 401);
  CHECK(r.error_code() == "ExpiredAuthenticationToken");
  std::regex expired(R"(The access token expiry UTC time '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d (AM|PM)' is earlier )"
                     R"(than current UTC time '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d (AM|PM)'\.)");
  CHECK(std::regex_match(r.error_message(), expired));
  CHECK(r.header("WWW-Authenticate").find(r.error_message()) != std::string::npos);

  r = e.arm("GET", path, "2025-01-01", {}, e.azure->mint_wrong_audience_token());
  check_arm_error(r, 401, "InvalidAuthenticationTokenAudience",
                  "The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'. It "
                  "should exactly match with one of the allowed audiences 'https://management.core.windows.net/',"
                  "'https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.");

  // A token from another tenant than the subscription's.
  milink::emulator::MintRequest other;
  other.tenant_id = "22222222-2222-2222-2222-222222222222";
  r = e.arm("GET", path, "2025-01-01", {}, e.azure->mint_token(other));
  INFO(r.body);
  CHECK(r.status == 401);
  CHECK(r.error_code() == "InvalidAuthenticationTokenTenant");
  CHECK(r.error_message().rfind("The access token is from the wrong issuer 'https://sts.windows.net/"
                                "22222222-2222-2222-2222-222222222222/'. It must match the tenant 'https://sts.windows.net/" +
                                    e.azure->tenant_id() + "/' associated with this subscription.",
                                0) == 0);
  // Audiences ARM accepts, all four.
  for (const char* aud : {"https://management.core.windows.net/", "https://management.core.windows.net",
                          "https://management.azure.com/", "https://management.azure.com"}) {
    milink::emulator::MintRequest m;
    m.audience = aud;
    CHECK(e.arm("GET", path, "2025-01-01", {}, e.azure->mint_token(m)).status == 200);
  }
}

TEST_CASE("GET of the managed instance answers the scenario's update policy (databaseFormat) in the versions that have it",
          "[armemu][arm][database-format]") {
  Env& e = env();
  auto format = [&](const std::string& version) -> std::string {
    Reply r = e.arm("GET", e.mi_path(), version);
    INFO(version << " " << r.body);
    REQUIRE(r.status == 200);
    const Value body = r.json();  // kept: get() points into it
    const Value* f = body.get("properties")->get("databaseFormat");
    return f ? f->as_string() : "(absent)";
  };
  CHECK(format("2025-01-01") == "SQLServer2022");  // the scenario's default
  for (const char* policy : {"AlwaysUpToDate", "SQLServer2025", "SQLServer2022"}) {
    {
      auto lock = e.world.lock();
      e.world.managed_instance.database_format = policy;
    }
    for (const char* version : {"2023-05-01-preview", "2023-08-01-preview", "2024-11-01-preview", "2025-01-01",
                                "2025-08-01-preview", "2026-08-01-preview"})
      CHECK(format(version) == policy);
    // Versions whose instance has no update policy do not answer it.
    for (const char* version : {"2021-05-01-preview", "2022-08-01-preview", "2023-02-01-preview", "2023-08-01"})
      CHECK(format(version) == "(absent)");
  }
}

TEST_CASE("GET of the managed instance -- every ARM response carries x-ms-request-id and x-ms-correlation-request-id", "[armemu][arm]") {
  Env& e = env();
  {
  Reply r = e.arm("GET", e.mi_path(), "2025-01-01");
  INFO(r.body);
  REQUIRE(r.status == 200);
  Value v = r.json();
  CHECK(v.get("id")->as_string() == e.mi_path());
  CHECK(v.get("name")->as_string() == e.azure->managed_instance_name());
  CHECK(v.get("type")->as_string() == "Microsoft.Sql/managedInstances");
  CHECK(v.get("location")->as_string() == "westeurope");
  const Value* p = v.get("properties");
  REQUIRE(p);
  std::string fqdn, collation;
  {
    auto lock = e.world.lock();
    fqdn = e.world.managed_instance.fqdn;
    collation = e.world.managed_instance.collation;
  }
  CHECK(p->get("fullyQualifiedDomainName")->as_string() == fqdn);
  CHECK(p->get("state")->as_string() == "Ready");
  CHECK(p->get("provisioningState")->as_string() == "Succeeded");
  CHECK(p->get("collation")->as_string() == collation);
  CHECK(v.get("sku")->get("tier")->as_string() == "GeneralPurpose");
  for (const char* version : {"2021-05-01-preview", "2021-11-01-preview", "2025-08-01-preview"})
    CHECK(e.arm("GET", e.mi_path(), version).status == 200);
  }
  Reply a = e.arm("GET", e.mi_path(), "2025-01-01");
  Reply b = e.arm("GET", e.mi_path(), "2025-01-01");
  REQUIRE(a.status == 200);
  CHECK(std::regex_match(a.header("x-ms-request-id"), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(a.header("x-ms-request-id") != b.header("x-ms-request-id"));
  CHECK(a.header("x-ms-correlation-request-id") == a.header("x-ms-request-id"));
  CHECK(a.header("x-ms-ratelimit-remaining-subscription-reads") == "11999");
  Reply c = e.arm("GET", e.mi_path(), "2025-01-01", {}, {},
                  {{"x-ms-correlation-request-id", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}});
  CHECK(c.header("x-ms-correlation-request-id") == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  for (const Reply& r : {e.arm("GET", e.mi_path(), "2025-01-01", {}, "-"), e.arm("GET", e.mi_path(), "1999-01-01"),
                         e.arm("GET", e.mi_path() + "/distributedAvailabilityGroups/nope", "2025-01-01")}) {
    CHECK(r.status >= 400);
    CHECK_FALSE(r.header("x-ms-request-id").empty());
    CHECK_FALSE(r.header("x-ms-correlation-request-id").empty());
  }
}

TEST_CASE("api-version: missing, malformed, and not one of the resource type's published versions", "[armemu][arm][api-version]") {
  Env& e = env();
  const std::string dags = e.mi_path() + "/distributedAvailabilityGroups";
  const auto& contract = milink::emulator::arm::arm_contract();
  auto listed = [&](const std::string& type, bool newest_first) {
    auto v = contract.versions_for_type(type);
    if (newest_first) std::reverse(v.begin(), v.end());
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : newest_first ? "," : ", ") + s;
    return out;
  };
  const std::string dag_type = "managedInstances/distributedAvailabilityGroups";
  check_arm_error(e.arm("GET", dags, ""), 400, "MissingApiVersionParameter",
                  "The api-version query parameter (?api-version=) is required for all requests.");
  check_arm_error(e.arm("GET", dags, "2025-1-1"), 400, "InvalidApiVersionParameter",
                  "The api-version '2025-1-1' is invalid. The supported versions are '" + listed(dag_type, true) + "'.");
  check_arm_error(e.arm("GET", dags, "2020-01-01"), 400, "NoRegisteredProviderFound",
                  "No registered resource provider found for location 'westeurope' and API version '2020-01-01' for type "
                  "'managedInstances/distributedAvailabilityGroups'. The supported api-versions are '" +
                      listed(dag_type, false) + "'. The supported locations are 'westeurope'.");
  CHECK(listed(dag_type, false).rfind("2021-05-01-preview, 2021-08-01-preview, 2021-11-01, 2021-11-01-preview, ", 0) == 0);
  // Each resource type has its own versions: endpoint certificates start with 2021-11-01.
  check_arm_error(e.arm("GET", e.mi_path() + "/endpointCertificates", "2021-05-01-preview"), 400, "NoRegisteredProviderFound",
                  "No registered resource provider found for location 'westeurope' and API version '2021-05-01-preview' "
                  "for type 'managedInstances/endpointCertificates'. The supported api-versions are '" +
                      listed("managedInstances/endpointCertificates", false) + "'. The supported locations are 'westeurope'.");
  // ... and each action: failover from 2023-08-01(-preview), setRole from 2022-05-01-preview.
  for (const char* v : {"2021-05-01-preview", "2022-08-01-preview", "2023-05-01-preview"}) {
    Reply r = e.arm("POST", dags + "/dag/failover", v, R"({"failoverType":"Planned"})");
    CHECK(r.error_code() == "NoRegisteredProviderFound");
    CHECK(r.error_message().find("for type 'managedInstances/distributedAvailabilityGroups/failover'") != std::string::npos);
  }
  CHECK(e.arm("POST", dags + "/dag/setRole", "2022-02-01-preview", R"({"instanceRole":"Primary","roleChangeType":"Forced"})")
            .error_code() == "NoRegisteredProviderFound");
  // Every published version works where the type has it, the official SDK's among them
  // (@azure/arm-sql: 2021-11-01-preview for links and trust certificates, 2022-08-01-preview for the instance).
  for (const std::string type : {"distributedAvailabilityGroups", "serverTrustCertificates", "endpointCertificates"})
    for (const auto& v : contract.versions_for_type("managedInstances/" + type)) {
      INFO(type << " " << v);
      CHECK(e.arm("GET", e.mi_path() + "/" + type, v).status == 200);
    }
  for (const auto& v : contract.versions_for_type("managedInstances")) CHECK(e.arm("GET", e.mi_path(), v).status == 200);
  CHECK(e.arm("GET", dags, "2021-11-01-preview").status == 200);
  CHECK(e.arm("GET", e.mi_path() + "/serverTrustCertificates", "2021-11-01-preview").status == 200);
  CHECK(e.arm("GET", e.mi_path(), "2022-08-01-preview").status == 200);
  // The token is checked first.
  CHECK(e.arm("GET", dags, "2020-01-01", {}, "-").status == 401);
}

TEST_CASE("unknown subscription, resource group, instance or child resource: 404", "[armemu][arm]") {
  Env& e = env();
  std::string sub = e.azure->subscription_id(), rg = e.azure->resource_group(), mi = e.azure->managed_instance_name();
  const std::string base = "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Sql/managedInstances/";
  check_arm_error(e.arm("GET", "/subscriptions/12345678-1234-1234-1234-123456789012/resourceGroups/" + rg +
                                   "/providers/Microsoft.Sql/managedInstances/" + mi,
                        "2025-01-01"),
                  404, "SubscriptionNotFound", "The subscription '12345678-1234-1234-1234-123456789012' could not be found.");
  check_arm_error(e.arm("GET", "/subscriptions/" + sub + "/resourceGroups/other-rg/providers/Microsoft.Sql/managedInstances/" + mi,
                        "2025-01-01"),
                  404, "ResourceGroupNotFound", "Resource group 'other-rg' could not be found.");
  check_arm_error(e.arm("GET", base + "nosuchmi", "2025-01-01"), 404, "ResourceNotFound",
                  "The Resource 'Microsoft.Sql/managedInstances/nosuchmi' under resource group '" + rg +
                      "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  check_arm_error(e.arm("GET", base + "nosuchmi/distributedAvailabilityGroups", "2025-01-01"), 404, "ResourceNotFound",
                  "The Resource 'Microsoft.Sql/managedInstances/nosuchmi' under resource group '" + rg +
                      "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  check_arm_error(e.arm("GET", base + mi + "/distributedAvailabilityGroups/nodag", "2025-01-01"), 404, "ResourceNotFound",
                  "The Resource 'Microsoft.Sql/managedInstances/" + mi + "/distributedAvailabilityGroups/nodag' under "
                  "resource group '" + rg + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  check_arm_error(e.arm("GET", base + mi + "/serverTrustCertificates/nocert", "2025-01-01"), 404, "ResourceNotFound",
                  "The Resource 'Microsoft.Sql/managedInstances/" + mi + "/serverTrustCertificates/nocert' under "
                  "resource group '" + rg + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  // ARM paths and names are case-insensitive.
  std::string upper = "/SUBSCRIPTIONS/" + sub + "/resourcegroups/" + rg + "/PROVIDERS/microsoft.sql/MANAGEDINSTANCES/";
  for (auto& c : mi) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(e.arm("GET", upper + mi, "2025-01-01").status == 200);
  // Unknown types and methods.
  check_arm_error(e.arm("GET", base + e.azure->managed_instance_name() + "/widgets", "2025-01-01"), 400, "InvalidResourceType",
                  "The resource type 'managedInstances/widgets' could not be found in the namespace 'Microsoft.Sql' "
                  "for api version '2025-01-01'.");
  check_arm_error(e.arm("PATCH", base + e.azure->managed_instance_name() + "/serverTrustCertificates/x", "2025-01-01", "{}"),
                  405, "MethodNotAllowed", "The requested resource does not support http method 'PATCH'.");
}
