#include "mi_cert_import.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-mi-cert-import", "1.0.0") { registrar.add_step<milink::link::MiCertImport>(); }
