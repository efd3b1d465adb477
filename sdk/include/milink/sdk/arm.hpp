//===- milink/sdk/arm.hpp - Azure Resource Manager for steps -----*- C++ -*-===//
///
/// \file
/// milink's ARM client: HTTPS with verification always on, the bearer token
/// from the configured credential provider (attached only to the configured
/// ARM host), retries with exponential backoff and jitter on 429, 5xx and
/// dropped connections (ARM's PUT, GET and DELETE are idempotent),
/// long-running operations (201/202, then Azure-AsyncOperation or else
/// Location, honouring Retry-After, with an overall timeout), and ARM's
/// error bodies passed through verbatim with the x-ms-request-id.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/http.hpp>
#include <milink/sdk/value.hpp>

#include <string>
#include <vector>

namespace milink::sdk {

/// Where the managed instance lives, from the config's `azure` section.
struct ArmCoordinates {
  std::string arm_endpoint;     ///< "https://management.azure.com"
  std::string subscription_id;
  std::string resource_group;
  std::string instance_name;
  /// "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/managedInstances/{mi}"
  std::string instance_path() const;
};

struct ArmResponse {
  int status = 0;           ///< the final status (after a long-running operation: of the resource GET or final poll)
  Value body;               ///< parsed JSON body, null when empty
  std::string request_id;   ///< x-ms-request-id of the first request
  std::vector<HttpHeader> headers;
};

struct ArmError {
  int status = 0;           ///< HTTP status; 0 when no response arrived
  std::string code;         ///< ARM's error.code, e.g. "InvalidPublicBlob"
  std::string message;      ///< ARM's error.message verbatim, or the transport error
  std::string request_id;   ///< x-ms-request-id, for Azure support
  /// "ARM PUT .../serverTrustCertificates/x: 400 InvalidPublicBlob: <message> (x-ms-request-id: ...)"
  std::string describe(const std::string& method, const std::string& path) const;
};

/// Implemented by milink; one per step execution, valid during the call
/// into the plugin. Thread safety: one thread at a time.
class ArmClient {
public:
  virtual ~ArmClient();

  /// Required. The configured coordinates.
  virtual const ArmCoordinates& coordinates() const noexcept = 0;

  /// Required. The full URL of \p path with \p api_version (for plans).
  virtual std::string url(const std::string& path, const std::string& api_version) const = 0;

  /// Required. Sends \p method to \p path ("/subscriptions/..."; no host,
  /// no api-version) with \p body (null for none). When \p wait is true and
  /// the service starts a long-running operation, polls it to the end and
  /// returns the final resource. Reports progress to the step. Returns
  /// false with \p error on an ARM error response (after retries), a
  /// failed operation, a timeout or a transport failure.
  virtual bool call(const std::string& method, const std::string& path, const std::string& api_version,
                    const Value& body, bool wait, ArmResponse& out, ArmError& error) noexcept = 0;
};

/// Every item of an ARM list operation (GET of a collection such as
/// `.../distributedAvailabilityGroups`): the `value` array of the first page
/// and of every page its `nextLink` leads to, in order, until a page has no
/// `nextLink` (or an empty one). A `nextLink` is followed only when it is
/// under the ARM endpoint of \p client (so the bearer token never leaves
/// it), and at most once (a repeated link is an error, not a loop). On
/// failure returns false with \p error (\p items then holds the pages read
/// so far); a 404 of the first page is such a failure (status 404).
/// Thread safety: as ArmClient::call.
bool list_all(ArmClient& client, const std::string& path, const std::string& api_version, std::vector<Value>& items,
              ArmError& error) noexcept;

}  // namespace milink::sdk
