# Sources of emulator/state (appended to MILINK_EMULATOR_SOURCES).
