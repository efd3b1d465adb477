#include "workflow/inputs.hpp"

#include "workflow/suggest.hpp"

#include <milink/sdk/unicode.hpp>

#include <cstdio>

namespace milink::workflow {

using milink::sdk::Object;
using milink::sdk::Value;

namespace {
std::vector<std::string> input_names(const Workflow& wf) {
  std::vector<std::string> out;
  for (const auto& i : wf.inputs) out.push_back(i.name);
  return out;
}
}  // namespace

Object resolve_inputs(const Workflow& wf, const Config& cfg, const std::vector<std::string>& sets,
                      Diagnostics& diags, std::vector<std::string>& secrets) {
  // One config serves several workflows (create, remove, ...), so its inputs
  // may include ones this workflow does not declare: those are left unused.
  // A name close to one it declares is a typo, though, and an error.
  Object given;
  for (const auto& [name, v] : cfg.inputs()) {
    if (wf.input(name) != nullptr) {
      given.set(name, v);
      continue;
    }
    std::string hint = did_you_mean(name, input_names(wf));
    if (!hint.empty())
      diags.error("/inputs", "the config " + cfg.file + " sets input \"" + name + "\", which the workflow does not declare",
                  hint);
  }

  for (const auto& s : sets) {
    auto eq = s.find('=');
    const std::size_t bad = milink::sdk::unicode::find_invalid_utf8(s);
    if (bad != std::string::npos) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(s[bad]));
      const std::string which = eq != std::string::npos && eq < bad ? "--set " + s.substr(0, eq) : std::string("--set");
      diags.error("/inputs", which + ": invalid UTF-8 (byte " + byte + " at byte " + std::to_string(bad + 1) +
                                 " of the argument)",
                  "command-line values must be UTF-8; check the terminal's or the script's encoding");
      continue;
    }
    if (eq == std::string::npos || eq == 0) {
      diags.error("/inputs", "--set " + s + ": expected NAME=VALUE");
      continue;
    }
    std::string name = s.substr(0, eq), text = s.substr(eq + 1);
    const InputDef* in = wf.input(name);
    if (in == nullptr) {
      std::string hint = did_you_mean(name, input_names(wf));
      diags.error("/inputs", "--set " + name + ": the workflow declares no input \"" + name + "\"",
                  hint.empty() ? "see the workflow's \"inputs\"" : hint);
      continue;
    }
    if (in->type == milink::sdk::ValueType::String) {
      given.set(name, Value(text));
      continue;
    }
    try {
      given.set(name, milink::sdk::parse_json(text, "--set " + name));
    } catch (const milink::sdk::JsonError& e) {
      diags.error(in->pointer, "--set " + name + ": not a JSON " + milink::sdk::value_type_name(in->type) + ": " + e.message(),
                  "quote strings only for string inputs; give numbers, booleans and arrays as JSON");
    }
  }

  Object out;
  for (const auto& in : wf.inputs) {
    const Value* v = given.find(in.name);
    Value value = v ? *v : in.fallback;
    if (value.is_null()) {
      if (in.required)
        diags.error(in.pointer, "input \"" + in.name + "\" is required and has no value",
                    "pass --set " + in.name + "=VALUE or set it under \"inputs\" in the config");
      out.set(in.name, Value());
      continue;
    }
    if (!milink::sdk::value_matches(value, in.type)) {
      diags.error(in.pointer, "input \"" + in.name + "\" must be " + milink::sdk::value_type_name(in.type) + ", got " +
                                  kind_name(value.kind()));
      continue;
    }
    if (in.secret && value.is_string() && !value.as_string().empty()) secrets.push_back(value.as_string());
    out.set(in.name, value);
  }
  return out;
}

}  // namespace milink::workflow
