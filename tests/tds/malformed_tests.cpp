// Malformed TDS over raw sockets: each bad connection gets error 4002 (when it
// can still read it) and is closed; nothing else is disturbed.
#include "tds_fixture.hpp"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Net/SocketAddress.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

using namespace tdstest;
using namespace Poco::Data::Keywords;
using raw::Bytes;
using raw::concat;
using raw::connect;
using raw::send;

namespace {

bool has(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

/// The server answers 4002 and closes.
void expect_rejected(Poco::Net::StreamSocket& s) {
  raw::Reply r = raw::read_reply(s);
  CHECK(r.eom);
  CHECK(has(raw::message_numbers(r.payload), 4002));
  CHECK(raw::closed_by_server(s));
}

Bytes prelogin_reply_ok(Poco::Net::StreamSocket& s) {
  send(s, raw::packet(0x12, raw::prelogin(2)));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  return r.payload;
}

}  // namespace

TEST_CASE("malformed packets close only their own connection", "[tds][malformed]") {
  TestServer ts(Encryption::NotSupported);
  Poco::Data::ODBC::Connector::registerConnector();
  Poco::Data::Session healthy("ODBC", odbc_string(ts.port()));
  auto healthy_works = [&](int n) {
    int v = 0;
    healthy << ("SELECT " + std::to_string(n)), into(v), now;
    return v == n;
  };
  REQUIRE(healthy_works(1));
  std::uint64_t malformed = ts.server->stats().malformed;
  auto one_more = [&] {
    bool ok = testsupport::eventually([&] { return ts.server->stats().malformed == malformed + 1; }, 5000);
    malformed = ts.server->stats().malformed;
    return ok;
  };

  SECTION("garbage before PRELOGIN") {
    auto s = connect(ts.port());
    std::string http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    send(s, Bytes(http.begin(), http.end()));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a packet length beyond 32767") {
    auto s = connect(ts.port());
    send(s, {0x12, 0x01, 0xFF, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x00});
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a packet length shorter than its header") {
    auto s = connect(ts.port());
    send(s, {0x12, 0x01, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00});
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a PRELOGIN whose option table points outside the packet") {
    auto s = connect(ts.port());
    send(s, raw::packet(0x12, {0x00, 0x7F, 0x00, 0x00, 0x06, 0xFF}));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("LOGIN7 before PRELOGIN") {
    auto s = connect(ts.port());
    send(s, raw::packet(0x10, raw::login7("sa", ScriptedEngine::kPassword)));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a truncated LOGIN7") {
    auto s = connect(ts.port());
    prelogin_reply_ok(s);
    Bytes login = raw::login7("sa", ScriptedEngine::kPassword);
    login.resize(50);
    send(s, raw::packet(0x10, login));
    expect_rejected(s);
    CHECK(one_more());
    CHECK(ts.engine.logins == 1);  // only the healthy session
  }
  SECTION("a LOGIN7 with an impossible offset") {
    auto s = connect(ts.port());
    prelogin_reply_ok(s);
    Bytes login = raw::login7("sa", ScriptedEngine::kPassword);
    login[40] = 0x30;  // ibUserName = 0x7530
    login[41] = 0x75;
    send(s, raw::packet(0x10, login));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("an RPC with truncated parameters after a valid login") {
    auto s = raw::logged_in(ts.port());
    Bytes rpc = raw::all_headers();
    rpc = concat(rpc, {0xFF, 0xFF, 0x0A, 0x00, 0x00, 0x00});          // sp_executesql, no options
    rpc = concat(rpc, {0x00, 0x00, 0xE7, 0x40, 0x1F, 0x09, 0x04, 0xD0, 0x00, 0x34});  // "", NVARCHAR(4000)
    rpc = concat(rpc, {0x64, 0x00});                                  // 100 bytes follow...
    rpc = concat(rpc, raw::ucs2("SELECT"));                           // ...but only 12 do
    send(s, raw::packet(0x03, rpc));
    expect_rejected(s);
    CHECK(one_more());
    CHECK(ts.engine.last_execute("SELECT").text != "SELECT");
  }
  SECTION("an RPC parameter of an unknown type") {
    auto s = raw::logged_in(ts.port());
    Bytes rpc = concat(raw::all_headers(), {0xFF, 0xFF, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x99, 0x01, 0x02});
    send(s, raw::packet(0x03, rpc));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("PRELOGIN after login (wrong packet order)") {
    auto s = raw::logged_in(ts.port());
    send(s, raw::packet(0x12, raw::prelogin(2)));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a packet far larger than the negotiated size") {
    auto s = raw::logged_in(ts.port());
    Bytes batch = concat(raw::all_headers(), raw::ucs2(std::string(10000, 'x')));
    send(s, raw::packet(0x01, batch));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("a message that changes packet type halfway") {
    auto s = raw::logged_in(ts.port());
    Bytes part = concat(raw::all_headers(), raw::ucs2("SELECT "));
    send(s, concat(raw::packet(0x01, part, 0x00), raw::packet(0x03, raw::ucs2("1"))));
    expect_rejected(s);
    CHECK(one_more());
  }
  SECTION("ALL_HEADERS with an impossible total length") {
    auto s = raw::logged_in(ts.port());
    Bytes batch = concat({0xFF, 0x00, 0x00, 0x00}, raw::ucs2("SELECT 1"));
    send(s, raw::packet(0x01, batch));
    expect_rejected(s);
    CHECK(one_more());
  }

  CHECK(healthy_works(2));
  CHECK(ts.server->stats().connections_active >= 1);
}

TEST_CASE("a raw client's batch and ATTENTION: the reply, then DONE_ATTN on its own, and the session goes on",
          "[tds][malformed][attention]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  Bytes batch = raw::packet(0x01, concat(raw::all_headers(), raw::ucs2("SELECT big")));
  Bytes attention = raw::packet(0x06, {});
  // Both in one write: the attention is waiting before the reply starts, so
  // the reply is cut before its first token.
  send(s, concat(batch, attention));
  // As SQL Server answers: first the reply to the cancelled request (cut
  // before its first token, so a lone final DONE), then the acknowledgement,
  // DONE with DONE_ATTN, as a message of its own.
  raw::Reply first = raw::read_reply(s);
  REQUIRE(first.eom);
  REQUIRE(first.payload.size() == 13);
  CHECK(first.payload[0] == 0xFD);
  CHECK((first.payload[1] & 0x21) == 0);  // neither DONE_MORE nor DONE_ATTN
  raw::Reply ack = raw::read_reply(s);
  REQUIRE(ack.eom);
  REQUIRE(ack.payload.size() == 13);
  CHECK(ack.payload[0] == 0xFD);
  CHECK((ack.payload[1] & 0x20) != 0);
  CHECK(ts.engine.last_execute("SELECT big").text == "SELECT big");

  // The connection still serves requests.
  send(s, raw::packet(0x01, concat(raw::all_headers(), raw::ucs2("SELECT 77"))));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  CHECK(r.payload[0] == 0x81);  // COLMETADATA
  CHECK(ts.server->stats().malformed == 0);
}

TEST_CASE("an ENCRYPT_NOT_SUP client is refused by a Required server", "[tds][malformed][tls]") {
  TestServer ts(Encryption::Required);
  auto s = connect(ts.port());
  Bytes reply = prelogin_reply_ok(s);
  // Option table: find ENCRYPTION (token 1) and its byte.
  std::size_t i = 0;
  int enc = -1;
  while (i + 5 <= reply.size() && reply[i] != 0xFF) {
    if (reply[i] == 0x01) enc = reply[(reply[i + 1] << 8) | reply[i + 2]];
    i += 5;
  }
  CHECK(enc == 0x03);  // ENCRYPT_REQ
  CHECK(raw::closed_by_server(s));
  CHECK(ts.server->stats().malformed == 0);
  CHECK(ts.engine.logins == 0);
}

TEST_CASE("mutated PRELOGIN, LOGIN7 and request payloads never break the server", "[tds][malformed][fuzz]") {
  TestServer ts(Encryption::NotSupported);
  // TDS_FUZZ_SEED / TDS_FUZZ_ITERATIONS explore further by hand.
  const char* seed_env = std::getenv("TDS_FUZZ_SEED");
  const char* iter_env = std::getenv("TDS_FUZZ_ITERATIONS");
  const int iterations = iter_env ? std::atoi(iter_env) : 450;
  std::mt19937 rng(seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 20240229u);
  auto mutate = [&](Bytes b) {
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !b.empty(); ++e) {
      switch (rng() % 4) {
        case 0: b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        case 1: b[rng() % b.size()] = static_cast<std::uint8_t>(rng()); break;
        case 2: b.resize(rng() % b.size()); break;
        default: b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng() % b.size()), static_cast<std::uint8_t>(rng())); break;
      }
    }
    return b;
  };
  auto rpc = concat(raw::all_headers(), {0xFF, 0xFF, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0xFF, 0xFF, 0xFF,
                                         0x7F, 0x09, 0x04, 0xD0, 0x00, 0x34, 0x10, 0x00, 0x00, 0x00});
  rpc = concat(rpc, raw::ucs2("SELECT 12"));
  rpc.resize(rpc.size() - 2);  // 16 bytes of text as announced
  rpc = concat(rpc, {0x00, 0x00, 0x26, 0x04, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xA5, 0xFF, 0xFF, 0x02, 0, 0,
                     0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0xAB, 0xCD, 0, 0, 0, 0});
  const Bytes batch = concat(raw::all_headers(), raw::ucs2("SELECT 3"));
  const Bytes tm = concat(raw::all_headers(), {0x07, 0x00, 0x00, 0x01, 0x00, 0x00});

  int replies = 0, closes = 0;
  for (int i = 0; i < iterations; ++i) {
    const int phase = i % 3;
    Poco::Net::StreamSocket s = phase == 2 ? raw::logged_in(ts.port()) : connect(ts.port());
    if (phase == 1) prelogin_reply_ok(s);
    Bytes payload;
    std::uint8_t type;
    if (phase == 0) {
      payload = mutate(raw::prelogin(2));
      type = 0x12;
    } else if (phase == 1) {
      payload = mutate(raw::login7("sa", ScriptedEngine::kPassword));
      type = 0x10;
    } else {
      const Bytes* base[] = {&rpc, &batch, &tm};
      const std::uint8_t types[] = {0x03, 0x01, 0x0E};
      std::size_t k = rng() % 3;
      payload = mutate(*base[k]);
      type = types[k];
    }
    if (payload.size() > 4000) payload.resize(4000);
    send(s, raw::packet(type, payload));
    raw::Reply r = raw::read_reply(s);
    (r.eom ? replies : closes)++;
  }
  CHECK(replies + closes == iterations);
  CHECK(replies > 0);
  CHECK(ts.server->stats().malformed > 0);
  CHECK(testsupport::eventually([&] { return ts.server->stats().connections_active == 0; }, 10000));
  auto s = raw::logged_in(ts.port());
  send(s, raw::packet(0x01, concat(raw::all_headers(), raw::ucs2("SELECT 5"))));
  raw::Reply ok = raw::read_reply(s);
  REQUIRE(ok.eom);
  CHECK(ok.payload[0] == 0x81);
}
