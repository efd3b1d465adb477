#include <milink/link/endpoint_state.hpp>

#include <milink/link/results.hpp>

namespace milink::link {

std::optional<EndpointState> EndpointState::read(milink::sdk::Sql& sql) {
  auto rs = sql.query(
      "SELECT e.name, e.state_desc, e.connection_auth_desc, e.is_encryption_enabled, e.encryption_algorithm_desc, "
      "c.name AS certificate_name, t.port "
      "FROM master.sys.database_mirroring_endpoints AS e "
      "JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id "
      "LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id");
  if (rs.rows.empty()) return std::nullopt;
  EndpointState s;
  s.name = text(rs, 0, "name");
  s.state_desc = text(rs, 0, "state_desc");
  s.connection_auth_desc = text(rs, 0, "connection_auth_desc");
  s.encryption_enabled = integer(rs, 0, "is_encryption_enabled") != 0;
  s.encryption_algorithm_desc = text(rs, 0, "encryption_algorithm_desc");
  s.certificate_name = text(rs, 0, "certificate_name");
  s.port = integer(rs, 0, "port");
  return s;
}

std::vector<std::string> EndpointState::problems(const std::string& certificate) const {
  std::vector<std::string> out;
  if (connection_auth_desc.find("CERTIFICATE") == std::string::npos)
    out.push_back("authenticates with " + connection_auth_desc + ", not CERTIFICATE");
  else if (!iequals(certificate_name, certificate))
    out.push_back("authenticates with certificate [" + certificate_name + "], not [" + certificate + "]");
  if (!encryption_enabled)
    out.push_back("does not encrypt");
  else if (encryption_algorithm_desc.find("NONE") != std::string::npos)
    out.push_back("encryption is SUPPORTED, not REQUIRED");
  if (encryption_enabled && encryption_algorithm_desc.find("AES") == std::string::npos)
    out.push_back("encrypts with " + encryption_algorithm_desc + ", not AES");
  if (state_desc != "STARTED") out.push_back("is " + state_desc + ", not STARTED");
  return out;
}

bool EndpointState::uses_windows_auth() const {
  return connection_auth_desc.find("NTLM") != std::string::npos ||
         connection_auth_desc.find("KERBEROS") != std::string::npos ||
         connection_auth_desc.find("NEGOTIATE") != std::string::npos;
}

bool EndpointState::uses_rc4() const { return encryption_algorithm_desc.find("RC4") != std::string::npos; }

bool EndpointState::encryption_ready() const {
  return encryption_enabled && encryption_algorithm_desc.find("NONE") == std::string::npos &&
         encryption_algorithm_desc.find("AES") != std::string::npos;
}

std::string EndpointState::authentication_with(const std::string& certificate) const {
  std::string cert = "CERTIFICATE " + milink::sdk::tsql::quote_identifier(certificate);
  if (!uses_windows_auth()) return cert;
  std::string method = connection_auth_desc.find("NTLM") != std::string::npos       ? "NTLM"
                       : connection_auth_desc.find("KERBEROS") != std::string::npos ? "KERBEROS"
                                                                                     : "NEGOTIATE";
  bool certificate_first = connection_auth_desc.rfind("CERTIFICATE", 0) == 0;
  return certificate_first ? cert + " WINDOWS " + method : "WINDOWS " + method + " " + cert;
}

std::string EndpointState::alter_sql(const std::string& certificate) const {
  std::vector<std::string> options;
  if (!uses_certificate() || !iequals(certificate_name, certificate))
    options.push_back("AUTHENTICATION = " + authentication_with(certificate));
  if (!encryption_ready()) options.push_back(std::string("ENCRYPTION = REQUIRED ALGORITHM ") + (uses_rc4() ? "AES RC4" : "AES"));
  bool start = state_desc != "STARTED";
  if (options.empty() && !start) return {};
  std::string sql = "USE master;\nALTER ENDPOINT " + milink::sdk::tsql::quote_identifier(name);
  if (start) sql += "\n    STATE = STARTED";
  if (!options.empty()) {
    sql += "\n    FOR DATABASE_MIRRORING (";
    for (std::size_t i = 0; i < options.size(); ++i) sql += (i ? ",\n        " : "\n        ") + options[i];
    sql += "\n    )";
  }
  return sql + ";";
}

}  // namespace milink::link
