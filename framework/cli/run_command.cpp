#include "cli/commands.hpp"
#include "cli/confirm_destructive.hpp"
#include "cli/emulator_option.hpp"
#include "cli/options.hpp"
#include "cli/resume_hint.hpp"
#include "cli/saved_plan.hpp"
#include "run/exit_codes.hpp"
#include "run/interrupt.hpp"
#include "run/journal.hpp"
#include "run/plan_render.hpp"
#include "run/runner.hpp"

#include <iostream>
#include <unistd.h>

namespace milink::cli {

namespace {

/// How to continue a stopped run: on stderr, and with --output json also as
/// a `resume` event on stdout.
void announce_resume(const std::string& command, bool json) {
  std::fprintf(stderr, "milink: to continue this run once the cause is fixed: %s\n", command.c_str());
  if (json) {
    std::string line = milink::sdk::Value(milink::sdk::Object{{"event", milink::sdk::Value("resume")},
                                                              {"command", milink::sdk::Value(command)},
                                                              {"time", milink::sdk::Value(milink::run::now_iso8601())}})
                           .to_json();
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

int run_workflow(const CommonOptions& opts, milink::run::RunOptions ro, bool dry_run, bool yes,
                 const std::string& plan_dir, EmbeddedEmulator* emulator) {
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;
  // The config sections the steps use, before the first step connects.
  if (!check_config(*session, opts.json, /*start_credential=*/true)) return kExitInvalidInput;
  if (emulator) emulator->announce(opts.json);
  milink::run::RunResult planned;  // run --plan: the plan made again, also the destructive look-ahead
  if (!plan_dir.empty()) {
    int checked = check_saved_plan(*session, plan_dir, ro.skip_preflight, opts.json, planned);
    if (checked != kExitSuccess) return checked;
  }
  if (!dry_run) {
    try {
      int confirmed = confirm_destructive(*session, ro, yes, opts.json, plan_dir.empty() ? nullptr : &planned);
      if (confirmed != kExitSuccess) return confirmed;
    } catch (const std::exception& e) {
      report_error(e.what(), opts.json, &session->redactor);
      return kExitStepFailed;
    }
  }

  auto sink = opts.json ? milink::run::make_json_sink(stdout) : milink::run::make_text_sink(stdout, ::isatty(1) != 0);
  milink::run::install_interrupt_handlers();
  try {
    milink::run::Runner runner(session->validated, session->registry, session->redactor, *sink, ro);
    auto result = runner.run();
    sink->finish();
    if (dry_run && !opts.json) {
      std::string plan = milink::run::render_plan_text(result, session->redactor);
      if (plan != "(no actions)\n") std::cout << "\nWhat would change:\n" << plan;
    }
    if (!emulator && !result.run_dir.empty() &&
        (result.exit_code == kExitInterrupted || result.exit_code == kExitStepFailed))
      announce_resume(session->redactor.redact(resume_command(opts, ro.state_dir.string(), result.run_dir)), opts.json);
    return result.exit_code;
  } catch (const milink::run::ResumeError& e) {
    sink->finish();
    report_error(e.what(), opts.json, &session->redactor);
    return kExitInvalidInput;
  } catch (const std::exception& e) {
    sink->finish();
    report_error(e.what(), opts.json, &session->redactor);
    return kExitStepFailed;
  }
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  std::string output;
  bool dry_run = false;
  bool skip_preflight = false;
  bool yes = false;
  std::string resume;
  std::string log_file;
  std::string plan_dir;
  int parallel = 4;
  EmulatorCliOptions emu;
  po::options_description desc("milink run options");
  add_common_options(desc, opts, output);
  desc.add_options()
    ("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file, or the name of a bundled workflow")
    ("dry-run", po::bool_switch(&dry_run), "connect read-only, observe, and show what each step would do")
    ("plan", po::value<std::string>(&plan_dir)->value_name("DIR"),
     "apply the plan that milink plan --out DIR saved, exactly: first make it again (read-only) and refuse, "
     "changing nothing, when it differs (exit 4)")
    ("resume", po::value<std::string>(&resume)->implicit_value("")->value_name("RUN"),
     "continue the newest unfinished run of this workflow (or run RUN) without redoing finished steps")
    ("parallel", po::value<int>(&parallel)->value_name("N"),
     "run at most N branches of each for_each at once (default: the step's max_parallel, else 4)")
    ("state-dir", po::value<std::string>(&emu.state_dir)->default_value(".milink")->value_name("DIR"),
     "where run journals are kept (and, with --emulator, its config: DIR/emulator/config.json)")
    ("log-file", po::value<std::string>(&log_file)->value_name("FILE"),
     "log every SQL statement and ARM request milink sends, with time, target and outcome (secrets masked); "
     "default log.txt in the run's directory (.milink/runs/<run-id>/)")
    ("skip-preflight", po::bool_switch(&skip_preflight),
     "do not run the preflight checks (steps that verify prerequisites); each is reported skipped, with a warning")
    ("yes", po::bool_switch(&yes),
     "go ahead without asking when the run would delete or drop things (a workflow with destructive steps lists "
     "them first); without it milink asks on a terminal and refuses otherwise");
  add_emulator_options(desc, emu, /*with_state_dir=*/false);
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink run WORKFLOW [-c CONFIG | --emulator] [--set k=v]... [--dry-run | --plan DIR] [--resume[=RUN]] "
                     "[--parallel N] [--skip-preflight] [--yes] [--output text|json]",
                     args, desc, pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  if (vm.count("parallel") && (parallel < 1 || parallel > 1024)) {
    report_error("--parallel must be between 1 and 1024", opts.json);
    return kExitInvalidInput;
  }
  if (dry_run && vm.count("resume")) {
    report_error("--dry-run and --resume cannot be combined: a dry run changes nothing to resume", opts.json);
    return kExitInvalidInput;
  }
  if (vm.count("plan") && (dry_run || vm.count("resume"))) {
    report_error(std::string("--plan cannot be combined with ") + (dry_run ? "--dry-run" : "--resume") +
                     ": --plan applies a saved plan from its start (to preview it, read its files; to continue an "
                     "interrupted run of it, use --resume without --plan)",
                 opts.json);
    return kExitInvalidInput;
  }
  if (vm.count("plan") && plan_dir.empty()) {
    report_error("--plan needs the directory that milink plan --out DIR wrote", opts.json);
    return kExitInvalidInput;
  }
  if (!check_emulator_options(emu, vm, opts)) return kExitInvalidInput;
  if (emu.enabled && vm.count("plan")) {
    report_error("--plan cannot be combined with --emulator: each --emulator starts a fresh emulator (other ports, "
                 "none of the earlier state), so no saved plan can match it. Run milink-emulator --write-config FILE "
                 "and make and apply the plan with -c FILE",
                 opts.json);
    return kExitInvalidInput;
  }
  if (emu.enabled && vm.count("resume")) {
    report_error("--resume cannot be combined with --emulator: a fresh emulator has none of the earlier run's state "
                 "(its servers, certificates and links are gone). Start a fresh run with --emulator, or resume "
                 "against a milink-emulator that is still running with -c FILE",
                 opts.json);
    return kExitInvalidInput;
  }

  milink::run::RunOptions ro;
  ro.mode = dry_run ? milink::run::Mode::DryRun : milink::run::Mode::Apply;
  if (vm.count("parallel")) ro.parallel = parallel;
  ro.state_dir = emu.state_dir;
  ro.resume = vm.count("resume") > 0;
  ro.resume_run = resume;
  ro.skip_preflight = skip_preflight;
  ro.log_file = log_file;

  std::unique_ptr<EmbeddedEmulator> emulator;
  if (emu.enabled) {
    // Before the emulator starts: a Ctrl-C from now on ends the command
    // through the runner, and the emulator is stopped on the way out.
    milink::run::install_interrupt_handlers();
    emulator = EmbeddedEmulator::start(emu, opts, code);
    if (!emulator) return code;
  }
  // The session and the runner (with their SQL sessions and ARM clients)
  // end inside run_workflow, before the emulator stops.
  code = run_workflow(opts, ro, dry_run, yes, plan_dir, emulator.get());
  if (emulator) emulator->stop();
  return code;
}

}  // namespace milink::cli
