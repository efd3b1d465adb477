//===- cli/workflow_lookup.hpp - Bundled workflows by name ------*- C++ -*-===//
///
/// \file
/// `milink run replicate-database` works wherever milink is installed: a
/// workflow argument that is not an existing file is looked up among the
/// bundled workflows, in share/milink/workflows next to the binary (the
/// build tree links that directory to the source's workflows/).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace milink::cli {

/// The directory of the bundled workflows, relative to the running binary.
std::filesystem::path bundled_workflow_dir();

/// The file \p arg names: \p arg itself when it exists; else the bundled
/// workflow of that name ("replicate-database", "replicate-database.json",
/// "examples/hello.json"); else \p arg unchanged, so that reading it
/// reports the missing file.
std::string resolve_workflow(const std::string& arg);

/// The names of the bundled workflows ("remove-link", ...), sorted; empty
/// when the directory is missing.
std::vector<std::string> bundled_workflow_names();

}  // namespace milink::cli
