// Helpers for the link tests: a world with both engines and a LinkSimulator,
// the seed's SQL Server steps (each one optional, to leave a condition
// missing), what the ARM layer stores (a server trust certificate, the link
// resource), and synthetic times.
#pragma once

#include "engine/engine.hpp"
#include "link/link_simulator.hpp"
#include "seed_sql.hpp"
#include "sql/sql_engine.hpp"
#include "state/world.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace linktest {

using namespace milink::emulator;
using milink::sdk::SqlValue;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// The fast profile made slow enough for synthetic times to land mid-way and
/// for the engines' own real-time advances (clamped to the latest synthetic
/// time) never to get ahead of the test: ARM operations 1 s, connecting 5 s,
/// timeout 20 s, seeding 1 MiB/s (the default 64 MB "sales" seeds in 64 s),
/// catch-up 5 s, an asynchronous secondary 0.5 s behind, the instance's first
/// full backup 10 s after it becomes primary or standalone.
TimingProfile test_profile();

/// The seed's SQL Server side, step by step.
struct SqlSide {
  bool master_key_and_certificate = true;
  bool import_mi_certificate = true;
  bool endpoint = true;
  std::string endpoint_state = "STARTED";
  std::string endpoint_authentication = "CERTIFICATE [Cert_sqlbox1_endpoint]";
  std::string endpoint_encryption = "REQUIRED ALGORITHM AES";
  bool ag = true;
  bool dag = true;
  std::string ag_name = "AG_sales";
  std::string dag_name = "DAG_sales";
  std::string dag_remote_name = "mi1";
  std::string dag_remote_host;  ///< empty: the managed instance's FQDN
  std::string dag_mode = "ASYNCHRONOUS_COMMIT";
};

/// The default scenario's world, one per test process: building a world
/// generates RSA keys (about a second in a Debug build), so every fixture of
/// a process reuses it, restored to the state it was built with (both
/// servers as the engines' start leaves them, no ARM state, no advance hook).
EmulatorWorld& fresh_world();

struct Fixture {
  explicit Fixture(TimingProfile profile = test_profile());
  ~Fixture();

  EmulatorWorld& world;
  SqlEngine sql;
  SqlEngine mi;
  Session sql_session;
  Session mi_session;
  LinkSimulator sim;
  /// The links' created_at: set by the first create_link() to its "now"
  /// unless a test sets it before.
  Clock::time_point t0{};

  Response run(const std::string& batch);
  Response run_mi(const std::string& batch);
  /// Runs and fails the test on any error.
  Response ok(const std::string& batch);
  Response ok_mi(const std::string& batch);
  /// Splits at GO lines and runs each batch; all must succeed.
  void script(const std::string& text);

  /// The seed's T-SQL on SQL Server, with the steps \p side asks for. The
  /// first step (master key and certificate: a key pair) is run once per
  /// process and then restored from a copy of SQL Server's state.
  void build_sql_side(const SqlSide& side = SqlSide());
  std::vector<std::uint8_t> mi_certificate();   ///< sp_get_endpoint_certificate @endpoint_type = 4
  std::vector<std::uint8_t> sql_certificate();  ///< CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))
  /// As the ARM layer stores a serverTrustCertificates PUT.
  void trust_sql_certificate();

  /// Stores the link resource in world.azure (as the ARM layer would) with
  /// created_at = t0 (set to now when unset) and calls created(); REQUIREs
  /// success.
  LinkResource& create_link(const std::string& name = "DAG_sales", const std::string& partner_ag = "AG_sales",
                            const std::string& instance_ag = "mi1", const std::string& database = "sales",
                            const std::string& partner_endpoint = "TCP://10.0.0.4:5022");
  LinkResource& link(const std::string& name = "DAG_sales");
  /// sim.advance(t0 + offset) under the world mutex.
  void advance(Clock::duration offset);
  std::optional<LinkResult> outcome(const std::string& name = "DAG_sales");

  /// SQL Server's row for the DAG's remote replica in
  /// sys.dm_hadr_availability_replica_states (joined with the replicas and
  /// groups, the columns the seed's "Verify the link" query reads plus
  /// synchronization_health_desc); REQUIREs exactly one.
  ResultSet remote_replica_state(const std::string& dag = "DAG_sales");
};

using seedtest::cell;
using seedtest::describe;
using seedtest::errors;
using seedtest::only_set;
using seedtest::result_sets;

}  // namespace linktest
