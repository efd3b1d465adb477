//===- emulator/arm/arm_service.hpp - ARM routes of the link -------*- C++ -*-===//
///
/// \file
/// Azure Resource Manager as the Managed Instance link meets it, under
/// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/managedInstances/{mi}:
///
///   GET                                              the managed instance
///   serverTrustCertificates[/{name}]                 GET, list, PUT, DELETE (long-running)
///   endpointCertificates[/{DATABASE_MIRRORING|SERVICE_BROKER}]   GET, list
///   distributedAvailabilityGroups[/{name}]           GET, list, PUT, PATCH, DELETE (long-running)
///   distributedAvailabilityGroups/{name}/failover    POST (long-running; 2025-01-01+)
///   distributedAvailabilityGroups/{name}/setRole     POST (long-running; 2025-01-01+)
///
/// plus the operation resources the long-running ones point to
/// (…/locations/{region}/{kind}AzureAsyncOperation/{id} and
/// …/{kind}OperationResults/{id}) and POST/GET /_emulator/faults (loopback).
///
/// ARM's rules are enforced in ARM's order: the bearer token (signature,
/// lifetime, audience, tenant; 401 with WWW-Authenticate), the api-version
/// (only the versions whose spec was copied, per resource type), the
/// subscription, resource group and instance (404), then the body against
/// the spec and the RP's own checks with the RP's error codes from the spec.
/// State lives in EmulatorWorld::azure, changed under the world's mutex after
/// EmulatorWorld::advance; the link simulator is told about links created and
/// removed, and supplies the links' runtime state rendered by GET.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/contract/contract.hpp"
#include "http/http_server.hpp"
#include "identity/token_service.hpp"
#include "link/link_simulator.hpp"
#include "state/world.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace milink::emulator {
class FaultPlan;
}

namespace milink::emulator::arm {

struct ArmOptions {
  /// How long a long-running operation stays InProgress.
  std::chrono::milliseconds operation_time{50};
  /// Retry-After on 202s and InProgress polls; -1: the remaining time, rounded up, at least 1 s.
  int retry_after_seconds = -1;
  /// Replace LinkSimulator::created and LinkSimulator::operation_outcome
  /// (tests drive a link's PUT without preparing SQL Server with them).
  std::function<LinkResult(LinkResource&)> link_created;
  std::function<std::optional<LinkResult>(const std::string& link_name)> link_outcome;
};

/// One long-running operation.
struct Operation {
  std::string id;
  std::string family;         ///< "distributedAvailabilityGroups" | "serverTrustCertificates"
  std::string method;         ///< of the request that started it
  std::string resource_name;  ///< the DAG or certificate name
  std::string action;         ///< "", "failover", "setRole", "update"
  std::string api_version;
  std::chrono::steady_clock::time_point started, due;
  std::int64_t started_unix = 0;
  std::int64_t ended_unix = 0;
  bool completed = false;
  bool failed = false;
  int error_status = 400;
  std::string error_code, error_message;
};

class ArmService {
public:
  ArmService(EmulatorWorld& world, LinkSimulator* simulator, FaultPlan* faults, const Contract& contract,
             const identity::TokenService& tokens, ArmOptions options);

  void add_routes(http::Router& router);
  /// For the server's fallback: unknown paths and methods.
  void unmatched(http::Request& req, http::Response& resp, http::Router::Match match);
  /// For the server's after-hook: x-ms-request-id, x-ms-correlation-request-id, rate-limit headers.
  void finish(http::Request& req, http::Response& resp);

  /// ARM's error body: {"error": {"code", "message"}}.
  static milink::sdk::Value error_body(const std::string& code, const std::string& message);

  /// Copies of the operations (tests).
  std::vector<Operation> operations() const;

private:
  struct Call;
  friend struct Call;

  // Prologue shared by every ARM route. Returns false when it answered.
  bool authenticate(http::Request& req, http::Response& resp);
  bool check_api_version(http::Request& req, http::Response& resp, const std::vector<std::string>& supported,
                         const std::string& type, std::string& version);
  /// Requires the world lock.
  bool check_scope(http::Request& req, http::Response& resp, bool instance);
  void advance_locked();
  /// The whole prologue of an instance route: authenticate, check_api_version
  /// (into \p version), then, with the world locked and advanced,
  /// check_scope. Returns the held world lock, or nullopt when it answered.
  std::optional<std::unique_lock<std::mutex>> enter(http::Request& req, http::Response& resp,
                                                    const std::vector<std::string>& supported,
                                                    const std::string& type, std::string& version);
  /// A request body parsed before the world lock is taken, so a huge body
  /// costs its own thread only and never holds up SQL sessions or other
  /// requests. Its verdict is given after authentication, the api-version
  /// and the scope were checked, in the order ARM answers them.
  struct ParsedBody {
    milink::sdk::Value body;     ///< JSON null when the body is empty
    milink::sdk::SourceMap map;  ///< where each member is, for messages
    http::Response error;        ///< the 400 to give when !ok
    bool ok = true;
  };
  static ParsedBody parse_body(const http::Request& req);
  /// Gives \p parsed's verdict: its 400 when it did not parse, else
  /// validates a non-null body against \p operation_id's spec at \p version.
  /// Returns false when it answered 400.
  bool read_body(ParsedBody& parsed, http::Response& resp, const std::string& operation_id, const std::string& version,
                 milink::sdk::Value& body);
  /// Starts a long-running operation and answers 202 Accepted with its headers.
  void accept(http::Request& req, http::Response& resp, const std::string& family, const std::string& method,
              const std::string& name, const std::string& action, const std::string& version);

  void get_instance(http::Request& req, http::Response& resp);
  void trust_list(http::Request& req, http::Response& resp);
  void trust_get(http::Request& req, http::Response& resp);
  void trust_put(http::Request& req, http::Response& resp);
  void trust_delete(http::Request& req, http::Response& resp);
  void endpoint_list(http::Request& req, http::Response& resp);
  void endpoint_get(http::Request& req, http::Response& resp);
  void dag_list(http::Request& req, http::Response& resp);
  void dag_get(http::Request& req, http::Response& resp);
  void dag_put(http::Request& req, http::Response& resp);
  void dag_patch(http::Request& req, http::Response& resp);
  void dag_delete(http::Request& req, http::Response& resp);
  /// PATCH's databases[] (the full list the link is to carry): adds and
  /// removes databases of a MultiDatabase link through a version with
  /// linkMode, telling the simulator; answers the RP's error and returns false
  /// when the request cannot be done; true (nothing answered) when it was
  /// done, or there is no databases[], or it lists what the link has.
  bool patch_link_databases(http::Response& resp, LinkResource& l, const milink::sdk::Value* props, const std::string& v);
  void dag_action(http::Request& req, http::Response& resp, const std::string& action);
  void operation_status(http::Request& req, http::Response& resp);
  void faults_post(http::Request& req, http::Response& resp);
  void faults_get(http::Request& req, http::Response& resp);
  void workload_post(http::Request& req, http::Response& resp);
  /// POST /_emulator/endpoint-certificate {"valid_days": N}: Azure rotates
  /// the instance's DATABASE_MIRRORING certificate (loopback only).
  void endpoint_certificate_post(http::Request& req, http::Response& resp);
  /// POST /_emulator/clock {"advance_days": N} or {"advance_seconds": N}:
  /// scenario time travel (EmulatorWorld::advance_clock; loopback only).
  void clock_post(http::Request& req, http::Response& resp);
  /// Answers a list operation with \p items: all of them, or (scenario
  /// arm.page_size) the page $skiptoken selects with a nextLink to the next.
  void answer_list(http::Request& req, http::Response& resp, milink::sdk::Array items);

  // Helpers (world lock held).
  std::string instance_id() const;
  milink::sdk::Value render_trust(const ServerTrustCertificate& c) const;
  milink::sdk::Value render_link(const LinkResource& l, const std::string& api_version) const;
  milink::sdk::Value render_endpoint(const std::string& type, const Certificate& c) const;
  const Certificate* endpoint_certificate(const std::string& type);
  Operation& start_operation(const std::string& family, const std::string& method, const std::string& name,
                             const std::string& action, const std::string& api_version);
  void operation_headers(http::Request& req, http::Response& resp, const Operation& op, bool async_header) const;
  /// Completes \p op when its outcome is known (a link's PUT waits for the
  /// simulator's operation_outcome).
  void try_complete(Operation& op);
  void finish_operation(Operation& op, const std::optional<LinkResult>& failure);
  void rp_error(http::Response& resp, const std::string& code, const std::vector<std::string>& args,
                const std::string& api_version, int fallback_status = 400, const std::string& fallback_message = "");
  void not_found_child(http::Response& resp, const std::string& child_type, const std::string& name) const;
  int retry_after(const Operation& op) const;

  EmulatorWorld& world_;
  LinkSimulator* simulator_;
  FaultPlan* faults_;
  const Contract& contract_;
  const identity::TokenService& tokens_;
  ArmOptions options_;
  std::map<std::string, Operation> operations_;  ///< guarded by the world mutex
  std::vector<std::string> running_;  ///< ids of the operations not completed (guarded by the world mutex)
  std::map<std::string, std::string> link_modes_;  ///< lower-case DAG name -> linkMode (guarded by the world mutex)
};

}  // namespace milink::emulator::arm
