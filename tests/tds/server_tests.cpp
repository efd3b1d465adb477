// TdsServer behaviours seen from a raw client: framing, SPIDs, DONE flags,
// RPC handles, binding, certificates, engine failures.
#include "tds_fixture.hpp"
#include "tds/text_codec.hpp"

#include <Poco/Net/SocketAddress.h>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace tdstest;
using raw::Bytes;

namespace {

void send(Poco::Net::StreamSocket& s, const Bytes& b) { s.sendBytes(b.data(), static_cast<int>(b.size())); }

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes batch(const std::string& sql) {
  return raw::packet(0x01, concat(raw::all_headers(), milink::emulator::tds::utf8_to_utf16le(sql)));
}

/// Status words of the last \p count DONE-family tokens, when the reply ends
/// with them (each is 13 bytes in TDS 7.2+).
std::vector<std::uint16_t> trailing_done_statuses(const Bytes& p, int count) {
  std::vector<std::uint16_t> out;
  for (int i = 1; i <= count; ++i) {
    std::size_t at = p.size() - 13 * static_cast<std::size_t>(i);
    out.insert(out.begin(), static_cast<std::uint16_t>(p[at + 1] | (p[at + 2] << 8)));
  }
  return out;
}

Bytes rpc_call(std::uint16_t proc, const std::vector<Bytes>& params) {
  Bytes b = concat(raw::all_headers(), {0xFF, 0xFF, static_cast<std::uint8_t>(proc), static_cast<std::uint8_t>(proc >> 8),
                                        0x00, 0x00});
  for (const auto& p : params) b = concat(b, p);
  return raw::packet(0x03, b);
}

Bytes int_param(std::int32_t v, bool output = false) {
  Bytes p = {0x00, static_cast<std::uint8_t>(output ? 1 : 0), 0x26, 0x04, 0x04};
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return p;
}

Bytes null_int_param(bool output) { return {0x00, static_cast<std::uint8_t>(output ? 1 : 0), 0x26, 0x04, 0x00}; }

Bytes ntext_param(const std::string& s) {
  Bytes p = {0x00, 0x00, 0x63, 0xFF, 0xFF, 0xFF, 0x7F, 0x09, 0x04, 0xD0, 0x00, 0x34};
  Bytes u = milink::emulator::tds::utf8_to_utf16le(s);
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(u.size() >> (8 * i)));
  return concat(p, u);
}

bool has(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("replies are split at the packet size with the session's SPID and rising packet ids", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  send(s, batch("SELECT types"));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  REQUIRE(r.headers.size() >= 3);  // 10 KB of varbinary(max) does not fit one 4096-byte packet
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    CHECK(r.headers[i].type == 0x04);
    CHECK(r.headers[i].spid >= 51);
    CHECK(r.headers[i].spid == r.headers[0].spid);
    CHECK(r.headers[i].id == static_cast<std::uint8_t>(i + 1));
    CHECK(r.headers[i].length <= 4096);
    CHECK((r.headers[i].status & 0x01) == (i + 1 == r.headers.size() ? 1 : 0));
  }
  CHECK(r.payload[0] == 0x81);
  // The last token: DONE, COUNT, SELECT, 3 rows, no MORE.
  CHECK(Bytes(r.payload.end() - 13, r.payload.end()) ==
        Bytes{0xFD, 0x10, 0x00, 0xC1, 0x00, 3, 0, 0, 0, 0, 0, 0, 0});
  CHECK(ts.server->stats().requests == 1);
}

TEST_CASE("every DONE but the last carries DONE_MORE, errors set DONE_ERROR", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  send(s, batch("SELECT 2 sets"));
  raw::Reply two = raw::read_reply(s);
  REQUIRE(two.eom);
  auto st = trailing_done_statuses(two.payload, 1);
  CHECK(st[0] == 0x0010);  // last: COUNT only
  // The first set's DONE sits right before the second COLMETADATA: COUNT|MORE.
  const Bytes first = {0xFD, 0x11, 0x00, 0xC1, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0x81};
  CHECK(std::search(two.payload.begin(), two.payload.end(), first.begin(), first.end()) != two.payload.end());

  send(s, batch("FAIL"));
  raw::Reply fail = raw::read_reply(s);
  REQUIRE(fail.eom);
  CHECK(has(raw::message_numbers(fail.payload), 15151));
  CHECK(trailing_done_statuses(fail.payload, 1)[0] == 0x0002);
}

TEST_CASE("RPC sp_prepare / sp_execute / sp_unprepare by ProcID with handles", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  send(s, rpc_call(11, {null_int_param(true), ntext_param("@P1 int"), ntext_param("SELECT 5"), int_param(1)}));
  raw::Reply prep = raw::read_reply(s);
  REQUIRE(prep.eom);
  // COLMETADATA from describe, RETURNSTATUS 0, RETURNVALUE handle 1, DONEPROC
  CHECK(prep.payload[0] == 0x81);
  const Bytes rv = {0xAC, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x26, 0x04, 0x04, 1, 0, 0, 0};
  CHECK(std::search(prep.payload.begin(), prep.payload.end(), rv.begin(), rv.end()) != prep.payload.end());
  CHECK(Bytes(prep.payload.end() - 13, prep.payload.end()) == Bytes{0xFE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

  send(s, rpc_call(12, {int_param(1), int_param(77)}));
  raw::Reply exec = raw::read_reply(s);
  REQUIRE(exec.eom);
  auto call = ts.engine.last_execute("SELECT 5");
  REQUIRE(call.params.size() == 1);
  CHECK(call.params[0].name == "@P1");
  CHECK(call.params[0].value.as_int64() == 77);
  // ... DONEINPROC(MORE|COUNT) RETURNSTATUS DONEPROC
  const Bytes tail = {0xFF, 0x11, 0x00, 0xC1, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0x79, 0, 0, 0, 0,
                      0xFE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(Bytes(exec.payload.end() - static_cast<std::ptrdiff_t>(tail.size()), exec.payload.end()) == tail);

  send(s, rpc_call(15, {int_param(1)}));
  REQUIRE(raw::read_reply(s).eom);
  send(s, rpc_call(12, {int_param(1)}));
  raw::Reply gone = raw::read_reply(s);
  REQUIRE(gone.eom);
  CHECK(has(raw::message_numbers(gone.payload), 8179));
  CHECK(trailing_done_statuses(gone.payload, 1)[0] == 0x0002);  // DONEPROC with DONE_ERROR
}

TEST_CASE("a raw login failure is ERROR 18456 + DONE_ERROR, then close", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", ts.port()));
  send(s, raw::packet(0x12, raw::prelogin(2)));
  REQUIRE(raw::read_reply(s).eom);
  send(s, raw::packet(0x10, raw::login7("sa", "bad", "somedb")));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  CHECK(has(raw::message_numbers(r.payload), 18456));
  CHECK(trailing_done_statuses(r.payload, 1)[0] == 0x0002);
  CHECK(raw::closed_by_server(s));
  CHECK(ts.engine.last_login_database == "somedb");
  CHECK(ts.server->stats().malformed == 0);
}

TEST_CASE("an engine exception becomes an error and the connection survives", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  send(s, batch("THROW"));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  CHECK(has(raw::message_numbers(r.payload), 50000));
  send(s, batch("SELECT 4"));
  raw::Reply ok = raw::read_reply(s);
  REQUIRE(ok.eom);
  CHECK(ok.payload[0] == 0x81);
}

TEST_CASE("the server listens on ::1 and names the address when it cannot bind", "[tds][server]") {
  ScriptedEngine engine;
  TdsServerOptions v6;
  v6.bind = "::1";
  v6.encryption = Encryption::NotSupported;
  TdsServer server(engine, v6);
  bool have_v6 = true;
  try {
    server.start();
  } catch (const std::runtime_error&) {
    have_v6 = false;  // no IPv6 loopback on this machine
  }
  if (have_v6) {
    CHECK(server.port() != 0);
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("::1", server.port()));
    send(s, raw::packet(0x12, raw::prelogin(2)));
    CHECK(raw::read_reply(s).eom);
  }

  TestServer first(Encryption::NotSupported);
  TdsServerOptions same;
  same.port = first.port();
  same.encryption = Encryption::NotSupported;
  TdsServer clash(engine, same);
  std::string message;
  try {
    clash.start();
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK(message.find("127.0.0.1:" + std::to_string(first.port())) != std::string::npos);
}

TEST_CASE("a PEM certificate from the options serves TLS, a bad one fails start()", "[tds][server][tls]") {
  testsupport::TempDir dir;
  auto gen = testsupport::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                               "/CN=milink-test", "-days", "2", "-keyout", "key.pem", "-out", "cert.pem"},
                              dir.path());
  REQUIRE(gen.exit_code == 0);
  ScriptedEngine engine;
  TdsServerOptions o;
  o.encryption = Encryption::Required;
  o.certificate_pem = testsupport::read_file(dir / "cert.pem");
  o.private_key_pem = testsupport::read_file(dir / "key.pem");
  TdsServer server(engine, o);
  server.start();
  auto r = run_tsql(server.port(), ScriptedEngine::kPassword, "SELECT 2 sets\ngo\nexit\n", "  encryption = require\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(2 rows affected)") != std::string::npos);
  server.stop();

  TdsServerOptions bad = o;
  bad.private_key_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  TdsServer broken(engine, bad);
  CHECK_THROWS_AS(broken.start(), std::runtime_error);
}

TEST_CASE("RPC by name: output parameters come back as RETURNVALUE after RETURNSTATUS", "[tds][server]") {
  TestServer ts(Encryption::NotSupported);
  auto s = raw::logged_in(ts.port());
  auto named = [](const std::string& name, const Bytes& typed_value, bool output) {
    Bytes p = {static_cast<std::uint8_t>(name.size())};
    p = concat(p, raw::ucs2(name));
    p.push_back(output ? 1 : 0);
    return concat(p, typed_value);
  };
  const std::string proc = "milink_double";
  Bytes body = concat(raw::all_headers(), {static_cast<std::uint8_t>(proc.size()), 0x00});
  body = concat(body, raw::ucs2(proc));
  body = concat(body, {0x00, 0x00});
  body = concat(body, named("@in", {0x26, 0x04, 0x04, 21, 0, 0, 0}, false));
  body = concat(body, named("@result", {0x26, 0x04, 0x00}, true));
  send(s, raw::packet(0x03, body));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  // RETURNSTATUS 7, RETURNVALUE ordinal 1 "@result" output INTN(4) 42, DONEPROC
  Bytes expected = {0x79, 7, 0, 0, 0, 0xAC, 0x01, 0x00, 0x07};
  expected = concat(expected, raw::ucs2("@result"));
  expected = concat(expected, {0x01, 0, 0, 0, 0, 0x01, 0x00, 0x26, 0x04, 0x04, 42, 0, 0, 0,
                               0xFE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(r.payload == expected);
  auto calls = ts.engine.calls();
  REQUIRE(!calls.empty());
  CHECK(calls.back().kind == "procedure");
  REQUIRE(calls.back().params.size() == 2);
  CHECK(calls.back().params[0].name == "@in");
  CHECK(calls.back().params[1].output);

  // Unknown procedure: the engine's error, DONEPROC with DONE_ERROR.
  const std::string missing = "no_such_proc";
  Bytes body2 = concat(raw::all_headers(), {static_cast<std::uint8_t>(missing.size()), 0x00});
  body2 = concat(concat(body2, raw::ucs2(missing)), {0x00, 0x00});
  send(s, raw::packet(0x03, body2));
  raw::Reply r2 = raw::read_reply(s);
  REQUIRE(r2.eom);
  CHECK(has(raw::message_numbers(r2.payload), 2812));
  CHECK(Bytes(r2.payload.end() - 13, r2.payload.end()) == Bytes{0xFE, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
}
