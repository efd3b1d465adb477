//===- run/events.hpp - What a run tells the outside world ------*- C++ -*-===//
///
/// \file
/// The runner reports through events, each a JSON object with an "event"
/// field:
///   run_start   {run_id, workflow, mode, resumed}
///   step_start  {step, id, uses, item?}
///   step_log    {step, level, message}
///   step_progress {step, message, fraction}
///   step_end    {step, id, uses, status, reason, elapsed_ms, outputs, actions?}
///               status is one of ok, changed, skipped, failed
///   warning     {step?, message}   something the user should know, e.g. a
///               preflight check skipped by --skip-preflight
///   slot_wait   {step, holder, group, limit, in_use, message}   a step about to
///               apply waits for a slot of a concurrency group; holder is the
///               step or group branch that will hold it
///   slot_acquired {step, holder, group, limit, waited, waited_ms}
///   slot_released {step (the holder), group, held_ms}
///   run_end     {result, exit_code, elapsed_ms, counts, summary[]}
/// Events are redacted before any sink sees them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace milink::run {

/// Receives events. Called from several threads; implementations serialise.
class EventSink {
public:
  virtual ~EventSink();
  virtual void on_event(const milink::sdk::Object& event) = 0;
  /// Called once when the run is over (stop tickers, flush).
  virtual void finish() {}
};

/// One JSON object per line (--output json).
std::unique_ptr<EventSink> make_json_sink(std::FILE* out);
/// Human text; on a terminal, a live status line with elapsed times.
/// Warning events go to stderr ("milink: warning: ..."), everything else to \p out.
std::unique_ptr<EventSink> make_text_sink(std::FILE* out, bool live);

}  // namespace milink::run
