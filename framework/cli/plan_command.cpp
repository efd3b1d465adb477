#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"
#include "run/plan_render.hpp"
#include "run/runner.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace milink::cli {

namespace {
class NullSink final : public milink::run::EventSink {
public:
  void on_event(const milink::sdk::Object&) override {}
};
}  // namespace

int plan_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  std::string output;
  std::string out_dir;
  po::options_description desc("milink plan options");
  add_common_options(desc, opts, output);
  desc.add_options()
    ("workflow", po::value<std::string>(&opts.workflow)->required(), "workflow file")
    ("out", po::value<std::string>(&out_dir)->value_name("DIR"),
     "write <target>.sql, <target>.http and plan.json into DIR");
  po::positional_options_description pos;
  pos.add("workflow", 1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink plan WORKFLOW [-c CONFIG] [--set k=v]... [--out DIR]", args, desc, pos, vm, code))
    return code;
  if (!check_output(output, opts)) return kExitInvalidInput;
  auto session = open_session(opts);
  if (!session) return kExitInvalidInput;

  milink::run::RunOptions ro;
  ro.mode = milink::run::Mode::Plan;
  NullSink sink;
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

}  // namespace milink::cli
