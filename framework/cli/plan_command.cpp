#include "cli/commands.hpp"
#include "cli/emulator_option.hpp"
#include "cli/plan_making.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"
#include "run/plan_render.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace milink::cli {

namespace {

int plan_workflow(const CommonOptions& opts, const std::string& out_dir, bool skip_preflight, bool offline) {
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;
  // A plan that reads connects as a run does: the same sections, checked first.
  if (!offline && !check_config(*session, opts.json, /*start_credential=*/true)) return kExitInvalidInput;
  // Offline: no config sections, but every step's own parameter rules.
  if (offline && !check_step_configs(*session, opts.json)) return kExitInvalidInput;

  MadePlan made = make_plan(*session, offline, skip_preflight);
  const auto& result = made.result;
  auto files = milink::run::render_plan(session->workflow.name, result, session->redactor, made.info);
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      report_error("cannot create " + out_dir + ": " + ec.message(), opts.json);
      return kExitInvalidInput;
    }
    for (const auto& [name, text] : files) {
      std::ofstream f(std::filesystem::path(out_dir) / name, std::ios::binary | std::ios::trunc);
      f << text;
      if (!f) {
        report_error("cannot write " + (std::filesystem::path(out_dir) / name).string(), opts.json);
        return kExitInvalidInput;
      }
      if (!opts.json) std::cout << "wrote " << (std::filesystem::path(out_dir) / name).string() << "\n";
    }
  }
  if (opts.json)
    std::cout << files["plan.json"];
  else if (out_dir.empty())
    std::cout << (offline ? "OFFLINE plan: nothing was read; values in <angle brackets> are placeholders\n\n"
                          : "Plan made by reading the servers and Azure (read-only); nothing was changed\n\n")
              << milink::run::render_plan_text(result, session->redactor);
  return result.exit_code == kExitSuccess ? kExitSuccess : kExitStepFailed;
}

}  // namespace

int plan_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  std::string output;
  std::string out_dir;
  bool skip_preflight = false;
  bool offline = false;
  EmulatorCliOptions emu;
  po::options_description desc("milink plan options");
  add_common_options(desc, opts, output);
  desc.add_options()
    ("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file, or the name of a bundled workflow")
    ("out", po::value<std::string>(&out_dir)->value_name("DIR"),
     "write <target>.sql, <target>.http and plan.json into DIR (milink run --plan DIR applies it)")
    ("offline", po::bool_switch(&offline),
     "connect nowhere: read nothing, need no credential, and write placeholders (<...>) for what a run would read "
     "or create; such a plan is for review only")
    ("skip-preflight", po::bool_switch(&skip_preflight),
     "leave the preflight checks out of the plan (as milink run --skip-preflight would), with a warning");
  add_emulator_options(desc, emu, /*with_state_dir=*/true);
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink plan WORKFLOW [-c CONFIG | --emulator] [--set k=v]... [--out DIR] [--offline] [--skip-preflight]",
                     args, desc, pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  if (!check_emulator_options(emu, vm, opts)) return kExitInvalidInput;
  if (offline) opts.secrets = milink::workflow::SecretReading::Leave;  // it connects nowhere, so it needs none
  std::unique_ptr<EmbeddedEmulator> emulator;
  if (emu.enabled) {
    emulator = EmbeddedEmulator::start(emu, opts, code);
    if (!emulator) return code;
    emulator->announce(/*json_event=*/false);  // stdout is the plan
  }
  code = plan_workflow(opts, out_dir, skip_preflight, offline);
  if (emulator) emulator->stop();
  return code;
}

}  // namespace milink::cli
