//===- src/config.hpp - The step's parameters and its typed config -*- C++ -*-===//
///
/// \file
/// `acme.log-backup-check` as a workflow sees it: its parameters and outputs
/// (the spec), and the typed Config that configure() builds from them once,
/// before anything connects.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>
#include <milink/sdk/spec.hpp>

#include <string>

namespace acme {

/// When a job the step creates is enabled.
enum class EnableWhen {
  AfterSeeding,  ///< only once the database has seeded to the managed instance (default)
  Now,           ///< right away (a database that is not, or will not be, seeded by a link)
};

struct Config {
  std::string target = "sqlserver";  ///< SQL target (config section) of SQL Server
  std::string database;              ///< the database whose log is backed up
  bool create_job = false;           ///< may the step create (and later enable) the job?
  std::string job_name;              ///< the job the step creates and manages
  int schedule_minutes = 15;         ///< the job runs every this many minutes
  std::string backup_directory;      ///< where the job writes .trn files (needed to create it)
  bool compression = true;           ///< BACKUP LOG ... WITH COMPRESSION
  EnableWhen enable = EnableWhen::AfterSeeding;
  std::string owner_login_name;      ///< "" = the login milink connects with
};

/// The spec: uses "acme.log-backup-check", parameters, outputs.
milink::sdk::StepSpec step_spec();

/// Builds the Config; throws milink::sdk::ConfigError naming the parameter.
Config configure_step(const milink::sdk::Params& p);

/// "acme_log_backup_<database>", the default job name.
std::string default_job_name(const std::string& database);

}  // namespace acme
