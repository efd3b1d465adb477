// Many sessions at once, each on its own thread and connection.
#include "tds_fixture.hpp"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/Session.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace tdstest;
using namespace Poco::Data::Keywords;

TEST_CASE("64 concurrent POCO sessions, 20 queries each, all answered correctly", "[tds][concurrency]") {
  TestServer ts;
  Poco::Data::ODBC::Connector::registerConnector();
  constexpr int kThreads = 64, kQueries = 20;
  std::atomic<int> correct{0}, wrong{0}, failures{0};
  std::mutex mu;
  std::set<int> spids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Poco::Data::Session s("ODBC", odbc_string(ts.port()));
        int spid = 0;
        s << "SELECT spid", into(spid), now;
        {
          std::lock_guard<std::mutex> g(mu);
          spids.insert(spid);
        }
        for (int q = 0; q < kQueries; ++q) {
          int expected = t * 1000 + q, v = -1;
          s << ("SELECT " + std::to_string(expected)), into(v), now;
          (v == expected ? correct : wrong)++;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(wrong == 0);
  CHECK(correct == kThreads * kQueries);
  CHECK(spids.size() == kThreads);  // a distinct SPID per connection
  CHECK(*spids.begin() >= 51);
  CHECK(testsupport::eventually([&] { return ts.server->stats().connections_active == 0; }, 10000));
  CHECK(ts.server->stats().connections_accepted == kThreads);
  CHECK(ts.engine.disconnects == kThreads);
  CHECK(ts.server->stats().malformed == 0);
}
