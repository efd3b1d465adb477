// POCO Data ODBC (unixODBC + FreeTDS driver) in-process against the TDS layer:
// the path milink's own SQL takes.
#include "tds_fixture.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/ODBC/ODBCException.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/DateTime.h>
#include <Poco/Exception.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace tdstest;
using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using DbSession = Poco::Data::Session;
using Poco::Data::Statement;

namespace {

DbSession open_session(std::uint16_t port, const std::string& password = ScriptedEngine::kPassword,
                     const std::string& encryption = "off") {
  static const bool registered = [] {
    Poco::Data::ODBC::Connector::registerConnector();
    return true;
  }();
  (void)registered;
  DbSession s("ODBC", odbc_string(port, password, encryption));
  s.setProperty("maxFieldSize", Poco::Any(std::size_t(1 << 20)));
  return s;
}

bool has_native_error(const Poco::Data::ODBC::StatementException& e, long number, const std::string& text) {
  const auto& d = e.diagnostics();
  for (int i = 0; i < d.count(); ++i)
    if (d.nativeError(i) == number && d.message(i).find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("POCO reads int, bigint, nvarchar, varbinary(max), datetime2, bit, float and NULL", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  // POCO asked for the type table on open.
  CHECK(ts.engine.last_execute("sp_datatype_info_100").text.find("sp_datatype_info_100 0,3") != std::string::npos);

  Statement st = (s << "SELECT types", now);
  RecordSet rs(st);
  REQUIRE(rs.columnCount() == 8);
  REQUIRE(rs.rowCount() == 3);
  CHECK(rs.columnName(0) == "i");
  CHECK(rs.columnName(7) == "n");

  CHECK(rs.value("i", 0).convert<int>() == 42);
  CHECK(rs.value("b", 0).convert<Poco::Int64>() == 9007199254740993LL);
  CHECK(rs.value("s", 0).convert<std::string>() == "béta ü €");
  auto blob = rs.value("bin", 0).extract<Poco::Data::BLOB>();
  CHECK(blob.size() == 10240);
  CHECK(std::vector<unsigned char>(blob.begin(), blob.end()) == big_blob());
  auto dt = rs.value("dt", 0).extract<Poco::DateTime>();
  CHECK(dt.year() == 2024);
  CHECK(dt.month() == 2);
  CHECK(dt.day() == 29);
  CHECK(dt.hour() == 13);
  CHECK(dt.minute() == 45);
  CHECK(dt.second() == 30);
  CHECK(dt.millisecond() == 123);
  CHECK(rs.value("flag", 0).convert<bool>() == true);
  CHECK(rs.value("fl", 0).convert<double>() == 3.5);
  CHECK(rs.isNull(7, 0));

  CHECK(rs.value("i", 1).convert<int>() == -7);
  CHECK(rs.isNull(1, 1));
  CHECK(rs.value("s", 1).convert<std::string>() == "alpha");
  auto small = rs.value("bin", 1).extract<Poco::Data::BLOB>();
  CHECK(std::vector<unsigned char>(small.begin(), small.end()) == std::vector<unsigned char>{0, 1, 2, 255});
  CHECK(rs.value("flag", 1).convert<bool>() == false);
  CHECK(rs.value("n", 1).convert<std::string>() == "x");
  for (std::size_t c = 0; c < 8; ++c) CHECK(rs.isNull(c, 2));

  // POCO prepares (sp_prepare, COLMETADATA from describe) then runs sp_execute.
  CHECK(ts.engine.describes >= 1);
}

TEST_CASE("POCO bound parameters reach the engine with names and values", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  int n = 42;
  std::string text = "héllo wörld €";
  std::vector<unsigned char> bytes = {0xDE, 0xAD, 0x00, 0xBE, 0xEF};
  Poco::Data::BLOB blob(bytes);
  Statement st = (s << "SELECT echo ?, ?, ?", use(n), use(text), use(blob), now);

  RecordedCall call = ts.engine.last_execute("SELECT echo");
  REQUIRE(call.params.size() == 3);
  CHECK(call.text == "SELECT echo @P1, @P2, @P3");
  CHECK(call.params[0].name == "@P1");
  CHECK(call.params[0].value == milink::sdk::SqlValue::integer(42));
  CHECK(call.params[1].name == "@P2");
  CHECK(call.params[1].value.as_string() == "héllo wörld €");  // VARCHAR sent in CP1252, decoded back
  CHECK(call.params[2].name == "@P3");
  CHECK(call.params[2].value.as_bytes() == std::vector<std::uint8_t>(bytes.begin(), bytes.end()));

  RecordSet rs(st);
  REQUIRE(rs.rowCount() == 1);
  CHECK(rs.value("P1", 0).convert<int>() == 42);
  CHECK(rs.value("P2", 0).convert<std::string>() == "héllo wörld €");
  auto back = rs.value("P3", 0).extract<Poco::Data::BLOB>();
  CHECK(std::vector<unsigned char>(back.begin(), back.end()) == bytes);

  // A long string parameter goes as VARCHAR(MAX) in PLP chunks.
  std::string long_text(7000, 'q');
  long_text += "é";
  s << "SELECT echo ?", use(long_text), now;
  call = ts.engine.last_execute("SELECT echo");
  REQUIRE(call.params.size() == 1);
  CHECK(call.params[0].value.as_string() == long_text);
}

TEST_CASE("POCO: an engine error is a StatementException with native error 15151, the session stays usable",
          "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  bool thrown = false;
  try {
    s << "FAIL", now;
  } catch (const Poco::Data::ODBC::StatementException& e) {
    thrown = true;
    CHECK(has_native_error(e, 15151, "Cannot find the login 'ghost'"));
  }
  CHECK(thrown);
  int v = 0;
  s << "SELECT 5", into(v), now;
  CHECK(v == 5);
  std::size_t affected = 0;
  Statement ins = (s << "INSERT rows");
  affected = ins.execute();
  CHECK(affected == 3);
}

TEST_CASE("POCO login with a wrong password fails with 18456", "[tds][poco]") {
  TestServer ts;
  std::string text;
  try {
    open_session(ts.port(), "wrong password");
  } catch (const Poco::Data::ConnectionFailedException& e) {
    text = e.displayText();
  }
  INFO(text);
  CHECK(text.find("18456") != std::string::npos);
  CHECK(text.find("Login failed for user 'sa'") != std::string::npos);
  CHECK(ts.engine.failed_logins == 1);
  CHECK(ts.engine.last_login_password == "wrong password");
}

TEST_CASE("POCO over TLS: Encryption=require against On and Required servers", "[tds][poco][tls]") {
  auto mode = GENERATE(Encryption::On, Encryption::Required);
  TestServer ts(mode);
  DbSession s = open_session(ts.port(), ScriptedEngine::kPassword, "require");
  Statement st = (s << "SELECT types", now);
  RecordSet rs(st);
  REQUIRE(rs.rowCount() == 3);
  CHECK(rs.value("s", 0).convert<std::string>() == "béta ü €");
  CHECK(rs.value("bin", 0).extract<Poco::Data::BLOB>().size() == 10240);
  int n = 9;
  std::string str = "tls";
  s << "SELECT echo ?, ?", use(n), use(str), now;
  auto call = ts.engine.last_execute("SELECT echo");
  REQUIRE(call.params.size() == 2);
  CHECK(call.params[1].value.as_string() == "tls");
}

TEST_CASE("POCO with Encryption=request against an Off server (login-only TLS)", "[tds][poco][tls]") {
  TestServer ts(Encryption::Off);
  DbSession s = open_session(ts.port(), ScriptedEngine::kPassword, "request");
  int v = 0;
  s << "SELECT 31", into(v), now;
  CHECK(v == 31);
  CHECK(ts.engine.last_login_password == ScriptedEngine::kPassword);
}

TEST_CASE("POCO with Encryption=off is refused by a Required server", "[tds][poco][tls]") {
  TestServer ts(Encryption::Required);
  bool failed = false;
  std::string text;
  try {
    open_session(ts.port(), ScriptedEngine::kPassword, "off");
  } catch (const Poco::Data::ConnectionFailedException& e) {
    failed = true;
    text = e.displayText();
  }
  INFO(text);
  CHECK(failed);
  // FreeTDS starts TLS even with Encryption=off once the server says
  // ENCRYPT_REQ; the server closes instead of answering it.
  CHECK(text.find("Unexpected EOF from the server") != std::string::npos);
  CHECK(ts.engine.logins == 0);
}

TEST_CASE("POCO transactions become TRANSACTION_MANAGER requests", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  s.setFeature("autoCommit", false);
  CHECK(ts.engine.begins == 1);
  int v = 0;
  s << "SELECT 8", into(v), now;
  CHECK(v == 8);
  s.commit();
  CHECK(ts.engine.commits == 1);
  CHECK(ts.engine.begins == 2);  // COMMIT with fBeginXact starts the next one
  s.rollback();
  CHECK(ts.engine.rollbacks == 1);
  s.setFeature("autoCommit", true);
  s << "SELECT 9", into(v), now;
  CHECK(v == 9);
}

TEST_CASE("POCO calls a procedure by name with an output parameter", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  int in = 21, result = 0;
  s << "{call milink_double(?, ?)}", use(in), out(result), now;
  CHECK(result == 42);
  auto calls = ts.engine.calls();
  bool seen = false;
  for (const auto& c : calls)
    if (c.kind == "procedure" && c.text == "milink_double") {
      seen = true;
      REQUIRE(c.params.size() == 2);
      CHECK(c.params[0].value.as_int64() == 21);
      CHECK(c.params[1].output);
    }
  CHECK(seen);
}

TEST_CASE("POCO reading fewer rows than sent cancels with ATTENTION, the session goes on", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  std::vector<int> ks;
  std::vector<std::string> pads;
  Statement st = (s << "SELECT big", into(ks), into(pads), limit(5));
  st.execute();
  CHECK(ks.size() == 5);
  CHECK(ks[4] == 4);
  st = Statement(s);
  int v = 0;
  s << "SELECT 12", into(v), now;
  CHECK(v == 12);
  s << "SELECT 13", into(v), now;
  CHECK(v == 13);
}

TEST_CASE("max_connections: the next login gets 17809 and is counted", "[tds][poco]") {
  TestServer ts(Encryption::Off, 2);
  DbSession a = open_session(ts.port());
  DbSession b = open_session(ts.port());
  std::string text;
  try {
    open_session(ts.port());
  } catch (const Poco::Data::ConnectionFailedException& e) {
    text = e.displayText();
  }
  INFO(text);
  CHECK(text.find("maximum number of '2' user connections") != std::string::npos);
  CHECK(ts.server->stats().connections_rejected == 1);
  CHECK(ts.server->stats().connections_active == 2);
  a.close();
  CHECK(testsupport::eventually([&] { return ts.server->stats().connections_active == 1; }, 5000));
  DbSession c = open_session(ts.port());
  int v = 0;
  c << "SELECT 3", into(v), now;
  CHECK(v == 3);
}

TEST_CASE("stop() closes live sessions and joins", "[tds][poco]") {
  TestServer ts;
  DbSession s = open_session(ts.port());
  int v = 0;
  s << "SELECT 1", into(v), now;
  CHECK(ts.server->stats().connections_active == 1);
  ts.server->stop();
  CHECK(ts.server->stats().connections_active == 0);
  CHECK(ts.engine.disconnects == 1);
  bool failed = false;
  try {
    s << "SELECT 2", into(v), now;
  } catch (const Poco::Exception&) {
    failed = true;
  }
  CHECK(failed);
}
