// The configs the documentation shows are configs milink accepts: each JSON
// block marked <!-- milink-config --> in docs/*.md is written to a file and
// validated with `milink validate` against the bundled workflows, with the
// environment variables and files it references provided.
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using milink::sdk::Value;

namespace {

struct DocConfig {
  std::string where;  ///< "docs/real-azure.md:123"
  std::string json;
};

/// Every ```json block that directly follows a <!-- milink-config --> line.
std::vector<DocConfig> marked_configs(const fs::path& file, const std::string& shown_as) {
  std::vector<DocConfig> out;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  bool marked = false;
  while (std::getline(in, line)) {
    ++n;
    if (line == "<!-- milink-config -->") {
      marked = true;
      continue;
    }
    if (marked && line == "```json") {
      DocConfig c{shown_as + ":" + std::to_string(n), ""};
      while (std::getline(in, line) && line != "```") {
        ++n;
        c.json += line + "\n";
      }
      ++n;
      out.push_back(std::move(c));
    }
    marked = false;
  }
  return out;
}

/// Every {"from_env": NAME} and {"from_file": PATH} in \p v.
void secret_refs(const Value& v, std::set<std::string>& envs, std::set<std::string>& files) {
  if (v.is_object()) {
    if (const Value* e = v.as_object().find("from_env"); e && e->is_string()) envs.insert(e->as_string());
    if (const Value* f = v.as_object().find("from_file"); f && f->is_string()) files.insert(f->as_string());
    for (const auto& [k, child] : v.as_object()) secret_refs(child, envs, files);
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) secret_refs(child, envs, files);
  }
}

}  // namespace

TEST_CASE("every config shown in the docs validates against the bundled workflows", "[docs]") {
  fs::path source(MILINK_SOURCE_DIR);
  std::vector<DocConfig> configs;
  for (const auto& e : fs::directory_iterator(source / "docs"))
    if (e.path().extension() == ".md") {
      auto found = marked_configs(e.path(), "docs/" + e.path().filename().string());
      configs.insert(configs.end(), found.begin(), found.end());
    }
  REQUIRE_FALSE(configs.empty());

  std::set<std::string> providers_shown;
  for (const auto& c : configs) {
    INFO(c.where);
    Value parsed = milink::sdk::parse_json(c.json, c.where);
    std::set<std::string> envs, files;
    secret_refs(parsed, envs, files);
    if (const Value* providers = parsed.as_object().find("providers"))
      for (const auto& [name, instance] : providers->as_object())
        providers_shown.insert(instance.as_object().find("use")->as_string());

    testsupport::TempDir dir;
    testsupport::write_file(dir / "config.json", c.json);
    std::map<std::string, std::string> env;
    for (const auto& name : envs) env[name] = "doc-test-value";
    for (const auto& file : files) testsupport::write_file(dir / file, "doc-test-value\n");
    for (const char* workflow : {"replicate-database.json", "replicate-databases.json"}) {
      INFO(workflow);
      auto r = testsupport::run({testsupport::milink_binary().string(), "validate",
                                 (source / "workflows" / workflow).string(), "-c", (dir / "config.json").string()},
                                dir.path(), env);
      INFO(r.out << r.err);
      CHECK(r.exit_code == 0);
    }
  }
  // docs/real-azure.md shows a complete config for every bundled credential provider.
  for (const char* provider : {"client-secret", "client-certificate", "azure-cli", "managed-identity",
                               "workload-identity", "environment", "static-token"}) {
    INFO(provider);
    CHECK(providers_shown.count(provider) == 1);
  }
}

TEST_CASE("the docs test notices a config milink refuses", "[docs]") {
  // The same check, on a config with a typo, fails: the test above cannot pass vacuously.
  testsupport::TempDir dir;
  testsupport::write_file(dir / "config.json", R"({"milink_config": 1, "sqlserver": {"nmae": "x"}})");
  auto r = testsupport::run({testsupport::milink_binary().string(), "validate",
                             (fs::path(MILINK_SOURCE_DIR) / "workflows/replicate-database.json").string(), "-c",
                             (dir / "config.json").string()},
                            dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nmae") != std::string::npos);
}
