//===- run/audit_log.hpp - Every statement and request milink sent -*- C++ -*-===//
///
/// \file
/// The audit log (`milink run --log-file FILE`, by default `log.txt` in the
/// run directory): one entry per SQL batch and ARM request milink sent,
/// with the UTC time, the target, the text (or method and URL) and the
/// outcome. The SQL sessions and the ARM client call record(); the runner
/// installs the sink that redacts and writes the entries, and removes it
/// when the run ends. Without a sink, record() does nothing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <string>

namespace milink::audit {

/// Receives one formatted entry (already timestamped, not yet redacted).
using Sink = std::function<void(const std::string& entry)>;

/// Installs \p sink for the whole process (an empty one removes it).
void set_sink(Sink sink);

/// Records one thing milink sent: \p kind "SQL" or "ARM", \p target (a SQL
/// target, or "arm"), \p what (the T-SQL batch, or "METHOD URL") and
/// \p outcome ("ok", "error 1475: ...", "201", ...). Thread-safe, never throws.
void record(const std::string& kind, const std::string& target, const std::string& what,
            const std::string& outcome) noexcept;

}  // namespace milink::audit
