// Certificates of a managed instance, every published api-version:
//   serverTrustCertificates  the same shape in every version (publicBlob; read-only thumbprint, certificateName)
//   endpointCertificates     read-only resources (publicBlob per endpoint type); 2025-02-01-preview alone adds
//                            trustedRootCertificates[]
// and the managed instance itself (GET only; the emulator answers it in every version of the other types).
#include "arm/contract/builders.hpp"

namespace milink::emulator::arm {

using namespace build;

namespace {

const char* kTrustCollection = "managedInstances/{managedInstanceName}/serverTrustCertificates";
const char* kTrustItem = "managedInstances/{managedInstanceName}/serverTrustCertificates/{certificateName}";
const char* kEndpointCollection = "managedInstances/{managedInstanceName}/endpointCertificates";
const char* kEndpointItem = "managedInstances/{managedInstanceName}/endpointCertificates/{endpointType}";

TypeContract trust(const std::string& version) {
  TypeContract t;
  t.resource_type = "managedInstances/serverTrustCertificates";
  t.api_version = version;
  t.resource = resource("ServerTrustCertificate", "ServerTrustCertificateProperties",
                        {text("publicBlob"), read_only(text("thumbprint")), read_only(text("certificateName"))});
  t.operations = {op("ServerTrustCertificates_ListByInstance", "GET", kTrustCollection),
                  op("ServerTrustCertificates_Get", "GET", kTrustItem),
                  op("ServerTrustCertificates_CreateOrUpdate", "PUT", kTrustItem, true, BodyKind::Resource),
                  op("ServerTrustCertificates_Delete", "DELETE", kTrustItem, true)};
  return finish(std::move(t));
}

TypeContract endpoint(const std::string& version) {
  TypeContract t;
  t.resource_type = "managedInstances/endpointCertificates";
  t.api_version = version;
  std::vector<Field> props{text("publicBlob")};
  if (version == "2025-02-01-preview")
    props.push_back(array_of("trustedRootCertificates", "EndpointTrustedRootCertificateInfo",
                             {text("subject"), text("publicBlob")}));
  t.resource = resource("EndpointCertificate", "EndpointCertificateProperties", props);
  t.operations = {op("EndpointCertificates_ListByInstance", "GET", kEndpointCollection),
                  op("EndpointCertificates_Get", "GET", kEndpointItem)};
  return finish(std::move(t));
}

}  // namespace

std::vector<TypeContract> certificate_contracts() {
  std::vector<TypeContract> out;
  for (const char* v : {"2021-05-01-preview", "2021-08-01-preview", "2021-11-01-preview", "2021-11-01",
                        "2022-02-01-preview", "2022-05-01-preview", "2022-08-01-preview", "2022-11-01-preview",
                        "2023-02-01-preview", "2023-05-01-preview", "2023-08-01-preview", "2023-08-01",
                        "2024-05-01-preview", "2024-11-01-preview", "2025-01-01", "2025-02-01-preview",
                        "2025-08-01-preview", "2026-08-01-preview"})
    out.push_back(trust(v));
  for (const char* v : {"2021-11-01-preview", "2021-11-01", "2022-02-01-preview", "2022-05-01-preview",
                        "2022-08-01-preview", "2022-11-01-preview", "2023-02-01-preview", "2023-05-01-preview",
                        "2023-08-01-preview", "2023-08-01", "2024-05-01-preview", "2024-11-01-preview", "2025-01-01",
                        "2025-02-01-preview", "2025-08-01-preview", "2026-08-01-preview"})
    out.push_back(endpoint(v));
  return out;
}

/// True when \p version's managed instance has databaseFormat (the update
/// policy). The 2025-01-01 Get example shows it, the 2023-08-01 and
/// 2022-08-01-preview ones do not; that it came with the previews from
/// 2023-05-01-preview is inferred (SDKs and azapi samples use it with
/// 2023-08-01-preview).
bool has_database_format(const std::string& version) {
  const bool preview = version.find("-preview") != std::string::npos;
  return preview ? version >= "2023-05-01-preview" : version >= "2025-01-01";
}

std::vector<TypeContract> instance_contracts(const std::vector<std::string>& versions) {
  std::vector<TypeContract> out;
  for (const auto& v : versions) {
    TypeContract t;
    t.resource_type = "managedInstances";
    t.api_version = v;
    // Answered, never validated (only GET is served): the schema lists only the
    // members whose presence depends on the version.
    std::vector<Field> props;
    if (has_database_format(v))
      props.push_back(choice("databaseFormat", "ManagedInstanceDatabaseFormat",
                             {"AlwaysUpToDate", "SQLServer2022", "SQLServer2025"}));
    t.resource = resource("ManagedInstance", "ManagedInstanceProperties", props);
    t.operations = {op("ManagedInstances_Get", "GET", "managedInstances/{managedInstanceName}")};
    out.push_back(finish(std::move(t)));
  }
  return out;
}

}  // namespace milink::emulator::arm
