//===- bench/arm_link.cpp - ARM round trips to create one link ------------===//
///
/// \file
/// Starts the emulator in-process (fast profile), prepares SQL Server with
/// the seed's T-SQL through milink's SQL service, then creates the link's
/// Azure side through milink's ARM client, as the arm-link plugin will:
///   GET  endpointCertificates/DATABASE_MIRRORING
///   PUT  serverTrustCertificates/<cert>          (long-running)
///   PUT  distributedAvailabilityGroups/<dag>     (long-running, until seeded)
/// and reports, per call and per link, the HTTP round trips (from the
/// emulator's request log), how many of them were polls, and the time.
/// The polling overhead is the time spent waiting between polls beyond the
/// emulator's own operation time, which Retry-After (1 s) dominates.
/// Usage: bench_arm_link
///
//===----------------------------------------------------------------------===//
#include "bench_arm.hpp"
#include "sql/sql_service.hpp"
#include "test_support.hpp"

#include <milink/sdk/quote.hpp>

#include <chrono>
#include <cstdio>

namespace {

using milink::sdk::Object;
using milink::sdk::Value;


void sql(milink::sdk::SqlSession& s, const std::string& text, milink::sdk::SqlResult* out = nullptr) {
  milink::sdk::SqlResult r;
  milink::sdk::SqlError e;
  if (!s.execute(text, {}, false, r, e)) {
    std::fprintf(stderr, "SQL failed: %d %s\n%s\n", e.number, e.message.c_str(), text.c_str());
    std::exit(1);
  }
  if (out) *out = std::move(r);
}

std::size_t arm_requests(milink::emulator::Emulator& emu) {
  std::size_t n = 0;
  for (const auto& r : emu.azure().request_log()) n += r.server == "arm";
  return n;
}

}  // namespace

int main() {
  testsupport::TempDir dir;
  milink::emulator::Emulator emu;
  emu.start();
  emu.write_config(dir / "milink.json");
  auto cfg = milink::workflow::load_config((dir / "milink.json").string());

  // SQL Server side, as in the seed.
  milink::sql::SqlService service(cfg.root, (dir / "milink.json").string());  // its ca_file is relative to it
  std::string error;
  auto s = service.open("sqlserver", false, {}, error);
  auto mi = service.open("managed_instance", false, {}, error);
  if (!s || !mi) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const std::string fqdn = emu.world().managed_instance.fqdn;
  milink::sdk::SqlResult r;
  sql(*s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  sql(*s, "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'Certificate for Cert_sqlbox1_endpoint', "
          "EXPIRY_DATE = '03/30/2035'");
  sql(*s, "SELECT CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))", &r);
  std::string sql_cert = milink::sdk::to_hex_literal(r.sets.at(0).rows.at(0).at(0).as_bytes());
  sql(*mi, "EXEC sp_get_endpoint_certificate @endpoint_type = 4", &r);
  sql(*s, "CREATE CERTIFICATE " + milink::sdk::tsql::quote_identifier(fqdn) +
              " FROM BINARY = " + milink::sdk::to_hex_literal(r.sets.at(0).rows.at(0).at(0).as_bytes()));
  sql(*s, "CREATE ENDPOINT database_mirroring_endpoint STATE=STARTED AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL) "
          "FOR DATABASE_MIRRORING (ROLE=ALL, AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint], "
          "ENCRYPTION = REQUIRED ALGORITHM AES)");
  sql(*s, "CREATE AVAILABILITY GROUP [AG_sales] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [sales] REPLICA ON "
          "'sqlbox1' WITH (ENDPOINT_URL = 'TCP://127.0.0.1:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, "
          "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)");
  sql(*s, "CREATE AVAILABILITY GROUP [DAG_sales] WITH (DISTRIBUTED) AVAILABILITY GROUP ON 'AG_sales' WITH "
          "(LISTENER_URL = 'TCP://127.0.0.1:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, "
          "SEEDING_MODE = AUTOMATIC, SESSION_TIMEOUT = 20), 'mi1' WITH (LISTENER_URL = 'tcp://" + fqdn +
          ":5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, "
          "SEEDING_MODE = AUTOMATIC)");

  // Azure side through milink's ARM client.
  milink::bench::BenchArm arm(emu, cfg);
  auto client = arm.open();
  const std::string base = client->coordinates().instance_path();
  struct Call {
    const char* what;
    std::string method, path;
    Value body;
  };
  std::vector<Call> calls = {
      {"GET endpointCertificates", "GET", base + "/endpointCertificates/DATABASE_MIRRORING", Value()},
      {"PUT serverTrustCertificates", "PUT", base + "/serverTrustCertificates/Cert_sqlbox1_endpoint",
       Value(Object{{"properties", Value(Object{{"publicBlob", Value(sql_cert)}})}})},
      {"PUT distributedAvailabilityGroups", "PUT", base + "/distributedAvailabilityGroups/DAG_sales",
       Value(Object{{"properties",
                     Value(Object{{"databases", Value(milink::sdk::Array{Value(Object{{"databaseName", Value("sales")}})})},
                                  {"instanceAvailabilityGroupName", Value("mi1")},
                                  {"partnerAvailabilityGroupName", Value("AG_sales")},
                                  {"partnerEndpoint", Value("TCP://127.0.0.1:5022")}})}})},
  };
  std::printf("ARM round trips for one link (api-version 2025-01-01, fast profile, Retry-After as the emulator sends)\n");
  std::size_t total = 0;
  double total_s = 0;
  for (const auto& c : calls) {
    std::size_t before = arm_requests(emu);
    auto t0 = std::chrono::steady_clock::now();
    milink::sdk::ArmResponse out;
    milink::sdk::ArmError err;
    if (!client->call(c.method, c.path, "2025-01-01", c.body, true, out, err)) {
      std::fprintf(stderr, "%s\n", err.describe(c.method, c.path).c_str());
      return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::size_t n = arm_requests(emu) - before;
    std::size_t polls = c.method == "PUT" && n >= 2 ? n - 2 : 0;  // initial request and the final GET
    std::printf("  %-34s %2zu requests (%zu polls)  %7.3f s\n", c.what, n, polls, secs);
    total += n;
    total_s += secs;
  }
  std::printf("  %-34s %2zu requests            %7.3f s\n", "per link", total, total_s);
  return 0;
}
