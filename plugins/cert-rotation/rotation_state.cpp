#include "rotation_state.hpp"

#include <milink/link/instance_certificate.hpp>
#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>
#include <milink/link/results.hpp>
#include <milink/sdk/http.hpp>

#include <cctype>

namespace milink::link {

using milink::sdk::StepError;
using milink::sdk::Value;
namespace tsql = milink::sdk::tsql;

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  return true;
}

/// Splits "<base>_<yyyymmdd>[_<n>]" into base and generation; a name
/// without the suffix is generation (0, 0).
void split_generation(const std::string& name, std::string& base, long long& day, long long& n) {
  base = name;
  day = 0;
  n = 0;
  std::string rest = name;
  long long count = 1;
  std::size_t us = rest.rfind('_');
  if (us != std::string::npos && all_digits(rest.substr(us + 1)) && rest.size() - us - 1 < 8) {
    count = std::stoll(rest.substr(us + 1));
    rest = rest.substr(0, us);
    us = rest.rfind('_');
  }
  if (us == std::string::npos || rest.size() - us - 1 != 8 || !all_digits(rest.substr(us + 1))) return;
  base = rest.substr(0, us);
  day = std::stoll(rest.substr(us + 1));
  n = count;
}

}  // namespace

std::vector<milink::sdk::ParamSpec> InstanceSide::params() {
  using milink::sdk::Param;
  return {
      Param::string("sqlserver_target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("mi_target")
          .defaults_to(Value("managed_instance"))
          .doc("SQL target of the managed instance (instance_certificate_source tsql)"),
      Param::string("instance_fqdn").required().doc("The managed instance's FQDN"),
      Param::string("instance_certificate_source")
          .defaults_to(Value("arm"))
          .choices({"arm", "tsql"})
          .doc("Where to read the instance's endpoint certificate: arm (endpointCertificates) or tsql (sp_get_endpoint_certificate)"),
      Param::string("api_version")
          .defaults_to(Value(kDefaultLinkApiVersion))
          .doc("ARM api-version for serverTrustCertificates and endpointCertificates"),
  };
}

InstanceSide InstanceSide::read(const milink::sdk::Params& p) {
  InstanceSide s;
  s.sqlserver_target = p.string("sqlserver_target");
  s.mi_target = p.string("mi_target");
  s.instance_fqdn = p.string("instance_fqdn");
  check_sysname(s.instance_fqdn, "instance_fqdn");
  s.source = p.string("instance_certificate_source") == "tsql" ? InstanceCertificateSource::Tsql
                                                                 : InstanceCertificateSource::Arm;
  s.api_version = p.string("api_version");
  return s;
}

CertificateGenerations read_generations(milink::sdk::Sql& sql) {
  auto endpoint = EndpointState::read(sql);
  if (!endpoint)
    throw StepError("SQL Server has no database mirroring endpoint, so there is no endpoint certificate to rotate; "
                    "set the link up first (milink run replicate-database)");
  if (!endpoint->uses_certificate())
    throw StepError("the mirroring endpoint " + tsql::quote_identifier(endpoint->name) + " authenticates with " +
                    endpoint->connection_auth_desc +
                    ", not a certificate; there is nothing to rotate (the link needs certificate authentication: "
                    "run replicate-database with existing_endpoint: alter)");
  CertificateGenerations g;
  g.endpoint = *endpoint;
  long long day = 0, n = 0;
  split_generation(endpoint->certificate_name, g.base, day, n);
  auto rs = sql.query(
      "SELECT name, CERTENCODED(certificate_id) AS blob, expiry_date FROM master.sys.certificates "
      "WHERE pvt_key_encryption_type <> 'NA' ORDER BY certificate_id");
  bool found = false;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    OwnedCertificate c;
    c.name = text(rs, i, "name");
    std::string base;
    split_generation(c.name, base, c.generation_day, c.generation_n);
    if (!iequals(base, g.base)) continue;
    c.blob = normalize_blob(text(rs, i, "blob"));
    const auto& exp = rs.at(i, "expiry_date");
    if (!exp.is_null()) c.expiry = Date::of(exp.as_datetime());
    if (iequals(c.name, endpoint->certificate_name)) {
      g.current = c;
      found = true;
    }
    g.older.push_back(c);
  }
  if (!found)
    throw StepError("the mirroring endpoint's certificate " + tsql::quote_identifier(endpoint->certificate_name) +
                    " is not in master with a private key");
  std::vector<OwnedCertificate> older;
  for (auto& c : g.older) {
    if (iequals(c.name, g.current.name)) continue;
    if (c.newer_than(g.current)) {
      if (!g.newer || c.newer_than(*g.newer)) g.newer = c;
    } else {
      older.push_back(c);
    }
  }
  g.older = older;
  return g;
}

std::string next_generation_name(milink::sdk::Sql& sql, const CertificateGenerations& g, const Date& today) {
  std::string first = g.base + "_" + today.compact();
  for (int n = 1; n < 1000; ++n) {
    std::string name = n == 1 ? first : first + "_" + std::to_string(n);
    if (name.size() > 128) throw StepError("the certificate name " + name + " would be longer than 128 characters");
    auto taken = sql.scalar("SELECT COUNT(*) FROM master.sys.certificates WHERE name = ?", {milink::sdk::SqlValue::nvarchar(name)});
    if (!taken || taken->as_int64() == 0) return name;
  }
  throw StepError("no free certificate name after " + first);
}

std::vector<LinkConnection> read_links(milink::sdk::Sql& sql, const std::string& instance_fqdn) {
  auto rs = sql.query(
      "SELECT ag.name, r.endpoint_url, rs.connected_state_desc, rs.last_connect_error_number, "
      "rs.last_connect_error_description "
      "FROM master.sys.dm_hadr_availability_replica_states AS rs "
      "JOIN master.sys.availability_replicas AS r ON rs.replica_id = r.replica_id "
      "JOIN master.sys.availability_groups AS ag ON ag.group_id = r.group_id "
      "WHERE ag.is_distributed = 1 AND rs.is_local = 0 ORDER BY ag.name");
  std::vector<LinkConnection> out;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    if (!iequals(endpoint_url_host(text(rs, i, "endpoint_url")), instance_fqdn)) continue;
    LinkConnection l;
    l.dag = text(rs, i, "name");
    l.connected = text(rs, i, "connected_state_desc") == "CONNECTED";
    std::string number = text(rs, i, "last_connect_error_number");
    if (!l.connected && !number.empty())
      l.last_error = "error " + number + ": " + text(rs, i, "last_connect_error_description");
    out.push_back(l);
  }
  return out;
}

std::string disconnected_list(const std::vector<LinkConnection>& links) {
  std::string out;
  for (const auto& l : links) {
    if (l.connected) continue;
    out += (out.empty() ? "" : ", ") + tsql::quote_identifier(l.dag) + (l.last_error.empty() ? "" : " (" + l.last_error + ")");
  }
  return out;
}

}  // namespace milink::link
