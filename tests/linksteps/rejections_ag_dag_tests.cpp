// ag's and dag's refusals, word for word with milink's exit code: the
// parameters configure() rejects (name patterns, endpoint URLs, ports, host
// names; run offline), refused before the run (exit code 2), and what
// observe() finds on SQL Server: a database that cannot join an availability
// group (missing, offline, in another AG, SIMPLE recovery, no full backup)
// and names already taken by the wrong kind of availability group.
#include "rejections_rig.hpp"

#include <catch2/catch.hpp>

using milink::sdk::Object;
using milink::sdk::Value;
using rejections::check_refused;
using rejections::check_refused_before_run;
using rejections::kInstanceFqdn;
using rejections::kStep;
using rejections::one_step;

namespace {

/// SQL Server with a database for every refusal, and grouped_db already in
/// Other_AG, which DAG_grouped_db joins with the managed instance.
const char* kAgWorld = R"json({"sql_server": {
  "databases": [
    {"name": "sales", "recovery": "FULL", "size_mb": 8, "backups": ["full"]},
    {"name": "simple_db", "recovery": "SIMPLE", "size_mb": 8, "backups": ["full"]},
    {"name": "nobackup_db", "recovery": "FULL", "size_mb": 8, "backups": []},
    {"name": "copyonly_db", "recovery": "FULL", "size_mb": 8, "backups": ["copy_only", "log"]},
    {"name": "grouped_db", "recovery": "FULL", "size_mb": 8, "backups": ["full"]},
    {"name": "offline_db", "recovery": "FULL", "size_mb": 8, "state": "OFFLINE", "backups": ["full"]}
  ],
  "init_sql": [
    "CREATE AVAILABILITY GROUP [Other_AG] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [grouped_db] REPLICA ON N'sqlbox1' WITH (ENDPOINT_URL = N'TCP://sqlbox1.example.com:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)",
    "CREATE AVAILABILITY GROUP [DAG_grouped_db] WITH (DISTRIBUTED) AVAILABILITY GROUP ON N'Other_AG' WITH (LISTENER_URL = N'TCP://sqlbox1.example.com:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC), N'mi1' WITH (LISTENER_URL = N'tcp://mi1.abc123def456.database.windows.net:5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)"
  ]}})json";

const char* kEndpointUrl = "TCP://sqlbox1.example.com:5022";

Value ag_step(const std::string& database, Object extra = {}) {
  Object with{{"database", Value(database)}, {"endpoint_url", Value(kEndpointUrl)}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("ag", with);
}

Value dag_step(const std::string& database, Object extra = {}) {
  Object with{{"database", Value(database)},
              {"ag_name", Value("AG_" + database)},
              {"listener_url", Value(kEndpointUrl)},
              {"instance_name", Value("${{ config.managed_instance.name }}")},
              {"instance_fqdn", Value("${{ config.managed_instance.fqdn }}")}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("dag", with);
}

/// The availability groups on SQL Server (name -> its databases), to show nothing changed.
std::map<std::string, std::vector<std::string>> groups(linksteps::EmulatorRig& rig) {
  std::map<std::string, std::vector<std::string>> out;
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  for (const auto& ag : world.sql_server.availability_groups) out[ag.name] = ag.databases;
  return out;
}

/// A rig on kAgWorld, remembering what it started with.
struct AgWorld {
  linksteps::EmulatorRig rig{kAgWorld};
  std::size_t statements = rig.sql_server_statements().size();
  std::map<std::string, std::vector<std::string>> ags = groups(rig);

  linksteps::Run run(const Value& workflow) { return rejections::run(rig, workflow); }
  /// Nothing changed on SQL Server since the start.
  void check_unchanged() {
    CHECK(rejections::changes(rig, statements).empty());
    CHECK(groups(rig) == ags);
  }
};

}  // namespace

// --- ag: configure() -----------------------------------------------------------

TEST_CASE("linksteps: rejections: ag refuses a name_pattern with an unknown or unterminated placeholder",
          "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(ag_step("sales", Object{{"name_pattern", Value("AG_{nope}")}})), "ag",
                "parameter \"name_pattern\": name pattern \"AG_{nope}\" uses {nope}; the placeholders are {db}, "
                "{server} and {instance}");
  check_refused_before_run(offline.run(ag_step("sales", Object{{"name_pattern", Value("AG_{db")}})), "ag",
                "parameter \"name_pattern\": name pattern \"AG_{db\" has an unterminated '{'; write {{ for a literal "
                "brace");
  check_refused_before_run(offline.run(ag_step("sales", Object{{"name_pattern", Value("AG_db}")}})), "ag",
                "parameter \"name_pattern\": name pattern \"AG_db}\" has a stray '}'; write }} for a literal brace");
  // {instance} is a placeholder, but not one the ag step knows.
  check_refused_before_run(offline.run(ag_step("sales", Object{{"name_pattern", Value("AG_{instance}_{db}")}})), "ag",
                "parameter \"name_pattern\": name pattern \"AG_{instance}_{db}\" uses {instance}, which this step "
                "does not know");
  // An AG name longer than a sysname.
  const std::string db(126, 'd');
  check_refused_before_run(offline.run(ag_step(db)), "ag",
                "parameter \"name_pattern\": the name \"AG_" + db + "\" is longer than 128 characters (sysname)");
}

TEST_CASE("linksteps: rejections: ag refuses a malformed endpoint_url", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (const char* url : {"", "sqlbox1.example.com", "TCP://sqlbox1.example.com", "TCP://sqlbox1.example.com:",
                          "TCP://sqlbox1.example.com:502299", "http://sqlbox1"}) {
    INFO(url);
    check_refused_before_run(offline.run(ag_step("sales", Object{{"endpoint_url", Value(url)}})), "ag",
                  std::string("parameter \"endpoint_url\": \"") + url + "\" is not an endpoint URL like TCP://host:5022");
  }
}

TEST_CASE("linksteps: rejections: ag refuses an empty database name", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(ag_step("")), "ag", "parameter \"database\": the name is empty");
}

// --- ag: observe() ---------------------------------------------------------------

TEST_CASE("linksteps: rejections: ag refuses a database SQL Server does not have", "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("ghost_db")),
                "observe: SQL Server has no database [ghost_db]; check the database name (sys.databases)");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses a database that is not online", "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("offline_db")), "observe: database [offline_db] is OFFLINE; bring it ONLINE first");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses a database already in another availability group", "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("grouped_db")),
                "observe: database [grouped_db] is already in availability group [Other_AG]; the link needs one "
                "database per availability group (remove it from that group, or set name_pattern so the step uses "
                "[Other_AG])");
  w.check_unchanged();

  // The remedy the message gives: name_pattern naming that group.
  auto r = w.run(ag_step("grouped_db", Object{{"name_pattern", Value("Other_AG")}}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "ok");
  CHECK(r.events.output(kStep, "name") == "Other_AG");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses a database in SIMPLE recovery without set_full_recovery",
          "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("simple_db")),
                "observe: database [simple_db] uses the SIMPLE recovery model; an availability group needs FULL. Run:\n"
                "    ALTER DATABASE [simple_db] SET RECOVERY FULL;\n"
                "    BACKUP DATABASE [simple_db] TO DISK = N'simple_db_milink_diff.bak' WITH DIFFERENTIAL, CHECKSUM;\n"
                "or set set_full_recovery and allow_full_backup to let milink do it");
  // With a backup directory, the BACKUP to run writes there.
  check_refused(w.run(ag_step("simple_db", Object{{"backup_directory", Value("/var/opt/mssql/backup")}})),
                "observe: database [simple_db] uses the SIMPLE recovery model; an availability group needs FULL. Run:\n"
                "    ALTER DATABASE [simple_db] SET RECOVERY FULL;\n"
                "    BACKUP DATABASE [simple_db] TO DISK = N'/var/opt/mssql/backup/simple_db_milink_diff.bak' WITH "
                "DIFFERENTIAL, CHECKSUM;\n"
                "or set set_full_recovery and allow_full_backup to let milink do it");
  // set_full_recovery alone is not enough: the backup taken in SIMPLE starts no
  // log chain. It is the user's differential base, so the remedy is a
  // differential backup on top of it, not a new full one.
  check_refused(w.run(ag_step("simple_db", Object{{"set_full_recovery", Value(true)}})),
                "observe: database [simple_db] has no full backup in the FULL recovery model, so joining an "
                "availability group fails with error 1475. Start its log chain with a differential backup on top of "
                "its existing full backup (the differential base stays, so your differential backups go on):\n"
                "    BACKUP DATABASE [simple_db] TO DISK = N'simple_db_milink_diff.bak' WITH DIFFERENTIAL, CHECKSUM;\n"
                "or set allow_full_backup to let milink take it");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses a database without a full backup unless allow_full_backup",
          "[linksteps][rejections]") {
  AgWorld w;
  for (const char* db : {"nobackup_db", "copyonly_db"}) {  // a COPY_ONLY backup does not count
    INFO(db);
    check_refused(w.run(ag_step(db)),
                  std::string("observe: database [") + db +
                      "] has no full backup, so joining an availability group fails with error 1475. Take a full "
                      "backup without COPY_ONLY:\n    BACKUP DATABASE [" + db + "] TO DISK = N'" + db +
                      "_milink_full.bak' WITH CHECKSUM;\nor set allow_full_backup to let milink take it");
  }
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses a name_pattern naming an existing distributed availability group",
          "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("grouped_db", Object{{"name_pattern", Value("DAG_{db}")}})),
                "observe: [DAG_grouped_db] is a distributed availability group; choose another name_pattern");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: ag refuses an existing availability group of that name without the database",
          "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(ag_step("sales", Object{{"name_pattern", Value("Other_AG")}})),
                "observe: availability group [Other_AG] exists but does not hold database [sales]; drop it or set "
                "name_pattern to another name");
  w.check_unchanged();
}

// --- dag: configure() -------------------------------------------------------------

TEST_CASE("linksteps: rejections: dag refuses a bad instance_fqdn", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (const char* fqdn : {"", "mi1.example.net:5022", "mi 1", "tcp://mi1", "mi1;Server=[x]"}) {
    INFO(fqdn);
    check_refused_before_run(offline.run(dag_step("sales", Object{{"instance_fqdn", Value(fqdn)}})), "dag",
                  std::string("parameter \"instance_fqdn\": \"") + fqdn +
                      "\" is not a host name; set managed_instance.fqdn in the config");
  }
}

TEST_CASE("linksteps: rejections: dag refuses an instance_port out of range", "[linksteps][rejections]") {
  rejections::Offline offline;
  for (int port : {0, 65536}) {
    INFO(port);
    check_refused_before_run(offline.run(dag_step("sales", Object{{"instance_port", Value(port)}})), "dag",
                  "parameter \"instance_port\": " + std::to_string(port) + " is not a TCP port (1-65535)");
  }
}

TEST_CASE("linksteps: rejections: dag refuses a malformed listener_url name_pattern or name", "[linksteps][rejections]") {
  rejections::Offline offline;
  check_refused_before_run(offline.run(dag_step("sales", Object{{"listener_url", Value("sqlbox1.example.com")}})), "dag",
                "parameter \"listener_url\": \"sqlbox1.example.com\" is not an endpoint URL like TCP://host:5022");
  check_refused_before_run(offline.run(dag_step("sales", Object{{"name_pattern", Value("DAG_{database}")}})), "dag",
                "parameter \"name_pattern\": name pattern \"DAG_{database}\" uses {database}; the placeholders are "
                "{db}, {server} and {instance}");
  check_refused_before_run(offline.run(dag_step("sales", Object{{"ag_name", Value("")}})), "dag", "parameter \"ag_name\": the name is empty");
  const std::string long_name(129, 'i');
  check_refused_before_run(offline.run(dag_step("sales", Object{{"instance_ag_name", Value(long_name)}})), "dag",
                "parameter \"instance_ag_name\": the name \"" + long_name + "\" is longer than 128 characters (sysname)");
}

// --- dag: observe() ---------------------------------------------------------------

TEST_CASE("linksteps: rejections: dag refuses an existing distributed availability group with other members",
          "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(dag_step("grouped_db")),
                std::string("observe: distributed availability group [DAG_grouped_db] exists with members Other_AG "
                            "(TCP://sqlbox1.example.com:5022), mi1 (tcp://") +
                    kInstanceFqdn + ":5022;Server=[mi1]), not AG_grouped_db and AG_grouped_db_MI (tcp://" + kInstanceFqdn +
                    ":5022;Server=[mi1]); drop it (DROP AVAILABILITY GROUP [DAG_grouped_db]) if it is left over, or "
                    "set name_pattern to another name");
  // The same members but the instance's AG under another name.
  check_refused(w.run(dag_step("grouped_db", Object{{"ag_name", Value("Other_AG")}, {"instance_ag_name", Value("mi1_grouped_db")}})),
                std::string("observe: distributed availability group [DAG_grouped_db] exists with members Other_AG "
                            "(TCP://sqlbox1.example.com:5022), mi1 (tcp://") +
                    kInstanceFqdn + ":5022;Server=[mi1]), not Other_AG and mi1_grouped_db (tcp://" + kInstanceFqdn +
                    ":5022;Server=[mi1]); drop it (DROP AVAILABILITY GROUP [DAG_grouped_db]) if it is left over, or "
                    "set name_pattern to another name");
  // The same member names, but the workflow's instance FQDN is only part of
  // the one the DAG listens on: another host, refused.
  const std::string partial = std::string(kInstanceFqdn).substr(std::string(kInstanceFqdn).find('.') + 1);
  auto other_host = w.run(dag_step("grouped_db", Object{{"ag_name", Value("Other_AG")}, {"instance_fqdn", Value(partial)}}));
  CHECK(other_host.exit_code() == 1);
  CHECK(other_host.events.status(kStep) == "failed");
  CHECK(other_host.events.reason(kStep).find("exists with members Other_AG") != std::string::npos);
  w.check_unchanged();

  // Its real members: accepted as they are.
  auto r = w.run(dag_step("grouped_db", Object{{"ag_name", Value("Other_AG")}}));
  CHECK(r.exit_code() == 0);
  CHECK(r.events.status(kStep) == "ok");
  CHECK(r.events.output(kStep, "name") == "DAG_grouped_db");
  // instance_ag_name not set: the existing DAG's name for the instance's
  // member (the seed's convention) is kept, not AG_grouped_db_MI.
  CHECK(r.events.output(kStep, "instance_ag_name") == "mi1");
  w.check_unchanged();
}

TEST_CASE("linksteps: rejections: dag refuses a name naming a plain availability group", "[linksteps][rejections]") {
  AgWorld w;
  check_refused(w.run(dag_step("grouped_db", Object{{"name_pattern", Value("Other_AG")}})),
                "observe: [Other_AG] is an availability group, not a distributed one; choose another name_pattern");
  // {server} is a placeholder the dag step does not know: a parameter error, before anything runs.
  check_refused_before_run(w.run(dag_step("grouped_db", Object{{"name_pattern", Value("DAG_{server}_{db}")}})), "dag",
                "parameter \"name_pattern\": name pattern \"DAG_{server}_{db}\" uses {server}, which this step does not know");
  w.check_unchanged();
}
