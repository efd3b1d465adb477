#include "state/server_state.hpp"

#include "state/time_util.hpp"

#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>

#include <cstdio>
#include <sstream>

namespace milink::emulator {

const char* personality_name(Personality p) noexcept {
  return p == Personality::SqlServer ? "SqlServer" : "ManagedInstance";
}

const char* recovery_model_name(RecoveryModel m) noexcept {
  switch (m) {
    case RecoveryModel::Full: return "FULL";
    case RecoveryModel::BulkLogged: return "BULK_LOGGED";
    case RecoveryModel::Simple: return "SIMPLE";
  }
  return "?";
}

const char* database_state_name(DatabaseState s) noexcept {
  switch (s) {
    case DatabaseState::Online: return "ONLINE";
    case DatabaseState::Restoring: return "RESTORING";
    case DatabaseState::Recovering: return "RECOVERING";
    case DatabaseState::RecoveryPending: return "RECOVERY_PENDING";
    case DatabaseState::Suspect: return "SUSPECT";
    case DatabaseState::Emergency: return "EMERGENCY";
    case DatabaseState::Offline: return "OFFLINE";
  }
  return "?";
}

const char* endpoint_state_name(EndpointState s) noexcept {
  switch (s) {
    case EndpointState::Started: return "STARTED";
    case EndpointState::Stopped: return "STOPPED";
    case EndpointState::Disabled: return "DISABLED";
  }
  return "?";
}

const char* mirroring_role_name(MirroringRole r) noexcept {
  switch (r) {
    case MirroringRole::None: return "NONE";
    case MirroringRole::Partner: return "PARTNER";
    case MirroringRole::Witness: return "WITNESS";
    case MirroringRole::All: return "ALL";
  }
  return "?";
}

const char* cluster_type_name(ClusterType c) noexcept {
  switch (c) {
    case ClusterType::Wsfc: return "WSFC";
    case ClusterType::External: return "EXTERNAL";
    case ClusterType::None: return "NONE";
  }
  return "?";
}

const char* availability_mode_name(AvailabilityMode m) noexcept {
  switch (m) {
    case AvailabilityMode::Asynchronous: return "ASYNCHRONOUS_COMMIT";
    case AvailabilityMode::Synchronous: return "SYNCHRONOUS_COMMIT";
    case AvailabilityMode::ConfigurationOnly: return "CONFIGURATION_ONLY";
  }
  return "?";
}

const char* failover_mode_name(FailoverMode m) noexcept {
  return m == FailoverMode::Automatic ? "AUTOMATIC" : "MANUAL";
}

const char* seeding_mode_name(SeedingMode m) noexcept { return m == SeedingMode::Automatic ? "AUTOMATIC" : "MANUAL"; }

/// SQL Server prints uniqueidentifier values in upper case.
std::string new_guid() {
  return Poco::toUpper(Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
}

// --- Database -------------------------------------------------------------

Certificate* Database::find_certificate(std::string_view cert_name, bool ci) {
  for (auto& c : certificates)
    if (collate_equal(c.name, cert_name, ci)) return &c;
  return nullptr;
}
const Certificate* Database::find_certificate(std::string_view cert_name, bool ci) const {
  return const_cast<Database*>(this)->find_certificate(cert_name, ci);
}
Certificate* Database::find_certificate(int id) {
  for (auto& c : certificates)
    if (c.certificate_id == id) return &c;
  return nullptr;
}
const Certificate* Database::find_certificate(int id) const { return const_cast<Database*>(this)->find_certificate(id); }

// --- Endpoint -------------------------------------------------------------

int Endpoint::connection_auth() const {
  bool cert = !certificate_name.empty();
  int win = windows == WindowsAuth::Ntlm ? 1 : windows == WindowsAuth::Kerberos ? 2 : windows == WindowsAuth::Negotiate ? 3 : 0;
  if (!cert) return win;
  if (win == 0) return 4;
  return certificate_first ? 7 + win : 4 + win;
}

std::string Endpoint::connection_auth_desc() const {
  static const char* names[] = {"",
                                "NTLM",
                                "KERBEROS",
                                "NEGOTIATE",
                                "CERTIFICATE",
                                "NTLM, CERTIFICATE",
                                "KERBEROS, CERTIFICATE",
                                "NEGOTIATE, CERTIFICATE",
                                "CERTIFICATE, NTLM",
                                "CERTIFICATE, KERBEROS",
                                "CERTIFICATE, NEGOTIATE"};
  int a = connection_auth();
  return (a >= 1 && a <= 10) ? names[a] : "";
}

int Endpoint::encryption_algorithm() const {
  if (encryption == EndpointEncryption::Disabled) return 0;
  bool none = encryption == EndpointEncryption::Supported;
  std::string first = algorithms.empty() ? "AES" : algorithms[0];
  bool both = algorithms.size() > 1;
  if (!both) {
    if (first == "RC4") return none ? 3 : 1;
    return none ? 4 : 2;
  }
  if (first == "RC4") return none ? 7 : 5;
  return none ? 8 : 6;
}

std::string Endpoint::encryption_algorithm_desc() const {
  static const char* names[] = {"NONE",      "RC4",      "AES",      "NONE, RC4",     "NONE, AES",
                                "RC4, AES",  "AES, RC4", "NONE, RC4, AES", "NONE, AES, RC4"};
  return names[encryption_algorithm()];
}

// --- AG -------------------------------------------------------------------

DatabaseReplicaRuntime* AgReplica::find_database(std::string_view db, bool ci) {
  for (auto& d : databases)
    if (collate_equal(d.database_name, db, ci)) return &d;
  return nullptr;
}

AgReplica* AvailabilityGroup::find_replica(std::string_view server, bool ci) {
  for (auto& r : replicas)
    if (collate_equal(r.server_name, server, ci)) return &r;
  return nullptr;
}

AgReplica* AvailabilityGroup::local_replica() {
  for (auto& r : replicas)
    if (r.is_local) return &r;
  return nullptr;
}
const AgReplica* AvailabilityGroup::local_replica() const {
  return const_cast<AvailabilityGroup*>(this)->local_replica();
}

// --- ServerState ----------------------------------------------------------

namespace {
int version_part(const std::string& v, int index) {
  int part = 0;
  std::size_t pos = 0;
  for (int i = 0; i < index; ++i) {
    pos = v.find('.', pos);
    if (pos == std::string::npos) return 0;
    ++pos;
  }
  try {
    part = std::stoi(v.substr(pos));
  } catch (...) {
    part = 0;
  }
  return part;
}
}  // namespace

int ServerState::major() const { return version_part(version, 0); }
int ServerState::minor() const { return version_part(version, 1); }
int ServerState::build() const { return version_part(version, 2); }
int ServerState::revision() const { return version_part(version, 3); }

int ServerState::engine_edition() const {
  if (personality == Personality::ManagedInstance) return 8;
  if (edition.find("Standard") != std::string::npos) return 2;
  if (edition.find("Express") != std::string::npos) return 4;
  return 3;
}

std::string ServerState::version_banner() const {
  if (personality == Personality::ManagedInstance)
    return "Microsoft SQL Azure (RTM) - " + version +
           " \n\tOct 29 2026 10:08:27 \n\tCopyright (C) 2022 Microsoft Corporation\n";
  std::string product = "Microsoft SQL Server";
  int m = major();
  if (m == 17) product += " 2025";
  else if (m == 16) product += " 2022";
  else if (m == 15) product += " 2019";
  else if (m == 14) product += " 2017";
  else if (m == 13) product += " 2016";
  std::string level = product_level;
  if (!update_level.empty()) level += "-" + update_level;
  std::string kb = update_reference.empty() ? "" : " (" + update_reference + ")";
  std::string host = os == HostOs::Windows
                         ? "Windows Server 2019 Datacenter 10.0 <X64> (Build 17763: ) (Hypervisor)"
                         : "Linux (Ubuntu 20.04.6 LTS) <X64>";
  return product + " (" + level + ")" + kb + " - " + version + " (X64) \n\tJan 12 2022 22:30:08 \n\tCopyright (C) " +
         std::to_string(m >= 16 ? 2022 : 2019) + " Microsoft Corporation\n\t" + edition + " on " + host + "\n";
}

bool ServerState::has_multidb_milink() const {
  if (personality != Personality::SqlServer) return false;
  return multidb_milink_present ? *multidb_milink_present : major() >= 16;
}

bool ServerState::has_link_procedures() const {
  if (personality == Personality::ManagedInstance) return true;
  int m = major(), b = build();
  if (m >= 16) return true;
  if (m == 15) return b >= 4312;
  if (m == 14) return b >= 3490;  // 2017 Azure Connect pack (14.0.3490.10)
  if (m == 13) return b >= 7000;  // 2016 Azure Connect pack (13.0.7000.253)
  return false;
}

const CollationInfo& ServerState::collation_info() const {
  if (collation_cache_ && collation_cache_key_ == collation) return *collation_cache_;
  const CollationInfo* c = find_collation(collation);
  if (!c) c = find_collation("SQL_Latin1_General_CP1_CI_AS");
  collation_cache_ = c;
  collation_cache_key_ = collation;
  return *c;
}

Database* ServerState::find_database(std::string_view db_name) {
  for (auto& d : databases)
    if (names_equal(d.name, db_name)) return &d;
  return nullptr;
}
const Database* ServerState::find_database(std::string_view db_name) const {
  return const_cast<ServerState*>(this)->find_database(db_name);
}
Database* ServerState::find_database(int id) {
  for (auto& d : databases)
    if (d.database_id == id) return &d;
  return nullptr;
}
const Database* ServerState::find_database(int id) const { return const_cast<ServerState*>(this)->find_database(id); }

Database& ServerState::master() { return *find_database(1); }
const Database& ServerState::master() const { return *find_database(1); }

Database& ServerState::add_database(const std::string& db_name, RecoveryModel recovery) {
  Database d;
  d.name = db_name;
  d.database_id = next_database_id++;
  d.recovery = recovery;
  d.collation = collation;
  d.database_guid = new_guid();
  d.create_date = now_utc();
  d.compatibility_level = personality == Personality::ManagedInstance ? 160 : std::max(100, major() * 10);
  d.next_lsn = 37000000001600001 + static_cast<std::int64_t>(d.database_id) * 1000000000000;
  databases.push_back(std::move(d));
  return databases.back();
}

bool ServerState::remove_database(std::string_view db_name) {
  for (auto it = databases.begin(); it != databases.end(); ++it)
    if (names_equal(it->name, db_name)) {
      databases.erase(it);
      return true;
    }
  return false;
}

Login* ServerState::find_login(std::string_view login_name) {
  for (auto& l : logins)
    if (names_equal(l.name, login_name)) return &l;
  return nullptr;
}
const Login* ServerState::find_login(std::string_view login_name) const {
  return const_cast<ServerState*>(this)->find_login(login_name);
}

std::vector<std::uint8_t> login_sid(const Login& l) {
  // The catalog's sys.server_principals shows this SID too.
  return {static_cast<std::uint8_t>(l.principal_id & 0xFF)};
}

const Login* ServerState::find_login_by_sid(const std::vector<std::uint8_t>& sid) const {
  for (const auto& l : logins)
    if (login_sid(l) == sid) return &l;
  return nullptr;
}

Login& ServerState::add_login(const std::string& login_name, const std::string& password, bool sysadmin) {
  Login l;
  l.name = login_name;
  l.password = password;
  l.sysadmin = sysadmin;
  l.principal_id = names_equal(login_name, "sa") ? 1 : next_principal_id++;
  l.create_date = now_utc();
  logins.push_back(std::move(l));
  return logins.back();
}

Endpoint* ServerState::find_endpoint(std::string_view endpoint_name) {
  for (auto& e : endpoints)
    if (names_equal(e.name, endpoint_name)) return &e;
  return nullptr;
}
const Endpoint* ServerState::find_endpoint(std::string_view endpoint_name) const {
  return const_cast<ServerState*>(this)->find_endpoint(endpoint_name);
}
Endpoint* ServerState::mirroring_endpoint() { return endpoints.empty() ? nullptr : &endpoints.front(); }
const Endpoint* ServerState::mirroring_endpoint() const { return endpoints.empty() ? nullptr : &endpoints.front(); }

AvailabilityGroup* ServerState::find_availability_group(std::string_view ag_name) {
  for (auto& a : availability_groups)
    if (names_equal(a.name, ag_name)) return &a;
  return nullptr;
}
const AvailabilityGroup* ServerState::find_availability_group(std::string_view ag_name) const {
  return const_cast<ServerState*>(this)->find_availability_group(ag_name);
}

BackupRecord& ServerState::record_backup(Database& db, char type, bool copy_only, const std::string& device,
                                         bool checksum, const std::string& login) {
  BackupRecord b;
  b.backup_set_id = next_backup_set_id;
  b.media_set_id = next_backup_set_id;
  ++next_backup_set_id;
  b.backup_set_uuid = new_guid();
  b.database_name = db.name;
  b.database_guid = db.database_guid;
  b.type = type;
  b.is_copy_only = copy_only;
  b.backup_start_date = now_utc();
  b.backup_finish_date = add_seconds(b.backup_start_date, 1);
  std::int64_t pages = type == 'L' ? 8 : std::max<std::int64_t>(1, db.size_mb) * 128 / 4 + 362;
  b.backup_size = pages * 8192 + 86016;
  b.compressed_backup_size = b.backup_size;
  b.first_lsn = db.next_lsn;
  db.next_lsn += type == 'L' ? 400000 : 100000000;
  b.last_lsn = db.next_lsn;
  b.checkpoint_lsn = type == 'L' ? b.first_lsn : b.first_lsn + 20;
  b.recovery_model = recovery_model_name(db.recovery);
  b.has_backup_checksums = checksum;
  b.physical_device_name = device;
  b.user_name = login;
  b.server_name = name;
  b.machine_name = machine_name;
  b.database_creation_date = db.create_date;
  // database_backup_lsn: the checkpoint LSN of the last full (non copy-only) backup.
  for (auto it = backups.rbegin(); it != backups.rend(); ++it)
    if (names_equal(it->database_name, db.name) && it->type == 'D' && !it->is_copy_only) {
      b.database_backup_lsn = it->checkpoint_lsn;
      break;
    }
  // A full backup, or after a switch from SIMPLE a differential one (on top of
  // an existing full backup, checked by BACKUP), starts the log chain.
  if ((type == 'D' || type == 'I') && !copy_only && db.recovery != RecoveryModel::Simple) db.log_chain_started = true;
  backups.push_back(std::move(b));
  return backups.back();
}

AgReplica* ServerState::find_replica(std::string_view ag, std::string_view replica_server) {
  AvailabilityGroup* g = find_availability_group(ag);
  return g ? g->find_replica(replica_server, case_insensitive()) : nullptr;
}

bool ServerState::set_replica_connected(std::string_view ag, std::string_view replica_server, bool connected) {
  AgReplica* r = find_replica(ag, replica_server);
  if (!r) return false;
  r->runtime.connected = connected;
  if (connected) {
    r->runtime.last_connect_error_number.reset();
    r->runtime.last_connect_error_description.clear();
    r->runtime.last_connect_error_timestamp.reset();
  }
  return true;
}

bool ServerState::set_replica_connect_error(std::string_view ag, std::string_view replica_server, int number,
                                            const std::string& description, const SqlDateTime& when) {
  AgReplica* r = find_replica(ag, replica_server);
  if (!r) return false;
  r->runtime.last_connect_error_number = number;
  r->runtime.last_connect_error_description = description;
  r->runtime.last_connect_error_timestamp = when;
  return true;
}

SeedingStats& ServerState::add_seeding_stats(SeedingStats stats) {
  seeding.push_back(std::move(stats));
  return seeding.back();
}

}  // namespace milink::emulator
