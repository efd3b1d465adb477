#include "arm/azure_emulator.hpp"

#include "arm/arm_service.hpp"
#include "arm/contract/contract.hpp"
#include "faults/fault_plan.hpp"
#include "http/tls_material.hpp"
#include "identity/entra_service.hpp"
#include "identity/managed_identity_service.hpp"
#include "identity/token_service.hpp"
#include "state/time_util.hpp"

#include <fstream>
#include <future>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace milink::emulator {

using milink::sdk::Object;
using milink::sdk::Value;

namespace {

std::string random_text(std::size_t n, const std::string& alphabet) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += alphabet[pick(rng)];
  return out;
}

/// What a client secret looks like in Entra: 40 characters, "~" at position 4.
std::string new_client_secret() {
  std::string s = random_text(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");
  s[3] = '8';
  s[4] = 'Q';
  s[5] = '~';
  return s;
}

void write_private_file(const std::filesystem::path& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << text;
  }
  ::chmod(path.c_str(), 0600);
}

const char* service_label(Service s) {
  switch (s) {
    case Service::Arm: return "arm";
    case Service::Entra: return "entra";
    case Service::Imds: return "imds";
    default: return "other";
  }
}

/// Applies FaultPlan::next(\p service) to a request; true when the fault answered it.
bool apply_faults(FaultPlan& plan, Service service, http::Request& req,
                  http::Response& resp) {
  std::vector<Fault> faults = plan.next(service);
  for (const Fault& f : faults) {
    if (f.kind == Fault::Kind::Latency) {
      resp.delay += std::chrono::milliseconds(f.value);
    } else if (f.kind == Fault::Kind::Drop) {
      resp.drop = true;
      return true;
    } else if (f.kind == Fault::Kind::HttpStatus) {
      int status = f.value;
      if (service == Service::Arm) {
        std::string code, message;
        if (status == 429 || status == 503) {
          // The SQL RP's throttling answers (contract/errors.cpp).
          code = status == 429 ? "SubscriptionTooManyRequests" : "TooManyRequests";
          auto t = arm::arm_contract().error(code);
          message = t ? t->message : "Requests beyond max requests that can be processed by available resources.";
        } else {
          // Inferred wording of the SQL RP's internal errors.
          code = "InternalServerError";
          message = "An unexpected error occured while processing the request. Tracking ID: '" +
                    http::new_guid_lower() + "'";
        }
        resp.json(status, arm::ArmService::error_body(code, message));
      } else if (service == Service::Entra) {
        // Inferred: Entra's transient-failure answer.
        identity::EntraError e{status, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."};
        resp.json(status, identity::entra_error_body(e, http::new_guid_lower(), http::new_guid_lower(), req.base_url()));
      } else {
        resp.json(status, Value(Object{{"error", Value("temporarily_unavailable")},
                                       {"error_description",
                                        Value("The " + std::string(service_label(service)) +
                                              " endpoint is temporarily unavailable (injected fault " +
                                              std::to_string(status) + ").")}}));
      }
      if (status == 429 || status == 503) resp.set_header("Retry-After", "1");
      return true;
    }
  }
  return false;
}

}  // namespace

AzureEmulator::AzureEmulator(EmulatorWorld& world, LinkSimulator& links, FaultPlan& faults, AzureOptions options)
    : world_(world), links_(links), faults_(faults), options_(std::move(options)) {
  if (options_.key_dir.empty()) {
    options_.key_dir = std::filesystem::temp_directory_path() /
                       ("milink-emulator-" + std::to_string(::getpid()) + "-" + random_text(8, "abcdefghijklmnopqrstuvwxyz0123456789")) /
                       "arc-tokens";
    own_key_dir_ = true;
  }
  std::filesystem::create_directories(options_.key_dir);
  ::chmod(options_.key_dir.c_str(), 0700);
  if (options_.app_service_secret.empty())
    options_.app_service_secret = random_text(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

  try {
    build();
  } catch (...) {
    if (own_key_dir_) {
      std::error_code ec;
      std::filesystem::remove_all(options_.key_dir.parent_path(), ec);
    }
    throw;
  }
}

void AzureEmulator::build() {
  std::string tenant, sub, rg;
  {
    auto lock = world_.lock();
    tenant = world_.azure.tenant_id;
    sub = world_.azure.subscription_id;
    rg = world_.azure.resource_group;
  }
  log_ = std::make_shared<http::RequestLog>();
  // Key generation is the slow part: run it beside the TLS certificate's.
  auto tokens = std::async(std::launch::async, [] { return std::make_unique<identity::TokenService>(); });
  http::ServerTlsMaterial tls = http::issue_server_certificate(world_.root_ca, {"localhost"}, {"127.0.0.1", "::1"});
  ca_pem_ = tls.ca_pem;
  tokens_ = tokens.get();
  directory_ = std::make_unique<identity::Directory>(tenant);
  identity::ManagedIdentity mi = directory_->managed_identity();
  mi.resource_id = "/subscriptions/" + sub + "/resourceGroups/" + rg +
                   "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/milink-identity";
  directory_->set_managed_identity(mi);

  arm::ArmOptions ao;
  if (options_.arm_operation) ao.operation_time = *options_.arm_operation;
  else if (!options_.profile.empty()) ao.operation_time = TimingProfile::named(options_.profile).arm_operation;
  else ao.operation_time = links_.profile().arm_operation;
  ao.retry_after_seconds = options_.retry_after_seconds;
  ao.link_created = options_.link_created;
  ao.link_outcome = options_.link_outcome;
  arm_ = std::make_unique<arm::ArmService>(world_, &links_, &faults_, arm::arm_contract(), *tokens_, ao);
  entra_ = std::make_unique<identity::EntraService>(*directory_, *tokens_);
  identity::ManagedIdentityOptions mo;
  mo.arc_key_dir = options_.key_dir;
  mo.app_service_secret = options_.app_service_secret;
  managed_ = std::make_unique<identity::ManagedIdentityService>(*directory_, *tokens_, mo);

  http::Router arm_router, entra_router, managed_router;
  arm_->add_routes(arm_router);
  entra_->add_routes(entra_router);
  managed_->add_routes(managed_router);

  http::ServerOptions so;
  so.bind = options_.bind;
  so.tls = true;
  so.certificate_pem = tls.certificate_pem;
  so.private_key_pem = tls.private_key_pem;
  so.chain_pem = tls.ca_pem;

  so.name = "arm";
  so.port = options_.arm_port;
  so.log_bodies = true;  // ARM's bodies carry no secrets (the token is a header); tests read what was sent
  arm_server_ = std::make_unique<http::HttpServer>(so, std::move(arm_router), log_);
  so.log_bodies = false;
  arm_server_->set_before([this](http::Request& q, http::Response& r) {
    if (q.path.rfind("/_emulator/", 0) == 0) return false;  // the control route is never faulted
    return apply_faults(faults_, Service::Arm, q, r);
  });
  arm_server_->set_fallback([this](http::Request& q, http::Response& r, http::Router::Match m) { arm_->unmatched(q, r, m); });
  arm_server_->set_after([this](http::Request& q, http::Response& r) { arm_->finish(q, r); });

  so.name = "entra";
  so.port = options_.identity_port;
  entra_server_ = std::make_unique<http::HttpServer>(so, std::move(entra_router), log_);
  entra_server_->set_before(
      [this](http::Request& q, http::Response& r) { return apply_faults(faults_, Service::Entra, q, r); });
  entra_server_->set_fallback([](http::Request& q, http::Response& r, http::Router::Match m) {
    r.json(m == http::Router::Match::NoMethod ? 405 : 404,
           Value(Object{{"error", Value(m == http::Router::Match::NoMethod ? "invalid_request" : "not_found")},
                        {"error_description", Value("No Entra endpoint at " + q.path)}}));
  });
  entra_server_->set_after([](http::Request&, http::Response& r) {
    if (!r.header("x-ms-request-id")) r.set_header("x-ms-request-id", http::new_guid_lower());
  });

  so.name = "managed-identity";
  so.tls = false;
  so.port = options_.managed_identity_port;
  managed_server_ = std::make_unique<http::HttpServer>(so, std::move(managed_router), log_);
  managed_server_->set_before(
      [this](http::Request& q, http::Response& r) { return apply_faults(faults_, Service::Imds, q, r); });
  managed_server_->set_fallback([](http::Request& q, http::Response& r, http::Router::Match) {
    r.json(404, Value(Object{{"error", Value("not_found")}, {"error_description", Value("No endpoint at " + q.path)}}));
  });
}

AzureEmulator::~AzureEmulator() {
  stop();
  if (own_key_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(options_.key_dir.parent_path(), ec);
  }
}

void AzureEmulator::start() {
  arm_server_->start();
  entra_server_->start();
  managed_server_->start();
}

void AzureEmulator::stop() {
  if (managed_server_) managed_server_->stop();
  if (entra_server_) entra_server_->stop();
  if (arm_server_) arm_server_->stop();
}

std::uint16_t AzureEmulator::arm_port() const { return arm_server_->port(); }
std::uint16_t AzureEmulator::identity_port() const { return entra_server_->port(); }
std::uint16_t AzureEmulator::managed_identity_port() const { return managed_server_->port(); }

namespace {
std::string host_part(const std::string& bind) { return bind.find(':') != std::string::npos ? "[" + bind + "]" : bind; }
}  // namespace

std::string AzureEmulator::arm_endpoint() const {
  return "https://" + host_part(options_.bind) + ":" + std::to_string(arm_port());
}
std::string AzureEmulator::authority_host() const {
  return "https://" + host_part(options_.bind) + ":" + std::to_string(identity_port());
}
std::string AzureEmulator::imds_endpoint() const {
  return "http://" + host_part(options_.bind) + ":" + std::to_string(managed_identity_port()) +
         "/metadata/identity/oauth2/token";
}
std::string AzureEmulator::app_service_endpoint() const {
  return "http://" + host_part(options_.bind) + ":" + std::to_string(managed_identity_port()) + "/msi/token";
}

std::string AzureEmulator::tenant_id() const { return directory_->default_tenant(); }
std::string AzureEmulator::subscription_id() const {
  auto lock = world_.lock();
  return world_.azure.subscription_id;
}
std::string AzureEmulator::resource_group() const {
  auto lock = world_.lock();
  return world_.azure.resource_group;
}
std::string AzureEmulator::managed_instance_name() const {
  auto lock = world_.lock();
  return world_.managed_instance.name;
}

std::string AzureEmulator::ca_pem() const { return ca_pem_; }

void AzureEmulator::write_ca(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << ca_pem_;
}

ServicePrincipalCredentials AzureEmulator::register_service_principal(const ServicePrincipalRequest& request) {
  identity::ServicePrincipal sp;
  sp.tenant_id = request.tenant_id;
  sp.client_id = request.client_id;
  sp.display_name = request.display_name;
  ServicePrincipalCredentials out;
  if (request.with_secret) {
    out.client_secret = new_client_secret();
    sp.secrets.push_back(out.client_secret);
  }
  GeneratedCertificate cert;
  if (request.with_certificate) {
    CertificateRequest cr;
    cr.subject_cn = request.display_name.empty() ? "milink service principal" : request.display_name;
    SqlDateTime now = now_utc();
    now.nanosecond = 0;
    cr.not_before = add_days(now, -1);
    cr.not_after = add_years(now, 1);
    cert = generate_certificate(cr);
    if (auto c = identity::client_certificate_from_der(cert.info.der)) sp.certificates.push_back(*c);
    out.certificate_pem = http::der_to_pem(cert.info.der);
    out.private_key_pem = cert.private_key_pem;
    out.certificate_thumbprint = http::hex_upper(cert.info.sha1);
  }
  identity::ServicePrincipal stored = directory_->add_service_principal(std::move(sp));
  out.tenant_id = stored.tenant_id;
  out.client_id = stored.client_id;
  out.object_id = stored.object_id;
  return out;
}

bool AzureEmulator::add_client_certificate(const std::string& client_id, const std::string& certificate_pem) {
  auto der = http::certificate_pem_to_der(certificate_pem);
  return der && directory_->add_certificate(client_id, *der);
}

bool AzureEmulator::add_federated_credential(const std::string& client_id, const std::string& subject,
                                             const std::string& issuer, const std::string& audience) {
  identity::FederatedCredential fc;
  fc.issuer = issuer.empty() ? tokens_->federation_issuer() : issuer;
  fc.subject = subject;
  fc.audiences = {audience};
  return directory_->add_federated_credential(client_id, std::move(fc));
}

std::string AzureEmulator::federated_issuer() const { return tokens_->federation_issuer(); }

std::string AzureEmulator::mint_federated_token(const std::string& subject, const std::string& audience,
                                                std::chrono::seconds lifetime) const {
  return tokens_->mint_federated_token(subject, audience, lifetime.count());
}

void AzureEmulator::write_federated_token(const std::filesystem::path& path, const std::string& subject,
                                          const std::string& audience, std::chrono::seconds lifetime) const {
  write_private_file(path, mint_federated_token(subject, audience, lifetime));
}

identity::ManagedIdentity AzureEmulator::managed_identity() const { return directory_->managed_identity(); }

std::string AzureEmulator::mint_token(const MintRequest& r) const {
  identity::TokenClaims c;
  c.tenant_id = r.tenant_id.empty() ? tenant_id() : r.tenant_id;
  c.audience = r.audience;
  c.app_id = r.client_id.empty() ? http::new_guid_lower() : r.client_id;
  c.object_id = r.object_id.empty() ? http::new_guid_lower() : r.object_id;
  c.issued_at = http::unix_now() + r.offset.count();
  c.expires_at = c.issued_at + r.lifetime.count();
  return tokens_->mint(c);
}

std::string AzureEmulator::mint_expired_token() const {
  MintRequest r;
  r.offset = std::chrono::hours(-2);
  r.lifetime = std::chrono::hours(1);
  return mint_token(r);
}

std::string AzureEmulator::mint_wrong_audience_token() const {
  MintRequest r;
  r.audience = "https://graph.microsoft.com";
  return mint_token(r);
}

std::vector<http::LogEntry> AzureEmulator::request_log() const { return log_->entries(); }

Value AzureEmulator::describe() const {
  return Value(Object{{"arm_endpoint", Value(arm_endpoint())},
                      {"authority_host", Value(authority_host())},
                      {"tenant_id", Value(tenant_id())},
                      {"subscription_id", Value(subscription_id())},
                      {"resource_group", Value(resource_group())},
                      {"managed_instance", Value(managed_instance_name())},
                      {"imds_endpoint", Value(imds_endpoint())},
                      {"app_service_endpoint", Value(app_service_endpoint())}});
}

}  // namespace milink::emulator
