#include <milink/link/instance_certificate.hpp>

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

std::string instance_certificate_sql(const std::string& name, const std::string& blob) {
  return "USE master;\nIF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + milink::sdk::tsql::quote_literal(name) +
         ")\n    CREATE CERTIFICATE " + milink::sdk::tsql::quote_identifier(name) + "\n        FROM BINARY = " + blob + ";";
}

std::string drop_certificate_sql(const std::string& name) {
  return "USE master;\nIF EXISTS (SELECT 1 FROM sys.certificates WHERE name = " + milink::sdk::tsql::quote_literal(name) +
         ")\n    DROP CERTIFICATE " + milink::sdk::tsql::quote_identifier(name) + ";";
}

bool is_instance_certificate_name(const std::string& name, const std::string& fqdn) {
  if (iequals(name, fqdn)) return true;
  return name.size() > fqdn.size() + 1 && name[fqdn.size()] == '_' && iequals(name.substr(0, fqdn.size()), fqdn);
}

std::vector<HeldInstanceCertificate> instance_certificates_on_sqlserver(milink::sdk::Sql& sql, const std::string& fqdn) {
  auto rs = sql.query(
      "SELECT name, CERTENCODED(certificate_id) AS blob, expiry_date FROM master.sys.certificates "
      "WHERE pvt_key_encryption_type = 'NA' ORDER BY certificate_id");
  std::vector<HeldInstanceCertificate> out;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    std::string name = text(rs, i, "name");
    if (!is_instance_certificate_name(name, fqdn)) continue;
    HeldInstanceCertificate h{name, normalize_blob(text(rs, i, "blob")), text(rs, i, "expiry_date").substr(0, 10)};
    if (iequals(name, fqdn)) out.insert(out.begin(), h);
    else out.push_back(h);
  }
  return out;
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
