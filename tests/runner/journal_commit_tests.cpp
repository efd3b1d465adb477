// The journal's group commit (run/journal.hpp): many threads appending at
// once get every record into the file whole and in each thread's order, a
// record appended with Sync::WithNext is in the file when append() returns,
// and the journal reopens cleanly afterwards.
#include "run/journal.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <thread>
#include <vector>

using milink::run::Journal;
using milink::run::RunMeta;
using milink::sdk::Object;
using milink::sdk::Value;

namespace {

RunMeta meta() {
  RunMeta m;
  m.run_id = "20261206T000000Z-commit-000001";
  m.workflow = "/tmp/commit.json";
  m.started = "2026-12-06T00:00:00Z";
  return m;
}

Object record(int thread, int n) {
  return Object{{"type", Value("step_end")}, {"thread", Value(thread)}, {"n", Value(n)}};
}

}  // namespace

TEST_CASE("journal: concurrent appends all reach the file whole, each thread's in its order", "[journal]") {
  testsupport::TempDir dir;
  Journal j = Journal::create(dir.path(), meta());
  constexpr int kThreads = 8;
  constexpr int kEach = 150;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&j, t] {
        for (int n = 0; n < kEach; ++n)
          j.append(record(t, n), n % 2 == 0 ? Journal::Sync::WithNext : Journal::Sync::Now);
      });
    for (auto& th : threads) th.join();
  }
  const auto file = j.dir() / "journal.jsonl";
  auto scan = Journal::scan(file);
  CHECK(scan.damage.empty());
  CHECK(scan.valid_bytes == scan.file_bytes);
  std::map<int, int> next;  // thread -> the n it must show next
  int seen = 0;
  for (const auto& r : scan.records) {
    const Value* t = r.find("thread");
    if (t == nullptr) continue;  // the run's own records
    const int thread = static_cast<int>(t->as_int());
    const int n = static_cast<int>(r.find("n")->as_int());
    CHECK(n == next[thread]);
    next[thread] = n + 1;
    ++seen;
  }
  CHECK(seen == kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) CHECK(next[t] == kEach);

  Journal again = Journal::reopen(j.dir());
  CHECK(again.recovered().empty());
}

TEST_CASE("journal: a Sync::WithNext record is in the file when append returns", "[journal]") {
  testsupport::TempDir dir;
  Journal j = Journal::create(dir.path(), meta());
  j.append(Object{{"type", Value("step_start")}, {"step", Value("one")}}, Journal::Sync::WithNext);
  // Read as another process would after a kill -9: what write() put in the file.
  auto records = Journal::read_records(j.dir() / "journal.jsonl");
  REQUIRE_FALSE(records.empty());
  CHECK(records.back().find("step")->as_string() == "one");
  j.append(Object{{"type", Value("step_end")}, {"step", Value("one")}});
  records = Journal::read_records(j.dir() / "journal.jsonl");
  CHECK(records.back().find("type")->as_string() == "step_end");
}
