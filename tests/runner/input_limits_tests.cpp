// Input that must never crash or hang milink: files that are not regular
// files or are too large, invalid UTF-8, absurd expressions, bad ports.
// Driven through the milink binary, as a user would.
#include "runner_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

using namespace runnertest;

namespace {

const char* kGood = R"({ "milink": 1, "name": "good", "inputs": { "word": { "type": "string", "default": "x" } },
  "steps": [ { "id": "one", "uses": "test.record", "with": { "message": "${{ inputs.word }}" } } ] })";

}  // namespace

TEST_CASE("a workflow or config that is a directory, a FIFO or a device is refused at once", "[runner][limits]") {
  Sandbox sb;
  sb.write("good.json", kGood);
  fs::create_directory(sb / "dir.json");
  REQUIRE(::mkfifo((sb / "fifo.json").c_str(), 0600) == 0);

  auto dir = sb.milink({"validate", "dir.json"});
  CHECK(dir.exit_code == 2);
  CHECK(dir.err.find("milink: error: dir.json: the file is a directory (name a regular file of at most 16 MiB; check "
                     "the path and permissions)\n") != std::string::npos);

  // Nobody writes to the FIFO: reading it would block forever.
  auto fifo = sb.milink({"validate", "fifo.json"});
  CHECK(fifo.exit_code == 2);
  CHECK(fifo.err.find("milink: error: fifo.json: the file is a FIFO (named pipe), not a regular file") !=
        std::string::npos);

  auto zero = sb.milink({"validate", "/dev/zero"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("milink: error: /dev/zero: the file is a character device, not a regular file") !=
        std::string::npos);

  auto cfg = sb.milink({"validate", "good.json", "-c", "fifo.json"});
  CHECK(cfg.exit_code == 2);
  CHECK(cfg.err.find("fifo.json: the file is a FIFO (named pipe), not a regular file") != std::string::npos);

  auto run = sb.milink({"run", "good.json", "-c", "/dev/zero"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("/dev/zero: the file is a character device, not a regular file") != std::string::npos);
  CHECK(sb.records().empty());
}

TEST_CASE("a workflow larger than 16 MiB is refused before it is read", "[runner][limits]") {
  Sandbox sb;
  sb.write("big.json", "{}");
  // Sparse: 17 MiB on paper, nothing on disk.
  REQUIRE(::truncate((sb / "big.json").c_str(), 17 * 1024 * 1024) == 0);
  auto r = sb.milink({"validate", "big.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("milink: error: big.json: the file is larger than the 16777216 bytes allowed; is it the right "
                   "file?") != std::string::npos);
}

TEST_CASE("a from_file secret naming a directory or a FIFO is an error, not an empty secret", "[runner][limits]") {
  Sandbox sb;
  sb.write("good.json", kGood);
  fs::create_directory(sb / "secrets");
  REQUIRE(::mkfifo((sb / "pipe").c_str(), 0600) == 0);
  sb.write("cfg.json", R"({ "milink_config": 1,
  "sqlserver": { "password": { "from_file": "secrets" } },
  "managed_instance": { "password": { "from_file": "pipe" } } })");
  auto r = sb.milink({"validate", "good.json", "-c", "cfg.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cfg.json:2:32: /sqlserver/password/from_file: the secret file secrets is a directory (check the "
                   "path; a relative one starts at the config file's folder; it must be a regular file of at most 16 "
                   "MiB)") != std::string::npos);
  CHECK(r.err.find("cfg.json:3:39: /managed_instance/password/from_file: the secret file pipe is a FIFO (named "
                   "pipe), not a regular file") != std::string::npos);
}

TEST_CASE("invalid UTF-8 in a workflow, a config or --set is an error naming where it is", "[runner][limits]") {
  Sandbox sb;
  sb.write("bad.json", "{ \"milink\": 1, \"name\": \"bad\",\n  \"description\": \"caf\xE9\",\n  \"steps\": [] }");
  auto wf = sb.milink({"validate", "bad.json"});
  CHECK(wf.exit_code == 2);
  CHECK(wf.err.find("bad.json:2:22: invalid JSON: invalid UTF-8 (byte 0xE9) in a string; the text must be UTF-8") !=
        std::string::npos);

  sb.write("good.json", kGood);
  sb.write("cfg.json", "{ \"milink_config\": 1,\n \"sqlserver\": { \"name\": \"\xC0\xAF\" } }");
  auto cfg = sb.milink({"validate", "good.json", "-c", "cfg.json"});
  CHECK(cfg.exit_code == 2);
  CHECK(cfg.err.find("cfg.json:2:26: invalid JSON: invalid UTF-8 (byte 0xC0) in a string; the text must be UTF-8") !=
        std::string::npos);

  auto set = sb.milink({"validate", "good.json", "--set", "word=ab\xFF"});
  CHECK(set.exit_code == 2);
  CHECK(set.err.find("--set word: invalid UTF-8 (byte 0xFF at byte 8 of the argument) (command-line values must be "
                     "UTF-8; check the terminal's or the script's encoding)") != std::string::npos);

  // JSON output stays valid JSON even when what it reports is not UTF-8 (here,
  // the file name): the bad byte becomes U+FFFD.
  auto json = sb.milink({"run", "nowhere-\xFF.json", "--output", "json"});
  CHECK(json.exit_code == 2);
  auto events = parse_events(json.out);
  REQUIRE(events.size() == 1);
  CHECK(json.out.find("nowhere-\\ufffd.json") != std::string::npos);
}

TEST_CASE("absurd expressions are refused by validate, not evaluated", "[runner][limits]") {
  Sandbox sb;
  std::string chain = "a";
  for (int i = 1; i < 40000; ++i) chain += " && a";
  sb.write("chain.json", R"({ "milink": 1, "name": "chain", "steps": [ { "id": "one", "uses": "test.record",
    "if": ")" + chain + R"(", "with": { "message": "x" } } ] })");
  auto r = sb.milink({"validate", "chain.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/steps/0/if: invalid expression: expression is too deep (more than 256 operators, accesses or "
                   "calls inside one another); split it into smaller expressions (at character 1278") !=
        std::string::npos);

  sb.write("parens.json", R"({ "milink": 1, "name": "parens", "steps": [ { "id": "one", "uses": "test.record",
    "with": { "message": "${{ )" + std::string(7000, '(') + "'x'" + std::string(7000, ')') + R"( }}" } } ] })");
  auto p = sb.milink({"validate", "parens.json"});
  CHECK(p.exit_code == 2);
  CHECK(p.err.find("invalid expression: expression is nested too deeply (more than 64 levels)") != std::string::npos);
}

TEST_CASE("ports outside 1-65535 are refused by validation", "[runner][limits]") {
  Sandbox sb;
  sb.write("good.json", kGood);
  sb.write("cfg.json", R"({ "milink_config": 1,
  "sqlserver": { "port": 70000, "endpoint_port": 0 },
  "managed_instance": { "port": -1 } })");
  auto r = sb.milink({"validate", "good.json", "-c", "cfg.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cfg.json:2:18: /sqlserver/port: 70000 is not a TCP port (a port is between 1 and 65535)") !=
        std::string::npos);
  CHECK(r.err.find("/sqlserver/endpoint_port: 0 is not a TCP port") != std::string::npos);
  CHECK(r.err.find("/managed_instance/port: -1 is not a TCP port") != std::string::npos);
}
