#include "cli/commands.hpp"
#include "cli/emulator_option.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"
#include "run/plan_render.hpp"
#include "run/runner.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace milink::cli {

namespace {
/// Plans print their own output; of the run's events only warnings (a
/// preflight check skipped by --skip-preflight) reach the user, on stderr.
class WarningSink final : public milink::run::EventSink {
public:
  void on_event(const milink::sdk::Object& event) override {
    const auto* ev = event.find("event");
    if (ev == nullptr || !ev->is_string() || ev->as_string() != "warning") return;
    const auto* msg = event.find("message");
    std::fprintf(stderr, "milink: warning: %s\n", msg && msg->is_string() ? msg->as_string().c_str() : "");
  }
};

int plan_workflow(const CommonOptions& opts, const std::string& out_dir, bool skip_preflight) {
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;

  milink::run::RunOptions ro;
  ro.mode = milink::run::Mode::Plan;
  ro.skip_preflight = skip_preflight;
  WarningSink sink;
  milink::run::Runner runner(session->validated, session->registry, session->redactor, sink, ro);
  auto result = runner.run();
  auto files = milink::run::render_plan(session->workflow.name, result, session->redactor);
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
    std::cout << milink::run::render_plan_text(session->workflow.name, result, session->redactor);
  return result.exit_code == kExitSuccess ? kExitSuccess : kExitStepFailed;
}

}  // namespace

int plan_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  std::string output;
  std::string out_dir;
  bool skip_preflight = false;
  EmulatorCliOptions emu;
  po::options_description desc("milink plan options");
  add_common_options(desc, opts, output);
  desc.add_options()
    ("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file, or the name of a bundled workflow")
    ("out", po::value<std::string>(&out_dir)->value_name("DIR"),
     "write <target>.sql, <target>.http and plan.json into DIR")
    ("skip-preflight", po::bool_switch(&skip_preflight),
     "leave the preflight checks out of the plan (as milink run --skip-preflight would), with a warning");
  add_emulator_options(desc, emu, /*with_state_dir=*/true);
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink plan WORKFLOW [-c CONFIG | --emulator] [--set k=v]... [--out DIR] [--skip-preflight]",
                     args, desc, pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  if (!check_emulator_options(emu, vm, opts)) return kExitInvalidInput;
  std::unique_ptr<EmbeddedEmulator> emulator;
  if (emu.enabled) {
    emulator = EmbeddedEmulator::start(emu, opts, code);
    if (!emulator) return code;
    emulator->announce(/*json_event=*/false);  // stdout is the plan
  }
  code = plan_workflow(opts, out_dir, skip_preflight);
  if (emulator) emulator->stop();
  return code;
}

}  // namespace milink::cli
