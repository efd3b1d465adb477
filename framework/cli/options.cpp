#include "cli/options.hpp"

#include "run/exit_codes.hpp"

#include <iostream>

namespace milink::cli {

void add_common_options(po::options_description& desc, CommonOptions& opts, std::string& output) {
  desc.add_options()
    ("config,c", po::value<std::string>(&opts.config)->value_name("FILE"),
     "config file: where to run (servers, Azure, databases, secrets)")
    ("set", po::value<std::vector<std::string>>(&opts.sets)->composing()->value_name("NAME=VALUE"),
     "set a workflow input (repeatable); overrides the config's inputs")
    ("plugin-path", po::value<std::vector<std::string>>(&opts.plugin_paths)->composing()->value_name("DIR"),
     "look for plugins in DIR first (repeatable); then $MILINK_PLUGIN_PATH, then the install directory")
    ("output", po::value<std::string>(&output)->default_value("text")->value_name("text|json"),
     "text for people; json for one JSON event per line")
    ("help,h", "show this help");
}

bool parse_command(const std::string& usage, const std::vector<std::string>& args, po::options_description& desc,
                   const po::positional_options_description& pos, po::variables_map& vm, int& exit_code) {
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << desc << "\n";
      exit_code = kExitSuccess;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "milink: error: " << e.what() << "\nusage: " << usage << "\n(see --help)\n";
    exit_code = kExitInvalidInput;
    return false;
  }
  return true;
}

bool check_output(const std::string& output, CommonOptions& opts) {
  if (output != "text" && output != "json") {
    std::cerr << "milink: error: --output must be text or json, not \"" << output << "\"\n";
    return false;
  }
  opts.json = output == "json";
  return true;
}

}  // namespace milink::cli
