#include "certificate_retire.hpp"
#include "endpoint_switch.hpp"
#include "instance_cert_rotate.hpp"
#include "links_connected.hpp"
#include "sqlserver_cert_rotate.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-cert-rotation", "1.0.0") {
  registrar.add_step<milink::link::SqlServerCertRotate>();
  registrar.add_step<milink::link::InstanceCertRotate>();
  registrar.add_step<milink::link::EndpointCertificateSwitch>();
  registrar.add_step<milink::link::LinksConnected>();
  registrar.add_step<milink::link::CertificateRetire>();
}
