// bench/soak_run.cpp: one soak run (see soak_run.hpp).
#include "soak_run.hpp"

#include "app/emulator.hpp"
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace soak {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
namespace fs = std::filesystem;

namespace {

constexpr int kMilinkTimeoutSeconds = 600;  // a hung milink is a finding, not a stuck soak

struct Setup {
  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  std::string database;

  static milink::emulator::EmulatorOptions options(const std::string& faults) {
    milink::emulator::EmulatorOptions o;
    o.profile = "fast";
    o.faults = faults;
    return o;
  }

  explicit Setup(const std::string& faults) : emulator(options(faults)) {
    emulator.start();
    emulator.write_config(dir / "config.json");
    Value config = milink::sdk::parse_json(testsupport::read_file(dir / "config.json"));
    database = config.get("databases")->as_array().at(0).as_string();
    testsupport::write_file(dir / "master-key", "Soak#Master-Key-Passw0rd");
    config.mutable_object().set("inputs", Value(Object{{"master_key_password", Value(Object{{"from_file", Value("master-key")}})},
                                                       {"poll_interval_ms", Value(50)},
                                                       {"verify_timeout_seconds", Value(60)}}));
    testsupport::write_file(dir / "config.json", config.to_pretty_json());
  }

  pid_t spawn(const std::string& workflow, bool resume, const std::string& tag) {
    std::vector<std::string> args{testsupport::milink_binary().string(), "run", workflow, "-c", "config.json",
                                  "--output", "json", "--state-dir", "state"};
    if (resume) args.push_back("--resume");
    return testsupport::spawn(args, dir.path(), {}, tag);
  }

  /// step_end records in the journals under state/runs.
  int finished_steps() const {
    int n = 0;
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(dir / "state" / "runs", ec)) {
      std::string j = testsupport::read_file(d.path() / "journal.jsonl");
      for (auto p = j.find("\"step_end\""); p != std::string::npos; p = j.find("\"step_end\"", p + 1)) ++n;
    }
    return n;
  }

  /// The dump with the link simulation brought up to now (it advances lazily).
  Value dump() {
    auto& world = emulator.world();
    {
      auto lock = world.lock();
      if (world.advance) world.advance();
    }
    return emulator.dump();
  }

  /// Polls the dump until the link is healthy (up to 20 s); the last verdict.
  Verdict settle(const Inventory& expected) {
    Verdict v;
    for (int i = 0; i < 200; ++i) {
      v = check(dump(), expected, database);
      if (v.healthy) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return v;
  }
};

/// Waits for \p pid (SIGKILLs it after kMilinkTimeoutSeconds); exit code or 128+signal.
int wait_bounded(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kMilinkTimeoutSeconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// `milink run --resume`, and when milink answers that there is nothing to
/// resume (the kill came before the run's journal began, or after it ended;
/// it says to run without --resume), a plain run, as an operator would. The
/// exit code; \p refused says whether the plain run was needed; \p out and
/// \p err get the last run's output.
int resume(Setup& s, const std::string& workflow, const std::string& tag, bool& refused, std::string& out,
           std::string& err) {
  int code = wait_bounded(s.spawn(workflow, true, tag));
  out = testsupport::read_file(s.dir / (tag + ".stdout"));
  err = testsupport::read_file(s.dir / (tag + ".stderr"));
  refused = code == 2 && err.find("no unfinished run of ") != std::string::npos;
  if (!refused) return code;
  code = wait_bounded(s.spawn(workflow, false, tag + "-again"));
  out = testsupport::read_file(s.dir / (tag + "-again.stdout"));
  err = testsupport::read_file(s.dir / (tag + "-again.stderr"));
  return code;
}

int count(const std::string& s, const std::string& x) {
  int n = 0;
  for (auto p = s.find(x); p != std::string::npos; p = s.find(x, p + 1)) ++n;
  return n;
}

/// The reasons of the failed steps in a --output json run, else its stderr's last line.
std::string failure_of(const std::string& out, const std::string& err) {
  std::string reasons;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"step_end\"") == std::string::npos || line.find("\"failed\"") == std::string::npos) continue;
    try {
      Value e = milink::sdk::parse_json(line);
      const Value* st = e.get("status");
      const Value* reason = e.get("reason");
      if (st != nullptr && st->is_string() && st->as_string() == "failed" && reason != nullptr && reason->is_string())
        reasons += (reasons.empty() ? "" : " | ") + e.get("step")->as_string() + ": " + reason->as_string();
    } catch (const std::exception&) {
    }
  }
  if (!reasons.empty()) return reasons;
  std::string e = err;
  while (!e.empty() && e.back() == '\n') e.pop_back();
  return e.substr(e.rfind('\n') == std::string::npos ? 0 : e.rfind('\n') + 1);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

void keep(Setup& s, const RunSpec& spec) {
  if (spec.keep_dir.empty()) return;
  const fs::path to = fs::path(spec.keep_dir) / ("run-" + std::to_string(spec.index));
  std::error_code ec;
  fs::create_directories(to, ec);
  fs::copy(s.dir.path(), to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  testsupport::write_file(to / "emulator-dump.json", s.dump().to_pretty_json());
}

}  // namespace

std::string fault_spec(std::uint64_t seed, double p) {
  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<const char*>& kinds) {
    return std::string(kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(rng)]);
  };
  std::ostringstream prob;
  prob << p;
  const std::string q = "~" + prob.str();
  std::string spec = "seed=" + std::to_string(rng() % 1000000000);
  spec += ",arm:" + pick({"429", "500", "503", "drop"}) + q;
  spec += ",entra:" + pick({"429", "500", "503", "drop"}) + q;
  spec += ",sql:" + pick({"1205", "reset"}) + q;
  spec += ",mi:" + pick({"40613", "1205", "reset"}) + q;
  return spec;
}

std::string named_service(const std::string& m) {
  auto has = [&](const char* x) { return m.find(x) != std::string::npos; };
  // The retry policy's "gave up" notes (framework/retry) and the SQL session's broken-connection note.
  if (has("Azure Resource Manager unavailable")) return "arm";
  if (has("the token endpoint ") && has(" is unavailable (")) return "entra";
  if (has("(managed_instance unavailable") || has("connection to managed_instance broke")) return "mi";
  if (has("(sqlserver unavailable") || has("connection to sqlserver broke")) return "sql";
  return "";
}

Value inventory_to_json(const Inventory& inv) {
  Object objects;
  for (const auto& [kind, names] : inv.objects) {
    Array a;
    for (const auto& n : names) a.push_back(Value(n));
    objects.set(kind, Value(std::move(a)));
  }
  return Value(std::move(objects));
}

Inventory inventory_from_json(const Value& v) {
  Inventory inv;
  for (const auto& [kind, names] : v.as_object())
    for (const auto& n : names.as_array()) inv.objects[kind].push_back(n.as_string());
  return inv;
}

Value RunResult::to_json() const {
  return Value(Object{{"index", Value(index)},
                      {"seed", Value(std::to_string(seed))},
                      {"faults", Value(faults)},
                      {"killed", Value(killed)},
                      {"killed_after_steps", Value(killed_after_steps)},
                      {"resumed", Value(resumed)},
                      {"resume_refused", Value(resume_refused)},
                      {"succeeded", Value(succeeded)},
                      {"failed_service", Value(failed_service)},
                      {"failure", Value(failure)},
                      {"rerun_converged", Value(rerun_converged)},
                      {"duplicates", Value(duplicates)},
                      {"retries", Value(retries)},
                      {"seconds", Value(seconds)}});
}

RunResult RunResult::from_json(const Value& v) {
  RunResult r;
  r.index = static_cast<int>(v.get("index")->as_int());
  r.seed = std::stoull(v.get("seed")->as_string());
  r.faults = v.get("faults")->as_string();
  r.killed = v.get("killed")->as_bool();
  r.killed_after_steps = static_cast<int>(v.get("killed_after_steps")->as_int());
  r.resumed = v.get("resumed")->as_bool();
  r.resume_refused = v.get("resume_refused")->as_bool();
  r.succeeded = v.get("succeeded")->as_bool();
  r.failed_service = v.get("failed_service")->as_string();
  r.failure = v.get("failure")->as_string();
  r.rerun_converged = v.get("rerun_converged")->as_bool();
  r.duplicates = static_cast<int>(v.get("duplicates")->as_int());
  r.retries = static_cast<int>(v.get("retries")->as_int());
  r.seconds = v.get("seconds")->as_double();
  return r;
}

Inventory baseline(const std::string& workflow) {
  Setup s("");
  int code = wait_bounded(s.spawn(workflow, false, "baseline"));
  if (code != 0)
    throw std::runtime_error("the clean run (no faults, no kill) failed with exit " + std::to_string(code) + ": " +
                             failure_of(testsupport::read_file(s.dir / "baseline.stdout"),
                                        testsupport::read_file(s.dir / "baseline.stderr")));
  Inventory inv;
  for (int i = 0; i < 200; ++i) {
    Value d = s.dump();
    inv = inventory(d);
    inv.repeated_creations.clear();
    if (check(d, inv, s.database).healthy) return inv;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("the clean run did not end healthy: " + join(check(s.dump(), inv, s.database).problems));
}

RunResult run_one(const RunSpec& spec, const Inventory& expected) {
  const auto start = std::chrono::steady_clock::now();
  RunResult r;
  r.index = spec.index;
  r.seed = spec.seed;
  r.faults = fault_spec(spec.seed, spec.fault_probability);
  Setup s(r.faults);
  std::mt19937_64 rng(spec.seed ^ 0x9e3779b97f4a7c15ULL);

  pid_t pid = s.spawn(spec.workflow, false, "first");
  int code = 0;
  if (spec.kill) {
    // A random moment: after a random number of finished steps (0..8 of the
    // workflow's 9), plus 0..300 ms into the next step.
    const int boundary = std::uniform_int_distribution<int>(0, 8)(rng);
    const int delay_ms = std::uniform_int_distribution<int>(0, 300)(rng);
    int status = 0;
    bool exited = false;
    while (!(exited = ::waitpid(pid, &status, WNOHANG) == pid) && s.finished_steps() < boundary)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (int waited = 0; !exited && waited < delay_ms; waited += 5) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
    }
    if (!exited) {
      r.killed_after_steps = s.finished_steps();
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.killed = true;
      code = 128 + SIGKILL;
    } else {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  } else {
    code = wait_bounded(pid);
  }
  std::string out = testsupport::read_file(s.dir / "first.stdout"), err = testsupport::read_file(s.dir / "first.stderr");
  r.retries += count(out + err, "retrying in ");
  if (r.killed) {
    r.resumed = true;
    code = resume(s, spec.workflow, "resume", r.resume_refused, out, err);
    r.retries += count(out + err, "retrying in ");
  }

  Verdict v;
  if (code == 0) {
    v = s.settle(expected);
    r.duplicates = v.duplicates;
    r.succeeded = v.healthy && v.problems.empty();
    if (!r.succeeded) r.failure = "milink succeeded but the end state is not the expected one: " + join(v.problems);
  } else {
    r.failure = code == -2 ? "milink did not finish in " + std::to_string(kMilinkTimeoutSeconds) + " s"
                           : "exit " + std::to_string(code) + ": " + failure_of(out, err);
    r.failed_service = named_service(out + err);
    v = check(s.dump(), expected, s.database);  // duplicates count even in a failed run
    r.duplicates = v.duplicates;
  }

  if (!r.succeeded) {
    keep(s, spec);
    // Does a re-run converge once the services are back?
    s.emulator.faults().set("");
    // --resume continues the failed run; after an exit 0 with a wrong end state, a plain run observes again.
    bool refused = false;
    int again = code != 0 ? resume(s, spec.workflow, "rerun", refused, out, err)
                          : wait_bounded(s.spawn(spec.workflow, false, "rerun"));
    if (again == 0) {
      Verdict after = s.settle(expected);
      r.rerun_converged = after.healthy && after.problems.empty();
      r.duplicates = std::max(r.duplicates, after.duplicates);
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace soak
