// The bundled credential providers, as one plugin.
#include "providers.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-credentials", "1.0.0") {
  using namespace milink::credentials;
  registrar.add_provider<AzureCliCredential>();
  registrar.add_provider<ClientSecretCredential>();
  registrar.add_provider<ClientCertificateCredential>();
  registrar.add_provider<WorkloadIdentityCredential>();
  registrar.add_provider<ManagedIdentityCredential>();
  registrar.add_provider<EnvironmentCredential>();
  registrar.add_provider<StaticTokenCredential>();
}
