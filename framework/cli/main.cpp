//===- cli/main.cpp - The milink command ------------------------*- C++ -*-===//
#include "cli/commands.hpp"
#include "run/exit_codes.hpp"
#include "run/version.hpp"
#include "workflow/suggest.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: milink COMMAND [options]\n"
    "\n"
    "Links SQL Server databases to Azure SQL Managed Instance by running workflows of steps.\n"
    "\n"
    "commands:\n"
    "  run WORKFLOW       run a workflow (--dry-run to only look, --resume to continue a stopped run,\n"
    "                     --emulator to rehearse it against the emulator, started inside milink)\n"
    "  plan WORKFLOW      render every action for review, connecting nowhere (--out DIR writes .sql/.http files)\n"
    "  validate WORKFLOW  check a workflow and config without running anything\n"
    "  plugins list       list the step plugins and providers milink found\n"
    "  plugins describe NAME   show a step's or provider's parameters and outputs\n"
    "  schema             print the workflow and config reference (Markdown)\n"
    "  status             every link's health, lag and certificates, read-only (--output text|json|prometheus;\n"
    "                     exit 0 ok, 1 warning, 2 critical, 3 unknown)\n"
    "\n"
    "  milink COMMAND --help   options of a command\n"
    "  milink --version        version, SDK ABI and build fingerprint\n"
    "\n"
    "exit codes: 0 success, 1 a step failed, 2 invalid input (nothing ran), 130 interrupted\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return milink::kExitInvalidInput;
  }
  const std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "--version" || cmd == "version") {
    std::cout << milink::version_text() << "\n";
    return milink::kExitSuccess;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return milink::kExitSuccess;
  }
  try {
    if (cmd == "run") return milink::cli::run_command(rest);
    if (cmd == "plan") return milink::cli::plan_command(rest);
    if (cmd == "validate") return milink::cli::validate_command(rest);
    if (cmd == "plugins") return milink::cli::plugins_command(rest);
    if (cmd == "schema") return milink::cli::schema_command(rest);
    if (cmd == "status") return milink::cli::status_command(rest);
  } catch (const std::exception& e) {
    std::cerr << "milink: internal error: " << e.what() << "\n";
    return milink::kExitStepFailed;
  }
  std::string hint = milink::workflow::did_you_mean(cmd, {"run", "plan", "validate", "plugins", "schema", "status"});
  std::cerr << "milink: error: unknown command \"" << cmd << "\"" << (hint.empty() ? "" : " (" + hint + ")") << "\n\n"
            << kUsage;
  return milink::kExitInvalidInput;
}
