// bench_soak itself, kept cheap: three runs (killed and resumed), and its refusals of bad options.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

testsupport::ProcessResult soak(const std::vector<std::string>& options) {
  static testsupport::TempDir dir;
  std::vector<std::string> argv{BENCH_SOAK_BINARY};
  argv.insert(argv.end(), options.begin(), options.end());
  return testsupport::run(argv, dir.path());
}

bool contains(const std::string& s, const std::string& x) { return s.find(x) != std::string::npos; }

}  // namespace

TEST_CASE("bench_soak: three runs under 10% faults, each SIGKILLed at a random moment and resumed once, end "
          "linked without duplicates",
          "[soak][smoke]") {
  auto r = soak({"--runs", "3", "--faults", "0.1", "--kill-fraction", "1", "--seed", "3"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "expected objects (a clean run's):\n"));
  CHECK(contains(r.out, "  arm link: DAG_sales\n"));
  CHECK(contains(r.out, "runs 3, kills "));
  CHECK(contains(r.out, ", resumes "));
  CHECK(contains(r.out, ", duplicates 0, unexpected end states 0, "));
  CHECK(contains(r.out, "killed after "));
}

TEST_CASE("bench_soak refuses bad options, naming them", "[soak]") {
  auto r = soak({"--faults", "1.5"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "bench_soak: --faults 1.5: give a number from 0 to 1\n"));
  r = soak({"--runs", "many"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "bench_soak: --runs many: give a number from 1 to 100000\n"));
  r = soak({"--workflow", "/nonexistent/wf.json"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "bench_soak: --workflow /nonexistent/wf.json: no such file\n"));
  r = soak({"--colour", "red"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "bench_soak: --colour: unknown option\n"));
  r = soak({"--jobs"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "bench_soak: --jobs: unknown option or missing value\n"));
}
