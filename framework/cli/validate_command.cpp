#include "cli/commands.hpp"
#include "cli/emulator_option.hpp"
#include "cli/options.hpp"
#include "run/config_check.hpp"
#include "run/exit_codes.hpp"
#include "workflow/parallelism.hpp"

#include <iostream>

namespace milink::cli {

int validate_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  opts.config_required = false;
  std::string output;
  EmulatorCliOptions emu;
  po::options_description desc("milink validate options");
  add_common_options(desc, opts, output);
  int parallel = 0;
  desc.add_options()("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file, or the name of a bundled workflow")
    ("parallel", po::value<int>(&parallel)->value_name("N"),
     "warn where a workflow's max_parallel ceiling would lower `run --parallel N`");
  add_emulator_options(desc, emu, /*with_state_dir=*/true);
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink validate WORKFLOW [-c CONFIG | --emulator] [--set k=v]... [--parallel N]", args, desc,
                     pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  if (vm.count("parallel") && (parallel < 1 || parallel > 1024)) {
    report_error("--parallel must be between 1 and 1024", opts.json);
    return kExitInvalidInput;
  }
  if (!check_emulator_options(emu, vm, opts)) return kExitInvalidInput;
  // Validation connects nowhere: the emulator is only there to produce the
  // config the workflow is checked against, and stops when this returns.
  std::unique_ptr<EmbeddedEmulator> emulator;
  if (emu.enabled) {
    emulator = EmbeddedEmulator::start(emu, opts, code);
    if (!emulator) return code;
    emulator->announce(/*json_event=*/false);  // stdout is the verdict
  }
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;
  // With a config: the sections the steps use are there and valid, as `run`
  // checks before its first step (which also starts the credential provider:
  // validate may run on another machine). Without one: what a config must provide.
  if (!opts.config.empty() && !check_config(*session, opts.json, /*start_credential=*/false)) return kExitInvalidInput;
  if (opts.config.empty() && !check_step_configs(*session, opts.json)) return kExitInvalidInput;
  const auto sections = milink::run::config_requirements(session->validated).describe();
  std::size_t n = 0;
  std::function<void(const std::vector<milink::workflow::StepDef>&)> count =
      [&](const std::vector<milink::workflow::StepDef>& steps) {
        for (const auto& s : steps) {
          ++n;
          count(s.steps);
        }
      };
  count(session->workflow.steps);
  if (vm.count("parallel")) {
    for (const auto& w : milink::workflow::ceiling_warnings(session->workflow, parallel)) {
      std::cerr << "milink: warning: " << w.message << "\n";
      if (opts.json)
        std::cout << milink::sdk::Value(milink::sdk::Object{{"event", milink::sdk::Value("warning")},
                                                            {"step", milink::sdk::Value(w.step)},
                                                            {"message", milink::sdk::Value(w.message)}})
                         .to_json()
                  << "\n";
    }
  }
  const auto& needs = session->validated.config_needs;
  if (opts.json) {
    milink::sdk::Object ev{{"event", milink::sdk::Value("valid")},
                           {"workflow", milink::sdk::Value(opts.workflow)},
                           {"steps", milink::sdk::Value(static_cast<std::int64_t>(n))}};
    if (opts.config.empty()) {
      milink::sdk::Array list;
      for (const auto& k : needs) list.push_back(milink::sdk::Value(k));
      ev.set("config_needs", milink::sdk::Value(std::move(list)));
      milink::sdk::Array sect;
      for (const auto& k : sections) sect.push_back(milink::sdk::Value(k));
      ev.set("config_sections", milink::sdk::Value(std::move(sect)));
    }
    std::cout << milink::sdk::Value(std::move(ev)).to_json() << "\n";
  } else {
    std::cout << opts.workflow << ": valid (" << n << " steps" << (opts.config.empty() ? "" : ", config " + opts.config)
              << ")\n";
    // Without -c, say what a config for this workflow must hold.
    if (opts.config.empty() && (!needs.empty() || !sections.empty())) {
      std::string list;
      for (const auto& k : needs) list += (list.empty() ? "" : ", ") + k;
      std::cout << "a config for it must provide:\n";
      if (!list.empty()) std::cout << "  " << list << " (read by the workflow)\n";
      for (const auto& line : sections) std::cout << "  " << line << "\n";
      std::cout << "(docs/real-azure.md has a sample for each credential provider); check a config with -c CONFIG\n";
    }
  }
  return kExitSuccess;
}

}  // namespace milink::cli
