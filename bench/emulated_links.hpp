//===- bench/emulated_links.hpp - N healthy links, built in-process -------===//
///
/// \file
/// What the bundled workflow would build for N databases, made directly on
/// an emulated world with the documented T-SQL (a second SqlEngine, as
/// another client) and ARM's link resources, then waited for until every
/// link is seeded and HEALTHY. Minutes faster than running the workflow.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link/link_simulator.hpp"
#include "state/world.hpp"

#include <string>

namespace benchlinks {

/// "db001", "db002", ...
std::string db_name(int i);

/// A scenario JSON text with databases db001..db<n> on SQL Server 2022.
std::string scenario_text(int n);

/// Builds the certificates, endpoint, trust both ways, and for db001..db<n>
/// an AG, a DAG and the ARM link; returns once every link is HEALTHY.
/// Throws std::runtime_error when a statement fails or links do not heal.
void build_links(milink::emulator::EmulatorWorld& world, milink::emulator::LinkSimulator& sim, int n);

}  // namespace benchlinks
