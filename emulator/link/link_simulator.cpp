#include "link/link_simulator.hpp"

#include "link/log_model.hpp"
#include "state/collation.hpp"
#include "state/network.hpp"
#include "state/time_util.hpp"
#include "state/x509.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace milink::emulator {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using std::chrono::milliseconds;

// --- profiles -------------------------------------------------------------

TimingProfile TimingProfile::fast() {
  TimingProfile p;
  p.name = "fast";
  p.arm_operation = milliseconds(50);
  p.connect_delay = milliseconds(100);
  p.seeding_bytes_per_second = 512.0 * 1024 * 1024;
  p.catch_up = milliseconds(100);
  p.connect_timeout = milliseconds(1000);
  p.async_lag = milliseconds(200);
  p.first_backup_delay = milliseconds(200);
  return p;
}

TimingProfile TimingProfile::realistic() {
  TimingProfile p;
  p.name = "realistic";
  p.arm_operation = std::chrono::seconds(5);
  p.connect_delay = std::chrono::seconds(30);  // "it can take up to a minute" (replicate-database doc)
  p.seeding_bytes_per_second = 50.0 * 1024 * 1024;
  p.catch_up = std::chrono::seconds(10);
  p.connect_timeout = std::chrono::minutes(5);  // error 41962: "did not start within 5 minutes"
  p.async_lag = std::chrono::seconds(2);
  p.first_backup_delay = std::chrono::minutes(5);  // inferred: "some time" after the role change
  return p;
}

TimingProfile TimingProfile::demo() {
  TimingProfile p;
  p.name = "demo";
  p.arm_operation = std::chrono::seconds(1);
  p.connect_delay = std::chrono::seconds(3);
  // The sample database (sales, 64 MB) seeds in ~7 s; hr (32 MB) in ~3.5 s.
  p.seeding_bytes_per_second = 9.0 * 1024 * 1024;
  p.catch_up = std::chrono::seconds(1);
  p.connect_timeout = std::chrono::seconds(60);
  p.async_lag = std::chrono::seconds(1);
  p.first_backup_delay = std::chrono::seconds(5);
  return p;
}

TimingProfile TimingProfile::named(const std::string& name) {
  if (name == "fast") return fast();
  if (name == "demo") return demo();
  if (name == "realistic") return realistic();
  throw std::invalid_argument("unknown timing profile \"" + name + "\"; expected fast, demo or realistic");
}

namespace {

// --- errors ---------------------------------------------------------------
// 41973, 41974, 41976, 41977, 41986: sys.messages as listed in sql-docs
// (database-engine-events-and-errors-41400-to-49999); 1412: sys.messages
// (1000-1999), the one the MI-link troubleshooting doc names for a log
// truncated during seeding; 35201, 9666, 28080, 28027: the Always On
// connectivity errors of the alwayson_health session (sql-docs), %S_MSG
// rendered as "Database Mirroring" (inferred) and the states inferred except
// "There is no compatible encryption algorithm. State 22." (real errorlog
// output). That SQL Server's DAG shows the 419xx link errors in
// last_connect_error_number/_description is inferred: the real DMV may show
// transport errors instead.

struct LinkError {
  int number = 0;  ///< ARM mostRecentLinkError and the PUT's failure
  std::string text;
  bool creation = false;  ///< LinkCreationError (else LinkInitError)
  int dmv_number = 0;     ///< last_connect_error_number on SQL Server's DAG remote replica
  std::string dmv_text;
};

const char* const k41973 =
    "The link cannot be established because the endpoint certificate from SQL Server has not been imported to Azure "
    "SQL Managed Instance. Please import the endpoint certificate from SQL Server to Managed Instance, and retry the "
    "link creation again. Please see online documentation for Managed Instance link for more information.";
const char* const k41974 =
    "The link cannot be established because the endpoint certificate from SQL Azure SQL Managed Instance has not been "
    "imported to SQL Server. Please download the endpoint certificate from Managed Instance and import it to SQL "
    "Server, and retry the link creation again. Please see online documentation for Managed Instance link for more "
    "information.";
const char* const k41986 =
    "Azure SQL Managed Instance link creation failed because either connection to SQL Server failed, or the server did "
    "not respond after a prolonged period of time. Verify the network connectivity and firewall rules between SQL "
    "Server and Managed Instance are properly configured and retry again.";

std::string text_41976(const std::string& ag, const std::string& endpoint) {
  return "Connection with availability group '" + ag + "' on the server with endpoint '" + endpoint +
         "' cannot be established as it is not responding. Possible causes could be nonexistence of availability group "
         "or distributed availability group on the partner server, incorrectly specified names or configuration "
         "parameters. Please check the log file on the partner server for the exact error cause.";
}

std::string text_41977(const std::string& ag, const std::string& endpoint) {
  return "Connection with availability group '" + ag + "' on the server with endpoint '" + endpoint +
         "' is established, but there is no response from the target database. Possible causes could be errors with "
         "creating a database on the partner server, incorrectly specified names or configuration parameters. Please "
         "check the log file on the partner server for the exact error cause.";
}

std::string text_1412(const std::string& db) {
  return "The remote copy of database \"" + db +
         "\" has not been rolled forward to a point in time that is encompassed in the local copy of the database log.";
}

std::string text_35201(const std::string& replica, const std::string& id) {
  return "A connection timeout has occurred while attempting to establish a connection to availability replica '" +
         replica + "' with id [" + id +
         "]. Either a networking or firewall issue exists, or the endpoint address provided for the replica is not the "
         "database mirroring endpoint of the host server instance.";
}

LinkError same(int number, std::string text, bool creation = false) {
  LinkError e;
  e.number = e.dmv_number = number;
  e.text = e.dmv_text = std::move(text);
  e.creation = creation;
  return e;
}

/// A problem with SQL Server's endpoint: the managed instance sees 41986,
/// SQL Server's DMV the transport's own error.
LinkError endpoint_error(int dmv_number, std::string dmv_text) {
  LinkError e;
  e.number = 41986;
  e.text = k41986;
  e.dmv_number = dmv_number;
  e.dmv_text = std::move(dmv_text);
  return e;
}

std::string most_recent(const LinkError& e) { return std::to_string(e.number) + ": " + e.text; }

/// NOT SYNCHRONIZING, NOT_HEALTHY, no LSNs.
DatabaseReplicaRuntime fresh_runtime(const std::string& db) {
  DatabaseReplicaRuntime r;
  r.database_name = db;
  return r;
}

// --- helpers --------------------------------------------------------------

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct TcpUrl {
  std::string host;
  int port = 0;
};

/// "tcp://host:port[;...]" (any case).
std::optional<TcpUrl> parse_tcp(const std::string& url) {
  if (url.size() < 7 || !iequals(url.substr(0, 6), "tcp://")) return std::nullopt;
  std::string r = url.substr(6);
  r = r.substr(0, r.find(';'));
  std::size_t colon = r.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  TcpUrl u;
  u.host = r.substr(0, colon);
  std::string port = r.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  u.port = std::stoi(port);
  return u;
}

/// "*.database.windows.net" matches any name ending in ".database.windows.net".
bool dns_pattern_matches(const std::string& pattern, const std::string& name) {
  if (pattern.rfind("*.", 0) == 0) {
    std::string suffix = lower(pattern.substr(1));
    std::string n = lower(name);
    return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return iequals(pattern, name);
}

/// Milliseconds-precise UTC for a steady-clock time (which may lie ahead of
/// now: tests drive the simulator with synthetic times).
SqlDateTime wall(TimePoint t) {
  long long delta = std::chrono::duration_cast<milliseconds>(t - Clock::now()).count();
  SqlDateTime n = now_utc();
  long long ms = to_unix_seconds(n) * 1000 + n.nanosecond / 1000000 + delta;
  long long s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  SqlDateTime out = from_unix_seconds(s);
  out.nanosecond = static_cast<std::int32_t>((ms - s * 1000) * 1000000);
  return out;
}

}  // namespace

// --- state ----------------------------------------------------------------

namespace {

struct DbRun {
  std::string name;  ///< as the link names it
  std::optional<TimePoint> seed_start;
  std::optional<TimePoint> seeded_at;
  bool created_on_mi = false;  ///< this link made the managed instance's database
  std::string source_seed_id, destination_seed_id;
  int backup_watermark = 0;  ///< SQL Server's next backup_set_id when seeding started
  std::int64_t seed_lsn = 0;
  std::int64_t fork_lsn = 0;  ///< the new primary's LSN at a forced failover: what both copies share
};

struct Tracked {
  std::string name;
  std::string instance_ag;
  TimePoint created;
  bool connected = false;
  bool ever_connected = false;
  bool retried = false;  ///< an evaluation after the connect delay failed
  std::optional<TimePoint> connected_at;
  std::optional<LinkError> error;
  std::optional<LinkResult> outcome;
  bool terminal = false;  ///< 1412: drop and recreate
  std::vector<DbRun> dbs;
  // The link's roles: one primary normally; both after a forced failover
  // while the old primary is up (split brain); neither after demoting the
  // only primary.
  bool sql_primary = true;
  bool mi_primary = false;
  /// When the link next changes on its own (connecting, seeding, catching
  /// up, the PUT's outcome, log to replicate); TimePoint::max() when only a
  /// change of the world can change it.
  TimePoint due{};
};

/// The managed instance's first automatic full backup of a database that
/// became primary or standalone.
struct PendingBackup {
  std::string database;
  TimePoint due;
};

struct SimData {
  std::vector<Tracked> links;
  /// Databases with a write workload, by "S:"/"M:" + lower-case name.
  std::map<std::string, LogHistory> logs;
  std::vector<PendingBackup> backups;
};

}  // namespace

struct LinkSimulator::State {
  SimData data;
  std::vector<Tracked>& links = data.links;
  TimePoint last_now{};  ///< advance() never goes back in time

  Tracked* find(const std::string& name) {
    for (auto& t : links)
      if (iequals(t.name, name)) return &t;
    return nullptr;
  }
};

namespace {

/// The simulation proper, over one world; a fresh one per call (it holds no state of its own).
class Sim {
public:
  Sim(EmulatorWorld& w, const TimingProfile& p, SimData& d) : w_(w), p_(p), d_(d), links_(d.links) {}

  ServerState& sql() { return w_.sql_server; }
  ServerState& mi() { return w_.managed_instance; }

  /// Names as both servers compare them: a name that differs in case only
  /// matches only when both collations are case-insensitive.
  bool names_match(const std::string& a, const std::string& b) {
    return sql().names_equal(a, b) && mi().names_equal(a, b);
  }

  /// By exact name through an index built once per Sim (what every link's
  /// checks ask many times: with 500 links a linear search per question
  /// made a statement cost O(links^2)); by collation, linearly, otherwise.
  AvailabilityGroup* find_ag(ServerState& s, const std::string& name, bool distributed) {
    auto& index = s.personality == Personality::SqlServer ? sql_index_ : mi_index_;
    if (index.empty() && !s.availability_groups.empty())
      for (std::size_t i = 0; i < s.availability_groups.size(); ++i)
        index.emplace(s.availability_groups[i].name, i);
    auto range = index.equal_range(name);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second < s.availability_groups.size()) {
        AvailabilityGroup& g = s.availability_groups[it->second];
        if (g.distributed == distributed && g.name == name) return &g;
      }
    for (auto& g : s.availability_groups)
      if (g.distributed == distributed && names_match(g.name, name)) return &g;
    return nullptr;
  }
  /// A database by name, memoised for this Sim (every link asks several
  /// times; a linear search each made a statement O(links^2)).
  Database* db_of(ServerState& s, const std::string& name) {
    auto& cache = s.personality == Personality::SqlServer ? sql_dbs_ : mi_dbs_;
    if (cache.empty())  // one pass over the server's databases, by exact name
      for (auto& d : s.databases) cache.emplace(d.name, &d);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    Database* d = s.find_database(name);
    cache.emplace(name, d);
    return d;
  }
  void forget_db_cache() {
    sql_dbs_.clear();
    mi_dbs_.clear();
  }
  /// After adding or removing availability groups.
  void forget_ag_index() {
    sql_index_.clear();
    mi_index_.clear();
  }

  AgReplica* remote_replica(AvailabilityGroup* g) {
    if (!g) return nullptr;
    for (auto& r : g->replicas)
      if (!r.is_local) return &r;
    return nullptr;
  }

  std::int64_t database_bytes(const std::string& db) {
    const Database* d = db_of(sql(), db);
    return (d ? std::max<std::int64_t>(1, d->size_mb) : 1) * 1024 * 1024;
  }

  std::chrono::nanoseconds seeding_duration(std::int64_t bytes) {
    double rate = p_.seeding_bytes_per_second > 0 ? p_.seeding_bytes_per_second : 1.0;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(bytes) / rate * 1e9));
  }

  // --- conditions ---------------------------------------------------------

  /// \p s's DATABASE_MIRRORING endpoint cannot serve the link.
  static std::optional<LinkError> endpoint_problem(const ServerState& s) {
    const Endpoint* ep = s.mirroring_endpoint();
    if (!ep)
      return endpoint_error(28080,
                            "Connection handshake failed. The Database Mirroring endpoint is not configured. State 1.");
    if (ep->state != EndpointState::Started)
      return endpoint_error(9666, "The Database Mirroring endpoint is in disabled or stopped state.");
    if (ep->certificate_name.empty())
      return endpoint_error(28027,
                            "Connection handshake failed. There is no compatible authentication protocol. State 21.");
    bool aes = std::find(ep->algorithms.begin(), ep->algorithms.end(), "AES") != ep->algorithms.end();
    if (ep->encryption == EndpointEncryption::Disabled || !aes)
      return endpoint_error(28027,
                            "Connection handshake failed. There is no compatible encryption algorithm. State 22.");
    return std::nullopt;
  }

  /// The instance does not trust \p s's endpoint certificate (41973), or \p s
  /// does not hold (or trust the issuer of) the instance's (41974).
  std::optional<LinkError> certificate_problem(const ServerState& s) {
    const Endpoint* ep = s.mirroring_endpoint();
    const Database& master = s.master();
    const Certificate* sql_cert = ep && ep->certificate_id ? master.find_certificate(ep->certificate_id) : nullptr;
    if (!sql_cert && ep) sql_cert = master.find_certificate(ep->certificate_name, s.case_insensitive());
    bool trusted = false;
    if (sql_cert)
      for (const auto& c : w_.azure.server_trust_certificates)
        if (c.der == sql_cert->x509.der) trusted = true;
    if (!trusted) return same(41973, k41973);
    bool held = false;
    if (mi().endpoint_certificate) {
      const auto& mi_der = mi().endpoint_certificate->x509.der;
      for (const auto& c : master.certificates)
        if (c.x509.der == mi_der) held = true;
      // Or trusted through its issuer (sp_certificate_add_issuer), as the
      // newer setup does with Azure's root CAs.
      for (const auto& ti : s.trusted_issuers) {
        if (held) break;
        const Certificate* issuer = master.find_certificate(ti.certificate_id);
        if (issuer && dns_pattern_matches(ti.dns_pattern, mi().fqdn) && certificate_signed_by(mi_der, issuer->x509.der))
          held = true;
      }
    }
    if (!held) return same(41974, k41974);
    return std::nullopt;
  }


  std::optional<LinkError> evaluate(const Tracked& t, const LinkResource& l) {
    // 0. The network (the scenario's "network" model): the instance dials the
    // partner endpoint; SQL Server dials the instance on 5022 and its node's
    // HadrPort. A dropped connection either way times out (35201 on SQL
    // Server's DAG, 41986 for the link), as a missing NSG or firewall rule does.
    if (auto e = network_error(l)) return e;

    // 1. SQL Server's DATABASE_MIRRORING endpoint.
    if (auto e = endpoint_problem(sql())) return e;
    const Endpoint* ep = sql().mirroring_endpoint();
    AvailabilityGroup* dag = find_ag(sql(), l.name, true);
    AgReplica* remote = remote_replica(dag);
    auto partner = parse_tcp(l.partner_endpoint);
    if (!partner || partner->port != ep->port) {
      // The managed instance dials the ARM partnerEndpoint and finds no endpoint there.
      return connection_timeout(l, remote);
    }

    // 2. Certificates, both ways.
    if (auto e = certificate_problem(sql())) return e;

    // 2b. The same on every secondary replica of an existing AG under the
    // link (the docs: certificates on every replica). Inferred: the emulator
    // fails the link at once, with the errors the primary would give,
    // rather than only when that replica becomes primary.
    if (AvailabilityGroup* under = find_ag(sql(), l.partner_availability_group_name, false))
      for (const auto& r : under->replicas) {
        if (r.is_local) continue;
        const ServerState* rs = w_.sql_replica(r.server_name);
        if (!rs) continue;
        if (auto e = endpoint_problem(*rs)) return e;
        if (auto e = certificate_problem(*rs)) return e;
      }

    // 3. The availability group and the distributed one, as the link names them.
    const std::string& ag_name = l.partner_availability_group_name;
    LinkError e41976 = same(41976, text_41976(ag_name, l.partner_endpoint));
    AvailabilityGroup* ag = find_ag(sql(), ag_name, false);
    if (!ag || !dag) return e41976;
    const AgReplica* local = dag->local_replica();
    if (!local || !names_match(local->server_name, ag->name)) return e41976;
    if (!remote || !names_match(remote->server_name, l.instance_availability_group_name)) return e41976;
    auto listener = parse_tcp(remote->endpoint_url);
    if (!listener || !iequals(listener->host, mi().fqdn) || listener->port != kManagedInstanceMirroringPort)
      return e41976;

    // 4. The databases: in the AG on SQL Server, free on the managed instance.
    for (const auto& ldb : l.databases) {
      bool in_ag = false;
      for (const auto& n : ag->databases)
        if (sql().names_equal(n, ldb.name)) in_ag = true;
      bool ours = false;
      for (const auto& d : t.dbs)
        if (names_match(d.name, ldb.name) && d.created_on_mi) ours = true;
      if (!in_ag || (db_of(mi(), ldb.name) && !ours))
        return same(41977, text_41977(ag_name, l.partner_endpoint), true);
    }
    return std::nullopt;
  }

  std::optional<LinkError> network_error(const LinkResource& l) {
    const NetworkModel& net = w_.network;
    auto partner = parse_tcp(l.partner_endpoint);
    bool instance_to_sql = partner && (net.unresolvable_name(partner->host) ||
                                       net.blocked(Personality::ManagedInstance, partner->port));
    bool sql_to_instance = net.unresolvable_name(mi().fqdn) || net.unresolvable_name(net.instance_node_fqdn()) ||
                           net.blocked(Personality::SqlServer, kManagedInstanceMirroringPort) ||
                           net.blocked(Personality::SqlServer, net.instance_hadr_port);
    if (!instance_to_sql && !sql_to_instance) return std::nullopt;
    return connection_timeout(l, remote_replica(find_ag(sql(), l.name, true)));
  }

  /// No answer on the other side: 41986 for the link, 35201 (connection
  /// timeout to the instance's replica) on SQL Server's DAG.
  static LinkError connection_timeout(const LinkResource& l, const AgReplica* remote) {
    LinkError e;
    e.number = 41986;
    e.text = k41986;
    e.dmv_number = 35201;
    e.dmv_text = text_35201(remote ? remote->server_name : l.instance_availability_group_name,
                            remote ? remote->replica_id : std::string());
    return e;
  }

  // --- the managed instance's objects --------------------------------------

  void ensure_instance_objects(Tracked& t, LinkResource& l) {
    ServerState& m = mi();
    const SqlDateTime now = now_utc();
    const AvailabilityMode mode =
        iequals(l.replication_mode, "Sync") ? AvailabilityMode::Synchronous : AvailabilityMode::Asynchronous;
    const std::string listener = "tcp://" + m.fqdn + ":" + std::to_string(kManagedInstanceMirroringPort);
    if (!find_ag(m, t.instance_ag, false)) {
      AvailabilityGroup g;
      g.name = t.instance_ag;
      g.group_id = new_guid();
      g.cluster_type = ClusterType::None;
      g.create_date = now;
      AgReplica r;
      r.replica_id = new_guid();
      r.replica_metadata_id = m.next_replica_metadata_id++;
      r.server_name = m.name;
      r.endpoint_url = "TCP://" + m.fqdn + ":" + std::to_string(kManagedInstanceMirroringPort);
      r.availability_mode = AvailabilityMode::Synchronous;
      r.seeding_mode = SeedingMode::Automatic;
      r.is_local = true;
      r.create_date = r.modify_date = now;
      r.runtime.role = 1;
      r.runtime.operational_state = 2;
      r.runtime.connected = true;
      r.runtime.recovery_health = 1;
      r.runtime.synchronization_health = 2;
      g.replicas.push_back(std::move(r));
      g.sequence_number = m.next_ag_sequence++;
      m.availability_groups.push_back(std::move(g));
      forget_ag_index();
    }
    if (!find_ag(m, l.name, true)) {
      AvailabilityGroup dag;
      dag.name = l.name;
      dag.group_id =
          l.distributed_availability_group_id.empty() ? new_guid() : upper(l.distributed_availability_group_id);
      dag.distributed = true;
      dag.cluster_type = ClusterType::None;
      dag.create_date = now;
      std::string instance_id = !l.databases.empty() && !l.databases[0].instance_replica_id.empty()
                                    ? upper(l.databases[0].instance_replica_id)
                                    : new_guid();
      std::string partner_id = !l.databases.empty() && !l.databases[0].partner_replica_id.empty()
                                   ? upper(l.databases[0].partner_replica_id)
                                   : new_guid();
      AgReplica local;
      local.replica_id = instance_id;
      local.replica_metadata_id = m.next_replica_metadata_id++;
      local.server_name = t.instance_ag;
      local.endpoint_url = listener;
      local.availability_mode = mode;
      local.seeding_mode = SeedingMode::Automatic;
      local.is_local = true;
      local.create_date = local.modify_date = now;
      local.runtime.role = 2;  // the managed instance is the link's secondary
      local.runtime.operational_state = 2;
      local.runtime.connected = true;
      local.runtime.recovery_health = 1;
      AgReplica remote;
      remote.replica_id = partner_id;
      remote.server_name = l.partner_availability_group_name;
      remote.endpoint_url = l.partner_endpoint;
      remote.availability_mode = mode;
      remote.seeding_mode = SeedingMode::Automatic;
      remote.create_date = remote.modify_date = now;
      remote.runtime.role = 1;
      dag.replicas.push_back(std::move(local));
      dag.replicas.push_back(std::move(remote));
      dag.sequence_number = m.next_ag_sequence++;
      m.availability_groups.push_back(std::move(dag));
      forget_ag_index();
      for (auto& d : l.databases) {
        if (d.instance_replica_id.empty()) d.instance_replica_id = lower(instance_id);
        if (d.partner_replica_id.empty()) d.partner_replica_id = lower(partner_id);
      }
    }
  }

  /// A database's runtime row in a replica, created when missing.
  DatabaseReplicaRuntime& db_runtime(AgReplica& r, const std::string& db) {
    if (DatabaseReplicaRuntime* d = r.find_database(db, true)) return *d;
    DatabaseReplicaRuntime d;
    d.database_name = db;
    r.databases.push_back(d);
    return r.databases.back();
  }

  /// Applies \p f to the database's runtime on every replica that carries
  /// it on the link's behalf: SQL Server's DAG remote replica, the managed
  /// instance's DAG local replica and its AG's replica.
  template <typename F>
  void each_db_runtime(const Tracked& t, const std::string& db, F f) {
    if (AgReplica* r = remote_replica(find_ag(sql(), t.name, true))) f(db_runtime(*r, db), false);
    if (AvailabilityGroup* dag = find_ag(mi(), t.name, true))
      if (AgReplica* r = dag->local_replica()) f(db_runtime(*r, db), true);
    if (AvailabilityGroup* ag = find_ag(mi(), t.instance_ag, false))
      if (AgReplica* r = ag->local_replica()) f(db_runtime(*r, db), true);
  }

  SeedingStats* seeding_row(ServerState& s, const std::string& id) {
    if (id.empty()) return nullptr;
    for (auto& st : s.seeding)
      if (st.local_physical_seeding_id == id) return &st;
    return nullptr;
  }

  void erase_seeding_rows(DbRun& d) {
    for (ServerState* s : {&sql(), &mi()})
      s->seeding.erase(std::remove_if(s->seeding.begin(), s->seeding.end(),
                                      [&](const SeedingStats& st) {
                                        return st.local_physical_seeding_id == d.source_seed_id ||
                                               st.local_physical_seeding_id == d.destination_seed_id;
                                      }),
                       s->seeding.end());
    d.source_seed_id.clear();
    d.destination_seed_id.clear();
  }

  // --- transitions ----------------------------------------------------------

  void start_seeding(Tracked& t, DbRun& d, TimePoint at) {
    Database* src = db_of(sql(), d.name);
    if (!src) return;
    erase_seeding_rows(d);
    d.seed_start = at;
    d.seeded_at.reset();
    d.backup_watermark = sql().next_backup_set_id;
    d.seed_lsn = src->next_lsn;

    Database* dst = db_of(mi(), src->name);
    if (!dst) {
      dst = &mi().add_database(src->name, RecoveryModel::Full);
      forget_db_cache();
      d.created_on_mi = true;
    }
    dst->state = DatabaseState::Restoring;
    dst->read_only = false;
    dst->size_mb = src->size_mb;
    dst->availability_group = t.instance_ag;
    dst->group_database_id = src->group_database_id.empty() ? new_guid() : src->group_database_id;
    if (AvailabilityGroup* ag = find_ag(mi(), t.instance_ag, false)) {
      bool listed = false;
      for (const auto& n : ag->databases)
        if (mi().names_equal(n, dst->name)) listed = true;
      if (!listed) ag->databases.push_back(dst->name);
    }
    each_db_runtime(t, src->name, [](DatabaseReplicaRuntime& r, bool) { r = fresh_runtime(r.database_name); });

    const std::int64_t bytes = database_bytes(src->name);
    const auto rate = static_cast<std::int64_t>(p_.seeding_bytes_per_second);
    SeedingStats source;
    source.local_physical_seeding_id = new_guid();
    source.remote_physical_seeding_id = new_guid();
    source.local_database_id = src->database_id;
    source.local_database_name = src->name;
    source.remote_machine_name = mi().machine_name;
    source.role_desc = "Source";
    source.internal_state_desc = "ReadingAndSendingData";
    source.transfer_rate_bytes_per_second = rate;
    source.database_size_bytes = bytes;
    source.start_time_utc = wall(at);
    source.estimate_time_complete_utc = wall(at + std::chrono::duration_cast<Clock::duration>(seeding_duration(bytes)));
    SeedingStats destination = source;
    std::swap(destination.local_physical_seeding_id, destination.remote_physical_seeding_id);
    destination.local_database_id = dst->database_id;
    destination.remote_machine_name = sql().machine_name;
    destination.role_desc = "Destination";
    destination.internal_state_desc = "ReceivingAndWritingData";  // inferred
    d.source_seed_id = source.local_physical_seeding_id;
    d.destination_seed_id = destination.local_physical_seeding_id;
    sql().add_seeding_stats(std::move(source));
    mi().add_seeding_stats(std::move(destination));
  }

  void connect(Tracked& t, LinkResource& l, TimePoint at) {
    t.connected = true;
    t.ever_connected = true;
    t.connected_at = at;
    t.error.reset();
    if (AgReplica* r = remote_replica(find_ag(sql(), t.name, true))) {
      r->runtime.connected = true;
      r->runtime.role = 2;
      r->runtime.last_connect_error_number.reset();
      r->runtime.last_connect_error_description.clear();
      r->runtime.last_connect_error_timestamp.reset();
    }
    if (AgReplica* r = remote_replica(find_ag(mi(), t.name, true))) r->runtime.connected = true;
    l.connected_at = at;
    for (auto& d : t.dbs)
      if (!d.seeded_at) start_seeding(t, d, at);
    for (auto& ldb : l.databases) {
      ldb.connected_state = "CONNECTED";
      ldb.most_recent_link_error.clear();
    }
  }

  /// A condition failed on a connected link: it drops; seeding starts over
  /// on reconnection, a seeded database catches up again.
  void disconnect(Tracked& t) {
    t.connected = false;
    t.connected_at.reset();
    for (auto& d : t.dbs) {
      if (!d.seeded_at) {
        erase_seeding_rows(d);
        d.seed_start.reset();
      }
      each_db_runtime(t, d.name, [](DatabaseReplicaRuntime& r, bool) {
        r.synchronization_state = 0;
        r.synchronization_health = 0;
      });
    }
    set_health(t, false);
    if (AgReplica* r = remote_replica(find_ag(mi(), t.name, true))) r->runtime.connected = false;
  }

  void set_health(Tracked& t, bool healthy) {
    int h = healthy ? 2 : 0;
    if (AvailabilityGroup* dag = find_ag(sql(), t.name, true)) {
      if (AgReplica* r = remote_replica(dag)) r->runtime.synchronization_health = h;
      if (AgReplica* r = dag->local_replica()) r->runtime.synchronization_health = h;
    }
    if (AvailabilityGroup* dag = find_ag(mi(), t.name, true))
      if (AgReplica* r = dag->local_replica()) r->runtime.synchronization_health = h;
  }

  void set_error(Tracked& t, LinkResource& l, TimePoint now, const LinkError& e) {
    t.error = e;
    if (AgReplica* r = remote_replica(find_ag(sql(), t.name, true))) {
      r->runtime.connected = false;
      r->runtime.last_connect_error_number = e.dmv_number;
      r->runtime.last_connect_error_description = e.dmv_text;
      r->runtime.last_connect_error_timestamp = wall(now);
    }
    for (auto& ldb : l.databases) {
      bool seeded = false;
      for (const auto& d : t.dbs)
        if (names_match(d.name, ldb.name) && d.seeded_at) seeded = true;
      if (!seeded) ldb.replica_state = e.creation ? "LinkCreationError" : "LinkInitError";
      ldb.connected_state = "DISCONNECTED";
      ldb.synchronization_health = "NOT_HEALTHY";
      ldb.seeding_progress.reset();
      ldb.most_recent_link_error = most_recent(e);
    }
  }

  void fail_operation(Tracked& t, LinkResource& l, const LinkError& e) {
    if (t.outcome) return;
    LinkResult r;
    r.ok = false;
    r.http_status = 400;  // inferred: the operation failed for a cause the user must fix
    r.code = e.creation ? "LinkCreationError" : "LinkInitError";
    r.message = most_recent(e);
    t.outcome = r;
    l.provisioning_state = "Failed";
  }

  /// A log backup truncated the log before seeding finished (1412): the
  /// link is broken for good.
  void fail_log_truncated(Tracked& t, LinkResource& l, DbRun& d, TimePoint now) {
    LinkError e = same(1412, text_1412(d.name), true);
    t.terminal = true;
    t.error = e;
    for (ServerState* s : {&sql(), &mi()})
      if (SeedingStats* st = seeding_row(*s, s == &sql() ? d.source_seed_id : d.destination_seed_id)) {
        st->failure_code = 1412;
        st->failure_message = e.text;
        st->failure_time_utc = wall(now);
        st->internal_state_desc = "Failed";  // inferred
        st->estimate_time_complete_utc.reset();
      }
    each_db_runtime(t, d.name, [](DatabaseReplicaRuntime& r, bool) {
      r.synchronization_state = 0;
      r.synchronization_health = 0;
    });
    for (auto& ldb : l.databases) {
      ldb.replica_state = "LinkCreationError";
      ldb.synchronization_health = "NOT_HEALTHY";
      ldb.seeding_progress.reset();
      ldb.most_recent_link_error = most_recent(e);
    }
    fail_operation(t, l, e);
  }

  void progress(Tracked& t, LinkResource& l, TimePoint now) {
    for (auto& d : t.dbs) {
      if (d.seeded_at || !d.seed_start) continue;
      for (const auto& b : sql().backups)
        if (b.type == 'L' && b.backup_set_id >= d.backup_watermark && sql().names_equal(b.database_name, d.name)) {
          fail_log_truncated(t, l, d, now);
          return;
        }
      const std::int64_t bytes = database_bytes(d.name);
      const auto duration = seeding_duration(bytes);
      const auto elapsed = std::max<Clock::duration>(Clock::duration::zero(), now - *d.seed_start);
      const double secs = std::chrono::duration<double>(elapsed).count();
      std::int64_t sent = std::min<std::int64_t>(bytes, static_cast<std::int64_t>(secs * p_.seeding_bytes_per_second));
      const bool done = elapsed >= duration;
      if (done) {
        sent = bytes;
        d.seeded_at = *d.seed_start + std::chrono::duration_cast<Clock::duration>(duration);
      }
      for (ServerState* s : {&sql(), &mi()})
        if (SeedingStats* st = seeding_row(*s, s == &sql() ? d.source_seed_id : d.destination_seed_id)) {
          st->transferred_size_bytes = sent;
          if (done) {
            st->end_time_utc = wall(*d.seeded_at);
            st->estimate_time_complete_utc = st->end_time_utc;
            st->internal_state_desc = "Success";  // inferred
          }
        }
      for (auto& ldb : l.databases)
        if (names_match(ldb.name, d.name)) ldb.seeding_progress = static_cast<int>(sent * 100 / bytes);
      if (done) {
        if (Database* dst = db_of(mi(), d.name)) {
          dst->state = DatabaseState::Online;
          dst->read_only = true;
          dst->next_lsn = d.seed_lsn;
        }
        const std::int64_t lsn = d.seed_lsn;
        each_db_runtime(t, d.name, [lsn](DatabaseReplicaRuntime& r, bool instance_side) {
          r.synchronization_state = 1;
          r.synchronization_health = 0;
          if (!instance_side) {
            r.last_received_lsn = r.last_hardened_lsn = r.last_commit_lsn = lsn;
          }
        });
      }
    }

    bool all_seeded = std::all_of(t.dbs.begin(), t.dbs.end(), [](const DbRun& d) { return d.seeded_at.has_value(); });
    if (!all_seeded) {
      l.link_state = "Seeding";  // inferred
      // A multi-database link: the databases already seeded keep replicating
      // while the others (added later) seed.
      std::optional<TimePoint> seeded_base;
      for (const auto& d : t.dbs)
        if (d.seeded_at) seeded_base = std::max(seeded_base.value_or(*t.connected_at), *d.seeded_at);
      if (seeded_base) replicate(t, l, now, now >= *seeded_base + p_.catch_up);
      for (auto& ldb : l.databases) {
        bool seeded = false;
        for (const auto& d : t.dbs)
          if (names_match(d.name, ldb.name) && d.seeded_at) seeded = true;
        if (seeded) continue;
        ldb.replica_state = "CreatingLink";
        ldb.synchronization_health = "NOT_HEALTHY";
      }
      set_health(t, false);
      return;
    }
    l.link_state = "Catchup";
    TimePoint base = *t.connected_at;
    for (const auto& d : t.dbs) base = std::max(base, *d.seeded_at);
    const TimePoint healthy_at = base + p_.catch_up;
    const bool healthy = now >= healthy_at;
    replicate(t, l, now, healthy);
    if (!t.outcome && now >= t.created + p_.arm_operation) t.outcome = LinkResult{true, 200, {}, {}};
    if (now >= t.created + p_.arm_operation) l.provisioning_state = "Succeeded";
    TimePoint due = TimePoint::max();
    if (!healthy) due = std::min(due, healthy_at);
    if (l.provisioning_state != "Succeeded") due = std::min(due, t.created + p_.arm_operation);
    if (healthy && log_moving(t)) due = now;
    t.due = due;
  }

  // --- roles and the log ----------------------------------------------------

  static std::string log_key(Personality p, const std::string& db) {
    return std::string(p == Personality::SqlServer ? "S:" : "M:") + lower(db);
  }

  /// The primary's LSN at \p t (its workload's history; else its current LSN).
  std::int64_t lsn_at(const ServerState& s, const Database& db, TimePoint t) {
    auto it = d_.logs.find(log_key(s.personality, db.name));
    return it == d_.logs.end() ? db.next_lsn : std::min(db.next_lsn, it->second.at(t));
  }

  /// SYNC only when SQL Server's DAG has both members SYNCHRONOUS_COMMIT and
  /// ARM's replicationMode is Sync (the managed instance's side): inferred
  /// from the failover how-to, which switches both.
  bool synchronous(const Tracked& t, const LinkResource& l) {
    AvailabilityGroup* sql_dag = find_ag(sql(), t.name, true);
    if (!sql_dag || !iequals(l.replication_mode, "Sync")) return false;
    return std::all_of(sql_dag->replicas.begin(), sql_dag->replicas.end(),
                       [](const AgReplica& r) { return r.availability_mode == AvailabilityMode::Synchronous; });
  }

  /// Log still to replicate: the primary writes, or a secondary is behind.
  bool log_moving(const Tracked& t) {
    if (t.sql_primary == t.mi_primary) return false;
    ServerState& ps = t.sql_primary ? sql() : mi();
    ServerState& ss = t.sql_primary ? mi() : sql();
    for (const auto& d : t.dbs) {
      const Database* p = db_of(ps, d.name);
      const Database* q = db_of(ss, d.name);
      if (!p || !q) continue;
      auto it = d_.logs.find(log_key(ps.personality, p->name));
      if ((it != d_.logs.end() && it->second.active()) || q->next_lsn != p->next_lsn) return true;
    }
    return false;
  }

  /// The roles into both servers' DMVs, the databases' updateability and ARM.
  void apply_roles(Tracked& t, LinkResource& l) {
    const bool split = t.sql_primary && t.mi_primary;
    if (AvailabilityGroup* dag = find_ag(sql(), t.name, true)) {
      if (AgReplica* r = dag->local_replica()) r->runtime.role = t.sql_primary ? 1 : 2;
      if (AgReplica* r = remote_replica(dag)) {
        r->runtime.role = t.mi_primary ? 1 : 2;
        r->runtime.connected = t.connected && !split;
      }
    }
    if (AvailabilityGroup* dag = find_ag(mi(), t.name, true)) {
      if (AgReplica* r = dag->local_replica()) r->runtime.role = t.mi_primary ? 1 : 2;
      if (AgReplica* r = remote_replica(dag)) {
        r->runtime.role = t.sql_primary ? 1 : 2;
        r->runtime.connected = t.connected && !split;
      }
    }
    for (const auto& d : t.dbs) {
      if (Database* s = db_of(sql(), d.name)) s->read_only = !t.sql_primary;
      if (!d.seeded_at) continue;
      if (Database* m = db_of(mi(), d.name))
        if (m->state == DatabaseState::Online) m->read_only = !t.mi_primary;
    }
    l.instance_link_role = t.mi_primary ? "Primary" : "Secondary";
    l.partner_link_role = t.sql_primary ? "Primary" : "Secondary";
  }

  /// The seeded link's log: the secondary hardens the primary's log (at
  /// once when SYNC, async_lag later when ASYNC); no primary or two
  /// primaries: nothing moves.
  void replicate(Tracked& t, LinkResource& l, TimePoint now, bool healthy) {
    apply_roles(t, l);
    const bool one_primary = t.sql_primary != t.mi_primary;
    const bool sync = synchronous(t, l);
    const auto lag = sync ? Clock::duration::zero() : std::chrono::duration_cast<Clock::duration>(p_.async_lag);
    const std::int64_t lag_seconds =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(std::chrono::duration<double>(lag).count())));
    bool all_healthy = true;
    for (auto& d : t.dbs) {
      if (!d.seeded_at) continue;  // still seeding (a database added to a running link)
      Database* s = db_of(sql(), d.name);
      Database* m = db_of(mi(), d.name);
      std::int64_t queue = 0, behind_seconds = 0;
      int state = 1, health = 0;
      if (!healthy || !s || !m) {
        state = 1;
        health = 0;
      } else if (!one_primary) {
        state = 0;  // NOT SYNCHRONIZING: split brain, or no primary
        health = 0;
      } else {
        ServerState& ps = t.sql_primary ? sql() : mi();
        Database* primary = t.sql_primary ? s : m;
        Database* secondary = t.sql_primary ? m : s;
        const std::int64_t hardened = std::min(primary->next_lsn, lsn_at(ps, *primary, now - lag));
        secondary->next_lsn = std::max(std::min(secondary->next_lsn, primary->next_lsn), hardened);
        queue = (primary->next_lsn - secondary->next_lsn + 1023) / 1024;  // KB, as log_send_queue_size
        behind_seconds = queue > 0 ? lag_seconds : 0;
        state = sync && queue == 0 ? 2 : 1;
        health = 2;
      }
      if (health != 2) all_healthy = false;
      const std::int64_t seed = d.seed_lsn;
      const std::int64_t s_lsn = healthy && s ? s->next_lsn : seed;
      const std::int64_t m_lsn = healthy && m ? m->next_lsn : seed;
      each_db_runtime(t, d.name, [&](DatabaseReplicaRuntime& r, bool instance_side) {
        r.synchronization_state = state;
        r.synchronization_health = health;
        if (!instance_side) {  // SQL Server's view of the instance's copy
          r.last_received_lsn = r.last_hardened_lsn = r.last_commit_lsn = m_lsn;
          if (healthy) {
            r.log_send_queue_size = t.sql_primary ? queue : 0;
            r.redo_queue_size = 0;
            r.secondary_lag_seconds = t.sql_primary ? behind_seconds : 0;
          }
        }
      });
      if (AgReplica* r = remote_replica(find_ag(mi(), t.name, true))) {  // the instance's view of SQL Server's copy
        DatabaseReplicaRuntime& x = db_runtime(*r, d.name);
        x.synchronization_state = state;
        x.synchronization_health = health;
        x.last_received_lsn = x.last_hardened_lsn = x.last_commit_lsn = s_lsn;
        x.log_send_queue_size = t.mi_primary && healthy ? queue : 0;
        x.redo_queue_size = 0;
        x.secondary_lag_seconds = t.mi_primary && healthy ? behind_seconds : 0;
      }
      for (auto& ldb : l.databases)
        if (names_match(ldb.name, d.name)) {
          ldb.replica_state = "LinkSynchronizing";
          ldb.seeding_progress.reset();
          ldb.synchronization_health = health == 2 ? "HEALTHY" : "NOT_HEALTHY";
          ldb.connected_state = one_primary || !healthy ? "CONNECTED" : "DISCONNECTED";
          ldb.last_hardened_lsn = ldb.last_received_lsn = ldb.last_commit_lsn = std::to_string(m_lsn);
          ldb.last_hardened_time = wall(healthy ? now : *d.seeded_at);
          ldb.last_sent_lsn = t.mi_primary ? std::to_string(s_lsn) : std::string();
          ldb.instance_send_lag_seconds.reset();
          ldb.instance_redo_lag_seconds.reset();
          if (healthy && one_primary) {
            if (t.mi_primary) ldb.instance_send_lag_seconds = static_cast<int>(behind_seconds);
            else ldb.instance_redo_lag_seconds = static_cast<int>(behind_seconds);
          }
        }
    }
    set_health(t, healthy && all_healthy);
  }

  /// The first automatic full backup of the managed instance's \p db, unless it has one or one is due.
  void schedule_first_backup(const std::string& db, TimePoint now) {
    for (const auto& b : mi().backups)
      if (b.type == 'D' && !b.is_copy_only && mi().names_equal(b.database_name, db)) return;
    for (const auto& b : d_.backups)
      if (mi().names_equal(b.database, db)) return;
    d_.backups.push_back(PendingBackup{db, now + std::chrono::duration_cast<Clock::duration>(p_.first_backup_delay)});
  }

  void take_due_backups(TimePoint now) {
    for (std::size_t i = 0; i < d_.backups.size();) {
      if (d_.backups[i].due > now) {
        ++i;
        continue;
      }
      Database* db = db_of(mi(), d_.backups[i].database);
      // Only a database that is writable there is backed up (a secondary again, or dropped: not).
      if (db && db->state == DatabaseState::Online && !db->read_only)
        mi().record_backup(*db, 'D', false,
                           "https://" + lower(mi().name) + "backups.blob.core.windows.net/" + lower(db->name) +
                               "/full.bak",  // inferred: the service's own storage
                           true, "NT AUTHORITY\\SYSTEM");
      d_.backups.erase(d_.backups.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  /// The write workloads into their databases' LSNs (both servers).
  void fold_workloads(TimePoint now, bool rescan) {
    if (rescan)
      for (ServerState* s : {&sql(), &mi()})
        for (const auto& db : s->databases)
          if (db.workload_log_bytes_per_second > 0) d_.logs[log_key(s->personality, db.name)];
    for (auto it = d_.logs.begin(); it != d_.logs.end();) {
      ServerState& s = it->first[0] == 'S' ? sql() : mi();
      Database* db = s.find_database(it->first.substr(2));
      if (!db) {
        it = d_.logs.erase(it);
        continue;
      }
      it->second.fold(*db, db->state == DatabaseState::Online && !db->read_only, now);
      ++it;
    }
  }

  // --- role changes -----------------------------------------------------------

  /// Brings \p t to \p now first, so the checks see current LSNs.
  void refresh(Tracked& t, LinkResource& l, TimePoint now) {
    fold_workloads(now, false);
    step(t, l, now);
  }

  bool caught_up_and_sync(Tracked& t, LinkResource& l, RoleChangeError& why) {
    why = RoleChangeError::NotSynchronizing;
    if (!t.connected || t.sql_primary == t.mi_primary || !synchronous(t, l)) return false;
    for (const auto& d : t.dbs) {
      if (!d.seeded_at) return false;
      const Database* s = db_of(sql(), d.name);
      const Database* m = db_of(mi(), d.name);
      if (!s || !m) return false;
      for (const auto& ldb : l.databases)
        if (names_match(ldb.name, d.name) && ldb.synchronization_health != "HEALTHY") return false;
      if (s->next_lsn != m->next_lsn) {
        why = RoleChangeError::Behind;
        return false;
      }
    }
    return true;
  }

  /// Planned failover to the other side: roles swap, the new primary's
  /// database becomes writable, the old one's a read-only secondary.
  RoleChangeError planned(Tracked& t, LinkResource& l, TimePoint now, bool from_sql) {
    refresh(t, l, now);
    if (from_sql ? !t.sql_primary : !t.mi_primary) return RoleChangeError::NotPrimary;
    RoleChangeError why;
    if (!caught_up_and_sync(t, l, why)) return why;
    t.sql_primary = !t.sql_primary;
    t.mi_primary = !t.mi_primary;
    after_role_change(t, l, now);
    return RoleChangeError::None;
  }

  /// Forced failover to \p to_sql's side: it keeps only the log it had
  /// hardened; the other side, up, stays primary (split brain).
  RoleChangeError forced(Tracked& t, LinkResource& l, TimePoint now, bool to_sql) {
    refresh(t, l, now);
    bool& target = to_sql ? t.sql_primary : t.mi_primary;
    if (target) return RoleChangeError::None;  // inferred: already primary, nothing to do
    target = true;
    for (auto& d : t.dbs)
      if (const Database* db = db_of(to_sql ? sql() : mi(), d.name)) d.fork_lsn = db->next_lsn;
    after_role_change(t, l, now);
    return RoleChangeError::None;
  }

  /// SET (ROLE = SECONDARY) / setRole Secondary: \p sql_side gives up the
  /// primary role; with the other side primary it resynchronises from it
  /// (its own log after the fork is lost).
  RoleChangeError demote(Tracked& t, LinkResource& l, TimePoint now, bool sql_side) {
    refresh(t, l, now);
    bool& role = sql_side ? t.sql_primary : t.mi_primary;
    if (!role) return RoleChangeError::AlreadyInRole;
    role = false;
    const bool other_primary = sql_side ? t.mi_primary : t.sql_primary;
    if (other_primary)
      for (auto& d : t.dbs)
        if (Database* db = db_of(sql_side ? sql() : mi(), d.name))
          if (d.fork_lsn) db->next_lsn = std::min(db->next_lsn, d.fork_lsn);
    after_role_change(t, l, now);
    return RoleChangeError::None;
  }

  void after_role_change(Tracked& t, LinkResource& l, TimePoint now) {
    apply_roles(t, l);
    w_.mark_changed();
    t.due = TimePoint{};
    if (t.mi_primary)
      for (const auto& d : t.dbs)
        if (d.seeded_at) schedule_first_backup(d.name, now);
    fold_workloads(now, false);
    step(t, l, now);
  }

  void step(Tracked& t, LinkResource& l, TimePoint now) {
    t.due = TimePoint::max();
    if (t.terminal) return;
    if (now < t.created + p_.connect_delay) {
      t.due = t.created + p_.connect_delay;
      return;
    }
    std::optional<LinkError> e = evaluate(t, l);
    if (!e) {
      if (!t.connected) connect(t, l, t.retried ? now : t.created + p_.connect_delay);
      t.due = now;  // seeding: progress shows continuously
      progress(t, l, now);
      return;
    }
    if (t.connected) {
      disconnect(t);
      ++l.disconnections;
    }
    set_error(t, l, now, *e);
    t.retried = true;
    if (!t.ever_connected && now >= t.created + p_.connect_timeout) fail_operation(t, l, *e);
    if (!t.ever_connected && !t.outcome) t.due = t.created + p_.connect_timeout;
  }

  /// Undoes the link's managed-instance side and SQL Server's runtime.
  void teardown(const Tracked* t, const std::string& name, const std::string& instance_ag,
                const std::vector<std::string>& databases, TimePoint now) {
    forget_ag_index();
    ServerState& m = mi();
    m.availability_groups.erase(
        std::remove_if(m.availability_groups.begin(), m.availability_groups.end(),
                       [&](const AvailabilityGroup& g) { return g.distributed && names_match(g.name, name); }),
        m.availability_groups.end());
    AvailabilityGroup* ag = find_ag(m, instance_ag, false);
    for (const auto& db : databases) {
      Database* d = db_of(m, db);
      if (d && names_match(d->availability_group, instance_ag)) {
        if (d->state == DatabaseState::Restoring) {
          m.remove_database(db);
          forget_db_cache();
        } else {
          d->read_only = false;  // on its own now: read-write
          d->availability_group.clear();
          d->group_database_id.clear();
          schedule_first_backup(d->name, now);
        }
      }
      if (ag) {
        ag->databases.erase(std::remove_if(ag->databases.begin(), ag->databases.end(),
                                           [&](const std::string& n) { return m.names_equal(n, db); }),
                            ag->databases.end());
        for (auto& r : ag->replicas)
          r.databases.erase(
              std::remove_if(r.databases.begin(), r.databases.end(),
                             [&](const DatabaseReplicaRuntime& x) { return m.names_equal(x.database_name, db); }),
              r.databases.end());
      }
    }
    bool shared = false;
    for (const auto& other : links_)
      if (&other != t && !iequals(other.name, name) && names_match(other.instance_ag, instance_ag)) shared = true;
    if (ag && ag->databases.empty() && !shared) {
      std::string ag_name = ag->name;
      m.availability_groups.erase(
          std::remove_if(m.availability_groups.begin(), m.availability_groups.end(),
                         [&](const AvailabilityGroup& g) { return !g.distributed && g.name == ag_name; }),
          m.availability_groups.end());
      forget_ag_index();
    }
    if (t)
      for (DbRun d : t->dbs) erase_seeding_rows(d);
    if (AvailabilityGroup* dag = find_ag(sql(), name, true)) {
      for (auto& r : dag->replicas) {
        r.runtime.synchronization_health = 0;
        if (r.is_local) continue;
        r.runtime.connected = false;
        r.runtime.last_connect_error_number.reset();
        r.runtime.last_connect_error_description.clear();
        r.runtime.last_connect_error_timestamp.reset();
        for (auto& d : r.databases) d = fresh_runtime(d.database_name);
      }
    }
  }

  /// Databases joined a running multi-database link (ARM PATCH databases[]):
  /// they seed now when the link is connected, else when it connects.
  void add_databases(Tracked& t, const std::vector<std::string>& added, TimePoint now) {
    for (const auto& db : added) {
      bool known = false;
      for (const auto& d : t.dbs)
        if (names_match(d.name, db)) known = true;
      if (known) continue;
      DbRun run;
      run.name = db;
      t.dbs.push_back(run);
      if (t.connected) start_seeding(t, t.dbs.back(), now);
    }
    t.due = TimePoint{};
  }

  /// Databases left a running link (ARM PATCH databases[]): on the managed
  /// instance as when the whole link goes (a seeded database stays, read-write
  /// and out of the AG; one still seeding is dropped -- inferred), and out of
  /// both servers' replica states of the link.
  void remove_databases(Tracked& t, const std::vector<std::string>& removed, TimePoint now) {
    ServerState& m = mi();
    AvailabilityGroup* ag = find_ag(m, t.instance_ag, false);
    for (const auto& db : removed) {
      auto run = std::find_if(t.dbs.begin(), t.dbs.end(), [&](const DbRun& d) { return names_match(d.name, db); });
      if (run == t.dbs.end()) continue;
      erase_seeding_rows(*run);
      Database* d = db_of(m, run->name);
      if (d && names_match(d->availability_group, t.instance_ag)) {
        if (d->state == DatabaseState::Restoring) {
          m.remove_database(d->name);
          forget_db_cache();
        } else {
          d->read_only = false;
          d->availability_group.clear();
          d->group_database_id.clear();
          schedule_first_backup(d->name, now);
        }
      }
      auto drop_rows = [&](AgReplica& r) {
        r.databases.erase(std::remove_if(r.databases.begin(), r.databases.end(),
                                         [&](const DatabaseReplicaRuntime& x) { return names_match(x.database_name, db); }),
                          r.databases.end());
      };
      if (ag) {
        ag->databases.erase(std::remove_if(ag->databases.begin(), ag->databases.end(),
                                           [&](const std::string& n) { return m.names_equal(n, db); }),
                            ag->databases.end());
        for (auto& r : ag->replicas) drop_rows(r);
      }
      for (ServerState* s : {&sql(), &m})
        if (AvailabilityGroup* dag = find_ag(*s, t.name, true))
          for (auto& r : dag->replicas) drop_rows(r);
      t.dbs.erase(run);
    }
    t.due = TimePoint{};
  }

private:
  EmulatorWorld& w_;
  const TimingProfile& p_;
  SimData& d_;
  std::vector<Tracked>& links_;
  std::unordered_map<std::string, Database*> sql_dbs_, mi_dbs_;  ///< db_of()'s memo
  std::unordered_multimap<std::string, std::size_t> sql_index_, mi_index_;  ///< AG name -> position
};

}  // namespace

// --- LinkSimulator ----------------------------------------------------------

LinkSimulator::LinkSimulator(EmulatorWorld& world, TimingProfile profile)
    : world_(world), profile_(std::move(profile)), state_(std::make_unique<State>()) {
  auto lock = world_.lock();
  world_.advance = [this] { advance(Clock::now()); };
  world_.link_hooks = this;
  world_.mark_changed();
}

LinkSimulator::~LinkSimulator() {
  auto lock = world_.lock();
  world_.advance = nullptr;
  if (world_.link_hooks == this) world_.link_hooks = nullptr;
}

LinkResult LinkSimulator::created(LinkResource& link) {
  LinkResource* stored = world_.azure.find_link(link.name);
  if (!stored)
    return LinkResult{false, 500, "InternalServerError",
                      "The link simulator was told about link '" + link.name + "', which is not in world.azure.links."};
  if (state_->find(stored->name)) return LinkResult{true, 200, {}, {}};
  Sim sim(world_, profile_, state_->data);
  const std::string instance_ag = stored->instance_availability_group_name;
  if (sim.names_match(stored->name, instance_ag))
    return LinkResult{false, 400, "InvalidParameterValue",  // inferred code and text
                      "The link name '" + stored->name + "' and the instance availability group name '" + instance_ag +
                          "' must differ."};
  if (sim.find_ag(world_.managed_instance, stored->name, true) ||
      sim.find_ag(world_.managed_instance, stored->name, false))
    return LinkResult{false, 409, "Conflict",  // inferred code and text
                      "An availability group named '" + stored->name + "' already exists on the managed instance."};

  Tracked t;
  t.name = stored->name;
  t.instance_ag = instance_ag;
  TimePoint now = std::max(Clock::now(), state_->last_now);
  t.created = stored->created_at != TimePoint{} ? stored->created_at : now;
  stored->created_at = t.created;
  stored->connected_at.reset();
  stored->provisioning_state = "Creating";
  stored->link_state = "Creating";
  for (auto& d : stored->databases) {
    d.replica_state = "CreatingLink";
    d.connected_state = "DISCONNECTED";
    d.synchronization_health = "NOT_HEALTHY";
    d.seeding_progress.reset();
    d.last_hardened_lsn.clear();
    d.last_hardened_time.reset();
    d.most_recent_link_error.clear();
    DbRun run;
    run.name = d.name;
    t.dbs.push_back(run);
  }
  sim.ensure_instance_objects(t, *stored);
  if (AgReplica* r = sim.remote_replica(sim.find_ag(world_.sql_server, t.name, true))) {
    r->runtime.role = 2;
    r->runtime.connected = false;
    r->runtime.synchronization_health = 0;
    r->runtime.last_connect_error_number.reset();
    r->runtime.last_connect_error_description.clear();
    r->runtime.last_connect_error_timestamp.reset();
  }
  state_->links.push_back(std::move(t));
  if (&link != stored) link = *stored;
  return LinkResult{true, 201, {}, {}};
}

void LinkSimulator::removed(const LinkResource& link) {
  Sim sim(world_, profile_, state_->data);
  std::vector<std::string> dbs;
  for (const auto& d : link.databases) dbs.push_back(d.name);
  auto& links = state_->links;
  auto it = std::find_if(links.begin(), links.end(), [&](const Tracked& t) { return iequals(t.name, link.name); });
  if (it != links.end()) {
    for (const auto& d : it->dbs)
      if (std::find(dbs.begin(), dbs.end(), d.name) == dbs.end()) dbs.push_back(d.name);
    sim.teardown(&*it, it->name, it->instance_ag, dbs, state_->last_now);
    links.erase(it);
  } else {
    sim.teardown(nullptr, link.name, link.instance_availability_group_name, dbs, state_->last_now);
  }
  world_.mark_changed();
}

void LinkSimulator::advance(std::chrono::steady_clock::time_point now) {
  now = std::max(now, state_->last_now);
  state_->last_now = now;
  Sim sim(world_, profile_, state_->data);
  // Only what is due, unless the world changed: a query costs the same
  // with 1 or 500 links.
  const bool all = world_.changed;
  world_.changed = false;
  // What this changes, the catalog views show: a new generation when it may
  // change anything (every link, a due one, a workload's log, a backup).
  bool touched = all || !state_->data.logs.empty();
  for (const auto& b : state_->data.backups)
    if (b.due <= now) touched = true;
  sim.fold_workloads(now, all);
  auto& links = state_->links;
  std::unordered_map<std::string, LinkResource*> resources;  // when every link is stepped
  if (all)
    for (auto& r : world_.azure.links) resources.emplace(lower(r.name), &r);
  for (std::size_t i = 0; i < links.size();) {
    Tracked& t = links[i];
    if (!all && t.due > now) {
      ++i;
      continue;
    }
    LinkResource* l = nullptr;
    if (all) {
      auto it = resources.find(lower(t.name));
      l = it != resources.end() ? it->second : nullptr;
    } else {
      l = world_.azure.find_link(t.name);
    }
    if (!l) {  // deleted without removed(): clean up all the same
      std::vector<std::string> dbs;
      for (const auto& d : t.dbs) dbs.push_back(d.name);
      sim.teardown(&t, t.name, t.instance_ag, dbs, now);
      touched = true;
      links.erase(links.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    sim.step(t, *l, now);
    touched = true;
    ++i;
  }
  sim.take_due_backups(now);
  if (touched) world_.bump_generation();
}

namespace {

LinkHooks::Result hook_result(RoleChangeError e, const std::string& dag) {
  LinkHooks::Result r;
  r.handled = e != RoleChangeError::NotALink;
  switch (e) {
    case RoleChangeError::None:
    case RoleChangeError::NotALink:
    case RoleChangeError::AlreadyInRole: break;
    default:
      // 41142 and its text as sys.messages lists them; that SQL Server raises
      // it for a distributed AG's FAILOVER (not primary, not synchronized,
      // behind, or a build before 2022 CU13) is inferred.
      r.error_number = 41142;
      r.error_text = "The availability replica for availability group '" + dag +
                     "' on this instance of SQL Server cannot become the primary replica. One or more databases are "
                     "not synchronized or have not joined the availability group. If the availability replica uses "
                     "the asynchronous-commit mode, consider performing a forced manual failover (with possible data "
                     "loss). Otherwise, once all local secondary databases are joined and synchronized, you can "
                     "perform a planned manual failover to this secondary replica (without data loss). For more "
                     "information, see SQL Server Books Online.";
  }
  return r;
}

/// SQL Server 2022 CU13 (16.0.4125.3): ALTER AVAILABILITY GROUP [dag] FAILOVER for the link.
bool has_dag_failover(const ServerState& s) {
  return s.major() > 16 || (s.major() == 16 && s.build() >= 4125);
}

}  // namespace

bool LinkSimulator::tracks(const std::string& link_name) const { return state_->find(link_name) != nullptr; }

#define MILINK_LINK_OR_RETURN(key)                               \
  Tracked* t = state_->find(key);                                \
  LinkResource* l = t ? world_.azure.find_link(t->name) : nullptr; \
  if (!t || !l) return RoleChangeError::NotALink;                \
  const TimePoint now = std::max(Clock::now(), state_->last_now); \
  state_->last_now = now;                                        \
  Sim sim(world_, profile_, state_->data)

RoleChangeError LinkSimulator::arm_failover(const std::string& link_name, bool forced) {
  MILINK_LINK_OR_RETURN(link_name);
  return forced ? sim.forced(*t, *l, now, false) : sim.planned(*t, *l, now, false);
}

RoleChangeError LinkSimulator::arm_set_role(const std::string& link_name, bool primary, bool forced) {
  MILINK_LINK_OR_RETURN(link_name);
  if (!primary) return sim.demote(*t, *l, now, false);
  if (t->mi_primary) return RoleChangeError::AlreadyInRole;
  if (!forced) return RoleChangeError::Unsupported;
  return sim.forced(*t, *l, now, false);
}

void LinkSimulator::replication_mode_changed(const std::string& link_name) {
  Tracked* t = state_->find(link_name);
  LinkResource* l = t ? world_.azure.find_link(t->name) : nullptr;
  if (!t || !l) return;
  Sim sim(world_, profile_, state_->data);
  const AvailabilityMode mode =
      iequals(l->replication_mode, "Sync") ? AvailabilityMode::Synchronous : AvailabilityMode::Asynchronous;
  if (AvailabilityGroup* dag = sim.find_ag(world_.managed_instance, t->name, true))
    for (auto& r : dag->replicas) {
      r.availability_mode = mode;
      r.modify_date = now_utc();
    }
  world_.mark_changed();
}

bool LinkSimulator::set_workload(Personality server, const std::string& database, double log_bytes_per_second) {
  ServerState& s = world_.server(server);
  Database* db = s.find_database(database);
  if (!db || db->is_system) return false;
  const TimePoint now = std::max(Clock::now(), state_->last_now);
  state_->last_now = now;
  Sim sim(world_, profile_, state_->data);
  sim.fold_workloads(now, true);  // the log so far at the old rate
  db->workload_log_bytes_per_second = std::max(0.0, log_bytes_per_second);
  sim.fold_workloads(now, true);
  world_.mark_changed();
  return true;
}

LinkHooks::Result LinkSimulator::sql_failover(const std::string& dag, bool forced) {
  auto judge = [&]() -> RoleChangeError {
    MILINK_LINK_OR_RETURN(dag);
    if (forced) return sim.forced(*t, *l, now, true);
    if (!has_dag_failover(world_.sql_server)) return RoleChangeError::Unsupported;
    return sim.planned(*t, *l, now, true);
  };
  return hook_result(judge(), dag);
}

LinkHooks::Result LinkSimulator::sql_set_secondary(const std::string& dag) {
  auto judge = [&]() -> RoleChangeError {
    MILINK_LINK_OR_RETURN(dag);
    return sim.demote(*t, *l, now, true);
  };
  return hook_result(judge(), dag);
}

#undef MILINK_LINK_OR_RETURN

void LinkSimulator::databases_changed(const std::string& link_name, const std::vector<std::string>& added,
                                      const std::vector<std::string>& removed) {
  Tracked* t = state_->find(link_name);
  if (!t) return;
  const TimePoint now = std::max(Clock::now(), state_->last_now);
  state_->last_now = now;
  Sim sim(world_, profile_, state_->data);
  sim.remove_databases(*t, removed, now);
  sim.add_databases(*t, added, now);
  world_.mark_changed();
}

std::optional<LinkResult> LinkSimulator::operation_outcome(const std::string& link_name) const {
  const Tracked* t = state_->find(link_name);
  if (!t) return std::nullopt;
  return t->outcome;
}

}  // namespace milink::emulator
