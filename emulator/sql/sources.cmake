# Sources of emulator/sql (appended to MILINK_EMULATOR_SOURCES).
