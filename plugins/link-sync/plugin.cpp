#include "catch_up.hpp"
#include "first_backup.hpp"
#include "replication_mode.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-link-sync", "1.0.0") {
  registrar.add_step<milink::link::ReplicationModeStep>();
  registrar.add_step<milink::link::CatchUpStep>();
  registrar.add_step<milink::link::WaitFirstBackupStep>();
}
