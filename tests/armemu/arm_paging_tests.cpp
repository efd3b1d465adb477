// ARM list operations in pages (scenario "arm.page_size"): the emulator answers
// at most page_size items and a nextLink to the rest, as ARM does for long
// lists; a client that reads only the first page misses the others.
#include "armemu_support.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace armemu;

namespace {

std::string cert_body(const TestCert& c) {
  return Value(Object{{"properties", Value(Object{{"publicBlob", Value("0x" + hex(c.der))}})}}).to_json();
}

/// Sets the world's page size for one test case and puts it back after.
struct PageSize {
  Env& e;
  explicit PageSize(Env& env, int size) : e(env) {
    auto lock = e.world.lock();
    e.world.azure.list_page_size = size;
  }
  ~PageSize() {
    auto lock = e.world.lock();
    e.world.azure.list_page_size = 0;
  }
};

}  // namespace

TEST_CASE("ARM lists answer in pages of arm.page_size with a nextLink to the rest", "[armemu][arm][paging]") {
  Env& e = env();
  const std::string list = e.mi_path() + "/serverTrustCertificates";
  std::set<std::string> names;
  for (int i = 0; i < 5; ++i) {
    std::string name = "PagedCert" + std::to_string(i);
    Reply put = e.arm("PUT", list + "/" + name, "2025-01-01", cert_body(make_cert("paged " + std::to_string(i))));
    REQUIRE(put.status == 202);
    REQUIRE(e.poll_async(put.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
    names.insert(name);
  }
  PageSize paged(e, 2);

  // Page after page: 2, 2, then the last with no nextLink; every name once.
  std::set<std::string> seen;
  std::vector<std::size_t> sizes;
  Reply page = e.arm("GET", list, "2025-01-01");
  for (int guard = 0; guard < 10; ++guard) {
    INFO(page.body);
    REQUIRE(page.status == 200);
    Value body = page.json();
    sizes.push_back(body.get("value")->as_array().size());
    for (const auto& item : body.get("value")->as_array()) CHECK(seen.insert(item.get("name")->as_string()).second);
    const Value* next = body.get("nextLink");
    if (next == nullptr) break;
    // Under the ARM endpoint, with the request's api-version kept.
    CHECK(next->as_string().rfind("https://127.0.0.1:" + std::to_string(e.azure->arm_port()) + list + "?", 0) == 0);
    CHECK(next->as_string().find("api-version=2025-01-01") != std::string::npos);
    page = e.arm("GET", e.local_target(next->as_string()), "");
  }
  CHECK(seen.size() >= names.size());
  for (const auto& n : names) CHECK(seen.count(n) == 1);
  REQUIRE(sizes.size() >= 3);
  CHECK(sizes.front() == 2);
  CHECK(sizes.back() <= 2);

  // Without paging: one page, no nextLink.
  {
    auto lock = e.world.lock();
    e.world.azure.list_page_size = 0;
  }
  Value whole = e.arm("GET", list, "2025-01-01").json();
  CHECK(whole.get("value")->as_array().size() == seen.size());
  CHECK(whole.get("nextLink") == nullptr);

  for (const auto& n : names) e.arm("DELETE", list + "/" + n, "2025-01-01");
}

TEST_CASE("ARM lists refuse a skip token they did not hand out", "[armemu][arm][paging]") {
  Env& e = env();
  PageSize paged(e, 1);
  const std::string list = e.mi_path() + "/distributedAvailabilityGroups";
  for (const char* token : {"abc", "-1", "99999"}) {
    Reply r = e.arm("GET", list + "?api-version=2025-01-01&%24skiptoken=" + token, "");
    INFO(token << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(r.error_code() == "InvalidSkipToken");
    CHECK(r.error_message() == std::string("The skip token '") + token + "' is not valid.");
  }
}
