#include "cli/commands.hpp"
#include "cli/step_reference.hpp"
#include "cli/options.hpp"
#include "run/exit_codes.hpp"
#include "workflow/schema.hpp"
#include "workflow/suggest.hpp"

#include <iostream>
#include <sstream>

namespace milink::cli {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::ParamSpec;
using milink::sdk::Value;

namespace {

Value params_json(const std::vector<ParamSpec>& params) {
  Array out;
  for (const auto& p : params) {
    Object o{{"name", Value(p.name)},
             {"type", Value(milink::sdk::value_type_name(p.type))},
             {"required", Value(p.required)},
             {"default", p.fallback},
             {"secret", Value(p.secret)},
             {"doc", Value(p.doc)}};
    if (!p.choices.empty()) o.set("choices", Value(Array(p.choices.begin(), p.choices.end())));
    out.push_back(Value(std::move(o)));
  }
  return Value(std::move(out));
}

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

void print_params(std::ostream& os, const std::vector<ParamSpec>& params) {
  if (params.empty()) {
    os << "  (none)\n";
    return;
  }
  std::size_t w = 4;
  for (const auto& p : params) w = std::max(w, p.name.size());
  for (const auto& p : params) {
    std::string flags = p.required ? "required" : p.fallback.is_null() ? "optional" : "default " + p.fallback.to_json();
    if (p.secret) flags += ", secret";
    if (!p.choices.empty()) {
      std::string c;
      for (const auto& x : p.choices) c += (c.empty() ? "" : "|") + x;
      flags += ", one of " + c;
    }
    os << "  " << pad(p.name, w) << "  " << pad(milink::sdk::value_type_name(p.type), 8) << "  " << flags << "\n";
    if (!p.doc.empty()) os << "  " << pad("", w) << "  " << p.doc << "\n";
  }
}

int list(const milink::host::Registry& reg, bool json) {
  if (json) {
    Array plugins;
    for (const auto& p : reg.plugins()) {
      Array steps, providers;
      for (const auto& s : p->steps)
        steps.push_back(Value(Object{{"uses", Value(s->spec().uses)},
                                     {"summary", Value(s->spec().summary)},
                                     {"preflight", Value(s->spec().preflight)},
                                     {"destructive", Value(s->spec().destructive)}}));
      for (const auto& pr : p->providers)
        providers.push_back(Value(Object{{"kind", Value(pr->spec().kind)},
                                         {"name", Value(pr->spec().name)},
                                         {"summary", Value(pr->spec().summary)}}));
      plugins.push_back(Value(Object{{"name", Value(p->info->name)},
                                     {"version", Value(p->info->version)},
                                     {"file", Value(p->path.string())},
                                     {"steps", Value(std::move(steps))},
                                     {"providers", Value(std::move(providers))}}));
    }
    Array searched;
    for (const auto& d : reg.searched()) searched.push_back(Value(d.string()));
    std::cout << Value(Object{{"plugins", Value(std::move(plugins))}, {"searched", Value(std::move(searched))}}).to_json()
              << "\n";
    return kExitSuccess;
  }
  if (reg.plugins().empty()) {
    std::cout << "no plugins found; milink looked in:\n";
    for (const auto& d : reg.searched()) std::cout << "  " << d.string() << "\n";
    return kExitSuccess;
  }
  for (const auto& p : reg.plugins()) {
    std::cout << p->info->name << " " << p->info->version << "  (" << p->path.string() << ")\n";
    std::size_t w = 4;
    for (const auto& s : p->steps) w = std::max(w, s->spec().uses.size());
    for (const auto& s : p->steps)
      std::cout << "  step      " << pad(s->spec().uses, w) << "  " << s->spec().summary
                << (s->spec().preflight ? "  (preflight check)" : "")
                << (s->spec().destructive ? "  (destructive: asks first)" : "") << "\n";
    for (const auto& pr : p->providers)
      std::cout << "  provider  " << pad(pr->spec().name, w) << "  (" << pr->spec().kind << ") " << pr->spec().summary
                << "\n";
  }
  return kExitSuccess;
}

int describe(const milink::host::Registry& reg, const std::string& name, bool json) {
  if (const auto* e = reg.find_step(name)) {
    const auto& spec = e->factory->spec();
    if (json) {
      Array outputs;
      for (const auto& o : spec.outputs)
        outputs.push_back(Value(Object{{"name", Value(o.name)},
                                       {"type", Value(milink::sdk::value_type_name(o.type))},
                                       {"secret", Value(o.secret)},
                                       {"doc", Value(o.doc)}}));
      std::cout << Value(Object{{"kind", Value("step")},
                                {"uses", Value(spec.uses)},
                                {"summary", Value(spec.summary)},
                                {"doc", Value(spec.doc)},
                                {"preflight", Value(spec.preflight)},
                                {"destructive", Value(spec.destructive)},
                                {"plugin", Value(e->plugin->info->name)},
                                {"version", Value(e->plugin->info->version)},
                                {"file", Value(e->plugin->path.string())},
                                {"params", params_json(spec.params)},
                                {"outputs", Value(std::move(outputs))}})
                       .to_json()
                << "\n";
      return kExitSuccess;
    }
    std::cout << "step " << spec.uses << "  (plugin " << e->plugin->info->name << " " << e->plugin->info->version
              << ", " << e->plugin->path.string() << ")\n  " << spec.summary << "\n";
    if (spec.preflight)
      std::cout << "  preflight check: verifies prerequisites and changes nothing; `milink run --skip-preflight` "
                   "skips it\n";
    if (spec.destructive)
      std::cout << "  destructive: it deletes or drops things; `milink run` lists them and asks for confirmation "
                   "(or --yes) first\n";
    if (std::string needs = config_needs_text(spec); !needs.empty()) std::cout << "  " << needs << "\n";
    if (!spec.doc.empty()) std::cout << "\n" << spec.doc << "\n";
    std::cout << "\nparameters (with):\n";
    print_params(std::cout, spec.params);
    std::cout << "\noutputs (steps.<id>.outputs.<name>):\n";
    if (spec.outputs.empty()) std::cout << "  (none)\n";
    std::size_t w = 4;
    for (const auto& o : spec.outputs) w = std::max(w, o.name.size());
    for (const auto& o : spec.outputs) {
      std::cout << "  " << pad(o.name, w) << "  " << pad(milink::sdk::value_type_name(o.type), 8)
                << (o.secret ? "  secret" : "") << "\n";
      if (!o.doc.empty()) std::cout << "  " << pad("", w) << "  " << o.doc << "\n";
    }
    return kExitSuccess;
  }
  for (const auto& [kind, pname] : reg.provider_names()) {
    if (pname != name) continue;
    const auto* e = reg.find_provider(kind, pname);
    const auto& spec = e->factory->spec();
    if (json) {
      std::cout << Value(Object{{"kind", Value("provider")},
                                {"provider_kind", Value(spec.kind)},
                                {"name", Value(spec.name)},
                                {"summary", Value(spec.summary)},
                                {"plugin", Value(e->plugin->info->name)},
                                {"file", Value(e->plugin->path.string())},
                                {"params", params_json(spec.params)}})
                       .to_json()
                << "\n";
      return kExitSuccess;
    }
    std::cout << "provider " << spec.name << " (kind " << spec.kind << "; plugin " << e->plugin->info->name << ", "
              << e->plugin->path.string() << ")\n  " << spec.summary << "\n\nparameters (config: providers.<name>.with):\n";
    print_params(std::cout, spec.params);
    return kExitSuccess;
  }
  std::vector<std::string> names = reg.step_names();
  for (const auto& [kind, pname] : reg.provider_names()) names.push_back(pname);
  std::string hint = milink::workflow::did_you_mean(name, names);
  report_error("no step or provider named \"" + name + "\"" + (hint.empty() ? "; see `milink plugins list`" : " (" + hint + ")"),
               json);
  return kExitInvalidInput;
}

/// `describe NAME --output markdown`: the section docs/bundled-steps.md holds.
int describe_markdown(const milink::host::Registry& reg, const std::string& name) {
  const auto* e = reg.find_step(name);
  if (e == nullptr) {
    std::string hint = milink::workflow::did_you_mean(name, reg.step_names());
    report_error("no step named \"" + name + "\"" + (hint.empty() ? "; see `milink plugins list`" : " (" + hint + ")"),
                 false);
    return kExitInvalidInput;
  }
  std::cout << step_markdown(e->factory->spec(), e->plugin->info->name, e->plugin->info->version);
  return kExitSuccess;
}

}  // namespace

int plugins_command(const std::vector<std::string>& args) {
  std::vector<std::string> plugin_paths;
  std::string output = "text";
  std::vector<std::string> rest;
  po::options_description desc("milink plugins options");
  desc.add_options()
    ("plugin-path", po::value<std::vector<std::string>>(&plugin_paths)->composing()->value_name("DIR"),
     "look for plugins in DIR first (repeatable)")
    ("output", po::value<std::string>(&output)->default_value("text")->value_name("text|json|markdown"),
     "output format; markdown only for `describe STEP` (the reference in docs/bundled-steps.md)")
    ("help,h", "show this help")
    ("args", po::value<std::vector<std::string>>(&rest), "list | describe NAME");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink plugins list | milink plugins describe NAME", args, desc, pos, vm, code)) return code;
  CommonOptions opts;
  const bool markdown = output == "markdown";
  if (markdown && !(rest.size() == 2 && rest[0] == "describe")) {
    report_error("--output markdown is only for `milink plugins describe STEP`", false);
    return kExitInvalidInput;
  }
  if (!markdown && !check_output(output, opts)) return kExitInvalidInput;
  milink::host::Registry reg;
  if (!load_plugins(reg, plugin_paths, opts.json)) return kExitInvalidInput;
  if (markdown) return describe_markdown(reg, rest[1]);
  if (rest.empty() || (rest[0] == "list" && rest.size() == 1)) return list(reg, opts.json);
  if (rest[0] == "describe" && rest.size() == 2) return describe(reg, rest[1], opts.json);
  report_error("usage: milink plugins list | milink plugins describe NAME", opts.json);
  return kExitInvalidInput;
}

int schema_command(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: milink schema [--markdown]\n\nPrints the workflow and config reference (Markdown): every key "
                 "of workflows and configs, expressions, for_each, on_error.\n";
    return kExitSuccess;
  }
  if (!args.empty() && args[0] != "--markdown") {
    std::cerr << "usage: milink schema [--markdown]\n";
    return kExitInvalidInput;
  }
  std::cout << milink::workflow::schema_markdown();
  return kExitSuccess;
}

}  // namespace milink::cli
