# Sources of framework/plugin_host (appended to MILINK_FRAMEWORK_SOURCES).
