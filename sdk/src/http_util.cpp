#include <milink/sdk/arm.hpp>
#include <milink/sdk/http.hpp>

#include <cctype>

namespace milink::sdk {

const std::string* HttpResponse::header(const std::string& name) const {
  for (const auto& h : headers) {
    if (h.name.size() != name.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < name.size() && eq; ++i)
      eq = std::tolower(static_cast<unsigned char>(h.name[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (eq) return &h.value;
  }
  return nullptr;
}

namespace {
std::string percent_encode(const std::string& value, bool form) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (form && c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}
}  // namespace

std::string form_encode(const std::string& value) { return percent_encode(value, true); }
std::string url_encode(const std::string& value) { return percent_encode(value, false); }

std::string ArmCoordinates::instance_path() const {
  return "/subscriptions/" + url_encode(subscription_id) + "/resourceGroups/" + url_encode(resource_group) +
         "/providers/Microsoft.Sql/managedInstances/" + url_encode(instance_name);
}

std::string ArmError::describe(const std::string& method, const std::string& path) const {
  std::string out = "ARM " + method + " " + path + ": ";
  if (status > 0) out += std::to_string(status) + " ";
  if (!code.empty()) out += code + ": ";
  out += message;
  if (!request_id.empty()) out += " (x-ms-request-id: " + request_id + ")";
  return out;
}

}  // namespace milink::sdk
