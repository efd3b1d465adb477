#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"

#include <iostream>

namespace milink::cli {

int validate_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  opts.config_required = false;
  std::string output;
  po::options_description desc("milink validate options");
  add_common_options(desc, opts, output);
  desc.add_options()("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file");
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink validate WORKFLOW [-c CONFIG] [--set k=v]...", args, desc, pos, vm, code)) return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;
  std::size_t n = 0;
  std::function<void(const std::vector<milink::workflow::StepDef>&)> count =
      [&](const std::vector<milink::workflow::StepDef>& steps) {
        for (const auto& s : steps) {
          ++n;
          count(s.steps);
        }
      };
  count(session->workflow.steps);
  if (opts.json)
    std::cout << "{\"event\":\"valid\",\"workflow\":" << milink::sdk::Value(opts.workflow).to_json()
              << ",\"steps\":" << n << "}\n";
  else
    std::cout << opts.workflow << ": valid (" << n << " steps" << (opts.config.empty() ? "" : ", config " + opts.config)
              << ")\n";
  return kExitSuccess;
}

}  // namespace milink::cli
