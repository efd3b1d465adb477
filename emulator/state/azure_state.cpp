#include "state/azure_state.hpp"

#include <cctype>

namespace milink::emulator {

namespace {
/// ARM resource names compare case-insensitively.
bool same_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
}  // namespace

ServerTrustCertificate* AzureState::find_trust_certificate(const std::string& name) {
  for (auto& c : server_trust_certificates)
    if (same_name(c.name, name)) return &c;
  return nullptr;
}

LinkResource* AzureState::find_link(const std::string& name) {
  for (auto& l : links)
    if (same_name(l.name, name)) return &l;
  return nullptr;
}

}  // namespace milink::emulator
