#include "report.hpp"

namespace milink::preflight {

using milink::sdk::Object;
using milink::sdk::Value;

std::string with_remedy(const Finding& f) {
  if (f.remedy.empty()) return f.detail;
  // Details may end with an embedded error's own full stop: "...it.; remedy" reads badly.
  std::string detail = f.detail;
  while (!detail.empty() && (detail.back() == '.' || detail.back() == ' ')) detail.pop_back();
  return detail + "; " + f.remedy;
}

void Report::add(const std::string& check, Finding f) {
  std::string line = std::string(verdict_name(f.verdict)) + " " + check + ": " + with_remedy(f);
  if (f.verdict == Verdict::Pass)
    ctx_.info(line);
  else if (f.verdict == Verdict::Fail)
    ctx_.error(line);
  else
    ctx_.warn(line);
  results_.push_back(CheckResult{check, std::move(f)});
}

void Report::guarded(const std::string& check, const std::string& remedy, const std::function<void()>& body) {
  try {
    body();
  } catch (const milink::sdk::SqlException& e) {
    // A connection that kept breaking through milink's retries is the
    // server or the network, not the login's permissions.
    fail(check, std::string("could not run the check: ") + e.what(),
         e.error().connection_lost ? "the connection to the server kept breaking (it may be restarting, failing over "
                                     "or unreachable); run again once it is available"
                                   : remedy);
  } catch (const std::exception& e) {
    // A failed query (SqlException), an unreachable service, or a value
    // that could not be read: the check could not decide, which is a FAIL.
    fail(check, std::string("could not run the check: ") + e.what(), remedy);
  }
}

int Report::count(Verdict v) const {
  int n = 0;
  for (const auto& r : results_) n += r.finding.verdict == v;
  return n;
}

std::string Report::failure_message() const {
  const int failed = count(Verdict::Fail);
  std::string m = std::to_string(failed) + " of " + std::to_string(results_.size()) + " preflight check" +
                  (results_.size() == 1 ? "" : "s") + " failed: ";
  bool first = true;
  for (const auto& r : results_) {
    if (r.finding.verdict != Verdict::Fail) continue;
    m += (first ? "" : " | ") + r.check + ": " + with_remedy(r.finding);
    first = false;
  }
  return m;
}

Value Report::to_value() const {
  milink::sdk::Array out;
  for (const auto& r : results_)
    out.push_back(Value(Object{{"check", Value(r.check)},
                               {"status", Value(verdict_name(r.finding.verdict))},
                               {"detail", Value(r.finding.detail)}}));
  return Value(std::move(out));
}

}  // namespace milink::preflight
