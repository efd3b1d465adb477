// milink::sdk::base64: RFC 4648's test vectors, both alphabets, and every
// malformed shape the decoder must refuse.
#include <milink/sdk/base64.hpp>

#include <catch2/catch.hpp>

using milink::sdk::base64::Alphabet;
using milink::sdk::base64::decode;
using milink::sdk::base64::encode;

TEST_CASE("base64 encodes RFC 4648's test vectors, padded", "[sdk][base64]") {
  CHECK(encode("") == "");
  CHECK(encode("f") == "Zg==");
  CHECK(encode("fo") == "Zm8=");
  CHECK(encode("foo") == "Zm9v");
  CHECK(encode("foob") == "Zm9vYg==");
  CHECK(encode("fooba") == "Zm9vYmE=");
  CHECK(encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64url writes '-' and '_' and no padding, on one line", "[sdk][base64]") {
  std::string bytes = "\xfb\xff\xbf";
  CHECK(encode(bytes) == "+/+/");
  CHECK(encode(bytes, Alphabet::url) == "-_-_");
  CHECK(encode("f", Alphabet::url) == "Zg");
  CHECK(encode("fo", Alphabet::url) == "Zm8");
  std::string long_input(200, 'x');
  CHECK(encode(long_input).find('\n') == std::string::npos);
  CHECK(encode(long_input, Alphabet::url).find('\n') == std::string::npos);
}

TEST_CASE("base64 round-trips every byte value in both alphabets", "[sdk][base64]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 255u, 256u}) {
    std::string in = all.substr(0, n);
    INFO(n);
    CHECK(decode(encode(in)) == in);
    CHECK(decode(encode(in, Alphabet::url), Alphabet::url) == in);
  }
}

TEST_CASE("base64 decoding takes padding as optional", "[sdk][base64]") {
  CHECK(decode("Zm9vYg==") == std::string("foob"));
  CHECK(decode("Zm9vYg") == std::string("foob"));
  CHECK(decode("Zm8", Alphabet::url) == std::string("fo"));
  CHECK(decode("Zm8=", Alphabet::url) == std::string("fo"));
  CHECK(decode("") == std::string(""));
}

TEST_CASE("base64 decoding refuses what no encoder writes", "[sdk][base64]") {
  CHECK_FALSE(decode("Zm9v YmFy"));           // whitespace
  CHECK_FALSE(decode("Zm9v\nYmFy"));
  CHECK_FALSE(decode("-_-_"));                // url characters in the standard alphabet
  CHECK_FALSE(decode("+/+/", Alphabet::url)); // and the reverse
  CHECK_FALSE(decode("Zm9vY"));               // a lone trailing character cannot hold a byte
  CHECK_FALSE(decode("Zg=a"));                // padding in the middle
  CHECK_FALSE(decode("Zg==="));               // too much padding
  CHECK_FALSE(decode("Zm8=="));               // padding that does not complete a group
  CHECK_FALSE(decode("Zm9v!"));
}
