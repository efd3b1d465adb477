// The emulator held to third-party clients: tedious and mssql (Node.js)
// against its SQL Server over TDS, asserting what a real SQL Server does
// (tds_clients.js holds the checks).
#include "app/emulator.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

namespace fs = std::filesystem;

/// Node.js and the pinned packages, or a skip (exit 77, CTest's SKIP_RETURN_CODE)
/// with the reason; with MILINK_REQUIRE_INTEROP=1 (CI) a missing piece fails.
std::string node_or_skip() {
  const std::string node = MILINK_NODE;
  const fs::path modules = fs::path(MILINK_INTEROP_DIR) / "node_modules";
  std::string missing;
  if (node.empty() || !fs::exists(node))
    missing = "Node.js (node) was not found when CMake configured; install it (apt-get install nodejs npm) and "
              "reconfigure";
  else if (!fs::exists(modules / "tedious") || !fs::exists(modules / "mssql"))
    missing = "the pinned npm packages are not installed; run `npm ci` in " + std::string(MILINK_INTEROP_DIR) +
              " (bash .ci/setup does)";
  if (missing.empty()) return node;
  const char* require = std::getenv("MILINK_REQUIRE_INTEROP");
  if (require && std::string(require) == "1") FAIL("interop tests required (MILINK_REQUIRE_INTEROP=1), but " << missing);
  std::cerr << "interop_tests: SKIPPED: " << missing << "\n";
  std::exit(77);
}

}  // namespace

TEST_CASE("tedious and mssql against the emulator's SQL Server: row counts, named transactions and savepoints, "
          "cancel, reset, sql_variant, RAISERROR, THROW, cancelled WAITFOR DELAY",
          "[interop][tds]") {
  const std::string node = node_or_skip();
  milink::emulator::EmulatorOptions options;
  // The second SQL request (after tedious's initial SET batch) is answered
  // 1.5 s late, so that the script's cancel reaches the server while it works.
  options.faults = "sql:latency=1500@2";
  milink::emulator::Emulator emulator(options);
  emulator.start();
  testsupport::TempDir dir;
  auto r = testsupport::run({node, (fs::path(MILINK_INTEROP_DIR) / "tds_clients.js").string()}, dir.path(),
                            {{"MILINK_INTEROP_PORT", std::to_string(emulator.sql_port())},
                             {"MILINK_INTEROP_PASSWORD", emulator.sa_password(milink::emulator::Personality::SqlServer)},
                             {"NODE_PATH", (fs::path(MILINK_INTEROP_DIR) / "node_modules").string()}});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  for (const char* name : {"cancel: the reply to the cancelled request, then the acknowledgement",
                           "row count: a one-row SELECT reports 1 row (one DONE per statement)",
                           "row count: mssql rowsAffected is [1] for a one-row SELECT",
                           "transactions: named BEGIN, SAVE, ROLLBACK to the savepoint, COMMIT",
                           "reset: database, SET options and open transactions return to the login state",
                           "SERVERPROPERTY is sql_variant; CAST gives the base type",
                           "RAISERROR: severity 10 is an infoMessage, 16 an error numbered 50000",
                           "cancel during WAITFOR DELAY ends the request, and the session goes on"}) {
    INFO(name);
    CHECK(r.out.find(std::string("PASS ") + name + "\n") != std::string::npos);
  }
  CHECK(r.exit_code == 0);
}
