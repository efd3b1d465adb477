//===- plugins/ag/availability_group.hpp - Step ag -------------------*- C++ -*-===//
///
/// \file
/// `ag`: the availability group the link replicates, one per database
/// (named from `name_pattern`, default `AG_{db}`): CLUSTER_TYPE = NONE, one
/// replica (SQL Server) with SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL and
/// SEEDING_MODE = AUTOMATIC. It first checks that the database is in the
/// FULL recovery model with its log chain started (error 1475 otherwise);
/// it changes the recovery model or takes a backup only when allowed, else
/// it says what to run. The backup it takes keeps the user's differential
/// chain where the docs allow it: a database that already has a full backup
/// (taken in SIMPLE, say) gets a differential backup, which starts the log
/// chain without moving the differential base; only a database without any
/// full backup gets a full one.
///
/// With `databases`, one AG holds several databases (a multi-database
/// link): created FOR DATABASE with all of them, or, when it exists, those
/// not in it yet join it (ALTER AVAILABILITY GROUP ... ADD DATABASE), after
/// the same checks for each.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "database_readiness.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace milink::link {

class AvailabilityGroupStep {
public:
  struct Config {
    std::string target;
    std::string database;                ///< the first of databases
    std::vector<std::string> databases;  ///< every database of the AG (a multi-database link); {database} by default
    std::string name_pattern;
    std::string server_name;   ///< replica name; "" = @@SERVERNAME
    std::string endpoint_url;
    bool set_full_recovery = false;
    bool allow_full_backup = false;
    std::string backup_directory;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  /// The CREATE AVAILABILITY GROUP batch. \p cluster_type_none: `WITH
  /// (CLUSTER_TYPE = NONE)`, for SQL Server 2017 and later; SQL Server 2016
  /// has no CLUSTER_TYPE (its groups live on a failover cluster), and the
  /// docs give its statement without that line.
  static std::string create_sql(const std::string& ag, const std::string& database, const std::string& replica,
                                const std::string& endpoint_url, bool cluster_type_none = true);
  /// The same FOR DATABASE \p databases (in that order).
  static std::string create_sql(const std::string& ag, const std::vector<std::string>& databases,
                                const std::string& replica, const std::string& endpoint_url, bool cluster_type_none = true);
  static std::string recovery_sql(const std::string& database);
  /// `BACKUP DATABASE [db] TO DISK = N'<dir>/<db>_milink_{full|diff}.bak'
  /// WITH [DIFFERENTIAL, ]CHECKSUM;`
  static std::string backup_sql(const std::string& database, const std::string& directory, bool differential);

private:
  struct Found {
    std::string ag_name;
    std::string server_name;
    bool exists = false;
    bool sql_server_2016 = false;  ///< ProductVersion 13.x: no CLUSTER_TYPE
    DatabaseReadiness db;  ///< the first database
    std::vector<std::pair<std::string, DatabaseReadiness>> dbs;  ///< every database, in Config order
    /// The databases not in the AG yet (every one when it does not exist).
    std::vector<std::string> missing() const;
  };
  Found inspect(const Config& c, milink::sdk::Context& ctx);
  /// The database needs a backup to start its log chain (before the AG).
  static bool backup_needed(const DatabaseReadiness& f);
  /// That backup is a differential one: a full backup to build on exists.
  static bool differential(const DatabaseReadiness& f);
  /// Throws unless every database still to join can be put in the AG (given what is allowed).
  void check_database(const Config& c, const Found& f) const;
  void check_one(const Config& c, const std::string& ag, const std::string& database, const DatabaseReadiness& r) const;
  /// FULL recovery and the log chain for \p database (what is allowed).
  void prepare(const Config& c, milink::sdk::Context& ctx, const std::string& database, DatabaseReadiness r) const;
  std::optional<Found> found_;
};

}  // namespace milink::link
