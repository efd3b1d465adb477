# Sources of framework/workflow (appended to MILINK_FRAMEWORK_SOURCES).
