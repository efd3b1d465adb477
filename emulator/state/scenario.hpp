//===- emulator/state/scenario.hpp - What the emulated world starts as -*- C++ -*-===//
///
/// \file
/// A scenario describes both emulated servers at start-up. It is JSON; every
/// key is optional and unknown keys are errors that name the key, where it
/// is, and the closest valid key. The defaults (an empty object `{}`) are a
/// SQL Server ready for the Managed Instance link and a managed instance:
///
/// \code{.json}
/// {
///   "sql_server": {
///     "name": "sqlbox1",                     // @@SERVERNAME (may be "host\\instance")
///     "machine_name": "sqlbox1",             // SERVERPROPERTY('MachineName'); default: name before '\'
///     "version": "15.0.4312.2",              // SERVERPROPERTY('ProductVersion'): 2019 CU20, the link's minimum
///     "product_level": "RTM",                // SERVERPROPERTY('ProductLevel')
///     "update_level": "CU20",                // SERVERPROPERTY('ProductUpdateLevel'); default from the build, "" = NULL
///     "update_reference": "KB5024276",       // SERVERPROPERTY('ProductUpdateReference')
///     "edition": "Developer Edition (64-bit)",
///     "os": "windows",                       // "windows" | "linux": password policy errors 15116-15118 vs 33062-33064
///     "hadr_enabled": true,                  // SERVERPROPERTY('IsHadrEnabled'); false -> CREATE AVAILABILITY GROUP fails with 35221
///     "wsfc_node": false,                    // true: CLUSTER_TYPE = WSFC is allowed (else 35220); sys.dm_hadr_cluster has a row
///     "multidb_milink": true,                // sys.sp_multidb_milink exists (default: 2022 and later); false: a 2022 before CU27
///     "trace_flags": [1800, 9567],           // global trace flags (DBCC TRACESTATUS); the link docs recommend -T1800 and -T9567
///     "collation": "SQL_Latin1_General_CP1_CI_AS",
///     "logins": [ {"name": "sa", "password": "Emulator#Passw0rd", "sysadmin": true,
///                  "disabled": false, "default_database": "master"} ],   // sa always exists
///     "databases": [                          // user databases (master, tempdb, model, msdb always exist)
///       {"name": "sales", "recovery": "FULL", "size_mb": 64, "state": "ONLINE", "read_only": false,
///        "backups": ["full"],                // "full" | "log" | "copy_only" | {"type": "full"|"log", "copy_only": bool}
///        "workload": {"log_bytes_per_second": 0},   // a write workload: log generated while the database is
///                                            // writable (docs/emulator.md, "A link's life"); 0 = none
///        "log_files": 1,                     // sys.database_files rows of type 1 (LOG)
///        "filestream": false,                // a FILESTREAM filegroup and container (sys.database_files type 2)
///        "memory_optimized": false,          // a MEMORY_OPTIMIZED_DATA filegroup (sys.filegroups type FX)
///        "tde": {"certificate": "TDECert",   // encrypted with TDE by this master certificate (created if absent)
///                "on_managed_instance": false}},  // true: the managed instance's master has the same certificate
///       {"name": "hr", "recovery": "SIMPLE", "size_mb": 32, "backups": []}
///     ],
///     "master_key": false,                   // true: master already has a database master key
///     "agent": {                             // SQL Server Agent: sys.dm_server_services and msdb's job tables
///       "status": "running",                 // running | stopped | paused | start_pending | stop_pending |
///                                            // continue_pending | pause_pending (start_pending: msdb's job
///                                            // procedures refuse with 14258, as while the Agent starts)
///       "startup_type": "automatic",         // automatic | manual | disabled | other
///       "service_account": "NT Service\\SQLSERVERAGENT",  // default; NT Service\\SQLAgent$<instance> when named
///       "jobs": [                            // msdb.dbo.sysjobs at start; default none
///         {"name": "LogBackup sales", "enabled": true, "description": "", "owner": "sa",  // owner: a login
///          "category": "Database Maintenance",   // a built-in job category; default [Uncategorized (Local)]
///          "jobserver": true,                // targeted at the local server (sp_add_jobserver); false: never runs
///          "steps": [{"name": "Back up the log", "subsystem": "TSQL", "database": "master",
///                     "command": "BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales.trn'"}],
///          "schedules": [{"name": "Every 15 minutes", "enabled": true, "freq_type": 4, "freq_interval": 1,
///                         "freq_subday_type": 4, "freq_subday_interval": 15, "active_start_time": 0}]}
///       ]                                    // schedules: defaults as shown (daily, every 15 minutes)
///     },
///     "init_sql": ["CREATE ENDPOINT ..."]    // batches run as sa in master when the engine starts
///   },
///   "managed_instance": {
///     "name": "mi1",
///     "fqdn": "mi1.abc123def456.database.windows.net",
///     "version": "12.0.2000.8",
///     "edition": "SQL Azure",
///     "collation": "SQL_Latin1_General_CP1_CI_AS",
///     "encryption": "required",              // TDS PRELOGIN: "required" | "on" | "off" | "not_supported"
///     "endpoint_certificate_valid_days": 365, // the instance's endpoint certificates (DATABASE_MIRRORING,
///                                            // SERVICE_BROKER) expire this many days after start; a few days
///                                            // (or a negative number: already expired) for certificate monitoring
///     "database_format": "SQLServer2022",    // the update policy (ARM's properties.databaseFormat): SQLServer2022 |
///                                            // SQLServer2025 | AlwaysUpToDate; two-way links need it to match SQL Server
///     "hadr_enabled": true, "trace_flags": [], "logins": [...], "databases": [], "master_key": false,
///     "agent": {"jobs": [...]},              // jobs only: a managed instance's Agent always runs
///     "init_sql": []
///   },
///   "network": {                             // what the network between them lets through; default: everything
///     "block": [                             // a port (or range) blocked in one direction (a missing NSG rule or
///       {"from": "sql_server", "port": 5022},  // firewall opening): "from" sql_server | managed_instance,
///       {"from": "sql_server", "ports": "11000-11999"}  // "port" N or "ports" "N-M"
///     ],
///     "unresolvable": ["mi1.abc123def456.database.windows.net"],  // names no DNS lookup resolves
///     "instance_hadr_port": 11002,           // the instance's primary node listens here (11000-11999)
///     "instance_node": "DB12C",              // that node's name; its FQDN is <node>.<cluster>
///     "instance_cluster": "tr4321.westeurope1-a.worker.database.windows.net",
///     "connect_timeout_ms": 0                // a test to a blocked port takes this long (the job runs meanwhile)
///   },
///   "availability_group": {                  // an AG SQL Server already runs (default: none)
///     "name": "AG_prod",                     // SQL Server (sql_server above) is its primary replica
///     "databases": ["sales"],                // sql_server databases already in it (FULL, backed up)
///     "replicas": ["sqlbox2", "sqlbox3"],    // its secondary replicas: each its own server (a copy of
///                                            // sql_server with this @@SERVERNAME, its own master key,
///                                            // endpoint and TDS listener), holding the AG's databases
///     "listener": {"dns_name": "aglistener"}, // optional: an AG listener (its own TDS port, answering
///                                            // as the primary; sys.availability_group_listeners)
///     "seeding_mode": "automatic"            // the secondaries' SEEDING_MODE (default automatic, with
///                                            // GRANT CREATE ANY DATABASE on each): a database the primary
///                                            // adds is seeded to every secondary; manual: it is not
///   },                                       // every replica gets a started Hadr_endpoint on 5022
///                                            // (WINDOWS NEGOTIATE, AES); init_sql may ALTER it
///   "arm": {"page_size": 0},                 // list operations answer at most this many items per page, with a
///                                            // nextLink to the rest (1-1000); 0: every item in one page
///   "clock": {"offset_days": 0}              // the emulated servers' clock runs this many days ahead of the real
///                                            // one (-36500..36500); moved on at run time: POST /_emulator/clock
/// }
/// \endcode
///
/// JSON has no comments; the ones above are documentation. The default sa
/// password of both servers is "Emulator#Passw0rd".
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/network.hpp"
#include "state/server_state.hpp"

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator {

inline constexpr const char* kDefaultSaPassword = "Emulator#Passw0rd";

struct BackupSpec {
  char type = 'D';  ///< 'D' full, 'L' log
  bool copy_only = false;
};

struct DatabaseSpec {
  std::string name;
  RecoveryModel recovery = RecoveryModel::Full;
  std::int64_t size_mb = 64;
  DatabaseState state = DatabaseState::Online;
  bool read_only = false;
  std::vector<BackupSpec> backups;
  std::int64_t workload_log_bytes_per_second = 0;  ///< "workload": {"log_bytes_per_second": N}
  int log_files = 1;                               ///< "log_files": 2 (the link needs exactly one)
  bool filestream = false;                         ///< "filestream": true
  bool memory_optimized = false;                   ///< "memory_optimized": true (In-Memory OLTP filegroup)
  std::string tde_certificate;                     ///< "tde": {"certificate": "TDECert"}
  bool tde_certificate_on_instance = false;        ///< "tde": {..., "on_managed_instance": true}
};

struct LoginSpec {
  std::string name;
  std::string password;
  bool sysadmin = true;
  bool disabled = false;
  std::string default_database = "master";
};

/// A step of a job the scenario starts with (msdb.dbo.sysjobsteps).
struct AgentStepSpec {
  std::string name;
  std::string subsystem = "TSQL";
  std::string command;
  std::string database = "master";
};

/// A schedule attached to a job the scenario starts with (msdb.dbo.sysschedules).
struct AgentScheduleSpec {
  std::string name;
  bool enabled = true;
  int freq_type = 4;              ///< daily
  int freq_interval = 1;          ///< every day
  int freq_subday_type = 4;       ///< minutes
  int freq_subday_interval = 15;  ///< every 15 minutes
  int active_start_time = 0;      ///< HHMMSS
};

/// A job msdb already holds when the scenario starts.
struct AgentJobSpec {
  std::string name;
  bool enabled = true;
  std::string description;  ///< empty: "No description available."
  std::string owner = "sa";
  std::string category = "[Uncategorized (Local)]";
  std::vector<AgentStepSpec> steps;
  std::vector<AgentScheduleSpec> schedules;
  bool jobserver = true;  ///< targeted at the local server (sp_add_jobserver)
};

/// SQL Server Agent: the service's state and msdb's jobs.
struct AgentSpec {
  ServiceStatus status = ServiceStatus::Running;
  ServiceStartup startup = ServiceStartup::Automatic;
  std::string service_account;  ///< empty: NT Service\SQLSERVERAGENT (NT Service\SQLAgent$<instance>)
  std::vector<AgentJobSpec> jobs;
};

struct ServerSpec {
  std::string name;
  std::string machine_name;  ///< empty: derived from name
  std::string version;
  std::string product_level = "RTM";
  std::optional<std::string> update_level;      ///< nullopt: derived from the build
  std::optional<std::string> update_reference;  ///< nullopt: derived from the build
  std::string edition;
  HostOs os = HostOs::Windows;
  bool hadr_enabled = true;
  bool wsfc_node = false;
  std::optional<bool> multidb_milink;  ///< nullopt: by version (ServerState::has_multidb_milink)
  std::vector<int> trace_flags;
  std::string collation = "SQL_Latin1_General_CP1_CI_AS";
  std::vector<LoginSpec> logins;
  std::vector<DatabaseSpec> databases;
  bool master_key = false;
  AgentSpec agent;
  std::vector<std::string> init_sql;
  // managed instance
  std::string fqdn;
  std::string encryption = "off";
  int endpoint_certificate_valid_days = 365;  ///< the instance's endpoint certificates expire this many days from start
  std::string database_format = "SQLServer2022";  ///< the update policy: SQLServer2022 | SQLServer2025 | AlwaysUpToDate
};

/// An availability group SQL Server already runs with secondary replicas
/// (the scenario's "availability_group" key); built by build_existing_ag().
struct ExistingAgSpec {
  std::string name;                    ///< empty: none
  std::vector<std::string> databases;  ///< sql_server databases in it
  std::vector<std::string> replicas;   ///< secondary replicas' @@SERVERNAME
  std::string listener_dns_name;       ///< empty: no listener
  bool automatic_seeding = true;       ///< "seeding_mode" of the secondaries: automatic (default) or manual
};

struct Scenario {
  ServerSpec sql_server;
  ServerSpec managed_instance;
  NetworkModel network;  ///< "network": blocked ports per direction, unresolvable names
  ExistingAgSpec availability_group;  ///< "availability_group": an AG with secondary replicas
  int arm_page_size = 0;                ///< "arm.page_size": items per page of an ARM list; 0: one page
  std::int64_t clock_offset_seconds = 0;  ///< "clock.offset_days", in seconds: the emulated clock's lead
};

/// A scenario that is not valid: what() reads
/// "<source>:<line>:<col>: <pointer>: <problem>".
class ScenarioError : public std::runtime_error {
public:
  explicit ScenarioError(const std::string& what) : std::runtime_error(what) {}
};

/// The defaults described above.
Scenario default_scenario();

/// SQL Server 2022 CU14 (ProductLevel RTM, ProductUpdateLevel CU14, KB5038325).
inline constexpr const char* kSampleSqlServerVersion = "16.0.4135.4";

/// The world `milink run --emulator` starts by default: default_scenario()
/// with SQL Server at a 2022 build (kSampleSqlServerVersion), so that
/// sp_get_endpoint_certificate and sp_certificate_add_issuer exist
/// (ServerState::has_link_procedures), and master already holding its
/// database master key (so the demo needs no password). Everything else is
/// the default: sqlbox1 with sales (FULL, a full backup, 64 MB) and hr
/// (SIMPLE, 32 MB), and the managed instance mi1.
Scenario sample_scenario();

/// Parses scenario JSON text (see the format above). Throws ScenarioError.
Scenario parse_scenario(std::string_view json_text, const std::string& source = "<scenario>");
/// The same, from an already parsed value (\p map gives locations, may be null).
Scenario parse_scenario_value(const milink::sdk::Value& value, const std::string& source = "<scenario>",
                              const milink::sdk::SourceMap* map = nullptr);

/// Builds a server's state from its spec (system databases, logins,
/// databases with their backup history, master key). The managed
/// instance's endpoint certificate is made by EmulatorWorld.
void build_server_state(ServerState& state, const ServerSpec& spec, Personality personality);

}  // namespace milink::emulator
