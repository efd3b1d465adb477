#include "run/version.hpp"

#include <milink/sdk/abi.hpp>

namespace milink {
std::string version_text() {
  return std::string("milink ") + MILINK_VERSION + "\nSDK ABI " + MILINK_SDK_STR(MILINK_SDK_ABI) +
         "\nbuild fingerprint " + MILINK_BUILD_FINGERPRINT;
}
}  // namespace milink
