// milink::sdk::list_all: an ARM list operation, every page (nextLink).
#include <milink/sdk/arm.hpp>

#include <cctype>
#include <set>

namespace milink::sdk {

namespace {

/// True when \p url is \p endpoint itself or a path under it (scheme and
/// host compared without regard to case).
bool under_endpoint(const std::string& url, std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty() || url.size() <= endpoint.size()) return false;
  for (std::size_t i = 0; i < endpoint.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(url[i])) != std::tolower(static_cast<unsigned char>(endpoint[i])))
      return false;
  return url[endpoint.size()] == '/';
}

}  // namespace

bool list_all(ArmClient& client, const std::string& path, const std::string& api_version, std::vector<Value>& items,
              ArmError& error) noexcept {
  try {
    std::set<std::string> seen;
    std::string next = path;
    for (int pages = 1;; ++pages) {
      ArmResponse page;
      if (!client.call("GET", next, api_version, Value(), false, page, error)) return false;
      const Value* value = page.body.get("value");
      if (value != nullptr && value->is_array())
        for (const auto& v : value->as_array()) items.push_back(v);
      const Value* link = page.body.get("nextLink");
      if (link == nullptr || !link->is_string() || link->as_string().empty()) return true;
      next = link->as_string();
      const std::string& endpoint = client.coordinates().arm_endpoint;
      if (!under_endpoint(next, endpoint)) {
        error = ArmError{};
        error.status = page.status;
        error.request_id = page.request_id;
        error.message = "the list's nextLink \"" + next + "\" is not under the ARM endpoint " + endpoint +
                        "; milink follows only links to the configured ARM endpoint";
        return false;
      }
      if (!seen.insert(next).second) {
        error = ArmError{};
        error.status = page.status;
        error.request_id = page.request_id;
        error.message = "the list's nextLink \"" + next + "\" came back a second time; stopped after " +
                        std::to_string(pages) + " pages instead of reading the list forever";
        return false;
      }
    }
  } catch (const std::exception& e) {
    error = ArmError{};
    error.message = std::string("internal error: ") + e.what();
  } catch (...) {
    error = ArmError{};
    error.message = "internal error";
  }
  return false;
}

}  // namespace milink::sdk
