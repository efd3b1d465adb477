# Sources of emulator/app: the Emulator (both personalities and their
# listeners) goes into the library; main.cpp is the milink-emulator binary.
# (appended to MILINK_EMULATOR_SOURCES / MILINK_EMULATOR_MAIN_SOURCES)
