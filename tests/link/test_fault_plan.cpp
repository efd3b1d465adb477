// FaultPlan: the SPEC grammar (every form, every error message), @N / @N+ /
// ~P, per-service counters, determinism.
#include "faults/fault_plan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace milink::emulator;

namespace {

std::string error_of(const std::string& spec) {
  try {
    FaultPlan p(spec);
  } catch (const FaultSpecError& e) {
    return e.what();
  }
  return "(no error)";
}

/// The faults of the next request, as "kind:value" strings.
std::vector<std::string> next(FaultPlan& p, Service s) {
  std::vector<std::string> out;
  for (const Fault& f : p.next(s)) {
    const char* k = f.kind == Fault::Kind::HttpStatus ? "status"
                    : f.kind == Fault::Kind::Drop     ? "drop"
                    : f.kind == Fault::Kind::Latency  ? "latency"
                    : f.kind == Fault::Kind::Reset    ? "reset"
                                                      : "sql";
    out.push_back(std::string(k) + ":" + std::to_string(f.value));
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("service names", "[faults]") {
  CHECK(std::string(service_name(Service::Arm)) == "arm");
  CHECK(std::string(service_name(Service::Entra)) == "entra");
  CHECK(std::string(service_name(Service::Imds)) == "imds");
  CHECK(std::string(service_name(Service::Sql)) == "sql");
  CHECK(std::string(service_name(Service::Mi)) == "mi");
}

TEST_CASE("every kind parses and fires on every request when unqualified", "[faults]") {
  FaultPlan p("arm:429, arm:latency=200 ,entra:500,imds:503,imds:drop,sql:reset,mi:1205,sql:latency=0,mi:drop");
  CHECK(p.spec() == "arm:429,arm:latency=200,entra:500,imds:503,imds:drop,sql:reset,mi:1205,sql:latency=0,mi:drop");
  for (int i = 0; i < 3; ++i) {
    CHECK(next(p, Service::Arm) == V{"latency:200", "status:429"});
    CHECK(next(p, Service::Entra) == V{"status:500"});
    CHECK(next(p, Service::Imds) == V{"status:503"});  // the first matching non-latency rule wins
    CHECK(next(p, Service::Sql) == V{"latency:0", "reset:0"});
    CHECK(next(p, Service::Mi) == V{"sql:1205"});
  }
  CHECK(p.requests(Service::Arm) == 3);
  CHECK(p.requests(Service::Mi) == 3);
}

TEST_CASE("an empty spec has no rules, services and kinds are case-insensitive", "[faults]") {
  FaultPlan empty;
  CHECK(empty.spec().empty());
  CHECK(next(empty, Service::Arm).empty());
  FaultPlan blank("  ");
  CHECK(next(blank, Service::Sql).empty());
  FaultPlan upper("ARM:Drop,SQL:RESET,MI:Latency=5");
  CHECK(next(upper, Service::Arm) == V{"drop:0"});
  CHECK(next(upper, Service::Sql) == V{"reset:0"});
  CHECK(next(upper, Service::Mi) == V{"latency:5"});
}

TEST_CASE("on sql and mi every number is an SQL error number", "[faults]") {
  FaultPlan p("sql:503,mi:40613,sql:2147483647@2");
  CHECK(next(p, Service::Sql) == V{"sql:503"});
  CHECK(next(p, Service::Mi) == V{"sql:40613"});
}

TEST_CASE("@N fires once, on the Nth request of that service", "[faults]") {
  FaultPlan p("arm:429@1,arm:503@2,sql:1205@3");
  CHECK(next(p, Service::Arm) == V{"status:429"});
  CHECK(next(p, Service::Arm) == V{"status:503"});
  CHECK(next(p, Service::Arm).empty());
  CHECK(next(p, Service::Arm).empty());
  // sql counts its own requests: the arm ones above do not count.
  CHECK(next(p, Service::Sql).empty());
  CHECK(next(p, Service::Sql).empty());
  CHECK(next(p, Service::Sql) == V{"sql:1205"});
  CHECK(next(p, Service::Sql).empty());
  CHECK(p.requests(Service::Arm) == 4);
  CHECK(p.requests(Service::Sql) == 4);
  CHECK(p.requests(Service::Entra) == 0);
}

TEST_CASE("@N+ fires on every request from the Nth on", "[faults]") {
  FaultPlan p("mi:reset@3+");
  CHECK(next(p, Service::Mi).empty());
  CHECK(next(p, Service::Mi).empty());
  for (int i = 0; i < 5; ++i) CHECK(next(p, Service::Mi) == V{"reset:0"});
}

TEST_CASE("set() replaces the rules and resets the counters", "[faults]") {
  FaultPlan p("arm:429@2");
  next(p, Service::Arm);
  p.set("arm:503@1");
  CHECK(p.requests(Service::Arm) == 0);
  CHECK(p.spec() == "arm:503@1");
  CHECK(next(p, Service::Arm) == V{"status:503"});
  CHECK(next(p, Service::Arm).empty());
  // A bad spec leaves the plan as it was.
  CHECK_THROWS_AS(p.set("arm:nope"), FaultSpecError);
  CHECK(p.spec() == "arm:503@1");
  CHECK(p.requests(Service::Arm) == 2);
}

TEST_CASE("probability rules fire with probability P, the same way on every run", "[faults]") {
  FaultPlan a("arm:503~0.25,sql:1205~0.1");
  FaultPlan b("arm:503~0.25,sql:1205~0.1");
  int arm = 0, sql = 0;
  for (int i = 0; i < 10000; ++i) {
    auto x = next(a, Service::Arm);
    CHECK(x == next(b, Service::Arm));
    arm += !x.empty();
    // interleaving other services does not change a service's draws
    if (i % 3 == 0) next(a, Service::Entra);
    auto y = next(a, Service::Sql);
    CHECK(y == next(b, Service::Sql));
    sql += !y.empty();
  }
  CHECK(arm > 2300);
  CHECK(arm < 2700);
  CHECK(sql > 850);
  CHECK(sql < 1150);
  FaultPlan never("arm:429~0"), always("arm:429~1");
  for (int i = 0; i < 200; ++i) {
    CHECK(next(never, Service::Arm).empty());
    CHECK(next(always, Service::Arm) == V{"status:429"});
  }
  FaultPlan half("mi:latency=10~.5");
  int fired = 0;
  for (int i = 0; i < 1000; ++i) fired += !next(half, Service::Mi).empty();
  CHECK(fired > 400);
  CHECK(fired < 600);
}

TEST_CASE("seed=N varies the probability draws, the same seed repeats them", "[faults]") {
  auto draws = [](const std::string& spec) {
    FaultPlan p(spec);
    std::string out;
    for (int i = 0; i < 400; ++i) out += next(p, Service::Arm).empty() ? '.' : 'x';
    return out;
  };
  const std::string unseeded = draws("arm:503~0.1");
  CHECK(draws("seed=0,arm:503~0.1") == unseeded);  // 0 is the default
  CHECK(draws("seed=7,arm:503~0.1") == draws("arm:503~0.1,seed=7"));
  CHECK(draws("seed=7,arm:503~0.1") != unseeded);
  CHECK(draws("seed=8,arm:503~0.1") != draws("seed=7,arm:503~0.1"));
  for (const char* spec : {"seed=7,arm:503~0.1", "seed=8,arm:503~0.1"}) {
    auto d = draws(spec);
    auto fired = std::count(d.begin(), d.end(), 'x');
    CHECK(fired > 15);
    CHECK(fired < 70);
  }
  FaultPlan p("seed=3,sql:1205~0.5");
  CHECK(p.spec() == "seed=3,sql:1205~0.5");
  // seed= alone is a valid spec: no rules fire.
  FaultPlan only("seed=9");
  CHECK(next(only, Service::Arm).empty());
}

TEST_CASE("next() is thread-safe and counts every request", "[faults]") {
  FaultPlan p("sql:1205@500");
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) fired += static_cast<int>(p.next(Service::Sql).size());
    });
  for (auto& t : threads) t.join();
  CHECK(p.requests(Service::Sql) == 2000);
  CHECK(fired == 1);
}

TEST_CASE("every malformed rule is named with what is expected", "[faults]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"arm:4299",
       "fault rule \"arm:4299\": unknown kind \"4299\"; expected 429, 500, 503, drop, latency=MS, reset or a SQL error "
       "number"},
      {"entra:1205",
       "fault rule \"entra:1205\": unknown kind \"1205\"; expected 429, 500, 503, drop, latency=MS, reset or a SQL "
       "error number"},
      {"sql:boom",
       "fault rule \"sql:boom\": unknown kind \"boom\"; expected 429, 500, 503, drop, latency=MS, reset or a SQL error "
       "number"},
      {"arm:",
       "fault rule \"arm:\": unknown kind \"\"; expected 429, 500, 503, drop, latency=MS, reset or a SQL error "
       "number"},
      {"arm429", "fault rule \"arm429\": expected SERVICE:KIND[@N|@N+|~P] (e.g. \"arm:429@1\")"},
      {"foo:429", "fault rule \"foo:429\": unknown service \"foo\"; expected arm, entra, imds, sql or mi"},
      {":429", "fault rule \":429\": unknown service \"\"; expected arm, entra, imds, sql or mi"},
      {"arm:reset",
       "fault rule \"arm:reset\": \"reset\" applies to sql and mi only; arm takes 429, 500, 503, drop or "
       "latency=MS"},
      {"imds:reset@2",
       "fault rule \"imds:reset@2\": \"reset\" applies to sql and mi only; imds takes 429, 500, 503, "
       "drop or latency=MS"},
      {"arm:latency=abc",
       "fault rule \"arm:latency=abc\": bad latency \"latency=abc\"; expected latency=MS, MS a "
       "whole number of milliseconds from 0 to 600000"},
      {"arm:latency=",
       "fault rule \"arm:latency=\": bad latency \"latency=\"; expected latency=MS, MS a whole number "
       "of milliseconds from 0 to 600000"},
      {"sql:latency=600001",
       "fault rule \"sql:latency=600001\": bad latency \"latency=600001\"; expected latency=MS, "
       "MS a whole number of milliseconds from 0 to 600000"},
      {"sql:0", "fault rule \"sql:0\": bad SQL error number \"0\"; expected a number from 1 to 2147483647"},
      {"mi:2147483648",
       "fault rule \"mi:2147483648\": bad SQL error number \"2147483648\"; expected a number from 1 to 2147483647"},
      {"arm:429@0", "fault rule \"arm:429@0\": bad position \"@0\"; expected @N or @N+ with N a whole number from 1"},
      {"arm:429@", "fault rule \"arm:429@\": bad position \"@\"; expected @N or @N+ with N a whole number from 1"},
      {"arm:429@x", "fault rule \"arm:429@x\": bad position \"@x\"; expected @N or @N+ with N a whole number from 1"},
      {"arm:429@+", "fault rule \"arm:429@+\": bad position \"@+\"; expected @N or @N+ with N a whole number from 1"},
      {"arm:429@2++",
       "fault rule \"arm:429@2++\": bad position \"@2++\"; expected @N or @N+ with N a whole number from 1"},
      {"arm:429~1.5",
       "fault rule \"arm:429~1.5\": bad probability \"~1.5\"; expected ~P with P from 0 to 1 (e.g. ~0.25)"},
      {"arm:429~", "fault rule \"arm:429~\": bad probability \"~\"; expected ~P with P from 0 to 1 (e.g. ~0.25)"},
      {"arm:429~-0.1",
       "fault rule \"arm:429~-0.1\": bad probability \"~-0.1\"; expected ~P with P from 0 to 1 (e.g. ~0.25)"},
      {"arm:429~abc",
       "fault rule \"arm:429~abc\": bad probability \"~abc\"; expected ~P with P from 0 to 1 (e.g. ~0.25)"},
      {"arm:429~1e-1",
       "fault rule \"arm:429~1e-1\": bad probability \"~1e-1\"; expected ~P with P from 0 to 1 (e.g. ~0.25)"},
      {"arm:429@1~0.5", "fault rule \"arm:429@1~0.5\": expected at most one of @N, @N+ or ~P after the kind"},
      {"arm:429~0.5@1", "fault rule \"arm:429~0.5@1\": expected at most one of @N, @N+ or ~P after the kind"},
      {"seed=x,arm:429~0.5", "fault rule \"seed=x\": bad seed \"x\"; expected seed=N with N a whole number from 0"},
      {"seed=-1", "fault rule \"seed=-1\": bad seed \"-1\"; expected seed=N with N a whole number from 0"},
      {"seed=1,arm:429~0.5,seed=2", "fault rule \"seed=2\": a second seed; give seed=N once"},
      {"arm:429,,sql:1205", "fault rule \"\": empty rule; expected SERVICE:KIND[@N|@N+|~P]"},
      {"arm:429,", "fault rule \"\": empty rule; expected SERVICE:KIND[@N|@N+|~P]"},
  };
  for (const auto& [spec, message] : cases) {
    INFO("spec: " << spec);
    CHECK(error_of(spec) == message);
  }
}

TEST_CASE("FaultSpecError is an invalid_argument", "[faults]") {
  CHECK_THROWS_AS(FaultPlan("nope"), std::invalid_argument);
}
