//===- status/render.hpp - A status report for people, scripts, Prometheus -*- C++ -*-===//
#pragma once

#include "status/report.hpp"

#include <milink/sdk/value.hpp>

#include <string>

namespace milink::status {

/// A table (one line per link), the problems with their remedies, the
/// certificates and the endpoint, and the verdict on the last line.
std::string render_text(const Report& r);

/// The whole report as one JSON object: severity, exit_code, links[],
/// certificates[], endpoint, errors[]. Absent figures are null.
milink::sdk::Value render_json(const Report& r);

/// The Prometheus text exposition format (version 0.0.4): one gauge per
/// figure, labelled by database and link (certificates by kind and name),
/// for a node-exporter textfile collector.
std::string render_prometheus(const Report& r);

}  // namespace milink::status
