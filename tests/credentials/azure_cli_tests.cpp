// azure-cli: a fake `az` script on PATH records its arguments and prints
// what the real one prints (or fails the way it fails).
#include "cred_support.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <thread>

using namespace credtest;
using Catch::Contains;
using Catch::StartsWith;

namespace {

struct FakeAz {
  testsupport::TempDir dir;
  EnvGuard env;
  std::filesystem::path args_file;
  FakeAz() {
    args_file = dir / "args.txt";
    env.set("PATH", dir.path().string() + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"));
  }
  /// az that records "$@" one per line, prints \p out on stdout, \p err on stderr, exits \p code.
  void script(const std::string& out, const std::string& err = "", int code = 0, const std::string& name = "az") {
    write_script(dir / name, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args_file.string() + "'\ncat <<'JSON'\n" + out +
                                 "\nJSON\n" + (err.empty() ? "" : "cat >&2 <<'ERR'\n" + err + "\nERR\n") + "exit " +
                                 std::to_string(code) + "\n");
  }
  std::vector<std::string> args() const {
    std::vector<std::string> out;
    std::string all = testsupport::read_file(args_file), line;
    for (char ch : all) {
      if (ch == '\n') {
        out.push_back(line);
        line.clear();
      } else {
        line += ch;
      }
    }
    return out;
  }
};

const std::string kCliJson = R"({
  "accessToken": "cli-access-token-abc",
  "expiresOn": "2030-01-01 00:00:00.000000",
  "expires_on": 1893456000,
  "subscription": "00000000-1111-2222-3333-444444444444",
  "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47",
  "tokenType": "Bearer"
})";

}  // namespace

TEST_CASE("azure-cli runs az account get-access-token with the exact arguments", "[credentials][azure-cli]") {
  FakeAz az;
  az.script(kCliJson);
  Cred c = make("azure-cli");
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE(g.ok);
  CHECK(g.token.token == "cli-access-token-abc");
  CHECK(g.token.expires_on == 1893456000);  // expires_on wins over the local expiresOn
  CHECK(az.args() == std::vector<std::string>{"account", "get-access-token", "--resource",
                                              "https://management.azure.com/", "--tenant", kTenant, "--output",
                                              "json"});
  CHECK(http.count() == 0);

  SECTION("without a tenant there is no --tenant") {
    TokenRequest req;
    REQUIRE(get(*c, http, req).ok);
    CHECK(az.args() == std::vector<std::string>{"account", "get-access-token", "--resource",
                                                "https://management.azure.com/", "--output", "json"});
  }
  SECTION("tenant_id and az_path parameters") {
    az.script(kCliJson, "", 0, "my-az");
    Cred p = make("azure-cli", Object{{"tenant_id", Value("contoso.onmicrosoft.com")},
                                      {"az_path", Value((az.dir / "my-az").string())}});
    REQUIRE(p.status.ok);
    TokenRequest req = default_request();
    req.resource = "https://management.usgovcloudapi.net/";
    REQUIRE(get(*p, http, req).ok);
    CHECK(az.args() == std::vector<std::string>{"account", "get-access-token", "--resource",
                                                "https://management.usgovcloudapi.net/", "--tenant",
                                                "contoso.onmicrosoft.com", "--output", "json"});
  }
}

TEST_CASE("azure-cli reads older az's local-time expiresOn", "[credentials][azure-cli]") {
  FakeAz az;
  az.script(R"({"accessToken":"old-az","expiresOn":"2031-06-15 12:34:56.789012","tokenType":"Bearer"})");
  Cred c = make("azure-cli");
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE(g.ok);
  std::tm tm{};
  tm.tm_year = 2031 - 1900;
  tm.tm_mon = 5;
  tm.tm_mday = 15;
  tm.tm_hour = 12;
  tm.tm_min = 34;
  tm.tm_sec = 56;
  tm.tm_isdst = -1;
  CHECK(g.token.expires_on == static_cast<std::int64_t>(std::mktime(&tm)));
}

TEST_CASE("azure-cli reports az's error line and the remedy", "[credentials][azure-cli]") {
  FakeAz az;
  az.script("", "WARNING: A few things first\nERROR: Please run 'az login' to setup account.\nmore detail", 1);
  Cred c = make("azure-cli");
  REQUIRE(c.status.ok);
  FakeHttp http;
  Got g = get(*c, http);
  REQUIRE_FALSE(g.ok);
  CHECK(g.error == "the Azure CLI could not get a token (az exited with 1): ERROR: Please run 'az login' to setup "
                   "account.; run `az login --tenant " + std::string(kTenant) +
                       "` as the user that runs milink, then retry");

  az.script("", "Something unexpected happened", 2);
  g = get(*c, http);
  CHECK(g.error == "the Azure CLI could not get a token (az exited with 2): Something unexpected happened; run `az "
                   "account get-access-token --resource https://management.azure.com/ --tenant " +
                       std::string(kTenant) + "` yourself to see the whole error");
}

TEST_CASE("azure-cli: az missing, hanging, or printing something else", "[credentials][azure-cli]") {
  FakeAz az;
  FakeHttp http;
  SECTION("not on PATH") {
    az.env.set("PATH", (az.dir / "empty").string());
    Cred c = make("azure-cli");
    REQUIRE(c.status.ok);
    Got g = get(*c, http);
    CHECK(g.error == "the Azure CLI (az) was not found on PATH; install it (https://aka.ms/installazurecli) and run "
                     "`az login`, set az_path, or choose another credential provider");
  }
  SECTION("hangs past timeout_seconds") {
    write_script(az.dir / "az", "#!/bin/sh\nsleep 10\necho '{}'\n");
    Cred c = make("azure-cli", Object{{"timeout_seconds", Value(1)}});
    REQUIRE(c.status.ok);
    auto start = std::chrono::steady_clock::now();
    Got g = get(*c, http);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(g.ok);
    CHECK_THAT(g.error, StartsWith("`az account get-access-token --resource https://management.azure.com/ --tenant " +
                                   std::string(kTenant) + "` did not finish within 1 s and was stopped"));
    CHECK(took < std::chrono::seconds(5));
  }
  SECTION("a helper az leaves running with our pipes open does not hold us up") {
    write_script(az.dir / "az", "#!/bin/sh\nsleep 3 &\ncat <<'JSON'\n" + kCliJson + "\nJSON\n");
    Cred c = make("azure-cli", Object{{"timeout_seconds", Value(20)}});
    auto start = std::chrono::steady_clock::now();
    Got g = get(*c, http);
    CHECK(g.ok);
    CHECK(g.token.token == "cli-access-token-abc");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
  }
  SECTION("not JSON: the output is not echoed (it might hold a token)") {
    az.script("token=very-secret-token-value");
    Cred c = make("azure-cli");
    Got g = get(*c, http);
    REQUIRE_FALSE(g.ok);
    CHECK_THAT(g.error, Contains("printed something that is not the expected JSON"));
    CHECK_THAT(g.error, !Contains("very-secret-token-value"));
  }
  SECTION("a resource az would take for an option is refused") {
    az.script(kCliJson);
    Cred c = make("azure-cli");
    TokenRequest req = default_request();
    req.resource = "--debug";
    Got g = get(*c, http, req);
    CHECK(g.error == "the resource '--debug' cannot be passed to az");
  }
}

TEST_CASE("azure-cli serves several threads at once", "[credentials][azure-cli]") {
  FakeAz az;
  write_script(az.dir / "az", "#!/bin/sh\ncat <<'JSON'\n" + kCliJson + "\nJSON\n");
  Cred c = make("azure-cli");
  REQUIRE(c.status.ok);
  FakeHttp http;
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        AccessToken tok;
        std::string err;
        if (c->get_token(default_request(), http, tok, err) && tok.token == "cli-access-token-abc") ++ok[t];
      }
    });
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>{3, 3, 3, 3});
}
