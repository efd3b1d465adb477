#include "identity/directory.hpp"

#include "http/tls_material.hpp"
#include "state/time_util.hpp"
#include "state/x509.hpp"

namespace milink::emulator::identity {

std::optional<ClientCertificate> client_certificate_from_der(const Bytes& der) {
  auto info = parse_certificate_der(der);
  if (!info) return std::nullopt;
  ClientCertificate c;
  c.der = der;
  c.sha1 = http::sha1(der);
  c.sha256 = http::sha256(der);
  c.not_before = to_unix_seconds(info->not_before);
  c.not_after = to_unix_seconds(info->not_after);
  return c;
}

Directory::Directory(std::string default_tenant) : default_tenant_(std::move(default_tenant)) {
  tenants_.push_back(default_tenant_);
  managed_identity_.client_id = http::new_guid_lower();
  managed_identity_.object_id = http::new_guid_lower();
}

void Directory::add_tenant(const std::string& tenant_id) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& t : tenants_)
    if (http::iequals(t, tenant_id)) return;
  tenants_.push_back(tenant_id);
}

bool Directory::has_tenant(const std::string& tenant_id) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& t : tenants_)
    if (http::iequals(t, tenant_id)) return true;
  return false;
}

ServicePrincipal Directory::add_service_principal(ServicePrincipal sp) {
  if (sp.tenant_id.empty()) sp.tenant_id = default_tenant_;
  if (sp.client_id.empty()) sp.client_id = http::new_guid_lower();
  if (sp.object_id.empty()) sp.object_id = http::new_guid_lower();
  if (sp.display_name.empty()) sp.display_name = "milink-" + sp.client_id.substr(0, 8);
  add_tenant(sp.tenant_id);
  std::lock_guard<std::mutex> l(mu_);
  for (auto& p : principals_)
    if (http::iequals(p.client_id, sp.client_id)) {
      p = sp;
      return sp;
    }
  principals_.push_back(sp);
  return sp;
}

ServicePrincipal* Directory::find_locked(const std::string& client_id) {
  for (auto& p : principals_)
    if (http::iequals(p.client_id, client_id)) return &p;
  return nullptr;
}

bool Directory::add_secret(const std::string& client_id, const std::string& secret) {
  std::lock_guard<std::mutex> l(mu_);
  ServicePrincipal* p = find_locked(client_id);
  if (!p) return false;
  p->secrets.push_back(secret);
  return true;
}

bool Directory::add_certificate(const std::string& client_id, const Bytes& der) {
  auto cert = client_certificate_from_der(der);
  if (!cert) return false;
  std::lock_guard<std::mutex> l(mu_);
  ServicePrincipal* p = find_locked(client_id);
  if (!p) return false;
  p->certificates.push_back(std::move(*cert));
  return true;
}

bool Directory::add_federated_credential(const std::string& client_id, FederatedCredential fc) {
  std::lock_guard<std::mutex> l(mu_);
  ServicePrincipal* p = find_locked(client_id);
  if (!p) return false;
  if (fc.name.empty()) fc.name = "fic-" + std::to_string(p->federated_credentials.size() + 1);
  p->federated_credentials.push_back(std::move(fc));
  return true;
}

std::optional<ServicePrincipal> Directory::find(const std::string& tenant_id, const std::string& client_id) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& p : principals_)
    if (http::iequals(p.client_id, client_id) && http::iequals(p.tenant_id, tenant_id)) return p;
  return std::nullopt;
}

ManagedIdentity Directory::managed_identity() const {
  std::lock_guard<std::mutex> l(mu_);
  return managed_identity_;
}

void Directory::set_managed_identity(ManagedIdentity mi) {
  std::lock_guard<std::mutex> l(mu_);
  managed_identity_ = std::move(mi);
}

}  // namespace milink::emulator::identity
