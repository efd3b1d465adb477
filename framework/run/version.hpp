#pragma once
#include <string>
namespace milink {
/// "milink 0.1.0 (SDK ABI 1; <fingerprint>)"
std::string version_text();
}  // namespace milink
