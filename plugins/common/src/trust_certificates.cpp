#include <milink/link/trust_certificates.hpp>

#include <milink/link/endpoint_state.hpp>
#include <milink/link/instance_certificate.hpp>
#include <milink/link/results.hpp>
#include <milink/sdk/http.hpp>

namespace milink::link {

using milink::sdk::Value;

std::vector<TrustEntry> read_trust(milink::sdk::Context& ctx, const std::string& api_version) {
  auto arm = ctx.arm();
  std::vector<TrustEntry> out;
  for (const auto& item : arm.list(arm.coordinates().instance_path() + "/serverTrustCertificates", api_version)) {
    const Value* n = item.get("name");
    const Value* props = item.get("properties");
    const Value* blob = props != nullptr ? props->get("publicBlob") : nullptr;
    out.push_back({n != nullptr && n->is_string() ? n->as_string() : std::string(),
                   blob != nullptr && blob->is_string() ? normalize_blob(blob->as_string()) : std::string()});
  }
  return out;
}

std::string trust_path(milink::sdk::Context& ctx, const std::string& name) {
  auto arm = ctx.arm();
  return arm.coordinates().instance_path() + "/serverTrustCertificates/" + milink::sdk::url_encode(name);
}

bool trusts(const std::vector<TrustEntry>& trust, const std::string& blob) {
  for (const auto& t : trust)
    if (!blob.empty() && t.blob == blob) return true;
  return false;
}

EndpointCertificate endpoint_certificate(milink::sdk::Sql& sql) {
  EndpointCertificate out;
  auto endpoint = EndpointState::read(sql);
  if (!endpoint || !endpoint->uses_certificate()) return out;
  out.name = endpoint->certificate_name;
  auto rs = sql.query("SELECT CERTENCODED(certificate_id) AS blob FROM master.sys.certificates WHERE name = ?",
                      {milink::sdk::SqlValue::nvarchar(out.name)});
  if (!rs.rows.empty()) out.blob = normalize_blob(text(rs, 0, "blob"));
  return out;
}

}  // namespace milink::link
