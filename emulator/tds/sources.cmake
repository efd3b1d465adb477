# Sources of emulator/tds (appended to MILINK_EMULATOR_SOURCES).
