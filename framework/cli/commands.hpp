//===- cli/commands.hpp - One function per milink command -------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace milink::cli {

/// Each takes the arguments after the command name and returns the exit
/// code (run/exit_codes.hpp).
int run_command(const std::vector<std::string>& args);
int plan_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int schema_command(const std::vector<std::string>& args);
/// `milink status`: 0 ok, 1 warning, 2 critical, 3 unknown (see status_command.cpp).
int status_command(const std::vector<std::string>& args);

}  // namespace milink::cli
