#include "tds_fixture.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <catch2/catch.hpp>

#include <fstream>

namespace tdstest {

TestServer::TestServer(Encryption encryption, int max_connections) {
  TdsServerOptions o;
  o.encryption = encryption;
  o.max_connections = max_connections;
  server = std::make_unique<TdsServer>(engine, o);
  server->start();
}

TestServer::TestServer(const TdsServerOptions& options) {
  server = std::make_unique<TdsServer>(engine, options);
  server->start();
}

TestServer::~TestServer() { server->stop(); }

TdsServerOptions short_deadlines(Encryption encryption) {
  TdsServerOptions o;
  o.encryption = encryption;
  o.login_timeout = std::chrono::milliseconds(600);
  o.packet_timeout = std::chrono::milliseconds(600);
  return o;
}

std::string odbc_string(std::uint16_t port, const std::string& password, const std::string& encryption,
                        const std::string& extra) {
  return "Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(port) + ";TDS_Version=7.4;UID=sa;PWD=" + password +
         ";ClientCharset=UTF-8;Encryption=" + encryption + ";" + extra;
}

namespace {
testsupport::ProcessResult run_shell(const std::string& cmd, const std::string& script,
                                     const std::map<std::string, std::string>& env, testsupport::TempDir& dir) {
  testsupport::write_file(dir / "input.sql", script);
  return testsupport::run({"/bin/sh", "-c", cmd + " < input.sql"}, dir.path(), env);
}
}  // namespace

testsupport::ProcessResult run_tsql(std::uint16_t port, const std::string& password, const std::string& script,
                                    const std::string& conf_lines, const std::map<std::string, std::string>& env) {
  testsupport::TempDir dir;
  testsupport::write_file(dir / "freetds.conf", "[global]\n  client charset = UTF-8\n" + conf_lines + "\n");
  std::string cmd = "tsql -H 127.0.0.1 -p " + std::to_string(port) + " -U sa -P '" + password + "'";
  std::map<std::string, std::string> all = {
      {"FREETDSCONF", (dir / "freetds.conf").string()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}};
  for (const auto& [k, v] : env) all[k] = v;
  return run_shell(cmd, script, all, dir);
}

testsupport::ProcessResult run_isql(const std::string& connection_string, const std::string& script) {
  testsupport::TempDir dir;
  testsupport::write_file(dir / "freetds.conf", "[global]\n");
  return run_shell("isql -k '" + connection_string + "' -b -v", script,
                   {{"FREETDSCONF", (dir / "freetds.conf").string()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}},
                   dir);
}

namespace raw {

Bytes packet(std::uint8_t type, const Bytes& payload, std::uint8_t status) {
  std::size_t len = payload.size() + 8;
  Bytes p = {type, status, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0, 0, 1, 0};
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

Bytes ucs2(const std::string& ascii) {
  Bytes b;
  for (char c : ascii) {
    b.push_back(static_cast<std::uint8_t>(c));
    b.push_back(0);
  }
  return b;
}

Bytes prelogin(std::uint8_t encryption) {
  // VERSION, ENCRYPTION, INSTOPT, THREADID, MARS, terminator (as FreeTDS 1.3.17 sends it)
  Bytes p = {0x00, 0x00, 0x1a, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x01, 0x02, 0x00, 0x21, 0x00,
             0x0c, 0x03, 0x00, 0x2d, 0x00, 0x04, 0x04, 0x00, 0x31, 0x00, 0x01, 0xff};
  Bytes data = {0x09, 0x00, 0x00, 0x00, 0x00, 0x00, encryption};
  std::string inst = "MSSQLServer";
  data.insert(data.end(), inst.begin(), inst.end());
  data.push_back(0);
  data.insert(data.end(), {0x39, 0x30, 0x00, 0x00, 0x00});
  p.insert(p.end(), data.begin(), data.end());
  return p;
}

Bytes login7(const std::string& user, const std::string& password, const std::string& database) {
  auto u16 = [](Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v);
    b[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  auto u32 = [](Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  Bytes b(94, 0);
  u32(b, 4, 0x74000004);
  u32(b, 8, 4096);
  b[24] = 0xE0;
  b[25] = 0x03;
  Bytes data;
  auto field = [&](std::size_t at, const std::string& s, bool pw) {
    Bytes v = ucs2(s);
    if (pw)
      for (auto& x : v) x = static_cast<std::uint8_t>(((x << 4) | (x >> 4)) ^ 0xA5);
    u16(b, at, static_cast<std::uint16_t>(94 + data.size()));
    u16(b, at + 2, static_cast<std::uint16_t>(s.size()));
    data.insert(data.end(), v.begin(), v.end());
  };
  field(36, "testhost", false);
  field(40, user, false);
  field(44, password, true);
  field(48, "rawtest", false);
  field(52, "127.0.0.1", false);
  field(60, "raw", false);
  field(64, "us_english", false);
  field(68, database, false);
  b.insert(b.end(), data.begin(), data.end());
  u32(b, 0, static_cast<std::uint32_t>(b.size()));
  return b;
}

Bytes all_headers() {
  return {0x16, 0, 0, 0, 0x12, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0};
}

Reply read_reply(Poco::Net::StreamSocket& s) {
  Reply r;
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  auto read_exact = [&](std::uint8_t* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      int k = 0;
      try {
        k = s.receiveBytes(buf + got, static_cast<int>(n - got));
      } catch (...) {
        return false;
      }
      if (k <= 0) return false;
      got += static_cast<std::size_t>(k);
    }
    return true;
  };
  for (;;) {
    std::uint8_t h[8];
    if (!read_exact(h, 8)) {
      r.closed = true;
      return r;
    }
    std::size_t len = (std::size_t(h[2]) << 8) | h[3];
    r.headers.push_back(Header{h[0], h[1], h[6], static_cast<std::uint16_t>(len),
                               static_cast<std::uint16_t>((h[4] << 8) | h[5])});
    if (len < 8) {
      r.closed = true;
      return r;
    }
    Bytes body(len - 8);
    if (!body.empty() && !read_exact(body.data(), body.size())) {
      r.closed = true;
      return r;
    }
    r.payload.insert(r.payload.end(), body.begin(), body.end());
    if (h[1] & 0x01) {
      r.eom = true;
      return r;
    }
  }
}

Poco::Net::StreamSocket connect(std::uint16_t port) {
  return Poco::Net::StreamSocket(Poco::Net::SocketAddress("127.0.0.1", port));
}

void send(Poco::Net::StreamSocket& s, const Bytes& b) { s.sendBytes(b.data(), static_cast<int>(b.size())); }

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool closed_by_server(Poco::Net::StreamSocket& s) {
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  std::uint8_t buf[4096];
  for (int i = 0; i < 100; ++i) {
    int k = 0;
    try {
      k = s.receiveBytes(buf, sizeof buf);
    } catch (const Poco::TimeoutException&) {
      return false;
    } catch (...) {
      return true;  // reset
    }
    if (k <= 0) return true;
  }
  return false;
}

std::vector<int> message_numbers(const Bytes& t) {
  // Scans for ERROR/INFO tokens: 0xAA/0xAB, u16 length, i32 number. Good
  // enough for replies built of messages, ENVCHANGE, LOGINACK and DONE.
  std::vector<int> out;
  std::size_t i = 0;
  while (i < t.size()) {
    std::uint8_t tok = t[i];
    if ((tok == 0xAA || tok == 0xAB || tok == 0xE3 || tok == 0xAD) && i + 3 <= t.size()) {
      std::size_t len = t[i + 1] | (t[i + 2] << 8);
      if ((tok == 0xAA || tok == 0xAB) && i + 7 <= t.size())
        out.push_back(static_cast<int>(t[i + 3] | (t[i + 4] << 8) | (t[i + 5] << 16) | (std::uint32_t(t[i + 6]) << 24)));
      i += 3 + len;
    } else if (tok == 0xFD || tok == 0xFE || tok == 0xFF) {
      i += 13;
    } else if (tok == 0x79) {
      i += 5;
    } else {
      break;  // a token this scanner does not know
    }
  }
  return out;
}

Poco::Net::StreamSocket logged_in(std::uint16_t port) {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
  auto pre = packet(0x12, prelogin(2));
  s.sendBytes(pre.data(), static_cast<int>(pre.size()));
  Reply r1 = read_reply(s);
  REQUIRE(r1.eom);
  auto login = packet(0x10, login7("sa", ScriptedEngine::kPassword));
  s.sendBytes(login.data(), static_cast<int>(login.size()));
  Reply r2 = read_reply(s);
  REQUIRE(r2.eom);
  REQUIRE(std::find(r2.payload.begin(), r2.payload.end(), 0xAD) != r2.payload.end());  // LOGINACK
  return s;
}

}  // namespace raw

}  // namespace tdstest
