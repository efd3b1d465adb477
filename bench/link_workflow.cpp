//===- bench/link_workflow.cpp - The bundled workflows, timed -------------===//
///
/// \file
/// Runs workflows/replicate-databases.json with the real milink binary and
/// the bundled plugins against an in-process emulator for N databases at
/// --parallel 1, 8 and N, and reports per run: wall time, time per
/// database, milink's peak resident memory, and the work the servers saw
/// (SQL statements on SQL Server, ARM requests) per database, and the SQL
/// logins of both servers (sessions that ran statements). Then runs the
/// same workflow again, where every step only observes. Each row also gives
/// the ratio of the first run to the limit the service allows, ceil(N/8) x
/// the one-database time of the same profile (8 databases seed at once per
/// instance), and the peak resident memory of the emulator (this process,
/// its high-water mark reset before each row). The fast profile runs every
/// N; the realistic profile (ARM operations of seconds, a link that connects
/// after 30 s) runs N <= 50, and N > 10 only at --parallel 8 and above (one
/// database at a time would take 36 s per database).
/// Usage: bench_link_workflow [--profile fast|realistic|all] [--parallel P] [N ...]
///        (default: all, 1 10 50 200; --parallel P runs only that bound)
///
//===----------------------------------------------------------------------===//
#include "app/emulator.hpp"
#include "state/scenario.hpp"
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

struct Measured {
  double seconds = 0;
  long peak_rss_kib = 0;
  int exit_code = -1;
};

/// The high-water mark of \p pid's resident memory (VmHWM), in KiB; 0 when
/// it cannot be read (the process is gone).
long process_peak_rss_kib(pid_t pid) {
  long kib = 0;
  // Before its exec the child is a copy of this process: not milink yet.
  char comm[64] = {0};
  if (std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/comm").c_str(), "r")) {
    if (!std::fgets(comm, sizeof comm, f)) comm[0] = 0;
    std::fclose(f);
  }
  if (std::string(comm).rfind("milink", 0) != 0) return 0;
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  if (std::FILE* f = std::fopen(path.c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    std::fclose(f);
  }
  return kib;
}

/// Runs milink and measures it (wall time, peak RSS of the child). The peak
/// is the child's own VmHWM, sampled every 2 ms until it exits: wait4()'s
/// ru_maxrss would also count this process's memory at the fork (Linux keeps
/// the pre-exec address space's high-water mark), which grows with the
/// emulator's rows before it.
Measured run_milink(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = testsupport::spawn(args, cwd, {}, "bench");
  int status = 0;
  Measured m;
  for (;;) {
    long hwm = process_peak_rss_kib(pid);
    if (hwm > m.peak_rss_kib) m.peak_rss_kib = hwm;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

std::string scenario(int n) {
  Array dbs;
  for (int i = 1; i <= n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "db%02d", i);
    dbs.push_back(Value(Object{{"name", Value(name)}, {"recovery", Value("FULL")}, {"size_mb", Value(8)},
                               {"backups", Value(Array{Value("full")})}}));
  }
  return Value(Object{{"sql_server", Value(Object{{"version", Value("16.0.4135.4")}, {"databases", Value(dbs)}})}})
      .to_json();
}

/// Resets this process's resident-memory high-water mark (Linux
/// /proc/self/clear_refs, value 5), so the next read is this row's peak.
void reset_peak_rss() {
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

/// This process's resident-memory high-water mark (VmHWM), in KiB.
long peak_rss_kib() {
  long kib = 0;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    std::fclose(f);
  }
  return kib;
}

/// The SQL sessions (logins) that ran statements from entry \p from of
/// \p server's statement log in the dump \p d: distinct spids (each
/// connection has its own; milink runs a statement on every session).
std::size_t sessions(const Value& d, const char* server, std::size_t from) {
  const auto& log = d.get("statement_log")->get(server)->as_array();
  std::set<std::int64_t> spids;
  for (std::size_t i = from; i < log.size(); ++i) spids.insert(log[i].get("spid")->as_int());
  return spids.size();
}

/// Runs one row and prints it. `one_db_seconds` is the first-run time of one
/// database in the same profile (0 before it is known); returns this row's
/// first-run time.
double bench(const std::string& profile, int n, int parallel, double one_db_seconds) {
  reset_peak_rss();
  testsupport::TempDir dir;
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::parse_scenario(scenario(n), "bench");
  o.profile = profile;
  milink::emulator::Emulator emulator(o);
  emulator.start();
  emulator.write_config(dir / "config.json");
  Value config = milink::sdk::parse_json(testsupport::read_file(dir / "config.json"));
  testsupport::write_file(dir / "mk", "Bench#Master-Key1");
  Array names;
  for (int i = 1; i <= n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "db%02d", i);
    names.push_back(Value(name));
  }
  config.mutable_object().set("databases", Value(names));
  config.mutable_object().set("inputs", Value(Object{{"master_key_password", Value(Object{{"from_file", Value("mk")}})},
                                                     {"poll_interval_ms", Value(50)}}));
  testsupport::write_file(dir / "config.json", config.to_pretty_json());
  std::vector<std::string> args{testsupport::milink_binary().string(), "run",
                                std::string(MILINK_SOURCE_DIR) + "/workflows/replicate-databases.json", "-c",
                                "config.json", "--output", "json", "--state-dir", "state", "--parallel",
                                std::to_string(parallel)};
  Measured first = run_milink(args, dir.path());
  Value d = emulator.dump();
  std::size_t sql = d.get("statement_log")->get("sql_server")->as_array().size();
  std::size_t mi = d.get("statement_log")->get("managed_instance")->as_array().size();
  std::size_t arm = d.get("azure_requests")->as_array().size();
  std::size_t logins = sessions(d, "sql_server", 0) + sessions(d, "managed_instance", 0);
  Measured again = run_milink(args, dir.path());
  Value d2 = emulator.dump();
  std::size_t sql2 = d2.get("statement_log")->get("sql_server")->as_array().size() - sql;
  std::size_t arm2 = d2.get("azure_requests")->as_array().size() - arm;
  std::size_t logins2 = sessions(d2, "sql_server", sql) + sessions(d2, "managed_instance", mi);
  if (one_db_seconds <= 0) one_db_seconds = first.seconds;
  const int waves = (n + 7) / 8;
  std::printf("| %s | %3d | %3d | %s | %7.2f s | %5.2f s | %5.2f | %6ld KiB | %6ld KiB | %5.1f | %4.1f | %6.2f s | "
              "%5.1f | %4.1f | %zu | %zu |\n",
              profile.c_str(), n, parallel,
              first.exit_code == 0 && again.exit_code == 0 ? "ok" : "FAILED", first.seconds, first.seconds / n,
              first.seconds / (waves * one_db_seconds), first.peak_rss_kib, peak_rss_kib(),
              static_cast<double>(sql) / n, static_cast<double>(arm) / n, again.seconds,
              static_cast<double>(sql2) / n, static_cast<double>(arm2) / n, logins, logins2);
  std::fflush(stdout);
  return first.seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string profiles = "all";
  int only_parallel = 0;
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--profile" && i + 1 < argc)
      profiles = argv[++i];
    else if (a == "--parallel" && i + 1 < argc)
      only_parallel = std::atoi(argv[++i]);
    else
      sizes.push_back(std::atoi(argv[i]));
  }
  if (sizes.empty()) sizes = {1, 10, 50, 200};
  std::printf("| profile | databases | --parallel | result | first run | per database | / limit | milink peak RSS | "
              "emulator peak RSS | SQL statements / db | ARM requests / db | second run | SQL / db | ARM / db | "
              "SQL logins, first run | SQL logins, second run |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const char* profile : {"fast", "realistic"}) {
    if (profiles != "all" && profiles != profile) continue;
    const bool realistic = std::string(profile) == "realistic";
    double one_db = 0;  // the limit's unit: one database's first run in this profile
    for (int n : sizes) {
      if (realistic && n > 50) continue;
      std::vector<int> bounds{1};
      for (int p : {8, n})
        if (p > bounds.back() && p <= n) bounds.push_back(p);
      if (only_parallel > 0) bounds = {only_parallel};
      for (int parallel : bounds) {
        if (realistic && n > 10 && parallel < 8) continue;
        if (one_db <= 0 && n > 1) one_db = bench(profile, 1, 1, 0);
        double t = bench(profile, n, parallel, one_db);
        if (n == 1 && one_db <= 0) one_db = t;
      }
    }
  }
  return 0;
}
