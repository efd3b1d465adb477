#include "instance_certificate.hpp"

#include <milink/link/results.hpp>

#include <cctype>

namespace milink::link {

std::string normalize_blob(const std::string& blob) {
  std::string s = blob;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
  if (s.empty() || s.size() % 2 != 0) return {};
  for (auto& c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return "0x" + s;
}

std::string fetch_instance_certificate(InstanceCertificateSource source, milink::sdk::Context& ctx,
                                       const std::string& mi_target, const std::string& api_version) {
  if (source == InstanceCertificateSource::Tsql) {
    auto rs = ctx.sql(mi_target).query("EXEC sp_get_endpoint_certificate @endpoint_type = 4");
    if (rs.rows.empty() || rs.columns.empty())
      throw milink::sdk::StepError("sp_get_endpoint_certificate on " + mi_target + " returned no certificate");
    std::string blob = normalize_blob(text(rs, 0, rs.columns.front().name));
    if (blob.empty())
      throw milink::sdk::StepError("sp_get_endpoint_certificate on " + mi_target + " returned something that is not a certificate");
    return blob;
  }
  auto arm = ctx.arm();
  std::string path = arm.coordinates().instance_path() + "/endpointCertificates/DATABASE_MIRRORING";
  auto r = arm.get(path, api_version);
  if (r.status == 404)
    throw milink::sdk::StepError("ARM has no endpoint certificate DATABASE_MIRRORING for managed instance " +
                                 arm.coordinates().instance_name + " (GET " + path + " gave 404)");
  const milink::sdk::Value* props = r.body.get("properties");
  const milink::sdk::Value* blob = props != nullptr ? props->get("publicBlob") : nullptr;
  std::string out = blob != nullptr && blob->is_string() ? normalize_blob(blob->as_string()) : std::string();
  if (out.empty())
    throw milink::sdk::StepError("ARM's endpoint certificate for " + arm.coordinates().instance_name +
                                 " has no usable properties.publicBlob");
  return out;
}

}  // namespace milink::link
