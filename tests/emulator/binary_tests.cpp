// milink-emulator as a user runs it: ports on the first line, a config that
// `milink run -c` uses unchanged, tsql and isql with and without TLS, and
// the state dump on Ctrl-C.
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <csignal>
#include <regex>

using testsupport::read_file;

namespace {

struct EmulatorProcess {
  testsupport::TempDir dir;
  pid_t pid = -1;
  int sql_port = 0, mi_port = 0;

  explicit EmulatorProcess(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{MILINK_EMULATOR_BINARY, "--write-config", (dir / "milink.json").string(),
                                  "--dump-state", (dir / "dump.json").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid = testsupport::spawn(argv, dir.path(), {}, "emulator");
    std::smatch m;
    std::regex ready("milink-emulator: ready sql_port=([0-9]+) mi_port=([0-9]+)");
    REQUIRE(testsupport::eventually([&] {
      std::string out = read_file(dir / "emulator.stdout");
      if (!std::regex_search(out, m, ready)) return false;
      sql_port = std::stoi(m[1]);
      mi_port = std::stoi(m[2]);
      return true;
    }));
  }

  int stop() {
    ::kill(pid, SIGINT);
    int code = testsupport::wait_for(pid);
    pid = -1;
    return code;
  }

  ~EmulatorProcess() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      testsupport::wait_for(pid);
    }
  }
};

testsupport::ProcessResult tsql(const testsupport::TempDir& dir, int port, const std::string& password,
                                const std::string& batch, const std::string& encryption) {
  testsupport::write_file(dir / "freetds.conf", "[global]\n\tencryption = " + encryption + "\n");
  testsupport::write_file(dir / "batch.sql", batch + "\ngo\nexit\n");
  return testsupport::run({"/bin/sh", "-c",
                           "tsql -H 127.0.0.1 -p " + std::to_string(port) + " -U sa -P '" + password +
                               "' < batch.sql"},
                          dir.path(), {{"FREETDSCONF", (dir / "freetds.conf").string()}, {"TDSVER", "7.4"}});
}

}  // namespace

TEST_CASE("milink-emulator prints its ports and serves tsql with and without TLS", "[emulator]") {
  EmulatorProcess emu;
  CHECK(emu.sql_port > 0);
  CHECK(emu.mi_port > 0);
  CHECK(emu.sql_port != emu.mi_port);
  // SQL Server answers ENCRYPT_OFF: a client asking for nothing gets plain text after login.
  auto plain = tsql(emu.dir, emu.sql_port, "Emulator#Passw0rd", "SELECT @@SERVERNAME", "off");
  CHECK(plain.out.find("sqlbox1") != std::string::npos);
  auto tls = tsql(emu.dir, emu.sql_port, "Emulator#Passw0rd", "SELECT @@SERVERNAME", "require");
  CHECK(tls.out.find("sqlbox1") != std::string::npos);
  // The managed instance requires encryption.
  auto mi = tsql(emu.dir, emu.mi_port, "Emulator#Passw0rd", "SELECT @@SERVERNAME", "require");
  CHECK(mi.out.find("mi1.abc123def456.database.windows.net") != std::string::npos);  // the full DNS name
  auto wrong = tsql(emu.dir, emu.sql_port, "not-the-password", "SELECT 1", "off");
  CHECK((wrong.out + wrong.err).find("Login failed for user 'sa'") != std::string::npos);
  CHECK(emu.stop() == 0);
}

TEST_CASE("isql connects to both servers through the FreeTDS ODBC driver", "[emulator]") {
  EmulatorProcess emu;
  for (auto [port, enc, name] : {std::tuple<int, const char*, const char*>{emu.sql_port, "off", "sqlbox1"},
                                 {emu.sql_port, "require", "sqlbox1"},
                                 {emu.mi_port, "require", "mi1"}}) {
    std::string cs = "Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(port) +
                     ";UID=sa;PWD=Emulator#Passw0rd;TDS_Version=7.4;ClientCharset=UTF-8;Encryption=" + enc;
    testsupport::write_file(emu.dir / "q.sql", "SELECT @@SERVERNAME\n");
    auto r = testsupport::run({"/bin/sh", "-c", "isql -k '" + cs + "' -b < q.sql"}, emu.dir.path());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(name) != std::string::npos);
  }
}

TEST_CASE("the config the emulator writes works with milink run unchanged, and the dump shows what ran",
          "[emulator]") {
  EmulatorProcess emu({"--sa-password", "Rehearse!2026-pw"});
  testsupport::write_file(emu.dir / "wf.json", R"({
  "milink": 1,
  "name": "ask_both",
  "steps": [
    { "id": "sql", "uses": "sqltest.run", "with": { "observe_sql": "SELECT @@SERVERNAME" } },
    { "id": "mi", "uses": "sqltest.run", "with": { "target": "managed_instance",
      "observe_sql": "SELECT name FROM sys.databases WHERE name = N'master'" } }
  ]
})");
  auto r = testsupport::run({testsupport::milink_binary().string(), "run", "wf.json", "-c", "milink.json",
                             "--output", "json", "--plugin-path", MILINK_SQLTEST_PLUGIN_DIR},
                            emu.dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"first\":\"sqlbox1\"") != std::string::npos);
  CHECK(r.out.find("\"first\":\"master\"") != std::string::npos);
  CHECK(r.out.find("Rehearse!2026-pw") == std::string::npos);
  std::string config = read_file(emu.dir / "milink.json");
  CHECK(config.find("Rehearse!2026-pw") == std::string::npos);  // the password lives in a 0600 file beside it

  REQUIRE(emu.stop() == 0);
  auto dump = milink::sdk::parse_json(read_file(emu.dir / "dump.json"));
  REQUIRE(dump.get("sql_server"));
  std::string all = dump.to_json();
  CHECK(all.find("SELECT @@SERVERNAME") != std::string::npos);
  CHECK(all.find("Rehearse!2026-pw") == std::string::npos);
}

TEST_CASE("milink-emulator rejects bad options with a clear message", "[emulator]") {
  testsupport::TempDir dir;
  auto r = testsupport::run({MILINK_EMULATOR_BINARY, "--bind", "0.0.0.0"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--bind must be a loopback address") != std::string::npos);
  testsupport::write_file(dir / "s.json", R"({ "sql_server": { "nmae": "x" } })");
  auto s = testsupport::run({MILINK_EMULATOR_BINARY, "--scenario", "s.json"}, dir.path());
  CHECK(s.exit_code == 2);
  CHECK(s.err.find("nmae") != std::string::npos);
}

TEST_CASE("milink-emulator refuses a scenario that is a FIFO, a directory, a device or not UTF-8", "[emulator]") {
  testsupport::TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo.json").c_str(), 0600) == 0);
  auto fifo = testsupport::run({MILINK_EMULATOR_BINARY, "--scenario", "fifo.json"}, dir.path());
  CHECK(fifo.exit_code == 2);
  CHECK(fifo.err == "milink-emulator: error: fifo.json is a FIFO (named pipe), not a regular file\n");
  auto zero = testsupport::run({MILINK_EMULATOR_BINARY, "--scenario", "/dev/zero"}, dir.path());
  CHECK(zero.exit_code == 2);
  CHECK(zero.err == "milink-emulator: error: /dev/zero is a character device, not a regular file\n");
  auto here = testsupport::run({MILINK_EMULATOR_BINARY, "--scenario", "."}, dir.path());
  CHECK(here.exit_code == 2);
  CHECK(here.err == "milink-emulator: error: . is a directory\n");
  testsupport::write_file(dir / "latin1.json", "{ \"sql_server\": { \"name\": \"caf\xE9\" } }");
  auto latin1 = testsupport::run({MILINK_EMULATOR_BINARY, "--scenario", "latin1.json"}, dir.path());
  CHECK(latin1.exit_code == 2);
  CHECK(latin1.err.find("latin1.json:1:31: invalid UTF-8 (byte 0xE9) in a string; the text must be UTF-8") !=
        std::string::npos);
}

TEST_CASE("milink-emulator --version prints the same version as milink --version", "[emulator]") {
  testsupport::TempDir dir;
  auto emu = testsupport::run({MILINK_EMULATOR_BINARY, "--version"}, dir.path());
  REQUIRE(emu.exit_code == 0);
  auto milink = testsupport::run({testsupport::milink_binary().string(), "--version"}, dir.path());
  REQUIRE(milink.exit_code == 0);
  const std::string version = milink.out.substr(0, milink.out.find('\n'));  // "milink X.Y.Z"
  REQUIRE(version.rfind("milink ", 0) == 0);
  CHECK(emu.out == "milink-emulator " + version.substr(7) + "\n");
  auto help = testsupport::run({MILINK_EMULATOR_BINARY, "--help"}, dir.path());
  CHECK(help.out.find("--version") != std::string::npos);
}
