#include "checks.hpp"

namespace milink::preflight {

std::optional<milink::sdk::Sql> connect(Report& report, const std::string& check, const std::string& target) {
  try {
    return report.ctx().sql(target);
  } catch (const milink::sdk::StepError& e) {
    report.fail(check, "cannot connect to SQL target '" + target + "': " + e.what(),
                "check the \"" + target + "\" section of the config (host, port, user, password, encryption) and that "
                "the server accepts connections from this machine");
    return std::nullopt;
  }
}

}  // namespace milink::preflight
