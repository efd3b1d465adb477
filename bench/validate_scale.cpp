// Parses and validates workflows of N steps (each reading the previous
// step's output) with the test plugins, and prints the time of each phase.
// Validation must grow linearly with N: it used to copy the scope for every
// step (20,000 steps took 18 s).
//
//   build/bin/bench_validate_scale [N ...]   (default: 1000 5000 20000 50000)

#include "plugin_host/registry.hpp"
#include "test_support.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::string workflow(int n) {
  std::string steps;
  for (int i = 0; i < n; ++i) {
    const std::string read = i == 0 ? "x" : "${{ steps.s" + std::to_string(i - 1) + ".outputs.echo }}";
    if (i) steps += ",\n";
    steps += "{ \"id\": \"s" + std::to_string(i) + "\", \"uses\": \"test.record\", \"with\": { \"message\": \"" + read +
             "\" } }";
  }
  return "{ \"milink\": 1, \"name\": \"scale\", \"steps\": [\n" + steps + "\n] }";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 5000, 20000, 50000};
  milink::host::Registry registry;
  registry.load_directory(testsupport::test_plugin_dir());
  std::printf("| steps | parse | validate |\n|---|---|---|\n");
  for (int n : sizes) {
    const std::string text = workflow(n);
    auto t0 = std::chrono::steady_clock::now();
    auto wf = milink::workflow::parse_workflow_text(text, "scale.json");
    const double parse = seconds_since(t0);
    auto t1 = std::chrono::steady_clock::now();
    milink::workflow::validate(wf, milink::workflow::empty_config(), registry, {});
    const double validate = seconds_since(t1);
    std::printf("| %d | %.3f s | %.3f s |\n", n, parse, validate);
  }
  return 0;
}
