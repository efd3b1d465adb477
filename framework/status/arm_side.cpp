#include "status/arm_side.hpp"

#include <milink/link/results.hpp>
#include <milink/sdk/base64.hpp>

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/DateTime.h>

#include <sstream>
#include <stdexcept>

namespace milink::status {

using milink::sdk::Value;

std::optional<milink::link::Date> certificate_expiry(const std::string& public_blob) {
  auto der = milink::sdk::parse_hex(public_blob);
  if (!der || der->empty()) return std::nullopt;
  std::string b64 = milink::sdk::base64::encode(std::string_view(reinterpret_cast<const char*>(der->data()), der->size()));
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  try {
    std::istringstream in(pem);
    Poco::Crypto::X509Certificate cert(in);
    Poco::DateTime t = cert.expiresOn();
    return milink::link::Date{t.year(), t.month(), t.day()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

std::string string_at(const Value& o, const char* key) {
  const Value* v = o.get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

/// Every item of a list, every page.
std::vector<Value> list(milink::sdk::ArmClient& arm, const std::string& path, const std::string& api_version) {
  std::vector<Value> out;
  milink::sdk::ArmError e;
  if (!milink::sdk::list_all(arm, path, api_version, out, e)) throw std::runtime_error(e.describe("GET", path));
  return out;
}

std::string public_blob(const Value& resource) {
  const Value* p = resource.get("properties");
  return p != nullptr ? string_at(*p, "publicBlob") : std::string();
}

}  // namespace

ArmSide read_arm_side(milink::sdk::ArmClient& arm, const std::string& api_version) {
  ArmSide side;
  const std::string mi = arm.coordinates().instance_path();
  for (const auto& v : list(arm, mi + "/distributedAvailabilityGroups", api_version))
    side.links.push_back(ArmLink{string_at(v, "name"), milink::link::read_link(v)});
  for (const auto& v : list(arm, mi + "/serverTrustCertificates", api_version)) {
    const Value* p = v.get("properties");
    std::string name = p != nullptr ? string_at(*p, "certificateName") : std::string();
    if (name.empty()) name = string_at(v, "name");
    side.trust_certificates.push_back(ArmCertificate{name, certificate_expiry(public_blob(v))});
  }
  for (const auto& v : list(arm, mi + "/endpointCertificates", api_version)) {
    if (!milink::link::iequals(string_at(v, "name"), "DATABASE_MIRRORING")) continue;
    side.endpoint_certificate = ArmCertificate{"DATABASE_MIRRORING", certificate_expiry(public_blob(v))};
  }
  return side;
}

}  // namespace milink::status
