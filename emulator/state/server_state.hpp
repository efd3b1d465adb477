//===- emulator/state/server_state.hpp - One emulated server -----*- C++ -*-===//
///
/// \file
/// Everything one emulated server knows: who it is (personality, name,
/// version, edition, host OS, collation, HADR, trace flags), its logins and
/// databases (recovery model, state, master key, certificates), msdb's
/// backup history, its database mirroring endpoint, availability groups
/// (local and distributed) with their replicas, the issuers trusted through
/// sp_certificate_add_issuer, SQL Server Agent (its service and msdb's jobs,
/// see agent.hpp), and the link's runtime hooks (replica
/// connection state, last connect error, seeding statistics) that the DMVs
/// show and the link emulation drives.
///
/// A ServerState is plain data and not synchronised: it lives inside an
/// EmulatorWorld and is only touched under the world's mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/agent.hpp"
#include "state/collation.hpp"
#include "state/statement_log.hpp"
#include "state/x509.hpp"

#include <milink/sdk/sql.hpp>
#include <milink/sdk/value.hpp>

#include <cstdint>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator {

using milink::sdk::SqlDateTime;

enum class Personality { SqlServer, ManagedInstance };
const char* personality_name(Personality p) noexcept;  ///< "SqlServer", "ManagedInstance"

enum class HostOs { Windows, Linux };

/// sys.databases.recovery_model: 1 FULL, 2 BULK_LOGGED, 3 SIMPLE.
enum class RecoveryModel { Full = 1, BulkLogged = 2, Simple = 3 };
const char* recovery_model_name(RecoveryModel m) noexcept;  ///< "FULL", "BULK_LOGGED", "SIMPLE"

/// sys.databases.state.
enum class DatabaseState { Online = 0, Restoring = 1, Recovering = 2, RecoveryPending = 3, Suspect = 4, Emergency = 5, Offline = 6 };
const char* database_state_name(DatabaseState s) noexcept;  ///< "ONLINE", "RESTORING", ...

struct Login {
  std::string name;
  std::string password;
  int principal_id = 0;
  bool sysadmin = false;
  bool disabled = false;
  std::string default_database = "master";
  SqlDateTime create_date;
};

/// The login's SID as sys.server_principals shows it (sa: 0x01).
std::vector<std::uint8_t> login_sid(const Login& l);

/// How a certificate's private key is protected (sys.certificates.pvt_key_encryption_type).
enum class PrivateKeyProtection { None, MasterKey, Password };

struct Certificate {
  std::string name;
  int certificate_id = 0;
  int principal_id = 1;  ///< dbo
  std::string subject;   ///< as sys.certificates shows it (the CN; at most 128 characters)
  std::string issuer_name;
  CertificateInfo x509;  ///< DER, DNs, serial, validity, thumbprint
  std::string private_key_pem;  ///< empty when there is no private key
  PrivateKeyProtection protection = PrivateKeyProtection::None;
  SqlDateTime create_date;
  bool has_private_key() const { return !private_key_pem.empty(); }
};

struct MasterKey {
  std::string key_guid;
  SqlDateTime create_date;
  SqlDateTime modify_date;
};

struct Database {
  std::string name;
  int database_id = 0;
  RecoveryModel recovery = RecoveryModel::Full;
  DatabaseState state = DatabaseState::Online;
  bool read_only = false;
  bool is_system = false;
  std::int64_t size_mb = 16;
  std::string collation;
  std::string database_guid;
  SqlDateTime create_date;
  int compatibility_level = 150;
  /// True once a non-COPY_ONLY full backup, or a differential one on top of a
  /// full backup, was taken since the database last entered the FULL (or
  /// BULK_LOGGED) recovery model: the log chain exists.
  bool log_chain_started = false;
  std::int64_t next_lsn = 37000000001600001;  ///< advances with every backup and with the write workload
  /// A write workload: log bytes per second generated while the database is
  /// writable (ONLINE, not read-only; a link's secondary is read-only). The
  /// link simulator turns it into LSNs; 0 = no workload.
  double workload_log_bytes_per_second = 0;
  std::optional<MasterKey> master_key;
  std::vector<Certificate> certificates;
  int next_certificate_id = 256;
  /// Availability group membership (empty when not in one).
  std::string availability_group;
  std::string group_database_id;
  /// Features the link does not carry (sys.database_files, sys.filegroups,
  /// sys.dm_database_encryption_keys): the scenario sets them.
  int log_files = 1;              ///< log files (sys.database_files type 1)
  bool filestream = false;        ///< a FILESTREAM filegroup with one container (type 2)
  bool memory_optimized = false;  ///< a MEMORY_OPTIMIZED_DATA filegroup (sys.filegroups type FX)
  std::string tde_certificate;    ///< TDE: the master certificate protecting the database key; "" = not encrypted

  Certificate* find_certificate(std::string_view cert_name, bool ci);
  const Certificate* find_certificate(std::string_view cert_name, bool ci) const;
  Certificate* find_certificate(int id);
  const Certificate* find_certificate(int id) const;
};

/// One row of msdb.dbo.backupset (and backupmediafamily).
struct BackupRecord {
  int backup_set_id = 0;
  int media_set_id = 0;
  std::string backup_set_uuid;
  std::string name;
  std::string database_name;
  std::string database_guid;
  char type = 'D';  ///< D full, I differential, L log
  bool is_copy_only = false;
  SqlDateTime backup_start_date;
  SqlDateTime backup_finish_date;
  std::int64_t backup_size = 0;
  std::int64_t compressed_backup_size = 0;
  std::int64_t first_lsn = 0, last_lsn = 0, checkpoint_lsn = 0, database_backup_lsn = 0;
  std::string recovery_model;
  bool has_backup_checksums = false;
  std::string physical_device_name;
  std::string user_name;
  std::string server_name;
  std::string machine_name;
  SqlDateTime database_creation_date;
};

enum class EndpointState { Started = 0, Stopped = 1, Disabled = 2 };
const char* endpoint_state_name(EndpointState s) noexcept;
/// sys.database_mirroring_endpoints.role: 0 NONE, 1 PARTNER, 2 WITNESS, 3 ALL.
enum class MirroringRole { None = 0, Partner = 1, Witness = 2, All = 3 };
const char* mirroring_role_name(MirroringRole r) noexcept;
enum class WindowsAuth { None, Ntlm, Kerberos, Negotiate };
enum class EndpointEncryption { Disabled, Supported, Required };

/// A DATABASE_MIRRORING endpoint (user endpoints; the five system endpoints
/// of sys.endpoints are synthesised by the catalog).
struct Endpoint {
  std::string name;
  int endpoint_id = 65536;
  int principal_id = 1;
  EndpointState state = EndpointState::Stopped;
  int port = 0;
  std::string listener_ip = "ALL";  ///< "ALL" or the address given in LISTENER_IP = (...)
  MirroringRole role = MirroringRole::None;
  WindowsAuth windows = WindowsAuth::Negotiate;  ///< None: certificate only
  std::string certificate_name;  ///< empty: Windows only
  int certificate_id = 0;
  bool certificate_first = false;  ///< "CERTIFICATE c WINDOWS ..." (vs "WINDOWS ... CERTIFICATE c")
  EndpointEncryption encryption = EndpointEncryption::Required;
  std::vector<std::string> algorithms{"AES"};  ///< in preference order: "AES", "RC4"
  SqlDateTime create_date;

  /// sys.database_mirroring_endpoints.connection_auth (1..10) and its _desc.
  int connection_auth() const;
  std::string connection_auth_desc() const;
  /// encryption_algorithm (0..8) and its _desc.
  int encryption_algorithm() const;
  std::string encryption_algorithm_desc() const;
};

enum class ClusterType { Wsfc = 0, External = 1, None = 2 };
const char* cluster_type_name(ClusterType c) noexcept;
enum class AvailabilityMode { Asynchronous = 0, Synchronous = 1, ConfigurationOnly = 4 };
const char* availability_mode_name(AvailabilityMode m) noexcept;  ///< "ASYNCHRONOUS_COMMIT", ...
enum class FailoverMode { Automatic = 0, Manual = 1 };
const char* failover_mode_name(FailoverMode m) noexcept;
enum class SeedingMode { Automatic = 0, Manual = 1 };
const char* seeding_mode_name(SeedingMode m) noexcept;

/// sys.dm_hadr_availability_replica_states: what the link emulation drives.
struct ReplicaRuntime {
  int role = 0;                    ///< 0 RESOLVING, 1 PRIMARY, 2 SECONDARY
  std::optional<int> operational_state;  ///< 2 ONLINE for the local replica, NULL for remote ones
  bool connected = false;          ///< connected_state 1 CONNECTED / 0 DISCONNECTED
  int synchronization_health = 0;  ///< 0 NOT_HEALTHY, 1 PARTIALLY_HEALTHY, 2 HEALTHY
  std::optional<int> recovery_health;  ///< 1 ONLINE for the local replica
  std::optional<int> last_connect_error_number;
  std::string last_connect_error_description;
  std::optional<SqlDateTime> last_connect_error_timestamp;
};

/// sys.dm_hadr_database_replica_states for one database on one replica.
struct DatabaseReplicaRuntime {
  std::string database_name;
  int synchronization_state = 0;  ///< 0 NOT SYNCHRONIZING, 1 SYNCHRONIZING, 2 SYNCHRONIZED, 3 REVERTING, 4 INITIALIZING
  int synchronization_health = 0;
  bool is_suspended = false;
  std::optional<std::int64_t> last_hardened_lsn;
  std::optional<std::int64_t> last_received_lsn;
  std::optional<std::int64_t> last_commit_lsn;
  std::optional<SqlDateTime> last_commit_time;
  std::optional<std::int64_t> log_send_queue_size;
  std::optional<std::int64_t> redo_queue_size;
  std::optional<std::int64_t> secondary_lag_seconds;
};

struct AgReplica {
  std::string replica_id;  ///< GUID
  int replica_metadata_id = 0;
  std::string server_name;  ///< replica_server_name: an instance, or an AG name in a distributed AG
  std::string endpoint_url;  ///< ENDPOINT_URL, or LISTENER_URL in a distributed AG
  AvailabilityMode availability_mode = AvailabilityMode::Synchronous;
  FailoverMode failover_mode = FailoverMode::Manual;
  SeedingMode seeding_mode = SeedingMode::Manual;
  int session_timeout = 10;
  int backup_priority = 50;
  int primary_role_allow_connections = 2;    ///< ALL
  int secondary_role_allow_connections = 0;  ///< NO
  bool is_local = false;
  SqlDateTime create_date;
  SqlDateTime modify_date;
  ReplicaRuntime runtime;
  std::vector<DatabaseReplicaRuntime> databases;
  DatabaseReplicaRuntime* find_database(std::string_view db, bool ci);
};

struct AvailabilityGroup {
  std::string name;
  std::string group_id;  ///< GUID
  bool distributed = false;
  ClusterType cluster_type = ClusterType::Wsfc;
  int automated_backup_preference = 2;  ///< SECONDARY
  int failure_condition_level = 3;
  int health_check_timeout = 30000;
  bool basic = false;
  bool dtc_support = false;
  bool db_failover = false;
  int required_synchronized_secondaries_to_commit = 0;
  std::int64_t sequence_number = 1;
  bool create_any_database = false;  ///< ALTER AVAILABILITY GROUP ... GRANT CREATE ANY DATABASE
  std::vector<std::string> databases;  ///< database names (empty for a distributed AG)
  std::vector<AgReplica> replicas;
  /// The AG listener (sys.availability_group_listeners); empty: none.
  std::string listener_id;        ///< its cluster resource id (a GUID)
  std::string listener_dns_name;
  int listener_port = 1433;
  SqlDateTime create_date;

  AgReplica* find_replica(std::string_view server, bool ci);
  AgReplica* local_replica();
  const AgReplica* local_replica() const;
};

/// EXEC sp_certificate_add_issuer @certid, N'*.database.windows.net'
struct TrustedIssuer {
  int certificate_id = 0;
  std::string certificate_name;
  std::string dns_pattern;
};

/// One row of sys.dm_hadr_physical_seeding_stats.
struct SeedingStats {
  std::string local_physical_seeding_id;
  std::string remote_physical_seeding_id;
  int local_database_id = 0;
  std::string local_database_name;
  std::string remote_machine_name;
  std::string role_desc = "Source";
  std::string internal_state_desc = "ReadingAndSendingData";
  std::int64_t transfer_rate_bytes_per_second = 0;
  std::int64_t transferred_size_bytes = 0;
  std::int64_t database_size_bytes = 0;
  SqlDateTime start_time_utc;
  std::optional<SqlDateTime> end_time_utc;
  std::optional<SqlDateTime> estimate_time_complete_utc;
  std::int64_t total_disk_io_wait_time_ms = 0;
  std::int64_t total_network_wait_time_ms = 0;
  std::optional<int> failure_code;
  std::string failure_message;
  std::optional<SqlDateTime> failure_time_utc;
  bool is_compression_enabled = true;
};

/// A random GUID in SQL Server's display form (upper case, with dashes).
std::string new_guid();

class ServerState {
public:
  Personality personality = Personality::SqlServer;
  std::string name = "sqlbox1";          ///< @@SERVERNAME
  std::string machine_name = "sqlbox1";  ///< SERVERPROPERTY('MachineName')
  std::string version = "15.0.4198.2";   ///< SERVERPROPERTY('ProductVersion')
  std::string product_level = "RTM";
  std::string update_level = "CU15";     ///< SERVERPROPERTY('ProductUpdateLevel'); empty: NULL
  std::string update_reference = "KB5008996";
  std::string edition = "Developer Edition (64-bit)";
  HostOs os = HostOs::Windows;
  bool hadr_enabled = true;
  bool wsfc_node = false;  ///< member of a Windows Server Failover Cluster (CLUSTER_TYPE = WSFC works)
  std::set<int> trace_flags;  ///< global trace flags
  std::string collation = "SQL_Latin1_General_CP1_CI_AS";

  // Managed instance only.
  std::string fqdn;
  std::string dns_zone;          ///< "abc123def456"
  std::string encryption = "off";  ///< TDS PRELOGIN: "off", "on", "required", "not_supported"
  int endpoint_certificate_valid_days = 365;  ///< lifetime of the certificates issue_instance_certificate makes
  std::string database_format = "SQLServer2022";  ///< the update policy (ARM's databaseFormat): SQLServer2022 | SQLServer2025 | AlwaysUpToDate
  std::optional<Certificate> endpoint_certificate;        ///< DATABASE_MIRRORING (endpoint type 4)
  std::optional<Certificate> service_broker_certificate;  ///< SERVICE_BROKER (endpoint type 3)
  /// sys.dm_hadr_fabric_config_parameters: {section_name, parameter_name,
  /// value}, from the world's network model (DnsRecordName, ClusterName,
  /// HadrPort, NodeName); empty on SQL Server.
  std::vector<std::array<std::string, 3>> fabric_config;

  std::vector<Login> logins;
  std::vector<Database> databases;
  std::vector<Endpoint> endpoints;
  std::vector<AvailabilityGroup> availability_groups;
  std::vector<TrustedIssuer> trusted_issuers;
  /// EXEC sys.sp_multidb_milink 1 was run: a distributed AG to a managed
  /// instance may be built on an AG of several databases (the multi-database
  /// link); without it CREATE AVAILABILITY GROUP ... DISTRIBUTED answers 47502.
  bool multidb_milink_enabled = false;
  std::vector<BackupRecord> backups;
  std::vector<SeedingStats> seeding;
  /// SQL Server Agent: its service (sys.dm_server_services) and msdb's jobs.
  SqlAgent agent;
  StatementLog statement_log;

  /// Batches run (as sa, in master) when the first SqlEngine for this server starts.
  std::vector<std::string> init_sql;
  bool init_done = false;

  // Identity counters.
  int next_database_id = 5;
  int next_endpoint_id = 65536;
  int next_principal_id = 256;
  int next_backup_set_id = 1;
  int next_replica_metadata_id = 65536;
  std::int64_t next_ag_sequence = 1;

  int major() const;
  int minor() const;
  int build() const;
  int revision() const;
  /// SERVERPROPERTY('EngineEdition'): 3 Enterprise/Developer, 2 Standard, 4 Express, 8 managed instance.
  int engine_edition() const;
  /// @@VERSION.
  std::string version_banner() const;
  /// True when this build has sp_certificate_add_issuer and
  /// sp_get_endpoint_certificate: SQL Server 2022+, 2019 CU20
  /// (15.0.4312) and later, 2017/2016 with the Azure Connect pack, and every
  /// managed instance. Inferred from the MI-link prerequisites: older builds
  /// answer 2812.
  bool has_link_procedures() const;
  /// True when this build has sys.sp_multidb_milink (the multi-database
  /// link): SQL Server 2022 and later. The docs name 2022 CU27+ and 2025
  /// CU9+; their build numbers are not at hand, so the version alone does
  /// not decide the CU (inferred): a scenario's "multidb_milink": false
  /// plays a build before them.
  bool has_multidb_milink() const;
  /// The scenario's "multidb_milink" (whether the procedure exists); nullopt: by version as above.
  std::optional<bool> multidb_milink_present;

  const CollationInfo& collation_info() const;
  /// collation_info()'s answer for collation_cache_key_ (every name comparison asks).
  mutable const CollationInfo* collation_cache_ = nullptr;
  mutable std::string collation_cache_key_;
  bool case_insensitive() const { return collation_info().case_insensitive; }
  bool names_equal(std::string_view a, std::string_view b) const { return collate_equal(a, b, case_insensitive()); }

  Database* find_database(std::string_view db_name);
  const Database* find_database(std::string_view db_name) const;
  Database* find_database(int id);
  const Database* find_database(int id) const;
  Database& master();
  const Database& master() const;
  /// Adds a user database; the caller checks the name is free.
  Database& add_database(const std::string& db_name, RecoveryModel recovery);
  /// Removes a database (and its backups' rows stay in msdb, as on a real server).
  bool remove_database(std::string_view db_name);

  Login* find_login(std::string_view login_name);
  const Login* find_login(std::string_view login_name) const;
  /// The login whose login_sid() is \p sid; nullptr when none.
  const Login* find_login_by_sid(const std::vector<std::uint8_t>& sid) const;
  Login& add_login(const std::string& login_name, const std::string& password, bool sysadmin);

  Endpoint* find_endpoint(std::string_view endpoint_name);
  const Endpoint* find_endpoint(std::string_view endpoint_name) const;
  Endpoint* mirroring_endpoint();
  const Endpoint* mirroring_endpoint() const;

  AvailabilityGroup* find_availability_group(std::string_view ag_name);
  const AvailabilityGroup* find_availability_group(std::string_view ag_name) const;

  /// Records a backup in msdb and updates the database's log chain.
  BackupRecord& record_backup(Database& db, char type, bool copy_only, const std::string& device, bool checksum,
                              const std::string& login);

  // Link hooks (for the link emulation; all under the world mutex).
  /// The replica \p replica_server (instance name, or member AG name in a
  /// distributed AG) of availability group \p ag; nullptr when absent.
  AgReplica* find_replica(std::string_view ag, std::string_view replica_server);
  /// Sets connected_state (and clears the last error when connecting).
  bool set_replica_connected(std::string_view ag, std::string_view replica_server, bool connected);
  /// Records last_connect_error_number/_description/_timestamp.
  bool set_replica_connect_error(std::string_view ag, std::string_view replica_server, int number,
                                 const std::string& description, const SqlDateTime& when);
  SeedingStats& add_seeding_stats(SeedingStats stats);

  /// The state as JSON, for tests and `milink-emulator --dump`: every object
  /// created, never passwords or private keys.
  milink::sdk::Value dump() const;
};

}  // namespace milink::emulator
