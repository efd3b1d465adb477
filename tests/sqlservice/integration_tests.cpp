// The SQL service through the real ODBC stack (POCO Data/ODBC session,
// unixODBC, FreeTDS 1.3) against the emulator's TDS server with a scripted
// engine, reached through a TcpProxy that can cut connections.
#include "run/redactor.hpp"
#include "run/step_context.hpp"
#include "scripted_engine.hpp"
#include "sql/sql_service.hpp"
#include "tcp_proxy.hpp"
#include "tds/tds_server.hpp"

#include <test_support.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

using milink::sdk::Object;
using milink::sdk::SqlDateTime;
using milink::sdk::SqlError;
using milink::sdk::SqlResult;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;
using milink::sdk::Value;
using milink::sql::OdbcSqlSession;
using milink::sql::SqlService;
using namespace sqltest;

namespace {

/// A TDS server with the scripted engine, behind a proxy.
struct Emulator {
  ScriptedEngine engine;
  milink::emulator::TdsServer server;
  std::unique_ptr<TcpProxy> proxy;

  Emulator() : server(engine, options()) {
    server.start();
    proxy = std::make_unique<TcpProxy>(server.port());
    engine.on_kill([this] { proxy->kill_all(); });
  }

  static milink::emulator::TdsServerOptions options() {
    milink::emulator::TdsServerOptions o;
    o.encryption = milink::emulator::Encryption::NotSupported;
    return o;
  }

  Object target(int timeout_seconds = 10, const std::string& password = kPassword) const {
    return Object{{"host", Value("127.0.0.1")},
                  {"port", Value(static_cast<int>(proxy->port()))},
                  {"user", Value(kUser)},
                  {"password", Value(password)},
                  {"encryption", Value("off")},
                  {"timeout_seconds", Value(timeout_seconds)}};
  }
  Value config(int timeout_seconds = 10, const std::string& password = kPassword) const {
    return Value(Object{{"milink_config", Value(1)}, {"sqlserver", Value(target(timeout_seconds, password))}});
  }

  std::unique_ptr<OdbcSqlSession> open(bool read_only = false, int timeout_seconds = 10) const {
    SqlService svc(config(timeout_seconds));
    std::string error;
    auto s = svc.open("sqlserver", read_only, {}, error);
    INFO(error);
    REQUIRE(s != nullptr);
    return s;
  }
};

SqlResult run_ok(OdbcSqlSession& s, const std::string& sql, const std::vector<SqlValue>& params = {},
                 bool idempotent = false) {
  SqlResult out;
  SqlError err;
  bool ok = s.execute(sql, params, idempotent, out, err);
  INFO("SQL error " << err.number << " [" << err.sqlstate << "] " << err.message);
  REQUIRE(ok);
  return out;
}

}  // namespace

TEST_CASE("typed result sets with NULLs come back typed") {
  Emulator emu;
  auto s = emu.open();
  CHECK(s->target() == "sqlserver");
  SqlResult r = run_ok(*s, kScriptTyped);
  REQUIRE(r.sets.size() == 1);
  const auto& set = r.sets[0];
  REQUIRE(set.columns.size() == 7);
  CHECK(set.columns[0].name == "i");
  CHECK(set.columns[0].type == SqlType::Int);
  CHECK(set.columns[1].type == SqlType::BigInt);
  CHECK(set.columns[2].type == SqlType::NVarChar);
  CHECK(set.columns[3].type == SqlType::VarBinary);
  CHECK(set.columns[4].type == SqlType::DateTime2);
  CHECK(set.columns[5].type == SqlType::Bit);
  CHECK(set.columns[6].type == SqlType::Float);
  REQUIRE(set.rows.size() == 2);
  const auto& row = set.rows[0];
  CHECK(row[0] == SqlValue::integer(-7));
  CHECK(row[1] == SqlValue::bigint(9007199254740993LL));
  CHECK(row[2] == SqlValue::nvarchar("alpha"));
  CHECK(row[3] == SqlValue::varbinary({0x00, 0x01, 0x02, 0xFF}));
  CHECK(row[4].as_datetime().to_iso() == "2024-02-29T13:45:30.1234567");
  CHECK(row[5] == SqlValue::bit(true));
  CHECK(row[6].as_double() == 2.5);
  CHECK(set.at(0, "S").as_string() == "alpha");
  for (std::size_t c = 0; c < 7; ++c) {
    INFO("column " << c);
    CHECK(set.rows[1][c].is_null());
    CHECK(set.rows[1][c].type() == set.columns[c].type);
  }
  CHECK(r.rows_affected == -1);  // a SELECT is not a counting statement
}

TEST_CASE("a 10 KB varbinary(max) is read whole") {
  Emulator emu;
  auto s = emu.open();
  SqlResult r = run_ok(*s, kScriptBlob);
  REQUIRE(r.sets.size() == 1);
  REQUIRE(r.sets[0].rows.size() == 1);
  const auto& bytes = r.sets[0].rows[0][0].as_bytes();
  REQUIRE(bytes.size() == static_cast<std::size_t>(kBlobSize));
  bool same = true;
  for (std::size_t i = 0; i < bytes.size(); ++i) same &= bytes[i] == blob_byte(i);
  CHECK(same);
}

TEST_CASE("every result set of a batch is returned") {
  Emulator emu;
  auto s = emu.open();
  SqlResult r = run_ok(*s, kScriptTwoSets);
  REQUIRE(r.sets.size() == 2);
  CHECK(r.sets[0].columns[0].name == "one");
  CHECK(r.sets[0].rows.at(0).at(0) == SqlValue::integer(1));
  REQUIRE(r.sets[1].columns.size() == 2);
  CHECK(r.sets[1].at(0, "word") == SqlValue::nvarchar("two"));
  CHECK(r.sets[1].at(0, "two") == SqlValue::integer(2));
}

TEST_CASE("row counts and PRINT messages are reported") {
  Emulator emu;
  auto s = emu.open();
  SqlResult upd = run_ok(*s, kScriptUpdate);
  CHECK(upd.sets.empty());
  CHECK(upd.rows_affected == 3);

  SqlResult printed = run_ok(*s, kScriptPrint);
  REQUIRE(printed.sets.size() == 1);
  CHECK(printed.sets[0].rows.at(0).at(0) == SqlValue::integer(7));
  bool found = false;
  for (const auto& m : printed.messages) found |= m.text == "hello";
  CHECK(found);

  // rows_affected is the count of the last statement without a result set;
  // a SELECT's own row count does not replace it.
  SqlResult mixed = run_ok(*s, kScriptMixed);
  REQUIRE(mixed.sets.size() == 2);
  CHECK(mixed.sets[1].rows.size() == 2);
  CHECK(mixed.rows_affected == 5);
}

TEST_CASE("TLS: encryption require against a server that encrypts everything") {
  ScriptedEngine engine;
  milink::emulator::TdsServerOptions o;
  o.encryption = milink::emulator::Encryption::On;
  milink::emulator::TdsServer server(engine, o);
  server.start();
  Object t{{"host", Value("127.0.0.1")},
           {"port", Value(static_cast<int>(server.port()))},
           {"user", Value(kUser)},
           {"password", Value(kPassword)},
           {"encryption", Value("require")}};
  SqlService svc(Value(Object{{"sqlserver", Value(t)}}));
  std::string error;
  auto s = svc.open("sqlserver", false, {}, error);
  INFO(error);
  REQUIRE(s != nullptr);
  SqlResult r = run_ok(*s, kScriptUtf8);
  CHECK(r.sets.at(0).rows.at(0).at(0).as_string() == kUtf8Text);

  // Against a server that encrypts the login only, milink's default (request) works too.
  {
    ScriptedEngine e2;
    milink::emulator::TdsServerOptions o2;
    o2.encryption = milink::emulator::Encryption::Off;
    milink::emulator::TdsServer login_only(e2, o2);
    login_only.start();
    Object t2 = t;
    t2.set("port", Value(static_cast<int>(login_only.port())));
    t2.erase("encryption");
    SqlService svc2(Value(Object{{"sqlserver", Value(t2)}}));
    auto s2 = svc2.open("sqlserver", false, {}, error);
    INFO(error);
    REQUIRE(s2 != nullptr);
    CHECK(s2->redacted_connection_string().find("Encryption=request;") != std::string::npos);
    CHECK(run_ok(*s2, kScriptTyped).sets.size() == 1);
  }

  // A client that refuses encryption cannot log in to it, and is told what to check.
  t.set("encryption", Value("off"));
  SqlService plain(Value(Object{{"sqlserver", Value(t)}}));
  CHECK(plain.open("sqlserver", false, {}, error) == nullptr);
  CHECK(error.find("cannot connect to SQL target \"sqlserver\"") != std::string::npos);
}

TEST_CASE("SQL errors carry number, SQLSTATE and a clean message, the session stays usable") {
  Emulator emu;
  auto s = emu.open();
  SqlResult out;
  SqlError err;
  CHECK_FALSE(s->execute(kScriptError, {}, false, out, err));
  CHECK(err.number == 15151);
  CHECK(err.sqlstate == "42000");
  CHECK(err.message ==
        "Cannot drop the login 'nobody', because it does not exist or you do not have permission.");
  CHECK_FALSE(err.connection_lost);
  CHECK_FALSE(err.timed_out);

  CHECK_FALSE(s->execute("SELEKT nonsense", {}, true, out, err));
  CHECK(err.number == 102);

  // An error after a result set fails the batch; what was read stays in out.
  CHECK_FALSE(s->execute(kScriptSetThenError, {}, false, out, err));
  CHECK(err.number == 15151);
  CHECK(out.sets.size() == 1);

  SqlResult after = run_ok(*s, kScriptTyped);
  CHECK(after.sets.size() == 1);
  CHECK(s->connects() == 1);
}

TEST_CASE("bound parameters of every type reach the server typed and come back") {
  Emulator emu;
  auto s = emu.open();
  std::string long_text(5000, 'x');
  long_text += "é";
  std::vector<std::uint8_t> long_bytes(9000);
  for (std::size_t i = 0; i < long_bytes.size(); ++i) long_bytes[i] = static_cast<std::uint8_t>(i);
  SqlDateTime when{2026, 11, 26, 6, 13, 36, 123456700};
  std::vector<SqlValue> params = {
      SqlValue::integer(-123456),
      SqlValue::bigint(-9007199254740993LL),
      SqlValue::bit(true),
      SqlValue::nvarchar(kUtf8Text),
      SqlValue::nvarchar(long_text),
      SqlValue::varbinary({0xDE, 0xAD, 0xBE, 0xEF}),
      SqlValue::varbinary(long_bytes),
      SqlValue::datetime2(when),
      SqlValue::floating(-0.125),
      SqlValue::null(SqlType::Int),
      SqlValue::null(),
      SqlValue::nvarchar(""),
  };
  std::string sql = kScriptEchoTag + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  SqlResult r = run_ok(*s, sql, params);

  // What the server received.
  auto received = emu.engine.last_echo_params();
  REQUIRE(received.size() == params.size());
  const char* expected_types[] = {"int",      "bigint",    "bit",       "nvarchar", "nvarchar", "varbinary",
                                  "varbinary", "datetime2", "float",     "int",      "nvarchar", "nvarchar"};
  for (std::size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i + 1 << ": " << received[i].value.to_display());
    CHECK(std::string(milink::sdk::sql_type_name(received[i].value.type())) == expected_types[i]);
    CHECK(received[i].value.is_null() == params[i].is_null());
    if (!params[i].is_null()) CHECK(received[i].value == params[i]);
  }
  CHECK(received[7].value.as_datetime().nanosecond == 123456700);

  // And what came back.
  REQUIRE(r.sets.size() == 2);
  REQUIRE(r.sets[0].rows.size() == 1);
  const auto& row = r.sets[0].rows[0];
  REQUIRE(row.size() == params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    INFO("column " << i + 1);
    if (params[i].is_null())
      CHECK(row[i].is_null());
    else
      CHECK(row[i] == params[i]);
  }
  CHECK(r.sets[1].rows.size() == params.size());
}

TEST_CASE("values larger than one read buffer (64 KiB) are read in chunks") {
  Emulator emu;
  auto s = emu.open();
  std::string text;
  for (int i = 0; i < 40000; ++i) text += (i % 7 == 0) ? "€" : "a";  // 40000 UTF-16 units, > 64 KiB
  std::vector<std::uint8_t> bytes(200 * 1024);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = blob_byte(i * 13);
  SqlResult r = run_ok(*s, kScriptEchoTag + " SELECT ?, ?", {SqlValue::nvarchar(text), SqlValue::varbinary(bytes)});
  REQUIRE(r.sets.size() == 2);
  const auto& row = r.sets[0].rows.at(0);
  CHECK(row.at(0).as_string().size() == text.size());
  CHECK(row.at(0).as_string() == text);
  CHECK(row.at(1).as_bytes().size() == bytes.size());
  CHECK(row.at(1).as_bytes() == bytes);
}

TEST_CASE("UTF-8 survives the statement text, parameters and results") {
  Emulator emu;
  auto s = emu.open();
  SqlResult r = run_ok(*s, kScriptUtf8);
  REQUIRE(r.sets.size() == 1);
  CHECK(r.sets[0].rows.at(0).at(0).as_string() == kUtf8Text);
  CHECK(emu.engine.count(kScriptUtf8) == 1);  // the text arrived byte-exact

  SqlResult echoed = run_ok(*s, kScriptEchoTag + " SELECT ?", {SqlValue::nvarchar(kUtf8Text)});
  REQUIRE(echoed.sets.size() == 2);
  CHECK(echoed.sets[0].rows.at(0).at(0).as_string() == kUtf8Text);
}

TEST_CASE("a statement that runs too long times out") {
  Emulator emu;
  auto s = emu.open(false, /*timeout_seconds=*/1);
  SqlResult out;
  SqlError err;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(s->execute(kScriptSlow, {}, true, out, err));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  INFO(err.sqlstate << " " << err.message);
  CHECK(err.timed_out);
  CHECK(err.sqlstate == "HYT00");
  CHECK(elapsed < std::chrono::milliseconds(3900));
  CHECK(emu.engine.count(kScriptSlow) == 1);  // a timeout is not retried
  // The session is usable afterwards: FreeTDS gives up the connection when the
  // cancel is not acknowledged in time, and then the next statement
  // reconnects before it is sent, so even a non-idempotent one runs once.
  SqlResult after = run_ok(*s, kScriptTyped, {}, /*idempotent=*/false);
  CHECK(after.sets.size() == 1);
  CHECK(emu.engine.count(kScriptTyped) == 1);
  if (err.connection_lost) CHECK(s->connects() == 2);
}

TEST_CASE("a broken connection is reconnected and an idempotent statement run again once") {
  Emulator emu;
  auto s = emu.open();
  SqlResult r = run_ok(*s, kScriptKill, {}, /*idempotent=*/true);
  REQUIRE(r.sets.size() == 1);
  CHECK(r.sets[0].rows.at(0).at(0) == SqlValue::integer(42));
  CHECK(emu.engine.count(kScriptKill) == 2);
  CHECK(s->connects() == 2);
  CHECK(emu.proxy->accepted() == 2);
}

TEST_CASE("a broken connection is reported, not retried, for a non-idempotent statement") {
  Emulator emu;
  auto s = emu.open();
  SqlResult out;
  SqlError err;
  CHECK_FALSE(s->execute(kScriptKill, {}, /*idempotent=*/false, out, err));
  INFO(err.sqlstate << " " << err.message);
  CHECK(err.connection_lost);
  CHECK_FALSE(err.timed_out);
  CHECK(err.message.find("did not repeat") != std::string::npos);
  CHECK(emu.engine.count(kScriptKill) == 1);
  CHECK(s->connects() == 1);
  // The next statement reconnects first.
  SqlResult after = run_ok(*s, kScriptTyped);
  CHECK(after.sets.size() == 1);
  CHECK(s->connects() == 2);
}

TEST_CASE("a connection cut while idle is replaced for the next idempotent statement") {
  Emulator emu;
  auto s = emu.open();
  run_ok(*s, kScriptTyped);
  emu.proxy->kill_all();
  REQUIRE(testsupport::eventually([&] { return emu.server.stats().connections_active == 0; }, 5000));
  SqlResult r = run_ok(*s, kScriptTyped, {}, /*idempotent=*/true);
  CHECK(r.sets.size() == 1);
  CHECK(s->connects() == 2);
}

TEST_CASE("a read-only session refuses changes before sending them") {
  Emulator emu;
  auto s = emu.open(/*read_only=*/true);
  CHECK(s->read_only());
  SqlResult out;
  SqlError err;
  CHECK_FALSE(s->execute(kScriptUpdate, {}, true, out, err));
  CHECK(err.message.find("read-only") != std::string::npos);
  CHECK(err.message.find("UPDATE") != std::string::npos);
  CHECK(err.number == 0);
  CHECK(emu.engine.count(kScriptUpdate) == 0);
  CHECK_FALSE(s->execute(kScriptError, {}, true, out, err));  // DROP LOGIN
  CHECK(emu.engine.count(kScriptError) == 0);
  // Reads still run.
  SqlResult r = run_ok(*s, kScriptTyped);
  CHECK(r.sets.size() == 1);
}

TEST_CASE("a failed login names the target and the SQL error, never the password") {
  Emulator emu;
  const std::string wrong = "Wr0ng;pass}word";
  SqlService svc(emu.config(10, wrong));
  std::string error;
  auto s = svc.open("sqlserver", false, {}, error);
  CHECK(s == nullptr);
  INFO(error);
  CHECK(error.find("\"sqlserver\"") != std::string::npos);
  CHECK(error.find("127.0.0.1:" + std::to_string(emu.proxy->port())) != std::string::npos);
  CHECK(error.find("driver FreeTDS") != std::string::npos);
  CHECK(error.find("18456") != std::string::npos);
  CHECK(error.find("Login failed for user 'milink'") != std::string::npos);
  CHECK(error.find("/sqlserver/password") != std::string::npos);
  CHECK(error.find("Wr0ng") == std::string::npos);
  CHECK(error.find("pass}word") == std::string::npos);
  CHECK(emu.engine.logins() >= 1);
}

TEST_CASE("each step execution gets its own session, closed when the step ends") {
  Emulator emu;
  SqlService svc(emu.config());
  milink::sdk::StepSpec spec;
  spec.uses = "test-step";
  milink::run::Redactor redactor;
  std::function<bool()> cancelled = [] { return false; };
  auto no_providers = [](const std::string&, const std::string&, std::string& err) -> milink::sdk::Provider* {
    err = "none";
    return nullptr;
  };
  {
    milink::run::StepContextImpl a("a", spec, false, false, redactor, [](Object) {}, no_providers, cancelled);
    milink::run::StepContextImpl b("b", spec, true, false, redactor, [](Object) {}, no_providers, cancelled);
    a.use_sql(&svc);
    b.use_sql(&svc);
    std::string error;
    milink::sdk::SqlSession* sa = a.services().sql("sqlserver", error);
    INFO(error);
    REQUIRE(sa != nullptr);
    CHECK(a.services().sql("sqlserver", error) == sa);  // same session for the same step execution
    milink::sdk::SqlSession* sb = b.services().sql("sqlserver", error);
    REQUIRE(sb != nullptr);
    CHECK(sb != sa);
    CHECK(emu.server.stats().connections_active == 2);

    SqlResult out;
    SqlError err;
    CHECK(sa->execute(kScriptUpdate, {}, false, out, err));
    CHECK(out.rows_affected == 3);
    // b is a dry-run context: its session is read-only.
    CHECK_FALSE(sb->execute(kScriptUpdate, {}, false, out, err));
    CHECK(err.message.find("read-only") != std::string::npos);
    CHECK(emu.engine.count(kScriptUpdate) == 1);
  }
  CHECK(testsupport::eventually([&] { return emu.server.stats().connections_active == 0; }, 5000));
}
