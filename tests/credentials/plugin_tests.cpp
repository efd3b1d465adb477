// The plugin itself: where it lands, what it registers, which parameters are secret.
#include "cred_support.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace credtest;

TEST_CASE("the credentials plugin lands in the bundled plugin directory and registers seven providers",
          "[credentials]") {
  REQUIRE(plugin_file().parent_path() == bundled_plugin_dir());
  REQUIRE(std::filesystem::exists(plugin_file()));

  milink::host::Registry r;
  r.load_directory(bundled_plugin_dir());
  const milink::host::Registry::ProviderEntry* any = nullptr;
  for (const char* name : {"azure-cli", "client-secret", "client-certificate", "workload-identity", "managed-identity",
                           "environment", "static-token"}) {
    const auto* e = r.find_provider("credential", name);
    REQUIRE(e != nullptr);
    CHECK(e->plugin->path == plugin_file());
    CHECK(std::string(e->plugin->info->name) == "milink-credentials");
    CHECK(std::string(e->plugin->info->version) == "1.0.0");
    any = e;
  }
  CHECK(any->plugin->providers.size() == 7);
}

TEST_CASE("secret parameters are marked secret and nothing else is", "[credentials]") {
  std::set<std::pair<std::string, std::string>> secret;
  for (const auto& [kind, name] : registry().provider_names()) {
    const auto* e = registry().find_provider(kind, name);
    REQUIRE(e != nullptr);
    CHECK(kind == "credential");
    CHECK_FALSE(e->factory->spec().summary.empty());
    for (const auto& p : e->factory->spec().params)
      if (p.secret) secret.insert({name, p.name});
  }
  CHECK(secret == std::set<std::pair<std::string, std::string>>{{"client-secret", "client_secret"},
                                                               {"client-certificate", "certificate_password"}});

  const auto& cs = registry().find_provider("credential", "client-secret")->factory->spec();
  REQUIRE(cs.param("client_id") != nullptr);
  CHECK(cs.param("client_id")->required);
  CHECK(cs.param("client_secret")->required);
  CHECK_FALSE(cs.param("tenant_id")->required);
  const auto& mi = registry().find_provider("credential", "managed-identity")->factory->spec();
  CHECK(mi.param("source")->choices == std::vector<std::string>{"auto", "imds", "app-service", "arc"});
}

TEST_CASE("providers report bad parameters as a failed status, not a crash", "[credentials]") {
  Cred c = make("client-secret", Object{{"client_id", Value(kClient)}});
  CHECK_FALSE(c.status.ok);
  CHECK(c.status.message == "client_secret is required");
  CHECK(c.status.field == "client_secret");
  CHECK(c.handle.provider == nullptr);

  Cred bad_tenant = make("client-secret", Object{{"client_id", Value(kClient)},
                                                 {"client_secret", Value("s3cr3t-value")},
                                                 {"tenant_id", Value("evil/../tenant")}});
  CHECK_FALSE(bad_tenant.status.ok);
  CHECK_THAT(bad_tenant.status.message, Catch::Contains("is not a tenant ID or domain"));
  CHECK_THAT(bad_tenant.status.message, !Catch::Contains("s3cr3t-value"));

  Cred http_authority = make("client-secret", Object{{"client_id", Value(kClient)},
                                                     {"client_secret", Value("s3cr3t-value")},
                                                     {"authority_host", Value("http://login.example.com")}});
  CHECK_FALSE(http_authority.status.ok);
  CHECK_THAT(http_authority.status.message, Catch::Contains("allowed only for loopback"));
}
