// milink::sdk::list_all: an ARM list read to its last page through nextLink,
// with the bearer token on every page; a nextLink that leaves the ARM
// endpoint, one that comes back, and a failing page are refused by name.
#include "arm_fixture.hpp"

#include <catch2/catch.hpp>

using namespace armtest;
using milink::sdk::ArmError;
using milink::sdk::Value;

namespace {

constexpr const char* kList =
    "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Sql/managedInstances/mi-1/distributedAvailabilityGroups";

/// A page of \p names, with a nextLink to \p next when it is not empty.
Reply page(std::initializer_list<const char*> names, const std::string& next) {
  std::string items;
  for (const char* n : names) items += std::string(items.empty() ? "" : ",") + R"({"name":")" + n + R"("})";
  return Reply::json(200, R"({"value":[)" + items + "]" + (next.empty() ? "" : R"(,"nextLink":")" + next + "\"") + "}");
}

}  // namespace

TEST_CASE("list_all follows nextLink to the last page, with the token on every page", "[arm][list]") {
  std::string base;
  Rig rig([&](const Exchange& ex) {
    if (ex.target == std::string(kList) + "?api-version=" + kApi) return page({"a", "b"}, base + kList + "?api-version=2025-01-01&%24skiptoken=2");
    if (ex.target == std::string(kList) + "?api-version=2025-01-01&%24skiptoken=2")
      return page({"c", "d"}, base + kList + "?api-version=2025-01-01&%24skiptoken=4");
    if (ex.target == std::string(kList) + "?api-version=2025-01-01&%24skiptoken=4") return page({"e"}, "");
    return Reply::json(404, R"({"error":{"code":"NotFound","message":"no such page"}})");
  });
  base = rig.arm.base();
  auto c = rig.client();
  std::vector<Value> items;
  ArmError err;
  REQUIRE(milink::sdk::list_all(*c, kList, kApi, items, err));
  std::vector<std::string> names;
  for (const auto& v : items) names.push_back(v.get("name")->as_string());
  CHECK(names == std::vector<std::string>{"a", "b", "c", "d", "e"});
  auto seen = rig.arm.requests();
  REQUIRE(seen.size() == 3);
  for (const auto& r : seen) CHECK(r.header("authorization") == "Bearer " + FakeCredential::token_for(1));
  // The nextLink is sent as given: its api-version is not added twice.
  CHECK(seen[1].target == std::string(kList) + "?api-version=2025-01-01&%24skiptoken=2");
}

TEST_CASE("list_all refuses a nextLink outside the ARM endpoint, one that comes back, and a failing page", "[arm][list]") {
  std::string base;
  std::string second;  // what the first page's nextLink points at
  Rig rig([&](const Exchange& ex) {
    if (ex.path() == kList && ex.target.find("skiptoken") == std::string::npos) return page({"a"}, second);
    if (ex.target.find("skiptoken=loop") != std::string::npos) return page({"b"}, second);
    return Reply::json(500, R"({"error":{"code":"InternalServerError","message":"page two broke"}})");
  });
  base = rig.arm.base();
  auto c = rig.client();

  SECTION("another host: never followed, so the token never goes there") {
    second = "https://attacker.example" + std::string(kList) + "?api-version=2025-01-01&%24skiptoken=2";
    std::vector<Value> items;
    ArmError err;
    CHECK_FALSE(milink::sdk::list_all(*c, kList, kApi, items, err));
    CHECK(err.message == "the list's nextLink \"" + second + "\" is not under the ARM endpoint " + base +
                             "; milink follows only links to the configured ARM endpoint");
    CHECK(items.size() == 1);
    CHECK(rig.arm.requests().size() == 1);
  }
  SECTION("a nextLink that comes back: stopped, not read forever") {
    second = base + kList + "?api-version=2025-01-01&%24skiptoken=loop";
    std::vector<Value> items;
    ArmError err;
    CHECK_FALSE(milink::sdk::list_all(*c, kList, kApi, items, err));
    CHECK(err.message == "the list's nextLink \"" + second +
                             "\" came back a second time; stopped after 2 pages instead of reading the list forever");
    CHECK(rig.arm.requests().size() == 2);
  }
  SECTION("a page that fails: ARM's error, after the client's retries") {
    second = base + kList + "?api-version=2025-01-01&%24skiptoken=broken";
    std::vector<Value> items;
    ArmError err;
    CHECK_FALSE(milink::sdk::list_all(*c, kList, kApi, items, err));
    CHECK(err.status == 500);
    CHECK(err.code == "InternalServerError");
    CHECK_THAT(err.message, Catch::StartsWith("page two broke (Azure Resource Manager unavailable: retried"));
  }
}
