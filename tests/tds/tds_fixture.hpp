//===- tests/tds/tds_fixture.hpp - Servers and clients for TDS tests -*- C++ -*-===//
#pragma once

#include "scripted_engine.hpp"
#include "tds/tds_server.hpp"
#include "test_support.hpp"

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tdstest {

/// A TdsServer on 127.0.0.1:ephemeral over a ScriptedEngine.
struct TestServer {
  explicit TestServer(Encryption encryption = Encryption::Off, int max_connections = 1024);
  /// With these options (timeouts, limits).
  explicit TestServer(const TdsServerOptions& options);
  ~TestServer();
  ScriptedEngine engine;
  std::unique_ptr<TdsServer> server;
  std::uint16_t port() const { return server->port(); }
};

/// Options with short login and packet deadlines (600 ms), for the tests of
/// stalled clients.
TdsServerOptions short_deadlines(Encryption encryption);

/// FreeTDS ODBC connection string (DSN-less).
std::string odbc_string(std::uint16_t port, const std::string& password = ScriptedEngine::kPassword,
                        const std::string& encryption = "off", const std::string& extra = "");

/// Runs tsql with a freetds.conf holding \p conf_lines in [global], feeding
/// \p script on stdin.
testsupport::ProcessResult run_tsql(std::uint16_t port, const std::string& password, const std::string& script,
                                    const std::string& conf_lines = "",
                                    const std::map<std::string, std::string>& env = {});
/// Runs `isql -k <connection string> -b` with \p script on stdin.
testsupport::ProcessResult run_isql(const std::string& connection_string, const std::string& script);

/// Raw TDS over a socket, for malformed input.
namespace raw {
using Bytes = std::vector<std::uint8_t>;
Bytes packet(std::uint8_t type, const Bytes& payload, std::uint8_t status = 0x01);
/// A FreeTDS-like PRELOGIN payload asking for \p encryption (2 = NOT_SUP).
Bytes prelogin(std::uint8_t encryption = 2);
/// A TDS 7.4 LOGIN7 payload.
Bytes login7(const std::string& user, const std::string& password, const std::string& database = "");
Bytes all_headers();
/// A TCP connection to 127.0.0.1:\p port.
Poco::Net::StreamSocket connect(std::uint16_t port);
/// Sends every byte of \p b.
void send(Poco::Net::StreamSocket& s, const Bytes& b);
/// \p a followed by \p b.
Bytes concat(Bytes a, const Bytes& b);
Bytes ucs2(const std::string& ascii);

struct Header {
  std::uint8_t type = 0, status = 0, id = 0;
  std::uint16_t length = 0, spid = 0;
};
struct Reply {
  Bytes payload;      ///< every packet's payload up to EOM
  std::vector<Header> headers;
  bool eom = false;   ///< a full message arrived
  bool closed = false;  ///< the server closed (EOF/reset) while or after reading
};
/// Reads one reply message (up to EOM), or until the server closes.
Reply read_reply(Poco::Net::StreamSocket& s);
/// True when the server closes the connection within a few seconds.
bool closed_by_server(Poco::Net::StreamSocket& s);
/// Error/info numbers found in a token stream (ERROR/INFO tokens).
std::vector<int> message_numbers(const Bytes& tokens);
/// Connects, does PRELOGIN (no TLS) and LOGIN7 as sa; REQUIREs success.
Poco::Net::StreamSocket logged_in(std::uint16_t port);
}  // namespace raw

}  // namespace tdstest
