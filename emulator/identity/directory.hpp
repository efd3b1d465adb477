//===- emulator/identity/directory.hpp - Tenants and their principals -*- C++ -*-===//
///
/// \file
/// The emulated Entra ID directory: tenants, the service principals
/// (application registrations) registered in each, with their credentials --
/// client secrets, certificates (public part only, as the portal keeps them)
/// and federated identity credentials (issuer + subject + audiences) -- and
/// the managed identity the IMDS / App Service / Azure Arc endpoints hand
/// tokens for. Thread-safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "http/encoding.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::identity {

using http::Bytes;

struct ClientCertificate {
  Bytes der;
  Bytes sha1;     ///< x5t (SHA-1 of the DER)
  Bytes sha256;   ///< x5t#S256
  std::int64_t not_before = 0;  ///< Unix seconds
  std::int64_t not_after = 0;
};

struct FederatedCredential {
  std::string name;
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences{"api://AzureADTokenExchange"};
};

struct ServicePrincipal {
  std::string tenant_id;
  std::string client_id;     ///< appId
  std::string object_id;     ///< the service principal's object id (oid in tokens)
  std::string display_name;
  std::vector<std::string> secrets;
  std::vector<ClientCertificate> certificates;
  std::vector<FederatedCredential> federated_credentials;
};

struct ManagedIdentity {
  std::string client_id;
  std::string object_id;
  std::string resource_id;  ///< the (user-assigned) identity's or the host's ARM resource id
};

class Directory {
public:
  explicit Directory(std::string default_tenant);

  const std::string& default_tenant() const { return default_tenant_; }
  void add_tenant(const std::string& tenant_id);
  bool has_tenant(const std::string& tenant_id) const;

  /// Registers \p sp (client and object ids are generated when empty, the
  /// tenant defaults to default_tenant()). Returns what was stored.
  ServicePrincipal add_service_principal(ServicePrincipal sp);
  /// Each returns false when the client is unknown.
  bool add_secret(const std::string& client_id, const std::string& secret);
  /// \p der: a DER certificate; false when unreadable or the client is unknown.
  bool add_certificate(const std::string& client_id, const Bytes& der);
  bool add_federated_credential(const std::string& client_id, FederatedCredential fc);

  std::optional<ServicePrincipal> find(const std::string& tenant_id, const std::string& client_id) const;

  ManagedIdentity managed_identity() const;
  void set_managed_identity(ManagedIdentity mi);

private:
  ServicePrincipal* find_locked(const std::string& client_id);
  mutable std::mutex mu_;
  std::string default_tenant_;
  std::vector<std::string> tenants_;
  std::vector<ServicePrincipal> principals_;
  ManagedIdentity managed_identity_;
};

/// Parses a DER certificate into a ClientCertificate; nullopt when unreadable.
std::optional<ClientCertificate> client_certificate_from_der(const Bytes& der);

}  // namespace milink::emulator::identity
