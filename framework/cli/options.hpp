//===- cli/options.hpp - Boost.Program_options helpers ----------*- C++ -*-===//
#pragma once

#include "cli/session.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::cli {

namespace po = boost::program_options;

/// Adds --config, --set, --plugin-path and --output to \p desc, bound to \p opts.
void add_common_options(po::options_description& desc, CommonOptions& opts, std::string& output);

/// Parses \p args against \p desc with WORKFLOW as the single positional.
/// Prints usage errors and returns nullopt (exit 2) or, for --help, the
/// help text and returns 0 through \p exit_code.
bool parse_command(const std::string& usage, const std::vector<std::string>& args, po::options_description& desc,
                   const po::positional_options_description& pos, po::variables_map& vm, int& exit_code);

/// Checks --output; sets opts.json. Returns false (after printing) when bad.
bool check_output(const std::string& output, CommonOptions& opts);

}  // namespace milink::cli
