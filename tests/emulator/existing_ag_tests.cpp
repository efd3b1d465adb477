// The scenario's "availability_group": SQL Server as the primary of an AG
// that already holds databases, each secondary replica its own TDS server in
// the one emulator process, and an AG listener, reached through milink's SQL
// service (the replicas as the SQL targets sqlserver.replicas.<name>).
#include "emulator_fixture.hpp"

#include "state/scenario.hpp"

#include <algorithm>
#include <tuple>

using milink::sdk::SqlValue;

namespace {

milink::emulator::EmulatorOptions three_replicas(bool listener) {
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::parse_scenario(std::string(R"({
    "sql_server": {"version": "16.0.4135.4", "master_key": true,
                   "databases": [{"name": "sales", "backups": ["full"]}, {"name": "hr", "recovery": "SIMPLE"}]},
    "availability_group": {"name": "AG_prod", "databases": ["sales"], "replicas": ["sqlbox2", "sqlbox3"])") +
                                                (listener ? R"(, "listener": {"dns_name": "aglistener"})" : "") +
                                                "}}");
  return o;
}

std::string text(const milink::sdk::SqlResult& r, const std::string& column, std::size_t row = 0) {
  return r.sets.at(0).at(row, column).as_string();
}

}  // namespace

TEST_CASE("each replica of an existing AG is its own server, reached as sqlserver.replicas.<name>", "[emulator]") {
  emutest::Running env(three_replicas(false));
  const auto* reps = env.config.root.get("sqlserver")->get("replicas");
  REQUIRE(reps != nullptr);
  REQUIRE(reps->as_array().size() == 2);
  CHECK(env.config.root.get("sqlserver")->get("availability_group")->as_string() == "AG_prod");
  CHECK(env.config.root.get("sqlserver")->get("listener")->is_null());  // the default with an AG
  CHECK(env.service->targets() ==
        std::vector<std::string>{"sqlserver", "managed_instance", "sqlserver.replicas.sqlbox2",
                                 "sqlserver.replicas.sqlbox3"});

  auto primary = env.open("sqlserver");
  auto second = env.open("sqlserver.replicas.sqlbox2");
  auto third = env.open("sqlserver.replicas.sqlbox3");
  CHECK(text(emutest::run(*primary, "SELECT @@SERVERNAME AS n"), "n") == "sqlbox1");
  CHECK(text(emutest::run(*second, "SELECT @@SERVERNAME AS n"), "n") == "sqlbox2");
  CHECK(text(emutest::run(*third, "SELECT @@SERVERNAME AS n"), "n") == "sqlbox3");

  // Every replica sees the AG with its three replicas, itself as the local one.
  const std::string replicas_sql =
      "SELECT ar.replica_server_name, ar.endpoint_url, rs.is_local, rs.role_desc, rs.connected_state_desc "
      "FROM sys.availability_groups ag JOIN sys.availability_replicas ar ON ar.group_id = ag.group_id "
      "JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = ar.replica_id "
      "WHERE ag.name = ? ORDER BY ar.replica_server_name";
  for (const auto& [session, self, role] :
       {std::tuple{primary.get(), "sqlbox1", "PRIMARY"}, std::tuple{second.get(), "sqlbox2", "SECONDARY"},
        std::tuple{third.get(), "sqlbox3", "SECONDARY"}}) {
    auto r = emutest::run(*session, replicas_sql, {SqlValue::nvarchar("AG_prod")});
    REQUIRE(r.sets.at(0).rows.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      std::string name = text(r, "replica_server_name", i);
      CHECK(text(r, "endpoint_url", i) == "TCP://" + name + ":5022");
      CHECK(text(r, "connected_state_desc", i) == "CONNECTED");
      bool local = r.sets[0].at(i, "is_local").as_bool();
      CHECK(local == (name == self));
      if (local) CHECK(text(r, "role_desc", i) == role);
    }
  }

  // The AG's database is on every replica and in the AG there; hr is not.
  for (auto* s : {primary.get(), second.get(), third.get()}) {
    auto db = emutest::run(*s,
                           "SELECT d.name FROM sys.databases d JOIN sys.dm_hadr_database_replica_states drs "
                           "ON drs.database_id = d.database_id AND drs.is_local = 1");
    REQUIRE(db.sets.at(0).rows.size() == 1);
    CHECK(text(db, "name") == "sales");
  }
  CHECK(emutest::run(*second, "SELECT name FROM sys.databases WHERE name = N'hr'").sets.at(0).rows.empty());

  // Each its own master key and its own started Windows-auth endpoint; no listener.
  std::vector<std::string> keys;
  for (auto* s : {primary.get(), second.get(), third.get()}) {
    auto k = emutest::run(*s, "SELECT CONVERT(nvarchar(36), key_guid) AS g FROM sys.symmetric_keys "
                              "WHERE symmetric_key_id = 101");
    REQUIRE(k.sets.at(0).rows.size() == 1);
    keys.push_back(text(k, "g"));
    auto ep = emutest::run(*s, "SELECT e.name, e.state_desc, e.connection_auth_desc, t.port FROM "
                               "sys.database_mirroring_endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = "
                               "e.endpoint_id");
    REQUIRE(ep.sets.at(0).rows.size() == 1);
    CHECK(text(ep, "name") == "Hadr_endpoint");
    CHECK(text(ep, "state_desc") == "STARTED");
    CHECK(text(ep, "connection_auth_desc") == "NEGOTIATE");
    CHECK(emutest::run(*s, "SELECT COUNT(*) AS n FROM sys.availability_group_listeners").sets.at(0).at(0, "n").as_int64() ==
          0);
  }
  std::sort(keys.begin(), keys.end());
  CHECK(std::unique(keys.begin(), keys.end()) == keys.end());

  // A certificate made on one replica exists only there.
  emutest::run(*second, "CREATE CERTIFICATE [Cert_sqlbox2_endpoint] WITH SUBJECT = 'sqlbox2'");
  CHECK(emutest::run(*second, "SELECT name FROM sys.certificates WHERE name = N'Cert_sqlbox2_endpoint'")
            .sets.at(0).rows.size() == 1);
  CHECK(emutest::run(*primary, "SELECT name FROM sys.certificates WHERE name = N'Cert_sqlbox2_endpoint'")
            .sets.at(0).rows.empty());

  std::string error;
  CHECK(env.service->open("sqlserver.replicas.sqlbox9", false, {}, error) == nullptr);
  CHECK(error.find("no replica named \"sqlbox9\" in /sqlserver/replicas") != std::string::npos);
}

TEST_CASE("an existing AG's listener has its own TDS port and answers as the primary", "[emulator]") {
  emutest::Running env(three_replicas(true));
  CHECK(env.config.root.get("sqlserver")->get("listener")->as_string() == "aglistener");
  REQUIRE(env.emulator.listener_port() != 0);
  CHECK(env.emulator.listener_port() != env.emulator.sql_port());

  auto primary = env.open("sqlserver");
  auto l = emutest::run(*primary, "SELECT l.dns_name, l.port, ag.name FROM sys.availability_group_listeners l "
                                  "JOIN sys.availability_groups ag ON ag.group_id = l.group_id");
  REQUIRE(l.sets.at(0).rows.size() == 1);
  CHECK(text(l, "dns_name") == "aglistener");
  CHECK(text(l, "name") == "AG_prod");
  CHECK(l.sets[0].at(0, "port").as_int64() == env.emulator.listener_port());

  // Through the listener's port: SQL Server, the primary.
  milink::sdk::Value root = env.config.root;
  root.mutable_object().find("sqlserver")->mutable_object().set(
      "port", milink::sdk::Value(static_cast<std::int64_t>(env.emulator.listener_port())));
  milink::sql::SqlService through_listener(root, env.config.file);  // the config file anchors ca_file
  std::string error;
  auto s = through_listener.open("sqlserver", false, {}, error);
  INFO(error);
  REQUIRE(s);
  CHECK(text(emutest::run(*s, "SELECT @@SERVERNAME AS n"), "n") == "sqlbox1");
}
