// Installing milink the ways users do: `cmake --install` into a prefix, and
// the Debian package unpacked and configured on a clean root.
#pragma once

#include "test_support.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace installtest {

/// Runs \p argv in \p cwd; INFO-logs its output.
testsupport::ProcessResult sh(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                              const std::map<std::string, std::string>& env = {});

/// `cmake --install <build> --prefix <prefix>`, once per test process.
const std::filesystem::path& installed_prefix();

/// The step names `milink plugins list --output json` reports, with the
/// files they came from.
std::vector<std::pair<std::string, std::string>> listed_steps(const std::filesystem::path& milink,
                                                              const std::vector<std::string>& extra = {});

/// The steps every install must bring.
const std::vector<std::string>& bundled_steps();

}  // namespace installtest
