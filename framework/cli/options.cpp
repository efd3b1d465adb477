#include "cli/options.hpp"

#include "run/exit_codes.hpp"

#include <cctype>
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

namespace {

/// Whether \p name is one of \p pos's positional arguments (bound to an
/// internal option such as "workflow" that users never type).
bool positional(const po::positional_options_description& pos, const std::string& name) {
  const unsigned n = pos.max_total_count();
  for (unsigned i = 0; i < n && i < 64; ++i)
    if (pos.name_for_position(i) == name) return true;
  return n > 64 && pos.name_for_position(n - 1) == name;
}

/// \p desc without its positional arguments: what --help lists.
po::options_description visible_options(const po::options_description& desc,
                                        const po::positional_options_description& pos) {
  po::options_description out("options");
  for (const auto& o : desc.options())
    if (!positional(pos, o->long_name())) out.add(o);
  return out;
}

/// Boost's message with an internal option ("--workflow") named as the
/// argument users write (WORKFLOW).
std::string user_message(const po::error& e, const po::positional_options_description& pos) {
  if (const auto* req = dynamic_cast<const po::required_option*>(&e)) {
    std::string name = req->get_option_name();
    if (name.rfind("--", 0) == 0) name = name.substr(2);
    if (positional(pos, name)) {
      std::string upper = name;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return "missing " + upper + " (the " + name + " file to use)";
    }
  }
  std::string m = e.what();
  for (unsigned i = 0; i < pos.max_total_count() && i < 64; ++i) {
    const std::string name = pos.name_for_position(i);
    std::string upper = name;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& form : {"'--" + name + "'", "--" + name})
      for (auto at = m.find(form); at != std::string::npos; at = m.find(form)) m.replace(at, form.size(), upper);
  }
  return m;
}

}  // namespace

bool parse_command(const std::string& usage, const std::vector<std::string>& args, po::options_description& desc,
                   const po::positional_options_description& pos, po::variables_map& vm, int& exit_code) {
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << visible_options(desc, pos) << "\n";
      exit_code = kExitSuccess;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "milink: error: " << user_message(e, pos) << "\nusage: " << usage << "\n(see --help)\n";
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
