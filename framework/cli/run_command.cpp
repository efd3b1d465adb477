#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"
#include "run/interrupt.hpp"
#include "run/plan_render.hpp"
#include "run/runner.hpp"

#include <iostream>
#include <unistd.h>

namespace milink::cli {

int run_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  std::string output;
  bool dry_run = false;
  std::string resume;
  int parallel = 4;
  std::string state_dir = ".milink";
  po::options_description desc("milink run options");
  add_common_options(desc, opts, output);
  desc.add_options()
    ("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file")
    ("dry-run", po::bool_switch(&dry_run), "connect read-only, observe, and show what each step would do")
    ("resume", po::value<std::string>(&resume)->implicit_value("")->value_name("RUN"),
     "continue the newest unfinished run of this workflow (or run RUN) without redoing finished steps")
    ("parallel", po::value<int>(&parallel)->default_value(4)->value_name("N"),
     "run at most N for_each branches at once")
    ("state-dir", po::value<std::string>(&state_dir)->default_value(".milink")->value_name("DIR"),
     "where run journals are kept");
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink run WORKFLOW [-c CONFIG] [--set k=v]... [--dry-run] [--resume[=RUN]] [--parallel N] "
                     "[--output text|json]",
                     args, desc, pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  if (parallel < 1 || parallel > 1024) {
    report_error("--parallel must be between 1 and 1024", opts.json);
    return kExitInvalidInput;
  }
  if (dry_run && vm.count("resume")) {
    report_error("--dry-run and --resume cannot be combined: a dry run changes nothing to resume", opts.json);
    return kExitInvalidInput;
  }
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;

  milink::run::RunOptions ro;
  ro.mode = dry_run ? milink::run::Mode::DryRun : milink::run::Mode::Apply;
  ro.parallel = parallel;
  ro.state_dir = state_dir;
  ro.resume = vm.count("resume") > 0;
  ro.resume_run = resume;
  auto sink = opts.json ? milink::run::make_json_sink(stdout) : milink::run::make_text_sink(stdout, ::isatty(1) != 0);
  milink::run::install_interrupt_handlers();
  try {
    milink::run::Runner runner(session->validated, session->registry, session->redactor, *sink, ro);
    auto result = runner.run();
    sink->finish();
    if (dry_run && !opts.json) {
      std::string plan = milink::run::render_plan_text(session->workflow.name, result, session->redactor);
      if (plan != "(no actions)\n") std::cout << "\nWhat would change:\n" << plan;
    }
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

}  // namespace milink::cli
