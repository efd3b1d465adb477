//===- emulator/arm/azure_emulator.hpp - The emulator's Azure side -*- C++ -*-===//
///
/// \file
/// Everything milink reaches over HTTP(S) when it talks to Azure, on
/// loopback, for the app (emulator/app) to own beside the TDS listeners:
///
///   arm_port()               HTTPS  Azure Resource Manager (config azure.arm_endpoint)
///   identity_port()          HTTPS  Entra ID token endpoints (config azure.authority_host)
///   managed_identity_port()  HTTP   IMDS, App Service and Azure Arc identity endpoints
///
/// Real clouds serve ARM and Entra from different hosts, and the config has
/// separate arm_endpoint and authority_host, so they are separate listeners
/// here too (each with its own fault service: arm / entra). Both present a
/// certificate for localhost, 127.0.0.1 and ::1 issued by the world's root CA
/// ("milink emulator root CA"); clients trust it through the config's
/// azure.ca_file (write_ca()). The managed-identity listener is plain HTTP,
/// as IMDS, App Service's and Arc's are (fault service: imds).
///
/// The Azure state (trust certificates, links) lives in the world
/// (EmulatorWorld::azure); faults come from the FaultPlan; links are handed
/// to the LinkSimulator, whose TimingProfile also sets how long ARM's
/// long-running operations take.
///
/// Usage:
/// \code
///   EmulatorWorld world;
///   LinkSimulator links(world, TimingProfile::fast());
///   FaultPlan faults;
///   AzureEmulator azure(world, links, faults);
///   azure.start();
///   auto sp = azure.register_service_principal();     // client id + secret (+ certificate)
///   azure.write_ca(dir / "ca.pem");                   // config azure.ca_file
///   // config: azure.arm_endpoint = azure.arm_endpoint(), azure.authority_host = azure.authority_host(), ...
/// \endcode
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/http_server.hpp"
#include "identity/directory.hpp"
#include "link/link_simulator.hpp"
#include "state/world.hpp"

#include <milink/sdk/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator {

class FaultPlan;

namespace arm {
class ArmService;
}  // namespace arm
namespace identity {
class TokenService;
class EntraService;
class ManagedIdentityService;
}  // namespace identity

struct AzureOptions {
  std::string bind = "127.0.0.1";       ///< loopback only ("127.0.0.1" or "::1")
  std::uint16_t arm_port = 0;           ///< 0: any free port
  std::uint16_t identity_port = 0;      ///< Entra ID (HTTPS)
  std::uint16_t managed_identity_port = 0;  ///< IMDS / App Service / Arc (HTTP)
  /// Where Azure Arc challenge key files are written; empty: a fresh
  /// directory under the system temp dir, removed by the destructor.
  std::filesystem::path key_dir;
  /// "fast" | "demo" | "realistic": overrides the link simulator's profile for ARM's
  /// long-running operations; empty: the simulator's.
  std::string profile;
  /// Overrides the operation time outright.
  std::optional<std::chrono::milliseconds> arm_operation;
  /// Retry-After on long-running operations; -1: the remaining time (at least 1 s).
  int retry_after_seconds = -1;
  /// The App Service IDENTITY_HEADER secret; empty: random.
  std::string app_service_secret;
  /// Replace LinkSimulator::created / operation_outcome for DAG PUTs (tests).
  std::function<LinkResult(LinkResource&)> link_created;
  std::function<std::optional<LinkResult>(const std::string& link_name)> link_outcome;
};

/// What register_service_principal() asks for.
struct ServicePrincipalRequest {
  std::string display_name;   ///< empty: "milink-<id>"
  std::string tenant_id;      ///< empty: the world's tenant
  std::string client_id;      ///< empty: generated
  bool with_secret = true;
  bool with_certificate = false;
};

/// What a config writer needs to use a service principal. Secret material.
struct ServicePrincipalCredentials {
  std::string tenant_id;
  std::string client_id;
  std::string object_id;
  std::string client_secret;          ///< empty unless with_secret
  std::string certificate_pem;        ///< empty unless with_certificate
  std::string private_key_pem;        ///< PKCS#8, empty unless with_certificate
  std::string certificate_thumbprint; ///< SHA-1, upper-case hex
};

/// What mint_token() puts in a token.
struct MintRequest {
  std::string audience = "https://management.azure.com/";
  std::string tenant_id;    ///< empty: the world's tenant
  std::string client_id;    ///< appid; empty: a generated id
  std::string object_id;    ///< oid; empty: a generated id
  std::chrono::seconds lifetime{3599};
  /// Shifts iat/nbf/exp: negative values give expired tokens.
  std::chrono::seconds offset{0};
};

class AzureEmulator {
public:
  /// Builds the services (ARM checks requests against arm::arm_contract()).
  /// \p world, \p links and \p faults must outlive it.
  AzureEmulator(EmulatorWorld& world, LinkSimulator& links, FaultPlan& faults, AzureOptions options = {});
  ~AzureEmulator();
  AzureEmulator(const AzureEmulator&) = delete;
  AzureEmulator& operator=(const AzureEmulator&) = delete;

  /// Starts the three listeners. Throws std::runtime_error when a port is taken.
  void start();
  void stop();

  std::uint16_t arm_port() const;
  std::uint16_t identity_port() const;
  std::uint16_t managed_identity_port() const;
  /// "https://127.0.0.1:<arm_port>" (config azure.arm_endpoint).
  std::string arm_endpoint() const;
  /// "https://127.0.0.1:<identity_port>" (config azure.authority_host).
  std::string authority_host() const;
  /// "http://127.0.0.1:<port>/metadata/identity/oauth2/token" (IMDS and Arc's IDENTITY_ENDPOINT).
  std::string imds_endpoint() const;
  /// "http://127.0.0.1:<port>/msi/token" (App Service's IDENTITY_ENDPOINT).
  std::string app_service_endpoint() const;
  /// App Service's IDENTITY_HEADER.
  const std::string& app_service_secret() const { return options_.app_service_secret; }
  /// Where Arc key files go.
  const std::filesystem::path& key_dir() const { return options_.key_dir; }

  std::string tenant_id() const;
  std::string subscription_id() const;
  std::string resource_group() const;
  std::string managed_instance_name() const;

  /// The CA clients must trust (PEM), and a copy written to \p path.
  std::string ca_pem() const;
  void write_ca(const std::filesystem::path& path) const;

  /// Registers an application in Entra (and the world's tenant unless told otherwise).
  ServicePrincipalCredentials register_service_principal(const ServicePrincipalRequest& request = {});
  /// Adds a certificate (PEM) to an application; false when the client or the PEM is unknown/bad.
  bool add_client_certificate(const std::string& client_id, const std::string& certificate_pem);
  /// Trusts \p issuer's tokens with \p subject for \p client_id (workload
  /// identity). \p issuer empty: the emulator's own issuer (federated_issuer()).
  bool add_federated_credential(const std::string& client_id, const std::string& subject,
                                const std::string& issuer = {},
                                const std::string& audience = "api://AzureADTokenExchange");
  /// The emulated OIDC issuer whose tokens federated credentials can trust.
  std::string federated_issuer() const;
  /// A token of that issuer for \p subject ("system:serviceaccount:ns:sa").
  std::string mint_federated_token(const std::string& subject,
                                   const std::string& audience = "api://AzureADTokenExchange",
                                   std::chrono::seconds lifetime = std::chrono::hours(1)) const;
  /// Writes mint_federated_token() to \p path (AZURE_FEDERATED_TOKEN_FILE), mode 0600.
  void write_federated_token(const std::filesystem::path& path, const std::string& subject,
                             const std::string& audience = "api://AzureADTokenExchange",
                             std::chrono::seconds lifetime = std::chrono::hours(1)) const;

  /// The managed identity the IMDS / App Service / Arc endpoints issue tokens for.
  identity::ManagedIdentity managed_identity() const;

  /// An ARM access token signed by the emulated Entra (static-token provider tests).
  std::string mint_token(const MintRequest& request = {}) const;
  /// Expired an hour ago (ARM answers 401 ExpiredAuthenticationToken).
  std::string mint_expired_token() const;
  /// For https://graph.microsoft.com (ARM answers 401 InvalidAuthenticationTokenAudience).
  std::string mint_wrong_audience_token() const;

  /// Every request the three listeners answered, oldest first (no secrets).
  std::vector<http::LogEntry> request_log() const;

  /// {"arm_endpoint", "authority_host", "tenant_id", "subscription_id",
  ///  "resource_group", "managed_instance", "imds_endpoint",
  ///  "app_service_endpoint"}: what a config writer fills the azure section from.
  milink::sdk::Value describe() const;

  /// The ARM routes (tests inspect operations).
  arm::ArmService& arm() { return *arm_; }
  identity::Directory& directory() { return *directory_; }

private:
  void build();

  EmulatorWorld& world_;
  LinkSimulator& links_;
  FaultPlan& faults_;
  AzureOptions options_;
  bool own_key_dir_ = false;
  std::string ca_pem_;
  std::shared_ptr<http::RequestLog> log_;
  std::unique_ptr<identity::TokenService> tokens_;
  std::unique_ptr<identity::Directory> directory_;
  std::unique_ptr<arm::ArmService> arm_;
  std::unique_ptr<identity::EntraService> entra_;
  std::unique_ptr<identity::ManagedIdentityService> managed_;
  std::unique_ptr<http::HttpServer> arm_server_;
  std::unique_ptr<http::HttpServer> entra_server_;
  std::unique_ptr<http::HttpServer> managed_server_;
};

}  // namespace milink::emulator
