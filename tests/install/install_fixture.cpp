#include "install_fixture.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace installtest {

testsupport::ProcessResult sh(const std::vector<std::string>& argv, const fs::path& cwd,
                              const std::map<std::string, std::string>& env) {
  auto r = testsupport::run(argv, cwd, env);
  std::string cmd;
  for (const auto& a : argv) cmd += a + " ";
  UNSCOPED_INFO("$ " << cmd << "\nexit " << r.exit_code << "\n"
                     << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0) << "\n"
                     << r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0));
  return r;
}

const fs::path& installed_prefix() {
  static testsupport::TempDir dir;
  static const fs::path prefix = [] {
    fs::path p = dir / "prefix";
    auto r = sh({MILINK_CMAKE_COMMAND, "--install", MILINK_BUILD_DIR, "--prefix", p.string()}, dir.path());
    REQUIRE(r.exit_code == 0);
    return p;
  }();
  return prefix;
}

std::vector<std::pair<std::string, std::string>> listed_steps(const fs::path& milink,
                                                              const std::vector<std::string>& extra) {
  std::vector<std::string> argv{milink.string(), "plugins", "list", "--output", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = sh(argv, milink.parent_path());
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, std::string>> out;
  milink::sdk::Value v = milink::sdk::parse_json(r.out, "plugins list");
  for (const auto& p : v.get("plugins")->as_array())
    for (const auto& s : p.get("steps")->as_array())
      out.emplace_back(s.get("uses")->as_string(), p.get("file")->as_string());
  return out;
}

const std::vector<std::string>& bundled_steps() {
  static const std::vector<std::string> steps = testsupport::read_list(MILINK_SOURCE_DIR "/plugins/bundled-steps.txt");
  return steps;
}

}  // namespace installtest
