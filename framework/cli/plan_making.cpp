#include "cli/plan_making.hpp"

#include "run/journal.hpp"

#include <cstdio>

namespace milink::cli {

namespace {
/// Plans print their own output; of the run's events only warnings (a
/// preflight check skipped by --skip-preflight) reach the user, on stderr.
class WarningSink final : public milink::run::EventSink {
public:
  void on_event(const milink::sdk::Object& event) override {
    const auto* ev = event.find("event");
    if (ev == nullptr || !ev->is_string() || ev->as_string() != "warning") return;
    const auto* msg = event.find("message");
    std::fprintf(stderr, "milink: warning: %s\n", msg && msg->is_string() ? msg->as_string().c_str() : "");
  }
};
}  // namespace

MadePlan make_plan(Session& session, bool offline, bool skip_preflight) {
  milink::run::RunOptions ro;
  ro.mode = offline ? milink::run::Mode::Plan : milink::run::Mode::DryRun;
  ro.skip_preflight = skip_preflight;
  WarningSink sink;
  MadePlan made;
  made.info.offline = offline;
  made.info.made_at = milink::run::now_iso8601();
  milink::run::Runner runner(session.validated, session.registry, session.redactor, sink, ro);
  made.result = runner.run();
  return made;
}

}  // namespace milink::cli
