# Sources of framework/sql (appended to MILINK_FRAMEWORK_SOURCES).
