//===- bench/soak.cpp - Many runs under faults and kills, counted -------===//
///
/// \file
/// Runs workflows/replicate-database.json N times, each against a fresh
/// in-process emulator (fast profile) with transient faults on ARM, Entra
/// ID, SQL Server and the managed instance (probability P each, a fresh
/// fault seed and fault kinds per run), SIGKILLs milink at a random moment
/// in a fraction of the runs and resumes it once, and checks each end state
/// in the emulator's state dump (bench/soak_check.hpp). Prints one line per
/// run and the totals: runs, kills, resumes, successes, failures by the
/// service they name, duplicates. A failed run is re-run once without
/// faults to see it converge. Exit 0 when there are no duplicates, no
/// unexpected end states, and every failure names a service and converged
/// on the re-run; 1 otherwise; 2 for bad options.
/// Each run is a child process of its own (one emulator per process);
/// --jobs runs that many at once. Everything listens on loopback only.
/// Usage: bench_soak [--runs N] [--faults P] [--kill-fraction F] [--seed S]
///                   [--jobs J] [--keep-failures DIR] [--workflow FILE]
///
//===----------------------------------------------------------------------===//
#include "soak_run.hpp"

#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

struct Options {
  int runs = 200;
  double faults = 0.1;
  double kill_fraction = 1.0 / 3;
  std::uint64_t seed = 1;
  int jobs = 1;
  std::string keep_dir;
  std::string workflow = std::string(MILINK_SOURCE_DIR) + "/workflows/replicate-database.json";
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr,
               "bench_soak: %s\nusage: bench_soak [--runs N] [--faults P] [--kill-fraction F] [--seed S] [--jobs J] "
               "[--keep-failures DIR] [--workflow FILE]\n",
               message.c_str());
  std::exit(2);
}

double number(const std::string& opt, const std::string& text, double lo, double hi) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  char range[64];
  std::snprintf(range, sizeof range, "%g to %g", lo, hi);
  usage_error(opt + " " + text + ": give a number from " + range);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage_error(a == "--help" ? "runs the bundled workflow under faults and kills" : a + ": unknown option or missing value");
    const std::string v = argv[++i];
    if (a == "--runs") o.runs = static_cast<int>(number(a, v, 1, 100000));
    else if (a == "--faults") o.faults = number(a, v, 0, 1);
    else if (a == "--kill-fraction") o.kill_fraction = number(a, v, 0, 1);
    else if (a == "--seed") o.seed = static_cast<std::uint64_t>(number(a, v, 0, 1e15));
    else if (a == "--jobs") o.jobs = static_cast<int>(number(a, v, 1, 64));
    else if (a == "--keep-failures") o.keep_dir = v;
    else if (a == "--workflow") o.workflow = v;
    else usage_error(a + ": unknown option");
  }
  if (!std::filesystem::is_regular_file(o.workflow)) usage_error("--workflow " + o.workflow + ": no such file");
  return o;
}

/// Runs \p body in a child process that writes its JSON answer to \p file; returns the pid.
template <typename Body>
pid_t in_child(const std::filesystem::path& file, Body body) {
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int code = 0;
  try {
    testsupport::write_file(file, body().to_json());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_soak: %s\n", e.what());
    code = 1;
  }
  std::fflush(nullptr);
  std::_Exit(code);
}

std::string service_label(const std::string& s) { return s.empty() ? "none named" : s; }

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  testsupport::TempDir tmp;
  std::printf("bench_soak: %d runs of %s, faults %.0f %% per service (arm, entra, sql, mi), SIGKILL + --resume in "
              "%.0f %% of runs, seed %llu, %d at once\n",
              o.runs, std::filesystem::path(o.workflow).filename().c_str(), o.faults * 100, o.kill_fraction * 100,
              static_cast<unsigned long long>(o.seed), o.jobs);

  // The expected objects: a clean run's (no faults, no kill).
  soak::Inventory expected;
  {
    pid_t pid = in_child(tmp / "baseline.json", [&] { return soak::inventory_to_json(soak::baseline(o.workflow)); });
    if (testsupport::wait_for(pid) != 0) {
      std::fprintf(stderr, "bench_soak: the clean run failed; nothing to compare with\n");
      return 1;
    }
    expected = soak::inventory_from_json(milink::sdk::parse_json(testsupport::read_file(tmp / "baseline.json")));
  }
  std::printf("expected objects (a clean run's):\n");
  for (const auto& [kind, names] : expected.objects) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    std::printf("  %s: %s\n", kind.c_str(), list.c_str());
  }

  std::mt19937_64 rng(o.seed);
  std::vector<soak::RunSpec> specs;
  for (int i = 1; i <= o.runs; ++i) {
    soak::RunSpec s;
    s.index = i;
    s.seed = rng();
    s.kill = std::uniform_real_distribution<double>(0, 1)(rng) < o.kill_fraction;
    s.fault_probability = o.faults;
    s.workflow = o.workflow;
    s.keep_dir = o.keep_dir;
    specs.push_back(s);
  }

  int kills = 0, resumes = 0, refused = 0, successes = 0, failures = 0, duplicates = 0, unexpected = 0, unnamed = 0,
      converged = 0, crashed = 0, retries = 0;
  std::map<std::string, int> by_service;
  double seconds = 0;
  std::map<pid_t, int> running;  // pid -> index into specs
  std::size_t next = 0;
  while (next < specs.size() || !running.empty()) {
    while (next < specs.size() && static_cast<int>(running.size()) < o.jobs) {
      const soak::RunSpec spec = specs[next];
      const soak::Inventory& exp = expected;
      running[in_child(tmp / ("run-" + std::to_string(spec.index) + ".json"),
                       [&] { return soak::run_one(spec, exp).to_json(); })] = static_cast<int>(next);
      ++next;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) break;
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const soak::RunSpec& spec = specs[it->second];
    running.erase(it);
    const auto file = tmp / ("run-" + std::to_string(spec.index) + ".json");
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || !std::filesystem::exists(file)) {
      ++crashed;
      std::printf("run %3d: the soak's own child failed (status %d)\n", spec.index, status);
      continue;
    }
    const soak::RunResult r = soak::RunResult::from_json(milink::sdk::parse_json(testsupport::read_file(file)));
    kills += r.killed;
    resumes += r.resumed;
    refused += r.resume_refused;
    duplicates += r.duplicates;
    retries += r.retries;
    seconds += r.seconds;
    std::string kill = !r.killed ? ""
                       : "killed after " + std::to_string(r.killed_after_steps) + " steps, " +
                             (r.resume_refused ? "nothing to resume, ran again: " : "resumed: ");
    if (r.succeeded) {
      ++successes;
      std::printf("run %3d: %sok, %d retries, %.1f s  [%s]\n", r.index, kill.c_str(), r.retries, r.seconds,
                  r.faults.c_str());
    } else {
      ++failures;
      ++by_service[service_label(r.failed_service)];
      if (r.failure.rfind("milink succeeded but", 0) == 0) ++unexpected;
      else if (r.failed_service.empty()) ++unnamed;
      converged += r.rerun_converged;
      std::printf("run %3d: %sFAILED (%s), re-run without faults %s, %.1f s  [%s]\n        %s\n", r.index,
                  kill.c_str(), service_label(r.failed_service).c_str(),
                  r.rerun_converged ? "converged" : "did NOT converge", r.seconds, r.faults.c_str(),
                  r.failure.c_str());
    }
    if (r.duplicates > 0) std::printf("run %3d: %d DUPLICATES\n", r.index, r.duplicates);
    std::fflush(stdout);
  }

  std::printf("\nruns %d, kills %d, resumes %d", o.runs, kills, resumes);
  if (refused > 0) std::printf(" (%d refused: nothing to resume, then a plain run)", refused);
  std::printf(", successes %d, failures %d", successes, failures);
  if (failures > 0) {
    std::printf(" (");
    const char* sep = "";
    for (const auto& [service, n] : by_service) {
      std::printf("%s%s %d", sep, service.c_str(), n);
      sep = ", ";
    }
    std::printf("; re-run converged %d of %d)", converged, failures);
  }
  std::printf(", duplicates %d, unexpected end states %d, retries %d, %.0f s of runs\n", duplicates, unexpected,
              retries, seconds);
  if (crashed > 0) std::printf("the soak's own child failed %d times\n", crashed);
  const bool ok = duplicates == 0 && unexpected == 0 && unnamed == 0 && converged == failures && crashed == 0;
  return ok ? 0 : 1;
}
