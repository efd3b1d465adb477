#include "sqlserver_cert.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-sqlserver-cert", "1.0.0") { registrar.add_step<milink::link::SqlServerCert>(); }
