//===- workflow/config.hpp - Where a workflow runs --------------*- C++ -*-===//
///
/// \file
/// A workflow says what to do; a config file says where: the SQL Server and
/// managed instance, Azure coordinates, the databases, provider choices, and
/// references to secrets. Any string in a config may instead be a secret
/// reference, {"from_env": "VAR"} or {"from_file": "path"}; its value is
/// read at load and redacted everywhere from then on.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "workflow/diagnostics.hpp"

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <string>
#include <vector>

namespace milink::workflow {

struct ProviderInstance {
  std::string name;  ///< key under /providers
  std::string use;   ///< provider plugin name
  milink::sdk::Object with;
  std::string pointer;
};

struct Config {
  std::string file;           ///< empty when no config was given
  milink::sdk::Value root;    ///< the whole config, secrets resolved; an object
  milink::sdk::SourceMap map;
  std::vector<std::string> secrets;  ///< every resolved secret value
  std::vector<ProviderInstance> providers;
  std::string sha256;         ///< of the file's bytes; empty without a file

  const ProviderInstance* provider(const std::string& name) const;
  /// The config's `inputs` object (empty when absent).
  milink::sdk::Object inputs() const;
};

/// Whether a config's secrets ({"from_env": ...}, {"from_file": ...}) are read.
enum class SecretReading {
  Read,   ///< read each; an unset variable or unreadable file is an error
  Leave,  ///< read none (milink plan --offline): each is the text "<secret from ...>"
};

/// Loads and checks \p path. Throws InvalidInput listing every problem:
/// unknown keys (with suggestions), wrong types, unset environment
/// variables, unreadable secret files (those only with SecretReading::Read).
Config load_config(const std::string& path, SecretReading reading = SecretReading::Read);
Config load_config_text(const std::string& text, const std::string& file, SecretReading reading = SecretReading::Read);

/// A config with nothing in it, for runs without -c.
Config empty_config();

}  // namespace milink::workflow
