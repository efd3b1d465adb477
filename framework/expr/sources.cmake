# Sources of framework/expr (appended to MILINK_FRAMEWORK_SOURCES).
