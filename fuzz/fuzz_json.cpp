// fuzz_json: the SDK's located JSON reader (sdk/src/json.cpp). Any input
// either parses or raises JsonError; a parsed value serialises to JSON the
// reader accepts again.
#include <milink/sdk/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  milink::sdk::SourceMap map;
  milink::sdk::Value v;
  try {
    v = milink::sdk::parse_json(text, "fuzz.json", &map);
  } catch (const milink::sdk::JsonError&) {
    return 0;
  }
  map.locate("/a/0/b");
  std::string again = v.to_json();
  try {
    milink::sdk::parse_json(again, "again.json");
  } catch (const milink::sdk::JsonError&) {
    std::abort();  // to_json() wrote text the reader refuses
  }
  return 0;
}
