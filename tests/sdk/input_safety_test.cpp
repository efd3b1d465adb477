// read_regular_file, UTF-8 checks, and JSON that stays valid whatever the
// bytes: the SDK side of "no input crashes or hangs milink".
#include <milink/sdk/file.hpp>
#include <milink/sdk/json.hpp>
#include <milink/sdk/unicode.hpp>
#include <milink/sdk/value.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using milink::sdk::FileError;
using milink::sdk::read_regular_file;
using milink::sdk::Value;
namespace unicode = milink::sdk::unicode;

namespace {

struct Dir {
  Dir() {
    char tmpl[] = "/tmp/milink-sdk-file-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Dir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

std::string reason_of(const std::string& path, std::size_t max = milink::sdk::kMaxInputFileBytes) {
  try {
    read_regular_file(path, max);
  } catch (const FileError& e) {
    CHECK(std::string(e.what()) == path + " " + e.reason());
    return e.reason();
  }
  FAIL("read " << path << " without an error");
  return {};
}

}  // namespace

TEST_CASE("read_regular_file reads regular files and refuses everything else at once", "[file]") {
  Dir d;
  std::ofstream(d / "ok.txt") << "hello";
  CHECK(read_regular_file(d / "ok.txt") == "hello");
  CHECK(reason_of(d / "missing") == "cannot be opened: No such file or directory");
  CHECK(reason_of(d.path.string()) == "is a directory");
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  CHECK(reason_of(d / "fifo") == "is a FIFO (named pipe), not a regular file");  // nobody writes: no hang
  CHECK(reason_of("/dev/zero") == "is a character device, not a regular file");
  CHECK(reason_of(d / "ok.txt", 4) == "is larger than the 4 bytes allowed; is it the right file?");
  CHECK(read_regular_file(d / "ok.txt", 5) == "hello");
}

TEST_CASE("UTF-8 validation finds the first bad byte, valid_utf8 replaces bad bytes", "[unicode]") {
  CHECK(unicode::find_invalid_utf8("plain ascii") == std::string_view::npos);
  CHECK(unicode::find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD") == std::string_view::npos);
  CHECK(unicode::find_invalid_utf8("caf\xE9!") == 3);              // Latin-1
  CHECK(unicode::find_invalid_utf8("a\xC0\xAF") == 1);             // overlong '/'
  CHECK(unicode::find_invalid_utf8("ab\xED\xA0\x80") == 2);        // encoded surrogate
  CHECK(unicode::find_invalid_utf8("abc\xE2\x82") == 3);           // cut short
  CHECK(unicode::utf8_sequence_length("\xE2\x82\xAC", 0) == 3);
  CHECK(unicode::utf8_sequence_length("\x80", 0) == 0);
  CHECK(unicode::valid_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(unicode::valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("JSON text must be UTF-8, the error names line and column", "[json][unicode]") {
  try {
    milink::sdk::parse_json("{\n  \"a\": \"caf\xE9\"\n}", "t.json");
    FAIL("parsed");
  } catch (const milink::sdk::JsonError& e) {
    CHECK(std::string(e.what()) == "t.json:2:12: invalid UTF-8 (byte 0xE9) in a string; the text must be UTF-8");
  }
  try {
    milink::sdk::parse_json("[1, \xFF]", "t.json");
    FAIL("parsed");
  } catch (const milink::sdk::JsonError& e) {
    CHECK(std::string(e.what()) == "t.json:1:5: unexpected byte 0xFF, expected a value (text outside strings is ASCII)");
  }
  CHECK(milink::sdk::parse_json("\"caf\xC3\xA9\"").as_string() == "caf\xC3\xA9");
}

TEST_CASE("to_json writes invalid UTF-8 as U+FFFD, so the output is always valid JSON", "[json][unicode]") {
  const std::string out = Value(milink::sdk::Object{{"k\xFE", Value("a\xFF" "b \xC3\xA9")}}).to_json();
  CHECK(out == "{\"k\\ufffd\":\"a\\ufffdb \xC3\xA9\"}");
  CHECK(milink::sdk::parse_json(out).get("k\xEF\xBF\xBD")->as_string() == "a\xEF\xBF\xBD" "b \xC3\xA9");
}
