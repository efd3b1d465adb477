#include "workflow/parallelism.hpp"

#include <algorithm>

namespace milink::workflow {

int branch_bound(const StepDef& s, std::optional<int> user) {
  int bound = user.value_or(s.max_parallel.value_or(kDefaultParallel));
  if (!s.max_parallel_reason.empty() && s.max_parallel) bound = std::min(bound, *s.max_parallel);
  return std::max(bound, 1);
}

namespace {
void collect(const std::vector<StepDef>& steps, int user, std::vector<CeilingWarning>& out) {
  for (const auto& s : steps) {
    if (s.max_parallel && !s.max_parallel_reason.empty() && *s.max_parallel < user)
      out.push_back({s.id, "step " + s.id + " (" + s.pointer + "): --parallel " + std::to_string(user) +
                               " is lowered to " + std::to_string(*s.max_parallel) +
                               ", the workflow's max_parallel ceiling: " + s.max_parallel_reason});
    collect(s.steps, user, out);
  }
}
}  // namespace

std::vector<CeilingWarning> ceiling_warnings(const Workflow& wf, std::optional<int> user) {
  std::vector<CeilingWarning> out;
  if (user) collect(wf.steps, *user, out);
  return out;
}

}  // namespace milink::workflow
