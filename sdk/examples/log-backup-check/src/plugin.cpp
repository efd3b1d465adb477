// The plugin: one step, acme.log-backup-check. MILINK_PLUGIN exports the
// only symbol milink looks for (built with hidden visibility by
// milink_add_plugin), carrying the SDK ABI and the build fingerprint.
#include "log_backup_check.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("acme-log-backup", "1.0.0") { registrar.add_step<acme::LogBackupCheck>(); }
