// Slow and stalled TDS clients over raw sockets: half a packet then silence,
// or a PRELOGIN / LOGIN7 / request trickled a byte at a time, is closed at
// the login or packet deadline while a healthy client is served; a client
// idle between requests is not. The deadlines are short here so that the
// test is.
#include "tds_fixture.hpp"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Net/SocketAddress.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace tdstest;
using namespace Poco::Data::Keywords;
using raw::Bytes;
using raw::concat;
using raw::connect;
using raw::send;

namespace {

/// Sends \p bytes one at a time, 50 ms apart (at most 20 s); true as soon as
/// the server closes the connection.
bool trickle_until_closed(Poco::Net::StreamSocket& s, const Bytes& bytes) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (std::size_t i = 0; i < bytes.size() && std::chrono::steady_clock::now() < give_up; ++i) {
    try {
      s.sendBytes(&bytes[i], 1);
      if (s.poll(Poco::Timespan(0, 50 * 1000), Poco::Net::Socket::SELECT_READ)) {
        std::uint8_t buf[4096];
        if (s.receiveBytes(buf, sizeof buf) <= 0) return true;
      }
    } catch (...) {
      return true;  // reset
    }
  }
  return false;
}

}  // namespace

TEST_CASE("stalled and trickling TDS clients are closed at their deadline, others are served", "[tds][slow]") {
  TestServer ts(short_deadlines(Encryption::NotSupported));
  Poco::Data::ODBC::Connector::registerConnector();
  auto healthy_works = [&] {
    Poco::Data::Session healthy("ODBC", odbc_string(ts.port()));
    int v = 0;
    healthy << "SELECT 7", into(v), now;
    return v == 7;
  };

  SECTION("half a PRELOGIN packet, then silence") {
    auto s = connect(ts.port());
    Bytes pre = raw::packet(0x12, raw::prelogin(2));
    send(s, Bytes(pre.begin(), pre.begin() + 5));
    CHECK(healthy_works());
    CHECK(raw::closed_by_server(s));
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("nothing at all after connecting") {
    auto s = connect(ts.port());
    CHECK(raw::closed_by_server(s));
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("a PRELOGIN trickled a byte at a time") {
    auto s = connect(ts.port());
    std::thread other([&] { CHECK(healthy_works()); });
    CHECK(trickle_until_closed(s, raw::packet(0x12, raw::prelogin(2))));
    other.join();
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("a LOGIN7 trickled a byte at a time, each packet whole but late") {
    auto s = connect(ts.port());
    send(s, raw::packet(0x12, raw::prelogin(2)));
    REQUIRE(raw::read_reply(s).eom);
    // Each byte is its own packet of a multi-packet message: every packet
    // arrives in time, the login as a whole does not.
    Bytes login = raw::login7("sa", ScriptedEngine::kPassword);
    Bytes packets;
    for (std::size_t i = 0; i < login.size(); ++i)
      packets = concat(packets, raw::packet(0x10, {login[i]}, i + 1 == login.size() ? 0x01 : 0x00));
    bool closed = false;
    for (std::size_t i = 0; i < packets.size() && !closed; i += 9)
      closed = trickle_until_closed(s, Bytes(packets.begin() + static_cast<std::ptrdiff_t>(i),
                                             packets.begin() + static_cast<std::ptrdiff_t>(std::min(i + 9, packets.size()))));
    CHECK(closed);
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("after login, half a request packet, then silence") {
    auto s = raw::logged_in(ts.port());
    Bytes batch = raw::packet(0x01, concat(raw::all_headers(), raw::ucs2("SELECT 1")));
    send(s, Bytes(batch.begin(), batch.begin() + 12));
    CHECK(healthy_works());
    CHECK(raw::closed_by_server(s));
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("after login, a request trickled a byte at a time") {
    auto s = raw::logged_in(ts.port());
    CHECK(trickle_until_closed(s, raw::packet(0x01, concat(raw::all_headers(), raw::ucs2(std::string(200, ' '))))));
    CHECK(ts.server->stats().timed_out == 1);
  }
  SECTION("a connection idle between requests for longer than the deadlines is still served") {
    auto s = raw::logged_in(ts.port());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    send(s, raw::packet(0x01, concat(raw::all_headers(), raw::ucs2("SELECT 1"))));
    raw::Reply r = raw::read_reply(s);
    CHECK(r.eom);
    CHECK_FALSE(r.closed);
    CHECK(ts.server->stats().timed_out == 0);
  }
}
